/* Projected gradient descent (DESIGN.md, section 3): q <- Proj(q - eta tau) with the
 * Euclidean projection onto the capped simplex; a step that does not lower F is undone
 * and halved, one that does is kept and the next one is 1.5 times longer. */
#include "silo.h"
#include "simplex.h"

static void propose(rm_silo_state *st, double *next)
{
    if (st->step == 0.0) {
        /* The first step moves the highest-scoring row by half its cap. */
        double top = rm_silo_tau_max(st, 1e-6 * st->u);
        st->step = top > 0.0 ? 0.5 * st->u / top : 1.0;
    }
    for (size_t i = 0; i < st->n; i++)
        next[i] = st->q[i] - st->step * st->tau[i];
    rm_simplex_project_l2(next, st->n, st->u, next);
}

static int accept(rm_silo_state *st, double F_next)
{
    if (F_next < st->F) {
        st->step *= 1.5;
        return 1;
    }
    st->step *= 0.5;
    return 0;
}

static const rm_solver solver = {propose, accept, 1, 0.0, 1};

static int run(const rm_problem *p, double *mean, rm_report *report)
{
    return rm_silo_run(p, &solver, mean, report);
}

const rm_method rm_method_pgd = {
    {"pgd",
     "SILO projected gradient descent on the capped simplex: error O(sigma*sqrt(eps)) for eps < 1/3, "
     "sigma not needed",
     1, 0.0, 0.5, 1},
    run,
};
