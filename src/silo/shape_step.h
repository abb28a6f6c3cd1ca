/* The shape step (rm_shaping): from a SILO point, a metric in which the rows it keeps are
 * round, and the estimate moved towards a solve in that metric, within the point's
 * certified radius. The solve itself is the caller's (run.c): it is a whole run on the
 * rows in the metric. */
#ifndef RM_SILO_SHAPE_STEP_H
#define RM_SILO_SHAPE_STEP_H

#include <stddef.h>

#include "numerics/shape.h"
#include "robustmean.h"
#include "silo/state.h"

/* A SILO point as reported: its weights and mean (z units), F, and the eps and weight cap
 * it was solved at (the solve may have moved on since: the check of eps). */
typedef struct silo_reported {
    double *q, *mu;
    double F, eps, cap;
} silo_reported;

/* The metric of rows of mo (this process's: a copy of the sample's rows when they are
 * spread over processes) about origin (d values, z units): of the sample rows (sample_n
 * of them; 0: all rows), those both q and also keep (weight at least cap/2, q and also
 * indexed by mo's rows; NULL keeps every row). sh->M is NULL when none was fitted (d
 * above RM_SHAPE_MAX_DIM, fewer than 2 rows); else the caller frees it (rm_shape_free).
 * Returns RM_OK, RM_ENOMEM or RM_ENUMERIC. */
int rm_silo_shape_metric(const rm_moments *mo, int threads, const double *q, const double *also,
                         double cap, const double *origin, const size_t *sample,
                         size_t sample_n, rm_shape *sh);

/* What the move from q0 to q1 gains in the metric against what it loses in z: F of q0
 * over F of q1 in the metric, divided by F of q1 over F of q0 in z; each F on the sample
 * rows (all rows when sample_n is 0), the weights renormalised on them. Returns RM_OK,
 * RM_ENOMEM or RM_ENUMERIC. */
int rm_silo_shape_gain(const rm_moments *mo, int threads, const rm_shape *sh, const double *q0,
                       const double *q1, const size_t *sample, size_t sample_n, double *gain);

/* mu = sum_i q_i z_i (d values): a pass. Returns RM_OK or RM_ENOMEM. */
int rm_silo_weighted_mean(const silo *s, const double *q, double *mu);

/* Move the point (its q and mu rewritten) towards the solve in the metric (weights q1,
 * mean mu1), as far as the certified radius rep->bound_error * sqrt(F) allows: q and mu
 * become the matching mix. Fills the report's shape fields and widens its bounds by the
 * move. Returns RM_OK or (the outliers counted over processes) a hook's code. */
int rm_silo_shape_blend(const silo *s, const double *q1, const double *mu1, silo_reported *pt,
                        rm_report *rep);

#endif
