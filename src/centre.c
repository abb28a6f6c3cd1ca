/* See centre.h. */
#include "centre.h"

#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "quantiles.h"
#include "robustmean.h"
#include "summation.h"

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

int rm_centre_init(rm_centre *ctr, const rm_matrix *X, int threads)
{
    size_t n = X->n, d = X->d;
    ctr->d = d;
    ctr->median = rm_alloc_array(d, sizeof(double));
    ctr->shifted = rm_alloc_array(d, sizeof(double));
    ctr->coarse_scale = rm_calloc_array(d, sizeof(double));
    ctr->coarse_count = 0;
    double *lo = rm_alloc_array(d, sizeof(double)), *hi = rm_alloc_array(d, sizeof(double));
    size_t *rank = rm_calloc_array(d, sizeof(size_t));
    int status = ctr->median && ctr->shifted && ctr->coarse_scale && lo && hi && rank ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
        /* The lower median: a centre needs no midpoint, and one rank costs half of two. */
        for (size_t j = 0; j < d; j++)
            rank[j] = (n - 1) / 2;
        status = rm_column_ranks(X, rank, ctr->median, lo, hi, threads);
    }
    if (status == RM_OK) {
        /* The extremes of x, and of z, are at each column's smallest or largest value. */
        double big = 0.0;
        for (size_t j = 0; j < d; j++)
            big = fmax(big, fmax(fabs(lo[j]), fabs(hi[j])));
        ctr->g1 = headroom_scale(big);
        double spread = 0.0;
        for (size_t j = 0; j < d; j++) {
            ctr->shifted[j] = ctr->median[j] * ctr->g1;
            spread = fmax(spread, fabs(lo[j] * ctr->g1 - ctr->shifted[j]));
            spread = fmax(spread, fabs(hi[j] * ctr->g1 - ctr->shifted[j]));
        }
        ctr->g2 = rm_pow2_scale(spread);
        ctr->zmax = spread * ctr->g2;
        for (size_t j = 0; j < d; j++) {
            double span = fmax(fabs(lo[j] * ctr->g1 - ctr->shifted[j]),
                               fabs(hi[j] * ctr->g1 - ctr->shifted[j]));
            /* 2^-1022 * 2^53: below it a z value has lost digits to the subnormal range */
            if (span > 0.0 && span * ctr->g2 < 0x1p-969) {
                /* the span of x itself: span / g1 may have lost digits */
                double width = fmax(hi[j] - ctr->median[j], ctr->median[j] - lo[j]);
                ctr->coarse_scale[j] = rm_pow2_scale(width);
                ctr->coarse_count++;
            }
        }
    }
    free(lo);
    free(hi);
    free(rank);
    if (status != RM_OK)
        rm_centre_free(ctr);
    return status;
}

void rm_centre_free(rm_centre *ctr)
{
    if (!ctr)
        return;
    free(ctr->median);
    free(ctr->shifted);
    free(ctr->coarse_scale);
    ctr->median = ctr->shifted = NULL;
    ctr->coarse_scale = NULL;
}
