/* See centre.h. */
#include "numerics/centre.h"

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
    if (ctr->median && ctr->shifted && ctr->lo && ctr->hi && ctr->coarse_scale)
        return RM_OK;
    rm_centre_free(ctr);
    return RM_ENOMEM;
}

/* The scales for the centre in ctr->median and the ranges in ctr->lo, ctr->hi. */
static void centre_scale(rm_centre *ctr)
{
    size_t d = ctr->d;
    const double *lo = ctr->lo, *hi = ctr->hi;
    double *span = ctr->coarse_scale; /* each column's largest |x*g1 - c*g1|, for now */
    /* The extremes of x, and of z, are at each column's smallest or largest value. */
    double big = 0.0;
    for (size_t j = 0; j < d; j++)
        big = fmax(big, fmax(fabs(lo[j]), fabs(hi[j])));
    ctr->g1 = headroom_scale(big);
    double spread = 0.0;
    for (size_t j = 0; j < d; j++) {
        ctr->shifted[j] = ctr->median[j] * ctr->g1;
        span[j] = fmax(fabs(lo[j] * ctr->g1 - ctr->shifted[j]),
                       fabs(hi[j] * ctr->g1 - ctr->shifted[j]));
        spread = fmax(spread, span[j]);
    }
    ctr->g2 = rm_pow2_scale(spread);
    ctr->zmax = spread * ctr->g2;
    ctr->coarse_count = 0;
    for (size_t j = 0; j < d; j++) {
        /* 2^-1022 * 2^53: below it a z value has lost digits to the subnormal range */
        int coarse = span[j] > 0.0 && span[j] * ctr->g2 < 0x1p-969;
        /* the span of x itself (span / g1 may have lost digits) */
        ctr->coarse_scale[j] =
            coarse ? rm_pow2_scale(fmax(hi[j] - ctr->median[j], ctr->median[j] - lo[j])) : 0.0;
        ctr->coarse_count += (size_t)coarse;
    }
}

int rm_centre_init(rm_centre *ctr, const rm_matrix *X, int threads)
{
    size_t d = X->d;
    int status = centre_alloc(ctr, d);
    if (status != RM_OK)
        return status;
    size_t *rank = rm_alloc_array(d, sizeof(size_t));
    status = rank ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
        /* The lower median: a centre needs no midpoint, and one rank costs half of two. */
        for (size_t j = 0; j < d; j++)
            rank[j] = (X->n - 1) / 2;
        status = rm_column_ranks(X, rank, ctr->median, ctr->lo, ctr->hi, threads);
    }
    free(rank);
    if (status == RM_OK)
        centre_scale(ctr);
    else
        rm_centre_free(ctr);
    return status;
}

int rm_centre_init_midrange(rm_centre *ctr, const rm_matrix *X, int threads)
{
    int status = centre_alloc(ctr, X->d);
    if (status != RM_OK)
        return status;
    rm_column_range(X, ctr->lo, ctr->hi, threads);
    for (size_t j = 0; j < X->d; j++)
        ctr->median[j] = rm_midpoint(ctr->lo[j], ctr->hi[j]);
    centre_scale(ctr);
    return RM_OK;
}

int rm_centre_move_to_rows(rm_centre *ctr, const rm_matrix *X, const size_t *rows, size_t m,
                           int threads)
{
    size_t d = ctr->d, blocks = (d + MEDIAN_BLOCK - 1) / MEDIAN_BLOCK;
    double *c = rm_alloc_array(d, sizeof *c);
    if (!c)
        return RM_ENOMEM;
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
                for (size_t j = 0; j < width; j++)
                    col[j * m + t] = rm_matrix_at(X, rows[t], j0 + j);
            for (size_t j = 0; j < width; j++) {
                rm_select(col + j * m, m, (m - 1) / 2);
                c[j0 + j] = col[j * m + (m - 1) / 2];
            }
        }
        free(col);
    }
    if (!failed) {
        memcpy(ctr->median, c, d * sizeof *c);
        centre_scale(ctr);
    }
    free(c);
    return failed ? RM_ENOMEM : RM_OK;
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
    ctr->median = ctr->shifted = ctr->lo = ctr->hi = NULL;
    ctr->coarse_scale = NULL;
}
