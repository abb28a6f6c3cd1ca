/* The stationarity gap of DESIGN.md section 2 and the certificates it implies.
 *
 * With k top Ritz vectors of Sigma_q and scores S_ij = ((z_i - mu_q) . v_j)^2, a weight
 * vector w on the k-simplex defines U = sum_j w_j v_j v_j^T and tau_w = S w. The gap at w
 *     g(w) = <tau_w, q> - min_{p in Delta} <tau_w, p>
 * is convex in w; Gap_delta(q) = min_w g(w). Any w gives an upper bound, which is all the
 * certificate needs; the minimiser below finds a near-optimal w. */
#ifndef RM_GAP_H
#define RM_GAP_H

#include <stddef.h>

#include "common/row_range.h"

/* Scores are n x k, row i at S + i*ld (ld >= k: a matrix with more columns can serve its
 * first k). */

/* a_j = sum_i q_i S_ij (the Rayleigh quotients of the weighted scores), k <= 16.
 * threads (here and below): 0 for one per core; the result does not depend on it. */
void rm_gap_weighted_scores(const double *S, size_t n, size_t k, size_t ld, const double *q,
                            double *a, int threads);

/* min over p in Delta_u (sum p = 1, 0 <= p_i <= u) of <tau, p>: weight u on the smallest
 * entries. With grad (k values, may be NULL) also returns sum_i p*_i S_ij for the
 * minimiser p* (ties at the threshold share equally). work: n doubles. */
double rm_gap_lower(const double *tau, const double *S, size_t n, size_t k, size_t ld,
                    double u, double *grad, double *work, int threads);

/* The same without S and grad over rows spread over processes (common/row_range.h; range
 * NULL: rm_gap_lower's value), tau holding this process's n rows and u the cap over all:
 * the threshold is the exact order statistic over every process, the sums below it are
 * gathered by chunk pieces (one process's bits when the processes split the rows at the
 * chunk boundaries, else to rounding). Returns RM_OK, RM_ENOMEM or a hook's code, the
 * same on every process. */
int rm_gap_lower_range(const double *tau, size_t n, double u, const rm_row_range *range,
                       double *work, int threads, double *lower);

/* g(w) for a = rm_gap_weighted_scores(); tau (n) receives S w; work: n doubles. */
double rm_gap_at(const double *S, size_t n, size_t k, size_t ld, const double *a, double u,
                 const double *w, double *tau, double *work, int threads);

/* Minimise g over the k-simplex by mirror descent (exponentiated gradient) from w (warm
 * start), `steps` steps, keeping the best w. Returns g at the returned w. tau, work: n
 * doubles each. On one thread: it runs on a subsample of a few thousand rows. */
double rm_gap_minimise(const double *S, size_t n, size_t k, size_t ld, const double *a,
                       double u, double *w, size_t steps, double *tau, double *work);

/* What a gap of gap_rel * F at eps < 1/3 with delta implies, in units of sigma
 * (sigma^2 = ||Sigma_good||): F <= objective * sigma^2 and ||mu_q - mu_good|| <=
 * error * sigma. valid = 0 when eps >= 1/3 or the gap is too large to imply anything. */
typedef struct rm_gap_bounds {
    int valid;
    double objective, error;
} rm_gap_bounds;
rm_gap_bounds rm_gap_bounds_of(double eps, double delta, double gap_rel);

/* The certified radius sqrt(eps/(1-2 eps)) (sqrt(F) + sigma) of any q in Delta, eps < 1/2. */
double rm_sigma_certificate(double eps, double F, double sigma);

#endif
