/* The unconstrained-gradient variant (the soft filter of Diakonikolas et al.): the step
 * ignores the cap, q_i <- q_i (1 - tau_i / tau_max), renormalised onto the simplex; the
 * row with the largest score loses all its weight, as in the classical filter. Fast and
 * classical, but not guaranteed in every case. Its weights may leave the capped simplex;
 * the core stops it by the common rules, measuring its gap on the capped simplex (a
 * weighting that beats every capped one has gap 0 there), and certifies the result, if
 * at all, on the simplex its weights are in. */
#include <string.h>

#include "silo/solver.h"

static void propose(rm_silo_state *st, double *next)
{
    double top = rm_silo_tau_max(st, 0.0), total = 0.0;
    for (size_t i = 0; i < st->n; i++) {
        double f = top > 0.0 ? 1.0 - st->tau[i] / top : 1.0;
        next[i] = st->q[i] * (f > 0.0 ? f : 0.0);
        total += next[i];
    }
    if (!(total > 0.0)) {
        memcpy(next, st->q, st->n * sizeof *next);
        return;
    }
    for (size_t i = 0; i < st->n; i++)
        next[i] /= total;
}

/* eig_tol: its path does not converge, and must not depend on how many Lanczos steps
 * rounding lets run (solver.h). */
const rm_solver rm_solver_filter = {.propose = propose, .eig_tol = 1e-6};
