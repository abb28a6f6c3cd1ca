/* See centre.h. */
#include "numerics/centre.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/quantiles.h"
#include "numerics/select.h"
#include "numerics/summation.h"
#include "robustmean.h"

/* Columns whose sample medians one thread finds together (rm_centre_move_to_rows). */
#define MEDIAN_BLOCK 8

/* g1: the largest power of two, at most 2^1023, with big * g1 < 2^1021: x*g1 - c*g1 cannot
 * overflow, and the smallest columns keep their digits. (Scaling the largest |x| to 1
 * instead pushed a column of subnormals beside one of hundreds below the smallest double:
 * its values rounded to a unit of 2^-1074, and its mean came out 128 units where the rows
 * averaged 45.5 -- found by fuzz_mean.) For data away from both ends of the range z is
 * the same, bit for bit: only the split of the scale between g1 and g2 moves. */
static double headroom_scale(double big)
{
    if (!(big > 0.0))
        return 1.0;
    int e;
    frexp(big, &e); /* big = f * 2^e, 0.5 <= f < 1 */
    return ldexp(1.0, 1021 - e > 1023 ? 1023 : 1021 - e);
}

static int centre_alloc(rm_centre *ctr, size_t d)
{
    ctr->d = d;
    ctr->median = rm_alloc_array(d, sizeof(double));
    ctr->shifted = rm_alloc_array(d, sizeof(double));
    ctr->lo = rm_alloc_array(d, sizeof(double));
    ctr->hi = rm_alloc_array(d, sizeof(double));
    ctr->coarse_scale = rm_calloc_array(d, sizeof(double));
    ctr->col_g1 = rm_alloc_array(d, sizeof(double));
    ctr->col_g2 = rm_alloc_array(d, sizeof(double));
    ctr->grid = rm_alloc_array(d, sizeof(double));
    ctr->unit = NULL;
    ctr->unit_top = 0.0;
    if (ctr->median && ctr->shifted && ctr->lo && ctr->hi && ctr->coarse_scale && ctr->col_g1 &&
        ctr->col_g2 && ctr->grid)
        return RM_OK;
    rm_centre_free(ctr);
    return RM_ENOMEM;
}

/* A column's standardised span is at most 2^UNIT_RANGE units: a column whose median
 * absolute deviation is a smaller share of its span than that (one huge value among
 * equal ones) is scaled as if it were that share. The largest span sets G, and with it
 * every other column's z near G: at 2^600 their squares fell below the normal range and
 * the objective with them (found by fuzz_mean: NaN); at 2^250 they stay above 2^-510. */
#define UNIT_RANGE 250

/* The common scales g1, g2 for the centre in ctr->median and the ranges in ctr->lo,
 * ctr->hi; span[j] receives each column's largest |x*g1 - c*g1|. */
static void common_scale(rm_centre *ctr, double *span)
{
    size_t d = ctr->d;
    const double *lo = ctr->lo, *hi = ctr->hi;
    /* The extremes of x, and of z, are at each column's smallest or largest value. */
    double big = 0.0;
    for (size_t j = 0; j < d; j++)
        big = fmax(big, fmax(fabs(lo[j]), fabs(hi[j])));
    ctr->g1 = headroom_scale(big);
    double spread = 0.0;
    for (size_t j = 0; j < d; j++) {
        ctr->col_g1[j] = ctr->g1;
        ctr->shifted[j] = ctr->median[j] * ctr->g1;
        span[j] = fmax(fabs(lo[j] * ctr->g1 - ctr->shifted[j]),
                       fabs(hi[j] * ctr->g1 - ctr->shifted[j]));
        spread = fmax(spread, span[j]);
    }
    ctr->g2 = rm_pow2_scale(spread);
    for (size_t j = 0; j < d; j++)
        ctr->col_g2[j] = ctr->g2;
}

/* With units: each column on its own headroom scale, then divided by its unit; span[j]
 * as in common_scale but in the column's own g1_j. */
static void unit_scale(rm_centre *ctr, double *span)
{
    size_t d = ctr->d;
    const double *lo = ctr->lo, *hi = ctr->hi;
    double top = 0.0;
    for (size_t j = 0; j < d; j++) {
        /* g1_j brings the unit near 1 (so g2_j stays far from the subnormal range, whose
         * multiplications are a hundred times slower), within the column's headroom */
        double g1 = headroom_scale(fmax(fabs(lo[j]), fabs(hi[j])));
        if (ctr->unit[j] > 0.0) /* (a unit of 0: a column of one value but a subnormal) */
            g1 = fmin(g1, rm_pow2_scale(ctr->unit[j]));
        ctr->col_g1[j] = g1;
        ctr->shifted[j] = ctr->median[j] * g1;
        span[j] = fmax(fabs(lo[j] * g1 - ctr->shifted[j]), fabs(hi[j] * g1 - ctr->shifted[j]));
        /* the unit in y = x*g1 - c*g1, within 2^UNIT_RANGE of the span (0 span: constant) */
        double u = fmax(ctr->unit[j] * g1, ldexp(span[j], -UNIT_RANGE));
        ctr->col_g2[j] = span[j] > 0.0 ? u : 1.0; /* the unit, for now */
        top = fmax(top, span[j] > 0.0 ? span[j] / u : 0.0);
    }
    double G = rm_pow2_scale(top);
    for (size_t j = 0; j < d; j++)
        ctr->col_g2[j] = G / ctr->col_g2[j];
    ctr->g1 = 1.0;
    ctr->g2 = G;
}

