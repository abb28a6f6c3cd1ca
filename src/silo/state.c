/* The set-up and release of a solve (state.h). */
#include "silo/state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "numerics/row_sample.h"
#include "numerics/simplex.h"

static int point_alloc(silo_point *p, size_t n, size_t d)
{
    p->q = rm_alloc_array(n, sizeof(double));
    p->mu = rm_alloc_array(d, sizeof(double));
    p->V = rm_alloc_array(d, RM_MAX_PAIRS * sizeof(double));
    p->F = INFINITY;
    return p->q && p->mu && p->V;
}

static void point_free(silo_point *p)
{
    free(p->q);
    free(p->mu);
    free(p->V);
}

void rm_silo_point_keep(const silo *s, silo_point *p)
{
    p->F = s->st.F;
    p->gap = s->ev.gap;
    p->k = s->ev.k;
    p->k_gap = s->ev.k_gap;
    memcpy(p->q, s->q, s->n * sizeof *s->q);
    memcpy(p->mu, s->oracle.mu, s->d * sizeof *s->oracle.mu);
    memcpy(p->V, s->oracle.V, s->ev.k * s->d * sizeof *s->oracle.V);
}

int rm_silo_restart(silo *s, double eps)
{
    double u = 1.0 / ((1.0 - eps) * (double)s->total);
    memcpy(s->q, s->kept.best.q, s->n * sizeof *s->q);
    /* a smaller eps: onto the smaller simplex, Euclidean, so that rows at weight 0 (which
     * multiplicative steps cannot revive) come back */
    int status = u < s->st.u ? rm_simplex_project_l2_range(s->q, s->n, u, s->q, s->opt.threads,
                                                           s->m.range, NULL)
                             : RM_OK;
    s->st.eps = eps;
    s->st.u = u;
    s->st.iteration = 0;
    s->st.step = 0.0;
    s->st.rejected = 0;
    s->st.polishing = 0;
    s->tg.delta = s->tg.user_delta;
    s->tg.tol = s->tg.user_tol;
    s->tg.effective_cap = 0;
    s->kept.best.F = INFINITY;
    s->kept.certified.F = INFINITY;
    s->kept.best_is_current = 0;
    return status;
}

double rm_silo_unscale_objective(const silo *s, double F)
{
    return rm_centre_unscale_square(s->m.ctr, F);
}

void rm_silo_free(silo *s)
{
    double *arrays[] = {s->q, s->next, s->work, s->ev.S, s->ev.tau, s->ev.tau_gap,
                        s->ev.norms, s->undo.q, s->undo.tau, s->undo.tau_gap, s->undo.norms,
                        s->sample.S, s->sample.tau, s->sample.work, s->sample.packed,
                        s->sample.gathered};
    point_free(&s->kept.best);
    point_free(&s->kept.certified);
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    free(s->sample.local);
    rm_silo_oracle_free(&s->oracle);
}

int rm_silo_init(silo *s, const silo_setup *setup)
{
    const rm_options *opt = setup->opt;
    const rm_solver *solver = setup->solver;
    size_t n = setup->X->n, d = setup->X->d;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->d = d;
    s->total = setup->range ? rm_row_range_total(setup->range) : n;
    s->opt = *opt;
    s->solver = solver;
    s->m = (rm_moments){.X = *setup->X, .n = n, .d = d, .ctr = setup->centre,
                        .range = setup->range};
    s->clock = setup->range ? setup->range : setup->clock;
    s->on_step = setup->on_step;
    s->on_step_ctx = setup->on_step_ctx;
    s->tg.max_pairs = opt->max_directions ? opt->max_directions : RM_SILO_DIRECTIONS;
    s->tg.delta = opt->delta > 0.0 ? opt->delta : RM_SILO_DELTA;
    s->tg.tol = opt->tol > 0.0 ? opt->tol : RM_SILO_TOL;
    s->tg.user_delta = s->tg.delta;
    s->tg.user_tol = s->tg.tol;

    double **vectors[] = {&s->q, &s->next, &s->ev.tau, &s->ev.tau_gap, &s->work};
    int ok = 1;
    for (size_t k = 0; k < sizeof vectors / sizeof vectors[0]; k++)
        ok &= (*vectors[k] = rm_alloc_array(n, sizeof(double))) != NULL;
    /* a capped solver ends with the endgame's pgd stages, which read the distances and
     * may reject a step */
    if (solver->needs_norms || solver->capped)
        ok &= (s->ev.norms = rm_alloc_array(n, sizeof(double))) != NULL;
    if (solver->can_reject || solver->capped) {
        double **undo[] = {&s->undo.q, &s->undo.tau, &s->undo.tau_gap, &s->undo.norms};
        for (size_t k = 0; k < sizeof undo / sizeof undo[0]; k++)
            ok &= (*undo[k] = rm_alloc_array(n, sizeof(double))) != NULL;
    }
    ok &= point_alloc(&s->kept.best, n, d);
    if (solver->capped)
        ok &= point_alloc(&s->kept.certified, n, d);
    s->ev.S = rm_alloc_array(n, RM_MAX_PAIRS * sizeof(double));
    ok = ok && s->ev.S;
    if (ok && setup->gap_n) {
        s->sample.rows = setup->gap_rows;
        s->sample.n = setup->gap_n;
        s->sample.S = rm_alloc_array(s->sample.n, RM_MAX_PAIRS * sizeof(double));
        s->sample.tau = rm_alloc_array(s->sample.n, sizeof(double));
        s->sample.work = rm_alloc_array(s->sample.n, sizeof(double));
        ok = s->sample.S && s->sample.tau && s->sample.work;
    }
    if (ok && setup->gap_n && setup->range) {
        silo_gap_sample *sub = &s->sample;
        size_t width = RM_MAX_PAIRS + 1; /* the scores and the weight */
        sub->local = rm_alloc_array(sub->n, sizeof *sub->local);
        sub->packed = rm_alloc_array(sub->n, width * sizeof(double));
        sub->gathered = rm_alloc_array(sub->n, width * sizeof(double));
        ok = sub->local && sub->packed && sub->gathered;
        if (ok)
            sub->mine = rm_sample_mine(setup->range, sub->rows, sub->n, sub->local);
    }
    if (ok)
        ok = rm_silo_oracle_init(s, setup->eig_tol) == RM_OK;
    s->st.n = n;
    s->st.eps = setup->eps;
    s->st.u = 1.0 / ((1.0 - setup->eps) * (double)s->total);
    s->st.q = s->q;
    s->st.tau = s->ev.tau;
    s->st.tau_gap = s->ev.tau_gap;
    s->st.norms = s->ev.norms;
    s->st.work = s->work;
    s->st.threads = opt->threads;
    s->st.range = setup->range;
    if (ok)
        for (size_t i = 0; i < n; i++)
            s->q[i] = 1.0 / (double)s->total;
    return ok ? RM_OK : RM_ENOMEM;
}

int rm_silo_time_spent(const rm_row_range *clock, const rm_options *opt, double start,
                       int *spent)
{
    *spent = 0;
    if (!(opt->max_seconds > 0.0))
        return RM_OK;
    double elapsed;
    int status = rm_row_range_elapsed(clock, start, &elapsed);
    *spent = status == RM_OK && elapsed >= opt->max_seconds;
    return status;
}
