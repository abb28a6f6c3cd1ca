/* The geometric median: the point minimising the sum of Euclidean distances to the rows. */
#ifndef RM_GEOMEDIAN_H
#define RM_GEOMEDIAN_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"
#include "robustmean.h"

/* When Weiszfeld's iteration stops: a step of at most tol times the mean distance of the
 * rows to y, max_iter iterations, or max_seconds (0: no budget) since start
 * (rm_clock_seconds()) on the slowest process. */
typedef struct rm_geomedian_limits {
    double tol;
    size_t max_iter;
    double max_seconds, start;
} rm_geomedian_limits;

typedef struct rm_geomedian_result {
    size_t iterations;
    double objective; /* the sum of distances at the last evaluated iterate */
    rm_stop stop;     /* RM_STOP_STEP_TOLERANCE, _ITERATION_CAP or _TIME_BUDGET */
} rm_geomedian_result;

/* The limits rm_options sets (0: the defaults below), the budget counted from start. */
void rm_geomedian_limits_of(const rm_options *opt, double start, rm_geomedian_limits *limits);

/* Geometric median of the rows of P (finite) into y[0..d); spread over processes
 * (common/row_range.h; range NULL: every row is in P), of every process's rows, each
 * process calling and receiving the same y and result: the passes sum fixed chunks of
 * the rows and add them in order, so the result does not depend on the number of
 * threads, nor on the split when the processes' first rows fall on the chunks' bounds
 * (else it differs by rounding).
 * Weiszfeld's iteration from the coordinate-wise median, with Vardi and Zhang's step when
 * an iterate lands on a row (plain Weiszfeld would divide by zero there). It stops when a
 * step moves y by at most tol times the mean distance of the rows to y, when y is exactly
 * a row that is optimal, or at the limits. threads: for the passes (the resolved count
 * of rm_options; 0 is OpenMP's default, which is 1 inside rm_mean). Returns RM_OK,
 * RM_NOT_CONVERGED at a limit (y holds the last iterate), RM_ENOMEM or a hook's code. */
int rm_geometric_median(const rm_matrix *P, const rm_row_range *range,
                        const rm_geomedian_limits *limits, int threads, double *y,
                        rm_geomedian_result *result);

#define RM_GEOMEDIAN_TOL 1e-10
#define RM_GEOMEDIAN_MAX_ITER 1000

#endif
