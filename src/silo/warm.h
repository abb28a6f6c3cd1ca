/* The warm start of a solve on many rows: a solve on a sample of them, whose first steps
 * are replayed on all the rows. Above the core (state.h): it sets up the sample's solve
 * with a hook that records its steps, and starts the solve on all rows from them. */
#ifndef RM_SILO_WARM_H
#define RM_SILO_WARM_H

#include <stddef.h>

#include "common/matrix.h"
#include "silo/eps_check.h"
#include "silo/state.h"

/* The size of the sample whose solve warm-starts the solve on n rows of d columns, or 0
 * when the data is too small to profit. */
size_t rm_silo_warm_rows(size_t n, size_t d);

/* A copy of the m rows of X listed in rows (m x d, row-major), made on threads; NULL when
 * out of memory. The caller frees it. */
double *rm_silo_warm_sample(const rm_matrix *X, const size_t *rows, size_t m, int threads);

/* The same over rows spread over processes (range NULL: as above), every process calling
 * with the sample's global row numbers: each receives the copy of all m rows, in the
 * sample's order (m x d doubles cross: the sample, never all rows), in *sample. Returns
 * RM_OK, RM_ENOMEM or a hook's code, the same on every process. */
int rm_silo_warm_sample_range(const rm_matrix *X, const rm_row_range *range, const size_t *rows,
                              size_t m, int threads, double **sample);

/* Solve on the m rows of sample (m x d, the same centre as s), replay its first steps on
 * the rows of s, and leave s at the weights they give, its oracle warm-started from the
 * sample's top vectors; start: the clock time the time budget counts from (the sample's
 * solve takes at most half of it). *check: the check of eps (eps_check.h) on the
 * sample's solve. Returns RM_OK or a negative code. */
int rm_silo_warm_start(silo *s, const double *sample, size_t m, double start,
                       rm_eps_check *check);

#endif
