/* Robust column units for a solve (rm_scaling): each column's median absolute deviation,
 * first over a sample of the rows, then over the rows a quick solve on that sample keeps,
 * so that outliers neither inflate a unit (a far cluster pulls every column's deviation
 * up) nor shrink it. */
#ifndef RM_SILO_UNITS_H
#define RM_SILO_UNITS_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"
#include "numerics/centre.h"
#include "robustmean.h"

/* Set ctr's units from the m rows of X listed in rows (NULL: all rows, m = X->n), for a
 * solve at eps with opt (threads resolved): the deviations about the medians of the rows,
 * then a low-regret solve on those rows at eps, then the medians and deviations of the
 * rows it keeps (weight at least half the cap). start: the call's start, for the time
 * budget; clock: NULL, or the processes that each fit alike on this same X (the budget
 * checked against their slowest clock, rm_silo_time_spent). Returns RM_OK, RM_ENOMEM or
 * another negative code of the solve (then ctr may hold the first units). */
int rm_silo_inlier_units(const rm_matrix *X, rm_centre *ctr, const size_t *rows, size_t m,
                         const rm_options *opt, const rm_row_range *clock, double eps,
                         double start);

#endif
