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

#endif
