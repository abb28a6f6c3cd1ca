/* The iteration of a solve (state.h): propose, evaluate, keep or undo, keep the best
 * iterate, until a stopping rule holds. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "silo/state.h"

/* The objective has stalled when its best value fell by less than this fraction over
 * STALL_WINDOW iterations (the solve stops); it has settled when it fell by less than
 * SETTLE_FRACTION over SETTLE_WINDOW iterations (the step turns to the gap's direction). */
#define STALL_FRACTION 1e-3
#define STALL_WINDOW 25
#define SETTLE_FRACTION 3e-3
#define SETTLE_WINDOW 1
/* A stage of the endgame has stalled when F fell by less than this fraction over this
 * many iterations. */
#define POLISH_STALL_FRACTION 1e-4
#define POLISH_STALL_WINDOW 3
/* In the endgame a rejected step that raised F by more than this factor ends the stage:
 * the step's first-order model has broken down (bench/TUNING.md, POLISH_BREAKDOWN). */
#define POLISH_BREAKDOWN 1.1

/* Keep q and its evaluation to go back to (solvers that may reject a proposal). */
static void save_point(silo *s)
{
    size_t bytes = s->n * sizeof(double);
    memcpy(s->undo.q, s->q, bytes);
    memcpy(s->undo.tau, s->ev.tau, bytes);
    memcpy(s->undo.tau_gap, s->ev.tau_gap, bytes);
    if (s->ev.norms_valid)
        memcpy(s->undo.norms, s->ev.norms, bytes);
    s->undo.norms_valid = s->ev.norms_valid;
}

/* Undo a rejected proposal: back to q and its evaluation. */
static void swap_back(silo *s)
{
    size_t bytes = s->n * sizeof(double);
    memcpy(s->q, s->undo.q, bytes);
    memcpy(s->ev.tau, s->undo.tau, bytes);
    memcpy(s->ev.tau_gap, s->undo.tau_gap, bytes);
    if (s->undo.norms_valid)
        memcpy(s->ev.norms, s->undo.norms, bytes);
    s->ev.norms_valid = s->undo.norms_valid;
}

static void keep_best(silo *s)
{
    silo_kept *kept = &s->kept;
    /* a tie takes the newer point: the endgame re-evaluates the best iterate */
    kept->best_is_current = 0;
    if (s->st.F <= kept->best.F || s->st.iteration == 0) {
        kept->best_is_current = 1;
        rm_silo_point_keep(s, &kept->best);
    }
    if (kept->certified.q && s->tg.delta <= s->tg.user_delta &&
        s->ev.gap <= s->tg.user_tol * s->st.F && s->st.F < kept->certified.F)
        rm_silo_point_keep(s, &kept->certified);
}

int rm_silo_return_to_best(silo *s, int *evaluated)
{
    *evaluated = 0;
    if (s->kept.best_is_current) {
        return s->ev.delta != s->tg.delta ? rm_silo_directions(s) : RM_OK;
    }
    memcpy(s->q, s->kept.best.q, s->n * sizeof *s->q);
    *evaluated = 1;
    return rm_silo_evaluate(s);
}

/* Whether the time budget is spent or the caller interrupts: RM_NOT_CONVERGED with *stop
 * set, else RM_OK. Spread over processes (or on a copy every process solves alike), the
 * budget is checked against the slowest clock, so all stop on the same iteration; spread,
 * every process stops when one's interrupt fires. Or a negative code. */
static int cut_short(const silo *s, double start, rm_stop *stop)
{
    const rm_options *opt = &s->opt;
    int spent;
    int status = rm_silo_time_spent(s->clock, opt, start, &spent);
    if (status != RM_OK)
        return status;
    uint64_t why[2];
    why[0] = (uint64_t)spent;
    why[1] = !why[0] && opt->interrupt && opt->interrupt(opt->interrupt_data);
    status = rm_row_range_combine(s->m.range, RM_OK, why, 2, RM_COMBINE_SUM_COUNTS);
    if (status != RM_OK)
        return status;
    if (why[0] || why[1]) {
        *stop = why[0] ? RM_STOP_TIME_BUDGET : RM_STOP_INTERRUPTED;
        return RM_NOT_CONVERGED;
    }
    return RM_OK;
}

