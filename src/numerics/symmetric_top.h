/* The symmetric eigenproblem both eigen oracles solve with LAPACK: the Lanczos oracle on
 * its projected matrix, the dense oracle on Sigma_q itself. Internal to numerics/. */
#ifndef RM_NUMERICS_SYMMETRIC_TOP_H
#define RM_NUMERICS_SYMMETRIC_TOP_H

#include <lapacke.h>
#include <stddef.h>

/* The top `want` eigenpairs of the symmetric n x n matrix A (column-major, upper triangle
 * read, destroyed): values ascending into w[0..want) (w holds n), vectors into the
 * columns of Z (n x want). By dsyevr (MRRR); when that reports an internal failure
 * (info > 0: its representation tree did not converge, as on matrices whose entries span
 * hundreds of orders of magnitude) or returns fewer pairs than asked without one (Debian's
 * OpenBLAS 0.3.21 on one thread, for the top 2 of a 9 x 9 matrix with a six-fold
 * eigenvalue: found by fuzz_mean), by dsyev (QR) on A refilled from the upper triangle
 * of source (leading dimension ld), which is slower but does not fail that way.
 * Returns RM_OK, RM_ENOMEM or RM_ENUMERIC. */
int rm_eig_symmetric_top(size_t n, double *A, size_t want, double *w, double *Z,
                         lapack_int *isuppz, const double *source, size_t ld);

#endif
