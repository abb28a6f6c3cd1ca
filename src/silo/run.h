/* A whole SILO solve, as the three SILO methods run it: the centre and the samples, the
 * warm start, the iteration, the endgame, and the report. */
#ifndef RM_SILO_RUN_H
#define RM_SILO_RUN_H

#include "common/method.h"
#include "silo/solver.h"

/* Run the solver on the problem; writes the estimate and fills the SILO fields of the
 * report. Returns RM_OK, RM_NOT_CONVERGED (iteration cap or time budget: the best
 * iterate is returned) or a negative code. */
int rm_silo_run(const rm_problem *p, const rm_solver *solver, double *mean, rm_report *report);

#endif
