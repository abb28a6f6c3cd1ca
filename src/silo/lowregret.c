/* The low-regret KKT finder (DESIGN.md, section 3): multiplicative weights,
 * q_i <- q_i (1 - eta tau_i) with eta = c / tau_max, then the KL projection onto the
 * capped simplex. Its regret bound makes some iterate approximately stationary; the core
 * returns the best. */
#include <math.h>
#include <string.h>

#include "common/threads.h"
#include "numerics/simplex.h"
#include "robustmean.h"
#include "silo/solver.h"

/* c <= 1/2 is what the regret analysis allows; the solve starts there (a solve warm-started
 * from a sample starts at the step the sample's solve grew to, warm.c). Like pgd's, the
 * step then grows by STEP_GROW after a step that lowered F by more than GROW_FALL (up to
 * STEP_MAX: the row at tau_max keeps some weight), and halves after one that raised it:
 * fewer iterations on most models. Growth after any fall, however small, makes the path
 * erratic where F is flat; none in the endgame, which starts near the optimum, where a
 * grown step overshoots (bench/TUNING.md, STEP_GROW and GROW_FALL). */
#define STEP_C 0.5
#define STEP_GROW 1.5
#define STEP_MAX 0.95
#define STEP_SHRINK 0.5
#define STEP_MIN 0.02
#define GROW_FALL 1e-3

static int propose(rm_silo_state *st, double *next)
{
    if (st->step == 0.0)
        st->step = STEP_C;
    double top, theta;
    int status = rm_silo_tau_max(st, RM_SILO_STEP_FLOOR * st->u, &top);
    if (status != RM_OK)
        return status;
    double eta = top > 0.0 ? st->step / top : 0.0;
#pragma omp parallel for schedule(static) num_threads(rm_threads(st->threads, st->n))
    for (size_t i = 0; i < st->n; i++) {
        double f = 1.0 - eta * st->tau[i];
        next[i] = st->q[i] * (f > 0.0 ? f : 0.0);
    }
    status = rm_simplex_project_kl_range(next, st->n, st->u, next, st->work, st->threads,
                                         st->range, &theta);
    if (status == RM_OK && theta < 0.0)
        memcpy(next, st->q, st->n * sizeof *next); /* cannot happen while q > 0 */
    return status;
}

static int accept(rm_silo_state *st, double F_next)
{
    if (F_next > st->F)
        st->step = fmax(st->step * STEP_SHRINK, STEP_MIN);
    else if (F_next < st->F * (1.0 - GROW_FALL) && !st->polishing)
        st->step = fmin(st->step * STEP_GROW, STEP_MAX);
    return 1;
}

const rm_solver rm_solver_lowregret = {
    .propose = propose, .accept = accept, .capped = 1, .softmax_step = 1};
