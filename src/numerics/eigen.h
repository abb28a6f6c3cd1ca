/* The top eigenpairs of a symmetric positive semi-definite operator: what both oracles
 * return, and the dense oracle (a formed matrix, by LAPACK). The matrix-free one is
 * lanczos.h. */
#ifndef RM_NUMERICS_EIGEN_H
#define RM_NUMERICS_EIGEN_H

#include <stddef.h>

/* Most pairs either oracle returns: those within delta of the top value, at most this. */
#define RM_MAX_PAIRS 16

typedef struct rm_eig_result {
    size_t k;                        /* pairs returned: values within delta of values[0] */
    double values[RM_MAX_PAIRS];     /* descending */
    double residuals[RM_MAX_PAIRS];  /* ||A v - value v|| */
    double *vectors;                 /* caller's buffer of d x RM_MAX_PAIRS, column-major */
    size_t products;                 /* operator applications to single vectors */
    size_t steps;                    /* calls of the operator (passes over the data) */
    int converged;                   /* residuals[0] <= tol * values[0], the others
                                        <= tol_rest * values[0] */
} rm_eig_result;

/* The top pairs (values within delta of the top, at most max_pairs) of a dense symmetric
 * d x d matrix C (column-major; destroyed) by LAPACKE_dsyevr; residuals computed against
 * a copy kept in work (d*d doubles).
 * Returns RM_OK, RM_ENUMERIC or RM_ENOMEM. */
int rm_eig_top_dense(double *C, size_t d, double delta, size_t max_pairs, rm_eig_result *res,
                     double *work);

#endif
