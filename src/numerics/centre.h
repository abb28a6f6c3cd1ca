/* A robust centre and scale for numerically safe work on raw data.
 *
 * Iterative methods do not work on x but on z = (x*g1 - c*g1)*g2, where c is a robust
 * centre (the coordinate-wise lower median, of all rows or of a sample of them) and g1,
 * g2 are powers of two: g1 brings every |x| below 2^1021 (as high as it can: a small
 * column beside a large one keeps its digits), so the subtraction cannot overflow, and g2
 * brings max|z| into [1/2, 1), so squares neither overflow (values near 1e300) nor
 * underflow (values near 1e-300). Centring first keeps a large common offset (data
 * shifted by 1e15) from cancelling the signal. Powers of two make the scaling exact, so
 * results do not depend on the units of the data. c only has to sit among the bulk of
 * the rows: no result depends on it beyond rounding.
 *
 * With robust units (rm_centre_set_units) each column is also divided by its own unit (a
 * robust scale, the median absolute deviation), so z no longer depends on the columns'
 * units: z_j = (x*g1_j - c*g1_j)*g2_j with g1_j the column's own headroom scale and g2_j =
 * G/(unit_j*g1_j), G the power of two that brings max|z| into [1/2, 1). Without units
 * g1_j = g1 and g2_j = g2 for every column, bit for bit the common scaling above. */
#ifndef RM_CENTRE_H
#define RM_CENTRE_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"

typedef struct rm_centre {
    size_t d;
    double *median;  /* c, d values */
    double *lo, *hi; /* each column's smallest and largest value */
    double *shifted; /* c_j * g1_j */
    double g1, g2;   /* the common scales (without units, every column's) */
    double *col_g1, *col_g2; /* each column's g1_j, g2_j */
    double *unit;    /* with robust units: each column's unit in x (d values), else NULL */
    double unit_top; /* with units: the largest unit, in which objectives are reported */
    double *grid;    /* 1024 over each column's largest |z| (0 for a constant column): the
                        rounding of row keys, per column so that units do not matter */
    /* Column j is coarse when it spans less than 2^-969 of max|z|, so its z values are below the
     * normal range and keep too few digits (a column of subnormals beside one of
     * hundreds). Distances cannot see such a column anyway; a result in it is formed from
     * x instead (rm_moments_unscale, the geometric median), as (x - c) * coarse_scale[j]
     * (a power of two that brings the column's span into the normal range: products with
     * weights do not round to units of 2^-1074). coarse_scale[j] is 0 for the other columns. */
    double *coarse_scale;
    size_t coarse_count;
} rm_centre;

/* The centre at the lower medians of X (finite, n >= 1), and its scales: three passes
 * (quantiles.h). threads: for the passes (0: OpenMP's default; inside rm_mean that is 1,
 * so pass the resolved count, rm_options). Returns RM_OK or RM_ENOMEM (then ctr needs no
 * free). */
int rm_centre_init(rm_centre *ctr, const rm_matrix *X, int threads);

/* The same over rows spread over processes (common/row_range.h: X holds this process's,
 * range NULL: rm_centre_init), every process calling: each gets the centre of all the
 * rows, the same bits as one process on them for any split (the medians and ranges are
 * exact order statistics, the scales follow from them). The status is every process's. */
int rm_centre_init_range(rm_centre *ctr, const rm_matrix *X, const rm_row_range *range,
                         int threads);

/* A provisional centre at the midpoints of the columns' ranges, in one pass; move it
 * (rm_centre_move_to_rows) once a sample of rows is known. Returns RM_OK or RM_ENOMEM. */
int rm_centre_init_midrange(rm_centre *ctr, const rm_matrix *X, int threads);

/* The same over rows spread over processes (range NULL: as above), every process calling:
 * the ranges are every process's, exact, so the centre is one process's to the bit. The
 * status is every process's. */
int rm_centre_init_midrange_range(rm_centre *ctr, const rm_matrix *X, const rm_row_range *range,
                                  int threads);

/* Move the centre to the lower medians of the m >= 1 rows of X listed in rows, and
 * rescale. Returns RM_OK or RM_ENOMEM (then ctr is as it was). */
int rm_centre_move_to_rows(rm_centre *ctr, const rm_matrix *X, const size_t *rows, size_t m,
                           int threads);

/* Robust units: each column's median absolute deviation from the centre over the m rows
 * of X listed in rows (rows NULL: all rows, m = X->n), its mean absolute deviation where
 * more than half the rows sit on the centre (a binary column), and rescale. Returns RM_OK
 * or RM_ENOMEM (then ctr is as it was). */
int rm_centre_set_units(rm_centre *ctr, const rm_matrix *X, const size_t *rows, size_t m,
                        int threads);

/* An objective in z units squared (a variance, F) back in the data's units squared: with
 * robust units, those of the column with the largest unit (then each column's own
 * variance is at most its unit's share of it). */
double rm_centre_unscale_square(const rm_centre *ctr, double F);

/* A distance in z units back in the data's units (as rm_centre_unscale_square). */
double rm_centre_unscale_length(const rm_centre *ctr, double r);

void rm_centre_free(rm_centre *ctr);

/* z of value x in column j. */
static inline double rm_centre_z(const rm_centre *ctr, double x, size_t j)
{
    return (x * ctr->col_g1[j] - ctr->shifted[j]) * ctr->col_g2[j];
}

/* The value x in column j whose z is z. */
static inline double rm_centre_x(const rm_centre *ctr, double z, size_t j)
{
    return ctr->median[j] + z / ctr->col_g2[j] / ctr->col_g1[j];
}

/* In a coarse column j (coarse_scale[j] > 0) the pair that stands in for z and x: the
 * offset (x - c) * coarse_scale[j], whose weighted means keep their digits, and the value
 * x whose offset is a given mean of offsets. */
static inline double rm_centre_coarse_offset(const rm_centre *ctr, double x, size_t j)
{
    return (x - ctr->median[j]) * ctr->coarse_scale[j];
}

static inline double rm_centre_coarse_x(const rm_centre *ctr, double offset, size_t j)
{
    return ctr->median[j] + offset / ctr->coarse_scale[j];
}

#endif
