/* See endgame.h. A delta-stationary point is within a constant factor of the optimum, not
 * within 1%: the softmax direction minimises a smoothed top eigenvalue (biased by about
 * delta), and each step shape stalls where the other does not (multiplicative steps
 * cannot bring back a row they starved, as on two clusters or axis noise; Euclidean ones
 * move the rows they keep all alike, as on DKK noise or heavy tails). So, from the best
 * iterate: both step shapes at a sharper delta and a tighter gap, then Euclidean steps at
 * a sharper one still; each stage stops by its own gap, or when F no longer falls, and
 * costs nothing where the point already meets it (bench/TUNING.md, POLISH_STAGES). */
#include "silo/endgame.h"

#include <math.h>

typedef struct polish_stage {
    const rm_solver *solver;
    double delta, tol;
} polish_stage;

static const polish_stage stages[] = {
    {.solver = &rm_solver_lowregret, .delta = 0.02, .tol = 0.005},
    {.solver = &rm_solver_pgd, .delta = 0.02, .tol = 0.005},
    {.solver = &rm_solver_pgd, .delta = 0.005, .tol = 0.002},
};

int rm_silo_endgame(silo *s, double start, rm_stop *stop)
{
    const rm_solver *solver = s->solver;
    rm_stop why = RM_STOP_NONE;
    int status = RM_OK;
    size_t before = s->st.iteration;
    s->st.polishing = 1;
    /* Not below what the Lanczos oracle resolves: its Ritz vectors, to a residual of
     * eig_tol * F, mix directions whose values are closer than that, and the gap computed
     * from them is uncertain by about as much, so a window under 2 eig_tol or a tolerance
     * under eig_tol chases noise (bench/TUNING.md, POLISH_LANCZOS_FLOOR). The dense
     * oracle's pairs are exact. */
    double resolved = s->oracle.dense ? 0.0 : s->oracle.eig_tol;
    for (size_t t = 0; t < sizeof stages / sizeof stages[0] && status == RM_OK; t++) {
        double stage_delta = fmin(s->tg.user_delta, fmax(stages[t].delta, 2.0 * resolved));
        double stage_tol = fmin(s->tg.user_tol, fmax(stages[t].tol, resolved));
        if (t > 0 && stages[t].solver == s->solver && stage_delta == s->tg.delta &&
            stage_tol == s->tg.tol)
            continue; /* the floor made it the stage just run */
        s->solver = stages[t].solver;
        s->tg.delta = stage_delta;
        s->tg.tol = stage_tol;
        s->st.step = 0.0;
        status = rm_silo_iterate(s, start, &why);
    }
    /* The report's gap is at the user's delta, at the best iterate (or, for a certified
     * iterate from a stage at a sharper delta, its gap there, which bounds the gap at
     * theirs: see rm_silo_prefer_certified). */
    s->st.polishing = 0;
    s->solver = solver;
    s->tg.delta = s->tg.user_delta;
    s->tg.tol = s->tg.user_tol;
    if (status == RM_NOT_CONVERGED)
        *stop = why; /* the cap or the budget cut the endgame short */
    if (status < 0)
        return status;
    if (s->st.iteration > before) { /* (with no step, the main loop's gap stands) */
        int evaluated, again = rm_silo_return_to_best(s, &evaluated);
        if (again < 0)
            return again;
        s->kept.best.gap = s->ev.gap;
        s->kept.best.k_gap = s->ev.k_gap;
    }
    return status;
}

/* An endgame step at a sharper delta may lower F and leave the gap at the user's delta
 * above the tolerance; steps of the user's solver at their delta from such a point cost
 * more evaluations and ended no lower (bench/TUNING.md, PREFER_CERTIFIED). */
void rm_silo_prefer_certified(silo *s)
{
    silo_kept *kept = &s->kept;
    double sigma2 = s->opt.sigma * s->opt.sigma;
    if (kept->best.gap <= s->tg.tol * kept->best.F || !(kept->certified.F < INFINITY) ||
        (sigma2 > 0.0 && rm_silo_unscale_objective(s, kept->best.F) <= sigma2))
        return;
    silo_point best = kept->best;
    kept->best = kept->certified;
    kept->certified = best;
    kept->best_is_current = 0;
}