/* The scales for the centre in ctr->median and the ranges in ctr->lo, ctr->hi (and the
 * units, when set). */
static void centre_scale(rm_centre *ctr)
{
    size_t d = ctr->d;
    const double *lo = ctr->lo, *hi = ctr->hi;
    double *span = ctr->coarse_scale; /* each column's largest |x*g1_j - c*g1_j|, for now */
    if (ctr->unit)
        unit_scale(ctr, span);
    else
        common_scale(ctr, span);
    ctr->coarse_count = 0;
    for (size_t j = 0; j < d; j++) {
        double zspan = span[j] * ctr->col_g2[j];
        ctr->grid[j] = zspan > 0.0 ? 1024.0 / zspan : 0.0;
        /* 2^-1022 * 2^53: below it a z value has lost digits to the subnormal range */
        int coarse = span[j] > 0.0 && zspan < 0x1p-969;
        /* the span of x itself (span / g1 may have lost digits) */
        ctr->coarse_scale[j] =
            coarse ? rm_pow2_scale(fmax(hi[j] - ctr->median[j], ctr->median[j] - lo[j])) : 0.0;
        ctr->coarse_count += (size_t)coarse;
    }
}

int rm_centre_init(rm_centre *ctr, const rm_matrix *X, int threads)
{
    return rm_centre_init_range(ctr, X, NULL, threads);
}

int rm_centre_init_range(rm_centre *ctr, const rm_matrix *X, const rm_row_range *range,
                         int threads)
{
    size_t d = X->d, n = range ? rm_row_range_total(range) : X->n;
    int status = centre_alloc(ctr, d);
    size_t *rank = status == RM_OK ? rm_alloc_array(d, sizeof(size_t)) : NULL;
    if (status == RM_OK && !rank) {
        rm_centre_free(ctr);
        status = RM_ENOMEM;
    }
    if (status != RM_OK) /* spread, every process's failure (the search's first hook) */
        return range ? rm_row_range_combine(range, status, NULL, 0, RM_COMBINE_MIN) : status;
    /* The lower median: a centre needs no midpoint, and one rank costs half of two. */
    for (size_t j = 0; j < d; j++)
        rank[j] = (n - 1) / 2;
    status = rm_column_ranks_range(X, range, rank, ctr->median, ctr->lo, ctr->hi, threads);
    free(rank);
    if (status == RM_OK)
        centre_scale(ctr);
    else
        rm_centre_free(ctr);
    return status;
}

int rm_centre_init_midrange(rm_centre *ctr, const rm_matrix *X, int threads)
{
    return rm_centre_init_midrange_range(ctr, X, NULL, threads);
}

int rm_centre_init_midrange_range(rm_centre *ctr, const rm_matrix *X, const rm_row_range *range,
                                  int threads)
{
    size_t d = X->d;
    int status = centre_alloc(ctr, d), allocated = status == RM_OK;
    double *both = allocated && range ? rm_alloc_array(d, 2 * sizeof *both) : NULL;
    if (status == RM_OK)
        rm_column_range(X, ctr->lo, ctr->hi, threads);
    if (range) { /* the least of the lows and of the negated highs over every process */
        if (status == RM_OK && !both)
            status = RM_ENOMEM;
        for (size_t j = 0; status == RM_OK && j < d; j++) {
            both[j] = ctr->lo[j];
            both[d + j] = -ctr->hi[j];
        }
        status = rm_row_range_combine(range, status, both, 2 * d, RM_COMBINE_MIN);
        for (size_t j = 0; status == RM_OK && j < d; j++) {
            ctr->lo[j] = both[j];
            ctr->hi[j] = -both[d + j];
        }
        free(both);
        if (status != RM_OK && allocated)
            rm_centre_free(ctr);
    }
    if (status != RM_OK)
        return status;
    for (size_t j = 0; j < X->d; j++)
        ctr->median[j] = rm_midpoint(ctr->lo[j], ctr->hi[j]);
    centre_scale(ctr);
    return RM_OK;
}

