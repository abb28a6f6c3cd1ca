/* The choice of eps when none is given (RM_EPS_AUTO): a solve at a conservative fraction,
 * then rows given back a fraction at a time while the objective stays within what the
 * inliers alone reach. */
#ifndef RM_SILO_EPS_AUTO_H
#define RM_SILO_EPS_AUTO_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"
#include "numerics/centre.h"
#include "robustmean.h"

/* The conservative fraction the choice starts from, below 1/3 where stationarity still
 * implies accuracy: also the fraction the column units are fitted at. */
#define RM_SILO_EPS_AUTO_START 0.3

/* Choose eps on the m rows of X (a sample of the n rows being estimated, or all of them):
 * low-regret solves at RM_SILO_EPS_AUTO_START, then down a path of smaller fractions, each
 * continued from the last for a few steps, until the objective rises above what clean
 * rows would reach (Gaussian rows of the effective dimension tr/top of the fit at the
 * start, trimmed; times the sampling edge 1 + sqrt(d/m), and a slack); the smallest
 * fraction that held, plus the sampling error of a fraction of m rows when m < n. start: the call's
 * start, for the time budget; clock: NULL, or the processes that each choose alike on this
 * same X (the budget checked against their slowest clock, rm_silo_time_spent). Returns
 * RM_OK (the choice in *eps) or a negative code. */
int rm_silo_choose_eps(const rm_matrix *X, const rm_centre *ctr, size_t n, const rm_options *opt,
                       const rm_row_range *clock, double start, double *eps);

#endif
