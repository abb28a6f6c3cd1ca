/* The shape step's rounds (shape_step.h): whole runs of a solver on the rows in a metric,
 * from a certified point, and the move they may make. Below the run of a solve (run.h),
 * which calls it when the shape step is wanted and hands it the solve its rounds run. */
#ifndef RM_SILO_SHAPE_RUN_H
#define RM_SILO_SHAPE_RUN_H

#include <stddef.h>

#include "common/method.h"
#include "silo/eps_check.h"
#include "silo/shape_step.h"
#include "silo/solver.h"
#include "silo/state.h"

/* A whole solve of a problem (rm_silo_run, run.h): a round of the shape step is one, and
 * the run that takes the step hands it down rather than being called back by name (the
 * run is above the step: tools/check_layers.py). */
typedef int (*rm_silo_solve)(const rm_problem *p, const rm_solver *solver, double *mean,
                             rm_report *report);

/* From the certified point pt of the solve s of problem p (its samples' rows: sample,
 * sample_n of them, 0 for none): rounds of the solver in a metric, pt moved (its q and mu)
 * when the last metric shows a gain, the report's shape fields filled. When the last
 * round ran, its check of eps (made in the metric) replaces *check, and
 * rep->eps_check_in_metric is set: the caller judges the one it holds. Spread over
 * processes (p->range), every process calling. start: the clock time the time budget
 * counts from. Returns RM_OK, or RM_ENOMEM (every other failure leaves pt and *check as
 * they were). */
int rm_silo_refine_shape(const rm_problem *p, const rm_solver *solver, rm_silo_solve solve,
                         const silo *s, silo_reported *pt, const size_t *sample,
                         size_t sample_n, double start, rm_report *rep, rm_eps_check *check);

#endif
