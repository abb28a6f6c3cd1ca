/* Compensated, shifted and overflow-safe means; see summation.h. */
#include "numerics/summation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/row_range.h"
#include "common/threads.h"
#include "robustmean.h"

double rm_pow2_scale(double v)
{
    if (!(v > 0.0))
        return 1.0;
    int e;
    frexp(v, &e); /* v = f * 2^e, 0.5 <= f < 1 */
    return ldexp(1.0, e < -1022 ? 1022 : -e);
}

/* One Neumaier step: sum + t, the lost low part added into *comp. */
static inline void neumaier_add(double *sum, double *comp, double t)
{
    double s = *sum + t;
    if (fabs(*sum) >= fabs(t))
        *comp += (*sum - s) + t;
    else
        *comp += (t - s) + *sum;
    *sum = s;
}

static double shifted_mean(const double *a, size_t m, size_t stride, double scale)
{
    double ref = a[0] * scale, sum = 0.0, comp = 0.0;
    for (size_t i = 1; i < m; i++)
        neumaier_add(&sum, &comp, a[i * stride] * scale - ref);
    return ref + (sum + comp) / (double)m;
}

double rm_mean_strided(const double *a, size_t m, size_t stride)
{
    double mean = shifted_mean(a, m, stride, 1.0);
    if (isfinite(mean))
        return mean;
    double big = 0.0;
    for (size_t i = 0; i < m; i++)
        big = fmax(big, fabs(a[i * stride]));
    double g = rm_pow2_scale(big);
    return shifted_mean(a, m, stride, g) / g;
}

void rm_rows_mean(const rm_matrix *X, const size_t *rows, size_t m, double *mean, double *work)
{
    size_t d = X->d;
    double *sum = work, *comp = work + d, *ref = work + 2 * d, *row = mean;
    rm_matrix_copy_row(X, rows ? rows[0] : 0, ref);
    memset(work, 0, 2 * d * sizeof *work);
    for (size_t i = 1; i < m; i++) {
        const double *x = rm_matrix_row(X, rows ? rows[i] : i, row);
        for (size_t j = 0; j < d; j++)
            neumaier_add(&sum[j], &comp[j], x[j] - ref[j]);
    }
    for (size_t j = 0; j < d; j++) {
        mean[j] = ref[j] + (sum[j] + comp[j]) / (double)m;
        if (isfinite(mean[j]))
            continue;
        /* Rare: the column's differences overflowed (values near the top of the double
         * range with both signs). Redo it on values scaled by a power of two: its own, as
         * a common one would push the small values of other columns into underflow. */
        double big = 0.0, s = 0.0, c = 0.0;
        for (size_t i = 0; i < m; i++)
            big = fmax(big, fabs(rm_matrix_at(X, rows ? rows[i] : i, j)));
        double g = rm_pow2_scale(big);
        for (size_t i = 1; i < m; i++)
            neumaier_add(&s, &c, rm_matrix_at(X, rows ? rows[i] : i, j) * g - ref[j] * g);
        mean[j] = (ref[j] * g + (s + c) / (double)m) / g;
    }
}

enum { BLOCK_ROWS = 64, CHUNK_ROWS = 8192, MAX_CHUNKS = 64 };

/* Rows [lo, hi) of X, as differences from ref: sum + comp (Neumaier) over blocks; block
 * holds the running block sum. */
static void sum_rows(const rm_matrix *X, size_t lo, size_t hi, const double *ref, double *sum,
                     double *comp, double *block)
{
    size_t d = X->d;
    for (size_t b = lo; b < hi; b += BLOCK_ROWS) {
        size_t end = hi - b < BLOCK_ROWS ? hi : b + BLOCK_ROWS;
        memset(block, 0, d * sizeof *block);
        for (size_t i = b; i < end; i++)
            RM_MATRIX_WITH_ROW(X, i, x, {
                for (size_t j = 0; j < d; j++)
                    block[j] += RM_ROW_AT(x, j) - ref[j];
            });
        for (size_t j = 0; j < d; j++)
            neumaier_add(&sum[j], &comp[j], block[j]);
    }
}

static size_t even_chunk_start(size_t total, size_t chunks, size_t c) { return c * total / chunks; }

/* A chunking whose one chunk is global row 0: the process holding it hands it round. */
static size_t row_zero(size_t total, size_t chunks, size_t c)
{
    (void)total;
    (void)chunks;
    return c == 0 ? 0 : 1;
}

int rm_column_means(const rm_matrix *X, double *mean, int threads)
{
    return rm_column_means_range(X, NULL, mean, threads);
}

int rm_column_means_range(const rm_matrix *X, const rm_row_range *range, double *mean,
                          int threads)
{
    size_t n = X->n, d = X->d;
    size_t total = range ? rm_row_range_total(range) : n;
    size_t first = range ? rm_row_range_first(range) : 0;
    size_t chunks = (total + CHUNK_ROWS - 1) / CHUNK_ROWS;
    if (chunks > MAX_CHUNKS)
        chunks = MAX_CHUNKS;
    rm_piece *pieces = rm_alloc_array(chunks, sizeof *pieces);
    size_t count = pieces ? rm_pieces_of(first, n, total, chunks, even_chunk_start, pieces) : 0;
    double *parts = rm_calloc_array(count, 2 * d * sizeof(double));
    double *ref = rm_alloc_array(d, sizeof(double));
    int failed = pieces == NULL || parts == NULL || ref == NULL;
    /* Every row is summed as its difference from global row 0. */
    const double *ref_all = ref;
    double *ref_owned = NULL, *all_owned = NULL;
    size_t ref_count;
    if (!failed && first == 0 && n > 0)
        rm_matrix_copy_row(X, 0, ref);
    int status = rm_row_range_gather(range, failed ? RM_ENOMEM : RM_OK, 1, row_zero, ref,
                                     first == 0 && n > 0, d, &ref_all, &ref_owned, &ref_count);
    if (status == RM_OK) {
#pragma omp parallel num_threads(rm_threads(threads, n * d))
        {
            double *block = malloc(d * sizeof *block);
            if (!block) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t c = 0; c < count; c++)
                if (block)
                    sum_rows(X, pieces[c].lo, pieces[c].hi, ref_all, parts + c * 2 * d,
                             parts + c * 2 * d + d, block);
            free(block);
        }
    }
    const double *all = parts;
    size_t all_count = count;
    if (status == RM_OK)
        status = rm_row_range_gather(range, failed ? RM_ENOMEM : RM_OK, chunks, even_chunk_start,
                                     parts, count, 2 * d, &all, &all_owned, &all_count);
    for (size_t j = 0; j < d && status == RM_OK; j++) {
        double sum = 0.0, comp = 0.0;
        for (size_t c = 0; c < all_count; c++) {
            neumaier_add(&sum, &comp, all[c * 2 * d + j]);
            comp += all[c * 2 * d + d + j];
        }
        mean[j] = ref_all[j] + (sum + comp) / (double)total;
        if (isfinite(mean[j]))
            continue;
        /* The differences overflowed: the scaled path. Only doubles can: differences of
         * floats (below 2^128) widened to double stay far from the double limit. It reads
         * the column in one sequence, which rows spread over processes do not allow (the
         * decision is the same on every process: the sums are). */
        if (range)
            status = RM_EUNSUPPORTED;
        else if (X->f64)
            mean[j] = X->by_columns ? rm_mean_strided(X->f64 + j * n, n, 1)
                                    : rm_mean_strided(X->f64 + j, n, d);
    }
    free(all_owned);
    free(ref_owned);
    free(pieces);
    free(parts);
    free(ref);
    return status;
}
