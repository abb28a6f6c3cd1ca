/* Median of means: the geometric median of the means of k blocks of a seeded random
 * partition of the rows (Minsker's multivariate median of means). With k > 2*eps*n, fewer
 * than half the blocks can hold a corrupted row. The partition is drawn over the rows
 * sorted by value, so permuting the rows does not change it. */
#include <math.h>
#include <stdlib.h>

#include "baselines/geomedian.h"
#include "common/alloc.h"
#include "common/clock.h"
#include "common/method.h"
#include "common/rng.h"
#include "numerics/summation.h"

static size_t block_count(const rm_problem *p)
{
    size_t k = p->opt->blocks;
    if (k == 0)
        k = 2 * (size_t)floor(p->eps * (double)p->n) + 1;
    return k < p->n ? k : p->n;
}

/* A row for sorting: qsort's comparator gets no context, so each entry carries it. */
typedef struct row_ref {
    const rm_matrix *X;
    size_t index;
} row_ref;

static int compare_rows(const void *a, const void *b)
{
    const row_ref *r = a, *s = b;
    for (size_t j = 0; j < r->X->d; j++) {
        double x = rm_matrix_at(r->X, r->index, j), y = rm_matrix_at(s->X, s->index, j);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0; /* equal rows are interchangeable: their order does not matter */
}

/* The rows in lexicographic order of their values: the seeded shuffle is applied to this
 * order rather than to the rows' positions, so that the blocks, and the estimate, do not
 * depend on the order of the rows. */
static int canonical_order(const rm_matrix *X, size_t *perm)
{
    size_t n = X->n;
    row_ref *refs = rm_alloc_array(n, sizeof *refs);
    if (!refs)
        return RM_ENOMEM;
    for (size_t i = 0; i < n; i++)
        refs[i] = (row_ref){.X = X, .index = i};
    qsort(refs, n, sizeof *refs, compare_rows);
    for (size_t i = 0; i < n; i++)
        perm[i] = refs[i].index;
    free(refs);
    return RM_OK;
}

static int run_mom(const rm_problem *p, double *mean, rm_report *report)
{
    double start = rm_clock_seconds();
    size_t n = p->n, d = p->d, k = block_count(p);
    size_t *perm = rm_alloc_array(n, sizeof(size_t));
    double *means = rm_alloc_array(k, d * sizeof(double));
    double *work = rm_alloc_array(3 * d, sizeof(double));
    gsl_rng rng = {0};
    int status = (perm && means && work) ? rm_rng_init(&rng, p->opt->seed) : RM_ENOMEM;
    if (status == RM_OK)
        status = canonical_order(&p->X, perm);
    if (status == RM_OK) {
        rm_rng_shuffle_sizes(&rng, perm, n);
        /* k blocks of the shuffled rows; the first n % k blocks hold one row more. */
        size_t size = n / k, extra = n % k, lo = 0;
        for (size_t b = 0; b < k; b++) {
            size_t len = size + (b < extra);
            rm_rows_mean(&p->X, perm + lo, len, means + b * d, work);
            lo += len;
        }
        rm_geomedian_limits limits;
        rm_geomedian_limits_of(p->opt, start, &limits);
        rm_matrix M = rm_matrix_of_doubles(means, k, d);
        rm_geomedian_result result;
        status = rm_geometric_median(&M, NULL, &limits, p->opt->threads, mean, &result);
        if (status >= 0) {
            report->iterations = result.iterations;
            report->objective = result.objective;
            report->converged = status == RM_OK;
            report->stop = result.stop;
        }
    }
    rm_rng_free(&rng);
    free(perm);
    free(means);
    free(work);
    return status;
}

const rm_method rm_method_mom = {
    .info = {.name = "mom",
             .summary = "median of means (geometric median of 2*floor(eps*n)+1 seeded blocks): "
                        "error grows like sigma*sqrt(eps*d)",
             .needs_eps = 1,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 0,
             .options = "blocks max_iter tol max_seconds"},
    .run = run_mom,
};
