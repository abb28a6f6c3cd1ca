/* What rm_mean() and its variants share: one estimate, on every row or, spread over
 * processes, on this process's rows of them all (librobustmean_mpi calls it so). */
#ifndef RM_ESTIMATE_H
#define RM_ESTIMATE_H

#include "common/matrix.h"
#include "common/row_range.h"
#include "robustmean.h"

/* rm_mean_weights() on X (doubles or floats; weights, when asked for, X->n doubles).
 * range NULL: X holds every row. Else X holds this process's rows (possibly none, X then
 * without values), every process calls this with the same options, and each receives the
 * same status, estimate and report (n the total; seconds its own); a method that cannot
 * run so returns RM_EUNSUPPORTED. */
int rm_estimate_rows(const rm_matrix *X, const rm_row_range *range, const rm_options *opt,
                     double *mean, double *weights, int want_weights, rm_report *report);

#endif
