/* A pseudo-random sample of rows chosen by their values: the same rows whatever their
 * order (but for rows equal to 2^-10 of the data's spread) and, to rounding, whatever the
 * units and offset of the data. */
#ifndef RM_ROW_SAMPLE_H
#define RM_ROW_SAMPLE_H

#include <stddef.h>

#include "numerics/moments.h"

/* Keys in [0, 1) for the n rows of m (keys: n doubles). A key mixes a hash of the row's
 * centred, scaled values, rounded to 2^-10 of the largest |z|, with the row's copy number
 * among rows equal to that precision: a hash alone would take all copies of a repeated row
 * or none (DKK noise repeats one point), and a sample would misrepresent the data. Exact
 * copies are interchangeable, so the multiset a sample draws stays order-independent;
 * rows that differ only below the grid's precision are numbered in row order, so which of
 * them a sample takes follows the order (few rows at small d, or when far outliers make
 * the grid coarse for the inliers); a value within rounding of a grid line (a chance of
 * about 1e-13 each) is all that units can change.
 * threads: for the pass over the data (0: one per core). Returns RM_OK, RM_ENOMEM, or
 * RM_EOVERFLOW beyond 2^32 - 1 rows. */
int rm_row_keys(const rm_moments *m, double *keys, int threads);

/* The indices of the `count` rows of smallest key into rows, in the order of their keys:
 * the same rows (see rm_row_keys) in the same order whatever the order of the data, so
 * that sums over a sample round alike and a solve on it is the same to the bit (in row
 * order, a permutation of the data changed its rounding). work: n doubles. Returns how
 * many were taken (count, or n if smaller; count > 0), or 0 when out of memory. Samples
 * of different sizes are nested. */
size_t rm_row_sample(const double *keys, size_t n, size_t count, size_t *rows, double *work);

/* Spread over processes (common/row_range.h; range NULL: as above), every process calling
 * on its own rows: the keys of this process's rows, the copies of a row numbered over
 * every process in row order (the hook's exchange sends each row's hash to one process
 * and its copy number back: 16 bytes a row, once), the same keys as one process's but
 * where it tells two different rows for copies (row_keys' 2^-31 a probe); and the sample:
 * the global numbers of the *count rows of smallest key over every process, in the order
 * of their keys, on every process (*count becomes what was taken). Both return RM_OK,
 * RM_ENOMEM, RM_EOVERFLOW or a hook's code, the same on every process but for an
 * allocation failure after the sample's last hook (the caller agrees then). */
int rm_row_keys_range(const rm_moments *m, const rm_row_range *range, double *keys, int threads);
int rm_row_sample_range(const double *keys, size_t n, const rm_row_range *range, size_t *count,
                        size_t *rows, double *work, int threads);

/* A sample's values over every process, in its order: rows the sample's m global row
 * numbers, mine this process's values of `size` doubles for each of its rows in the
 * sample (in the sample's order: rm_sample_mine), out m x size. status: this process's so
 * far. Returns RM_OK or every process's failure. */
int rm_sample_gather(const rm_row_range *range, const size_t *rows, size_t m, int status,
                     const double *mine, size_t size, double *out);

/* The local numbers of this process's rows among the sample's m global rows, in the
 * sample's order, into local (m values at most); their count. */
size_t rm_sample_mine(const rm_row_range *range, const size_t *rows, size_t m, size_t *local);

#endif
