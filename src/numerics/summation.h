/* Accurate, overflow-safe means. Values are summed as differences from a reference value
 * (the first one), so a large common offset (1e15 + noise) does not cancel the noise
 * away, with Neumaier's compensation, so millions of terms lose no digits; a sum that
 * overflows is redone on values scaled by a power of two (exact). */
#ifndef RM_SUMMATION_H
#define RM_SUMMATION_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"

/* Mean of a[0], a[stride], ..., a[(m-1)*stride]; m >= 1, values finite. */
double rm_mean_strided(const double *a, size_t m, size_t stride);

/* Column means of X (n >= 1) on `threads` threads (0: one per core):
 * rows summed as differences from the first row in blocks of 64, blocks added with
 * Neumaier's compensation, chunks of rows in a fixed order (the same bits on any number
 * of threads), the overflow path of rm_rows_mean when a sum overflows.
 * Returns RM_OK or RM_ENOMEM. */
int rm_column_means(const rm_matrix *X, double *mean, int threads);

/* The same over rows spread over processes (row_range.h): X holds this process's rows,
 * mean receives the mean of all rows on every process, the same bits as one process on
 * all rows when the processes' boundaries are chunk boundaries (multiples of the chunk
 * size up to 64 chunks). range NULL: rm_column_means. Every process calls it; the status
 * is the same on all: RM_OK, RM_ENOMEM, RM_EUNSUPPORTED (a column whose sum overflows, of
 * doubles near the limit of the range) or a hook's code. */
int rm_column_means_range(const rm_matrix *X, const rm_row_range *range, double *mean,
                          int threads);

/* Mean of m rows (m >= 1) of X into mean[0..d): of rows 0..m-1, or of the rows listed in
 * rows[0..m) when rows is not NULL. work holds 3*d doubles. */
void rm_rows_mean(const rm_matrix *X, const size_t *rows, size_t m, double *mean, double *work);

/* The power of two 2^-e with 2^(e-1) <= v < 2^e for finite v > 0 (so v * 2^-e lies in
 * [1/2, 1)), and 1 for v == 0. Multiplying by it is exact and maps [0, v] into [0, 1);
 * it stays representable for v up to DBL_MAX, where 2^e itself would overflow. Below
 * 2^-1022 it is capped at 2^1022, so it is always finite. */
double rm_pow2_scale(double v);

#endif
