/* The geometric median: the point minimising the sum of Euclidean distances to the rows. */
#ifndef RM_GEOMEDIAN_H
#define RM_GEOMEDIAN_H

#include <stddef.h>

#include "common/matrix.h"

/* Geometric median of the rows of P (finite) into y[0..d).
 * Weiszfeld's iteration from the coordinate-wise median, with Vardi and Zhang's step when
 * an iterate lands on a row (plain Weiszfeld would divide by zero there). It stops when a
 * step moves y by at most tol times the mean distance of the rows to y, or when y is
 * exactly a row that is optimal. *iterations and *objective (the sum of distances at the
 * last evaluated iterate) may be NULL. threads: for the passes of the start (the
 * resolved count of rm_options; 0 is OpenMP's default, which is 1 inside rm_mean).
 * Returns RM_OK, RM_NOT_CONVERGED after max_iter iterations (y holds the last iterate),
 * or RM_ENOMEM. */
int rm_geometric_median(const rm_matrix *P, double tol, size_t max_iter, int threads,
                        double *y, size_t *iterations, double *objective);

#define RM_GEOMEDIAN_TOL 1e-10
#define RM_GEOMEDIAN_MAX_ITER 1000

#endif
