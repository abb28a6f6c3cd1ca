/* Median of means: the geometric median of the means of k blocks of a seeded random
 * partition of the rows (Minsker's multivariate median of means). With k > 2*eps*n, fewer
 * than half the blocks can hold a corrupted row. */
#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "geomedian.h"
#include "method.h"
#include "rng.h"
#include "summation.h"

static size_t block_count(const rm_problem *p)
{
    size_t k = p->opt->blocks;
    if (k == 0)
        k = 2 * (size_t)floor(p->eps * (double)p->n) + 1;
    return k < p->n ? k : p->n;
}

static int run_mom(const rm_problem *p, double *mean, rm_report *report)
{
    size_t n = p->n, d = p->d, k = block_count(p);
    size_t *perm = rm_alloc_array(n, sizeof(size_t));
    double *means = rm_alloc_array(k, d * sizeof(double));
    double *work = rm_alloc_array(3 * d, sizeof(double));
    gsl_rng rng = {0};
    int status = (perm && means && work) ? rm_rng_init(&rng, p->opt->seed) : RM_ENOMEM;
    if (status == RM_OK) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        rm_rng_shuffle_sizes(&rng, perm, n);
        /* k blocks of the shuffled rows; the first n % k blocks hold one row more. */
        size_t size = n / k, extra = n % k, lo = 0;
        for (size_t b = 0; b < k; b++) {
            size_t len = size + (b < extra);
            rm_rows_mean(&p->X, perm + lo, len, means + b * d, work);
            lo += len;
        }
        double tol = p->opt->tol > 0.0 ? p->opt->tol : RM_GEOMEDIAN_TOL;
        size_t max_iter = p->opt->max_iter > 0 ? p->opt->max_iter : RM_GEOMEDIAN_MAX_ITER;
        rm_matrix M = rm_matrix_of_doubles(means, k, d);
        status = rm_geometric_median(&M, tol, max_iter, mean, &report->iterations,
                                     &report->objective);
        if (status >= 0) {
            report->converged = status == RM_OK;
            report->stop_reason = status == RM_OK ? "step below tolerance" : "iteration cap";
        }
    }
    rm_rng_free(&rng);
    free(perm);
    free(means);
    free(work);
    return status;
}

const rm_method rm_method_mom = {
    {"mom",
     "median of means (geometric median of 2*floor(eps*n)+1 seeded blocks): error grows like sigma*sqrt(eps*d)",
     1, 0.0, 0.5, 0},
    run_mom,
};
