/* Exact coordinate-wise order statistics of a row-major matrix in a few passes over it.
 *
 * Copying each column out to select in it reads the whole matrix once per column (or per
 * group of columns); here every pass reads the rows once, in order, for all columns at
 * once: a histogram of each column locates the bin holding the wanted rank, a second pass
 * collects that bin's values and selects in them. A bin too full to collect (many ties, or
 * far outliers stretching the range) is refined by another histogram. Typically three
 * passes: range, histogram, collection. Counts are integers, so the results do not depend
 * on the number of threads. */
#ifndef RM_QUANTILES_H
#define RM_QUANTILES_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"

/* out[j] = the value of rank rank[j] (0-based, < n) in column j of X,
 * and, when lo and hi are not NULL, each column's smallest and largest values. Finite
 * values (RM_ENONFINITE, not a hang, on others). threads: 0 for OpenMP's default.
 * Returns RM_OK, RM_ENOMEM, RM_EOVERFLOW or RM_ENONFINITE. */
int rm_column_ranks(const rm_matrix *X, const size_t *rank, double *out, double *lo,
                    double *hi, int threads);

/* Each column's smallest and largest value, in one pass. */
void rm_column_range(const rm_matrix *X, double *lo, double *hi, int threads);

/* Coordinate-wise medians (the midpoint of the two middle values when n is even). lower:
 * the lower medians (rank (n-1)/2) when already known (rm_centre's), else NULL. */
int rm_column_medians(const rm_matrix *X, const double *lower, double *out, int threads);

/* Means of each column without its k smallest and k largest values (2k < n). */
int rm_column_trimmed_means(const rm_matrix *X, size_t k, double *out, int threads);

/* The same over rows spread over processes (common/row_range.h; range NULL: as above),
 * every process calling, n the total: the ranks and the
 * medians are exactly one process's on all the rows, for any split (order statistics,
 * found from counts added over the processes and bounds: the bins' counts and the bounds
 * of the bin holding the rank cross, d * bins + 2d numbers a round); the trimmed means
 * are one process's to the bit when the processes split the rows at its chunk boundaries
 * (n/4096 + 1 chunks, at most 64), else to rounding. Returns RM_OK, RM_ENOMEM,
 * RM_EOVERFLOW, RM_ENONFINITE or a hook's code, the same on every process. */
int rm_column_ranks_range(const rm_matrix *X, const rm_row_range *range, const size_t *rank,
                          double *out, double *col_lo, double *col_hi, int threads);
int rm_column_medians_range(const rm_matrix *X, const rm_row_range *range, const double *lower,
                            double *out, int threads);
int rm_column_trimmed_means_range(const rm_matrix *X, const rm_row_range *range, size_t k,
                                  double *out, int threads);

/* The value of rank k (0-based) among the n values a holds on each process (range NULL:
 * rm_rank_value's, work n doubles; else work unused, and every process holds as many
 * values as rows), and the median of the values (rm_median_inplace's, which reorders a;
 * else any count a process, not all none), both exact: the same bits as one process on
 * all the values, for any split. Returns RM_OK, RM_ENOMEM or a hook's code, the same on
 * every process. */
int rm_rank_value_range(const double *a, size_t n, size_t k, const rm_row_range *range,
                        double *work, int threads, double *out);
int rm_median_range(double *a, size_t n, const rm_row_range *range, int threads, double *out);

#endif
