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
        total += next[i];
    }
    if (st->range) {
        /* one running sum over all the rows: spread, each process's part is a piece of
         * its one chunk, added in row order (to rounding) */
        rm_chunk_plan plan;
        rm_chunk_plan_init(&plan, st->range, st->n, 1);
        status = rm_chunk_plan_add(&plan, status, &total, 1, &total);
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