/* For each column, over the m rows of X listed in rows (NULL: rows 0..m-1): with about
 * NULL, the lower median of x into out; else the lower median of |x - about_j|, or, where
 * that is 0 (more than half the rows on about_j), the mean of |x - about_j|. */
static int column_medians(const rm_matrix *X, const size_t *rows, size_t m, int threads,
                          const double *about, double *out)
{
    size_t d = X->d, blocks = (d + MEDIAN_BLOCK - 1) / MEDIAN_BLOCK;
    int failed = 0;
    /* Columns a block at a time, gathered into a buffer of their own: a block's values
     * share the rows' cache lines, so the rows are read once, not once per column. */
#pragma omp parallel num_threads(rm_threads(threads, m * d))
    {
        double *col = rm_alloc_array(m, MEDIAN_BLOCK * sizeof *col);
        if (!col) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++) {
            if (!col)
                continue;
            size_t j0 = b * MEDIAN_BLOCK, width = d - j0 < MEDIAN_BLOCK ? d - j0 : MEDIAN_BLOCK;
            for (size_t t = 0; t < m; t++)
                for (size_t j = 0; j < width; j++) {
                    double x = rm_matrix_at(X, rows ? rows[t] : t, j0 + j);
                    /* halves: the difference of two values of opposite sign cannot overflow */
                    col[j * m + t] = about ? fabs(0.5 * x - 0.5 * about[j0 + j]) : x;
                }
            for (size_t j = 0; j < width; j++) {
                double *v = col + j * m;
                rm_select(v, m, (m - 1) / 2);
                out[j0 + j] = v[(m - 1) / 2];
                if (about && out[j0 + j] == 0.0)
                    out[j0 + j] = rm_mean_strided(v, m, 1);
                if (about) /* back from halves */
                    out[j0 + j] = fmin(2.0 * out[j0 + j], DBL_MAX);
            }
        }
        free(col);
    }
    return failed ? RM_ENOMEM : RM_OK;
}

int rm_centre_move_to_rows(rm_centre *ctr, const rm_matrix *X, const size_t *rows, size_t m,
                           int threads)
{
    double *c = rm_alloc_array(ctr->d, sizeof *c);
    if (!c)
        return RM_ENOMEM;
    int status = column_medians(X, rows, m, threads, NULL, c);
    if (status == RM_OK) {
        memcpy(ctr->median, c, ctr->d * sizeof *c);
        centre_scale(ctr);
    }
    free(c);
    return status;
}

int rm_centre_set_units(rm_centre *ctr, const rm_matrix *X, const size_t *rows, size_t m,
                        int threads)
{
    double *unit = rm_alloc_array(ctr->d, sizeof *unit);
    if (!unit)
        return RM_ENOMEM;
    int status = column_medians(X, rows, m, threads, ctr->median, unit);
    if (status != RM_OK) {
        free(unit);
        return status;
    }
    free(ctr->unit);
    ctr->unit = unit;
    ctr->unit_top = 0.0;
    for (size_t j = 0; j < ctr->d; j++)
        ctr->unit_top = fmax(ctr->unit_top, unit[j]);
    centre_scale(ctr);
    return RM_OK;
}

/* With robust units, unit_top / G as f 2^e (f in [1/2, 1)): z = (x - c) G / unit, so a
 * length in z units times it is in the largest unit; formed apart, it may overflow. */
static double unit_over_scale(const rm_centre *ctr, int *e)
{
    int eu, eg;
    double f = frexp(ctr->unit_top, &eu);
    frexp(ctr->g2, &eg); /* G = 2^(eg - 1) */
    *e = eu - (eg - 1);
    return f;
}

double rm_centre_unscale_square(const rm_centre *ctr, double F)
{
    if (!ctr->unit || !(ctr->unit_top > 0.0)) {
        double scale = ctr->g1 * ctr->g2;
        return F / scale / scale;
    }
    int e;
    double f = unit_over_scale(ctr, &e);
    return ldexp(F * f * f, 2 * e);
}

double rm_centre_unscale_length(const rm_centre *ctr, double r)
{
    if (!ctr->unit || !(ctr->unit_top > 0.0))
        return r / (ctr->g1 * ctr->g2);
    int e;
    double f = unit_over_scale(ctr, &e);
    return ldexp(r * f, e);
}

void rm_centre_free(rm_centre *ctr)
{
    if (!ctr)
        return;
    free(ctr->median);
    free(ctr->shifted);
    free(ctr->coarse_scale);
    free(ctr->lo);
    free(ctr->hi);
    free(ctr->col_g1);
    free(ctr->col_g2);
    free(ctr->grid);
    free(ctr->unit);
    ctr->median = ctr->shifted = ctr->lo = ctr->hi = NULL;
    ctr->col_g1 = ctr->col_g2 = ctr->grid = ctr->unit = NULL;
    ctr->coarse_scale = NULL;
}
