/* Order statistics by selection: the k-th smallest of an array in expected O(n). */
#ifndef RM_SELECT_H
#define RM_SELECT_H

#include <stddef.h>

/* Reorder a[0..n) so that a[k] is the k-th smallest (0-based), every a[i] with i < k is
 * <= a[k] and every a[i] with i > k is >= a[k]. Requires k < n and no NaN. Expected O(n)
 * (three-way partitioning keeps many equal values linear too); a partition budget falls
 * back to sorting, so the worst case is O(n log n). */
void rm_select(double *a, size_t n, size_t k);

/* The k-th smallest (0-based, k < n) of a[0..n), no NaN, leaving a as it is; work holds n
 * doubles. For large n a sample of a brackets the rank, and two passes (on threads
 * threads, 0 for OpenMP's default) count below the bracket and gather what is inside it:
 * the selection then runs on a few percent of a. Exact either way. */
double rm_rank_value(const double *a, size_t n, size_t k, double *work, int threads);

/* The median of a[0..n), n >= 1; reorders a. For even n, the midpoint of the two middle
 * values. */
double rm_median_inplace(double *a, size_t n);

/* A value and the row it belongs to, for sorting rows by value with qsort: the comparators
 * order by value, ascending or descending, and ties by row (ascending), so the order never
 * depends on qsort's. */
typedef struct rm_valued_row {
    double value;
    size_t row;
} rm_valued_row;
int rm_valued_row_ascending(const void *a, const void *b);
int rm_valued_row_descending(const void *a, const void *b);

/* (a + b) / 2 without overflow for finite a, b, exact when a == b. */
double rm_midpoint(double a, double b);

#endif
