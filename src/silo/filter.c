/* The unconstrained-gradient variant (the soft filter of Diakonikolas et al.): the step
 * ignores the cap, q_i <- q_i (1 - tau_i / tau_max), renormalised onto the simplex; the
 * row with the largest score loses all its weight, as in the classical filter. Fast and
 * classical, but not guaranteed in every case. Its weights may leave the capped simplex;
 * the core stops it by the common rules, measuring its gap on the capped simplex (a
 * weighting that beats every capped one has gap 0 there), and certifies the result, if
 * at all, on the simplex its weights are in. */
#include <string.h>

#include "numerics/chunk_sums.h"
#include "robustmean.h"
#include "silo/solver.h"

static int propose(rm_silo_state *st, double *next)
{
    double top, total = 0.0;
    int status = rm_silo_tau_max(st, 0.0, &top);
    if (status != RM_OK)
        return status;
    for (size_t i = 0; i < st->n; i++) {
        double f = top > 0.0 ? 1.0 - st->tau[i] / top : 1.0;
        next[i] = st->q[i] * (f > 0.0 ? f : 0.0);
    }
    if (!st->range) {
        for (size_t i = 0; i < st->n; i++)
            total += next[i];
    } else {
        /* one process's running sum has no pieces to cut: spread, the sum over chunks of
         * the rows, the same bits on any number of processes split at their boundaries
         * (and one process's to rounding) */
        rm_chunk_plan plan;
        double part[RM_CHUNK_SUMS_MAX];
        rm_chunk_plan_init(&plan, st->range, st->n, RM_CHUNK_SUMS_MAX);
        for (size_t c = 0; c < plan.count; c++) {
            part[c] = 0.0;
            for (size_t i = plan.piece[c].lo; i < plan.piece[c].hi; i++)
                part[c] += next[i];
        }
        status = rm_chunk_plan_add(&plan, status, part, 1, &total);
        if (status != RM_OK)
            return status;
    }
    if (!(total > 0.0)) {
        memcpy(next, st->q, st->n * sizeof *next);
        return RM_OK;
    }
    for (size_t i = 0; i < st->n; i++)
        next[i] /= total;
    return RM_OK;
}

/* eig_tol: its path does not converge, and must not depend on how many Lanczos steps
 * rounding lets run (solver.h). */
const rm_solver rm_solver_filter = {.propose = propose, .eig_tol = 1e-6};