int rm_silo_iterate(silo *s, double start, rm_stop *stop)
{
    const rm_options *opt = &s->opt;
    const rm_solver *solver = s->solver;
    size_t n = s->n;
    size_t max_iter = opt->max_iter ? opt->max_iter : RM_SILO_MAX_ITER;
    double sigma2 = opt->sigma * opt->sigma, stall_ref = INFINITY;
    size_t stall_since = 0;
    size_t it_start = s->st.iteration;
    /* The endgame starts each stage at the best iterate; a solve starts where it is. */
    int evaluated = 1, status;
    if (s->st.polishing)
        status = rm_silo_return_to_best(s, &evaluated);
    else
        status = rm_silo_evaluate(s);
    if (status < 0)
        return status;
    if (evaluated)
        keep_best(s);
    double recent[SETTLE_WINDOW + 1]; /* the best F of the last iterations */
    for (;;) {
        recent[s->st.iteration % (SETTLE_WINDOW + 1)] = s->kept.best.F;
        /* The user's own target first: where both hold, it is the reason to give. */
        if (sigma2 > 0.0 && rm_silo_unscale_objective(s, s->st.F) <= sigma2) {
            *stop = RM_STOP_SIGMA;
            return RM_OK;
        }
        /* Stop at a small gap. Gap_delta lets U pick any direction within delta of the
         * top, so a point can be delta-stationary while F still falls (a remnant of
         * outliers along the top direction, next to inlier directions almost as high):
         * the endgame's stages at a sharper delta go on from there, and waiting here for
         * F to settle as well costs an evaluation for nothing (bench/TUNING.md,
         * STOP_AT_SMALL_GAP). */
        if (s->ev.gap <= s->tg.tol * s->st.F) {
            /* The filter's weights may leave the capped simplex, where this gap is
             * measured; its report measures the gap again on the simplex holding them,
             * which may exceed the tolerance: the reason must say which one was small. */
            *stop = solver->capped ? RM_STOP_GAP : RM_STOP_GAP_CAPPED;
            return RM_OK;
        }
        double stall_fraction = s->st.polishing ? POLISH_STALL_FRACTION : STALL_FRACTION;
        size_t stall_window = s->st.polishing ? POLISH_STALL_WINDOW : STALL_WINDOW;
        if (s->kept.best.F < stall_ref * (1.0 - stall_fraction)) {
            stall_ref = s->kept.best.F;
            stall_since = s->st.iteration;
        } else if (s->st.iteration - stall_since >= stall_window) {
            *stop = RM_STOP_STALLED;
            return RM_OK;
        }
        if (s->st.iteration >= max_iter) {
            *stop = RM_STOP_ITERATION_CAP;
            return RM_NOT_CONVERGED;
        }
        status = cut_short(s, start, stop);
        if (status != RM_OK)
            return status;
        /* Once F has settled short of stationarity, the softmax direction has done what it
         * can (its fixed point minimises a smoothed top eigenvalue): step along the gap's
         * own direction then, which closes the gap. (The endgame keeps the softmax, at its
         * sharper delta.) */
        int settled = s->st.iteration == it_start ||
                      (s->st.iteration >= it_start + SETTLE_WINDOW &&
                       recent[(s->st.iteration + 1) % (SETTLE_WINDOW + 1)] - s->kept.best.F <=
                           SETTLE_FRACTION * s->kept.best.F);
        s->st.tau =
            settled && solver->softmax_step && !s->st.polishing ? s->ev.tau_gap : s->ev.tau;
        status = rm_silo_ensure_norms(s);
        if (status != RM_OK)
            return status;
        status = solver->propose(&s->st, s->next);
        if (status != RM_OK)
            return status;
        if (s->on_step && s->st.rejected == 0)
            s->on_step(s->on_step_ctx, s);
        double F_before = s->st.F, gap_before = s->ev.gap;
        if (solver->can_reject)
            save_point(s);
        memcpy(s->q, s->next, n * sizeof(double));
        s->st.iteration++;
        status = rm_silo_evaluate(s);
        if (status != RM_OK)
            return status;
        double F_next = s->st.F;
        s->st.F = F_before; /* the solver compares the proposal with the current point */
        if (solver->accept && !solver->accept(&s->st, F_next)) {
            s->st.rejected++;
            swap_back(s);
            s->kept.best_is_current = 0;
            s->ev.gap = gap_before;
            /* In the endgame (pgd's steps: lowregret keeps every step) */
            if (s->st.polishing && F_next > POLISH_BREAKDOWN * F_before) {
                *stop = RM_STOP_STEP_RAISED;
                return RM_OK;
            }
            continue;
        }
        s->st.F = F_next;
        s->st.rejected = 0;
        keep_best(s);
    }
}
