/* Coordinate-wise median and trimmed mean (see coordinatewise.h) and their methods. */
#include "baselines/coordinatewise.h"

#include <math.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "common/method.h"
#include "numerics/quantiles.h"
#include "numerics/select.h"
#include "numerics/summation.h"

/* Columns are copied out a group at a time, so that each pass over the row-major data
 * serves GROUP columns instead of one. */
enum { GROUP = 8 };

typedef double (*column_statistic)(double *column, size_t n, double param);

static int for_each_column(const rm_matrix *X, column_statistic stat, double param, double *out)
{
    size_t n = X->n, d = X->d;
    size_t group = d < GROUP ? d : GROUP;
    double *buf = rm_alloc_array(n, group * sizeof(double));
    if (!buf)
        return RM_ENOMEM;
    for (size_t j0 = 0; j0 < d; j0 += group) {
        size_t g = d - j0 < group ? d - j0 : group;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < g; k++)
                buf[k * n + i] = rm_matrix_at(X, i, j0 + k);
        for (size_t k = 0; k < g; k++)
            out[j0 + k] = stat(buf + k * n, n, param);
    }
    free(buf);
    return RM_OK;
}

static double column_median(double *a, size_t n, double unused)
{
    (void)unused;
    return rm_median_inplace(a, n);
}

static double column_trimmed_mean(double *a, size_t n, double eps)
{
    size_t k = (size_t)floor(eps * (double)n);
    if (2 * k >= n)
        k = (n - 1) / 2;
    /* Put the k smallest first, then the k largest last: a[k .. n-k) is what remains. */
    rm_select(a, n, k);
    size_t keep = n - 2 * k;
    rm_select(a + k, n - k, keep - 1);
    return rm_mean_strided(a + k, keep, 1);
}

int rm_coordinate_medians(const rm_matrix *X, double *out, int threads)
{
    /* Selection in a few passes over the rows (quantiles.c); column by column in memory
     * only when that runs out of memory. */
    int status = rm_column_medians(X, NULL, out, threads);
    if (status == RM_ENOMEM)
        status = for_each_column(X, column_median, 0.0, out);
    return status;
}

/* The values trimmed at each end of a column of n: floor(eps n), at least one kept. */
static size_t trim_count(double eps, size_t n)
{
    size_t k = (size_t)floor(eps * (double)n);
    return 2 * k >= n ? (n - 1) / 2 : k;
}

int rm_coordinate_trimmed_means(const rm_matrix *X, double eps, double *out, int threads)
{
    size_t n = X->n, d = X->d, k = trim_count(eps, n);
    int status = rm_column_trimmed_means(X, k, out, threads);
    int finite = 1;
    for (size_t j = 0; j < d && status == RM_OK; j++)
        finite &= isfinite(out[j]);
    /* Column by column when memory runs short, or when differences overflowed (values of
     * both signs near the limit of double): that path sums with scaling. */
    if (status == RM_ENOMEM || (status == RM_OK && !finite))
        status = for_each_column(X, column_trimmed_mean, eps, out);
    return status;
}

/* Spread over processes, the order statistics come from counts and bounds added over
 * them (quantiles.h); the column-by-column fallbacks need a column in one place. */
static int run_median(const rm_problem *p, double *mean, rm_report *report)
{
    (void)report;
    if (p->range)
        return rm_column_medians_range(&p->X, p->range, NULL, mean, p->opt->threads);
    return rm_coordinate_medians(&p->X, mean, p->opt->threads);
}

static int run_trimmed(const rm_problem *p, double *mean, rm_report *report)
{
    (void)report;
    if (!p->range)
        return rm_coordinate_trimmed_means(&p->X, p->eps, mean, p->opt->threads);
    size_t k = trim_count(p->eps, rm_row_range_total(p->range));
    int status = rm_column_trimmed_means_range(&p->X, p->range, k, mean, p->opt->threads);
    for (size_t j = 0; j < p->d && status == RM_OK; j++)
        if (!isfinite(mean[j])) /* differences overflowed: the scaled path is by column */
            status = RM_EUNSUPPORTED;
    return status;
}

const rm_method rm_method_median = {
    .info = {.name = "median",
             .summary = "coordinate-wise median: breakdown point "
                        "1/2, but error grows like eps*sqrt(d)*sigma",
             .needs_eps = 0,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 0,
             .options = ""},
    .run = run_median,
    .spreads = 1,
};

const rm_method rm_method_trimmed = {
    .info = {.name = "trimmed",
             .summary = "coordinate-wise eps-trimmed mean: each coordinate "
                        "robust, error grows like eps*sqrt(d)*sigma",
             .needs_eps = 1,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 0,
             .options = ""},
    .run = run_trimmed,
    .spreads = 1,
};
