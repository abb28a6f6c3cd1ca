/* See run.h. */
#include "silo/run.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "numerics/centre.h"
#include "numerics/row_sample.h"
#include "numerics/summation.h"
#include "silo/endgame.h"
#include "silo/eps_auto.h"
#include "silo/eps_check.h"
#include "silo/gap.h"
#include "silo/shape_step.h"
#include "silo/state.h"
#include "silo/units.h"
#include "silo/warm.h"

/* Spread over processes, every process's (RM_OK or a hook's code). */
static int fill_report(const silo *s, rm_report *rep)
{
    size_t n = s->n, total = s->total;
    const silo_point *best = &s->kept.best;
    rep->oracle = s->oracle.dense ? "dense" : "lanczos";
    rep->iterations = s->st.iteration;
    rep->products = s->cost.products;
    rep->passes = s->cost.passes + (size_t)ceil(s->cost.passes_partial);
    rep->objective = rm_silo_unscale_objective(s, best->F);
    rep->gap = rm_silo_unscale_objective(s, best->gap);
    rep->directions = best->k_gap;
    rep->weight_cap = s->st.u;
    double gap_rel = best->F > 0.0 ? best->gap / best->F : 0.0;
    double eps = s->st.eps, top = 0.0;
    for (size_t i = 0; i < n; i++)
        if (best->q[i] > top)
            top = best->q[i];
    uint64_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += best->q[i] < 0.5 * s->st.u;
    int status = rm_silo_largest_everywhere(s->m.range, RM_OK, &top);
    status = rm_row_range_combine(s->m.range, status, &outliers, 1, RM_COMBINE_SUM_COUNTS);
    if (status != RM_OK)
        return status;
    if (top > s->st.u) /* the filter: the eps whose cap its largest weight meets */
        eps = 1.0 - 1.0 / ((double)total * top);
    rep->guarantee = s->st.eps < 1.0 / 3.0;
    rm_gap_bounds b = rm_gap_bounds_of(eps, s->tg.delta, gap_rel);
    rep->certified = b.valid && gap_rel <= s->tg.tol;
    rep->bound_objective = rep->certified ? b.objective : NAN;
    rep->bound_error = rep->certified ? b.error : NAN;
    rep->sigma_certificate =
        s->opt.sigma > 0.0 ? rm_sigma_certificate(eps, rep->objective, s->opt.sigma) : NAN;
    rep->outliers = (size_t)outliers;
    rep->columns_scaled = s->m.ctr->unit != NULL;
    rep->eps_chosen = s->st.eps;
    rep->outlier_fraction = (double)outliers / (double)total;
    return RM_OK;
}

/* A certificate whose condition the data contradicts is withheld: F above what it allows
 * for the given sigma, or F falling far when more rows may go, with the rows kept leaning
 * to one side (eps too small). */
static void judge_consistency(rm_report *rep, const rm_eps_check *check, double sigma)
{
    rep->eps_check = check->ratio;
    rep->eps_check_shift = check->shift;
    rep->eps_check_excess = check->excess;
    rep->eps_contradicted = rm_silo_eps_contradicted(check);
    rep->consistent =
        !(rep->certified && sigma > 0.0 && rep->objective > rep->bound_objective * sigma * sigma) &&
        !rep->eps_contradicted;
    if (!rep->consistent) {
        rep->certified = 0;
        rep->bound_objective = rep->bound_error = NAN;
    }
}

/* Robust column units (rm_scaling): asked for, or by default for the capped solvers when
 * no sigma (in the data's units) is given. */
static int wants_units(const rm_options *opt, const rm_solver *solver)
{
    if (opt->column_scaling == RM_SCALING_AUTO)
        return solver->capped && !(opt->sigma > 0.0);
    return opt->column_scaling == RM_SCALING_ROBUST;
}

/* Robust units fitted on the m rows listed in rows (NULL: every row). Spread over
 * processes, on a copy of those rows (of every row only when they are no more than the
 * gap's sample: rm_silo_gap_rows), the same as one process's on them. */
static int inlier_units(const rm_problem *p, rm_centre *ctr, const size_t *rows, size_t m,
                        double eps, double start)
{
    const rm_matrix *X = &p->X;
    if (!p->range)
        return rm_silo_inlier_units(X, ctr, rows, rows ? m : X->n, p->opt, eps, start);
    size_t *every = NULL;
    if (!rows) {
        m = rm_row_range_total(p->range);
        every = rm_alloc_array(m, sizeof *every);
        for (size_t i = 0; every && i < m; i++)
            every[i] = i;
    }
    double *copy = NULL;
    char unused[sizeof ((rm_report *)0)->message] = "";
    int status = rm_row_range_agree(p->range, rows || every ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_silo_warm_sample_range(X, p->range, rows ? rows : every, m, p->opt->threads,
                                           &copy);
    rm_options repeated = *p->opt; /* every process repeats it: see rm_silo_warm_start */
    repeated.interrupt = NULL;
    if (status == RM_OK) {
        rm_matrix sample = rm_matrix_of_doubles(copy, m, X->d);
        status = rm_silo_inlier_units(&sample, ctr, NULL, m, &repeated, eps, start);
    }
    free(copy);
    free(every);
    return status;
}

/* The centre and the samples of a solve on X: with a warm start, the centre is the
 * medians of the gap's sample, drawn by keys taken at a provisional centre (the columns'
 * midranges: one pass, where the medians of all rows take three; a centre only has to sit
 * among the bulk: bench/TUNING.md, WARM_CENTRE_SAMPLE); without, the medians of all rows.
 * With units, each column's unit, fitted at eps, over a sample (or all rows when n is
 * small).
 * *warm: the warm start's sample (*warm_m rows), or NULL. On failure nothing is left to
 * free. */
static int prepare(const rm_problem *p, int units, double eps, double start, rm_centre *ctr,
                   size_t *gap_rows, size_t *gap_n, double **warm, size_t *warm_m)
{
    const rm_matrix *X = &p->X;
    const rm_row_range *range = p->range;
    int threads = p->opt->threads;
    int status = *warm_m ? rm_centre_init_midrange_range(ctr, X, range, threads)
                         : rm_centre_init_range(ctr, X, range, threads);
    if (status != RM_OK)
        return status;
    char unused[sizeof ((rm_report *)0)->message] = "";
    if (!*gap_n) {
        status = units ? inlier_units(p, ctr, NULL, 0, eps, start) : RM_OK;
        /* spread, a failure of this process's own steps is every one's */
        status = rm_row_range_agree(range, status, unused);
        if (status != RM_OK)
            rm_centre_free(ctr);
        return status;
    }
    size_t *warm_rows = rm_alloc_array(*warm_m, sizeof *warm_rows);
    rm_moments m = {.X = *X, .n = X->n, .d = X->d, .ctr = ctr, .range = range};
    status = rm_row_range_agree(range, warm_rows ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_silo_draw_samples(&m, threads, gap_rows, gap_n, warm_rows, warm_m);
    if (status == RM_OK && *warm_m) {
        status = rm_silo_warm_sample_range(X, range, warm_rows, *warm_m, threads, warm);
        /* spread, the gap's rows are the warm sample's first (the samples are nested, in
         * the order of their keys): its copy holds them */
        rm_matrix first = rm_matrix_of_doubles(*warm, *gap_n, X->d);
        if (status == RM_OK)
            status = range ? rm_centre_move_to_rows(ctr, &first, NULL, *gap_n, threads)
                           : rm_centre_move_to_rows(ctr, X, gap_rows, *gap_n, threads);
    }
    /* the keys round each column on its own grid, so the samples do not depend on units;
     * the units from the larger sample when there is one: their sampling noise stretches
     * the metric unevenly, which a solve on many rows then has to work through
     * (bench/TUNING.md, UNITS) */
    if (status == RM_OK && units && *warm) {
        rm_matrix sample = rm_matrix_of_doubles(*warm, *warm_m, X->d);
        rm_options repeated = *p->opt; /* spread, every process repeats it */
        if (range)
            repeated.interrupt = NULL;
        status = rm_silo_inlier_units(&sample, ctr, NULL, *warm_m, &repeated, eps, start);
    } else if (status == RM_OK && units) {
        status = inlier_units(p, ctr, gap_rows, *gap_n, eps, start);
    }
    status = rm_row_range_agree(range, status, unused);
    free(warm_rows);
    if (status != RM_OK) {
        free(*warm);
        *warm = NULL;
        rm_centre_free(ctr);
    }
    return status;
}

/* From the set-up (and the warm start) to the estimate's weights in s->kept.best. */
static int solve(silo *s, double start, rm_stop *stop)
{
    const rm_solver *solver = s->solver;
    int status = rm_silo_iterate(s, start, stop);
    if (status == RM_OK && solver->capped)
        status = rm_silo_endgame(s, start, stop);
    if (status >= 0 && solver->capped)
        rm_silo_prefer_certified(s);
    if (status >= 0 && !solver->capped) {
        /* Weights that left the capped simplex: measure the gap of the best iterate on the
         * simplex that holds them, and certify (or not) with that simplex's eps. */
        memcpy(s->q, s->kept.best.q, s->n * sizeof *s->q);
        s->tg.effective_cap = 1;
        int again = rm_silo_evaluate(s);
        if (again != RM_OK)
            status = again;
        s->kept.best.gap = s->ev.gap;
        s->kept.best.k_gap = s->ev.k_gap;
    }
    return status;
}

/* The rounds of the shape step, and the gain in F its metric must show (bench/TUNING.md,
 * SHAPE). */
#define SHAPE_ROUNDS 2
#define SHAPE_GAIN 1.1

/* The shape step by default for the capped solvers (rm_shaping), on request for them. */
static int wants_shape(const rm_options *opt, const rm_solver *solver)
{
    return solver->capped && opt->shaping != RM_SHAPING_NONE;
}

static int all_finite(const float *y, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (!isfinite(y[k]))
            return 0;
    return 1;
}

/* The shape step from the certified point pt: rounds of a whole run of the solver on the
 * rows in a metric, from scratch (multiplicative steps cannot bring back the rows the
 * first solve starved), at the point's eps. The first round's metric is fitted on every
 * row (robust scales need no trimming; the point's kept rows would be the inliers with
 * their dominant directions trimmed), the second's on the rows the first round kept when
 * its own move would have been taken (its gain above SHAPE_GAIN), else on the rows both
 * the point and the first round kept (what either removed does not stretch the metric).
 * The metrics are fitted on the sample rows when there is a sample, so the first round
 * runs on those. The estimate moves
 * only when the last metric shows the point far from its minimum there, by more than the
 * move costs in z (bench/TUNING.md, SHAPE): a metric can hide outliers as well as show
 * them. */
/* Where the shape step takes its metrics and gains: the sample's rows of s (all rows when
 * there is no sample) and the weights there. Spread over processes, a copy of those rows
 * (in the sample's order: every process holds it, at most the gap's rows) with the
 * weights at them gathered, so each metric and gain is one process's; else s's own rows
 * and weights. */
typedef struct shape_view {
    const rm_moments *m;
    const size_t *sample; /* rows of m, or NULL: all of m's */
    size_t sample_n;
    const size_t *rows; /* spread: the global rows of the copy */
    size_t count;       /* spread: their number */
    double *copy, *pt_q, *q1; /* spread: the copy, pt's weights and q1's at its rows */
    size_t *every;      /* spread without a sample: 0..n-1 */
    rm_moments copy_m;
} shape_view;

static void view_free(shape_view *v)
{
    free(v->copy);
    free(v->pt_q);
    free(v->q1);
    free(v->every);
}

/* The weights q (this process's rows) at the view's rows, into out (spread only). */
static int view_weights(const silo *s, const shape_view *v, const double *q, double *out)
{
    const rm_row_range *r = s->m.range;
    size_t *local = rm_alloc_array(v->count, sizeof *local);
    double *mine = rm_alloc_array(v->count, sizeof *mine);
    size_t mine_n = local && mine ? rm_sample_mine(r, v->rows, v->count, local) : 0;
    for (size_t t = 0; t < mine_n; t++)
        mine[t] = q[local[t]];
    int status = rm_sample_gather(r, v->rows, v->count, local && mine ? RM_OK : RM_ENOMEM, mine,
                                  1, out);
    free(local);
    free(mine);
    return status;
}

static int view_init(const rm_problem *p, const silo *s, const silo_reported *pt,
                     const size_t *sample, size_t sample_n, shape_view *v)
{
    memset(v, 0, sizeof *v);
    if (!p->range) {
        *v = (shape_view){.m = &s->m, .sample = sample, .sample_n = sample_n, .pt_q = NULL};
        return RM_OK;
    }
    v->count = sample_n ? sample_n : s->total;
    if (!sample_n) {
        v->every = rm_alloc_array(v->count, sizeof *v->every);
        for (size_t i = 0; v->every && i < v->count; i++)
            v->every[i] = i;
    }
    v->rows = sample_n ? sample : v->every;
    v->pt_q = rm_alloc_array(v->count, sizeof *v->pt_q);
    v->q1 = rm_alloc_array(v->count, sizeof *v->q1);
    char unused[sizeof ((rm_report *)0)->message] = "";
    int status = rm_row_range_agree(p->range, v->rows && v->pt_q && v->q1 ? RM_OK : RM_ENOMEM,
                                    unused);
    if (status == RM_OK)
        status = rm_silo_warm_sample_range(&p->X, p->range, v->rows, v->count, p->opt->threads,
                                           &v->copy);
    if (status == RM_OK)
        status = view_weights(s, v, pt->q, v->pt_q);
    v->copy_m = (rm_moments){.X = rm_matrix_of_doubles(v->copy, v->count, s->d),
                             .n = v->count,
                             .d = s->d,
                             .ctr = s->m.ctr};
    v->m = &v->copy_m;
    return status;
}

/* A round's solve on the rows in the metric: on the view's rows (not last: the sample, or
 * every row), into q1 as weights of all rows on the same cap; or on all rows (last),
 * spread as they are. *unheld: the metric could not hold the rows (no solve). */
static int shape_solve(const rm_problem *p, const rm_solver *solver, const silo *s,
                       const shape_view *v, const rm_shape *sh, const rm_options *inner,
                       double eps, int last, double *q1, double *qs, rm_report *solved,
                       int *unheld)
{
    size_t n = s->n, d = s->d, total = s->total;
    const size_t *sample = p->range ? NULL : v->sample;
    const rm_moments *m_rows = last ? &s->m : v->m;
    size_t m = last ? n : p->range ? v->count : v->sample_n ? v->sample_n : n;
    const size_t *listed = last ? NULL : sample;
    float *Y = rm_shape_transform(m_rows, sh, m < m_rows->n ? listed : NULL, m, s->opt.threads);
    /* spread, on all rows: every process goes on or stops alike */
    uint64_t held[2] = {Y == NULL, Y && !all_finite(Y, m * d)};
    int status = last ? rm_row_range_combine(p->range, RM_OK, held, 2, RM_COMBINE_SUM_COUNTS)
                      : RM_OK;
    if (status == RM_OK && held[0])
        status = RM_ENOMEM;
    *unheld = status == RM_OK && held[1];
    if (status != RM_OK || *unheld) {
        free(Y);
        return status;
    }
    /* the weights of the rows solved on: one process's q1 itself when they are all rows */
    int whole = m == total && !(p->range && !last);
    rm_problem rows = {.X = rm_matrix_of_floats(Y, m, d),
                       .n = m,
                       .d = d,
                       .eps = eps,
                       .opt = inner,
                       .weights = whole || (last && p->range) ? q1 : qs,
                       .range = last ? p->range : NULL};
    rm_options repeated = *inner; /* spread, every process repeats a round on the view */
    if (p->range && !last) {
        repeated.interrupt = NULL;
        rows.opt = &repeated;
    }
    double estimate[RM_SHAPE_MAX_DIM];
    status = rm_silo_run(&rows, solver, estimate, solved);
    free(Y);
    if (status < 0 || last || whole)
        return status;
    /* as weights of all rows (this process's), on the same cap */
    const size_t *global = p->range ? v->rows : v->sample;
    size_t first = p->range ? rm_row_range_first(p->range) : 0;
    memset(q1, 0, n * sizeof *q1);
    for (size_t t = 0; t < m; t++) { /* (m = total only spread: every row, unscaled) */
        double w = m < total ? qs[t] * (double)m / (double)total : qs[t];
        if (global[t] >= first && global[t] - first < n)
            q1[global[t] - first] = w;
        if (v->q1)
            v->q1[t] = w;
    }
    return status;
}

/* The shape step from the certified point pt: rounds of a whole run of the solver on the
 * rows in a metric, from scratch (multiplicative steps cannot bring back the rows the
 * first solve starved), at the point's eps. The first round's metric is fitted on every
 * row (robust scales need no trimming; the point's kept rows would be the inliers with
 * their dominant directions trimmed), the second's on the rows the first round kept when
 * its own move would have been taken (its gain above SHAPE_GAIN), else on the rows both
 * the point and the first round kept (what either removed does not stretch the metric).
 * The metrics are fitted on the sample rows when there is a sample, so the first round
 * runs on those. The estimate moves
 * only when the last metric shows the point far from its minimum there, by more than the
 * move costs in z (bench/TUNING.md, SHAPE): a metric can hide outliers as well as show
 * them. Spread over processes, the metrics, the gains and the first round are taken on a
 * copy of the sample's rows (shape_view), the last round runs spread. */
static int refine_shape(const rm_problem *p, const rm_solver *solver, const silo *s,
                        silo_reported *pt, const size_t *sample, size_t sample_n, double start,
                        rm_report *rep)
{
    rm_eps_check in_metric = {.ratio = NAN, .shift = NAN, .excess = NAN};
    size_t n = s->n, d = s->d;
    int threads = s->opt.threads;
    rm_options inner = *p->opt;
    if (inner.max_seconds > 0.0) {
        /* spread over processes, the slowest one's clock: all go on or none */
        double spent = rm_clock_seconds() - start;
        if (rm_silo_largest_everywhere(p->range, RM_OK, &spent) != RM_OK)
            return RM_OK;
        inner.max_seconds -= spent;
        if (!(inner.max_seconds > 0.0))
            return RM_OK;
    }
    /* the metric is the units; sigma is in other units */
    inner.column_scaling = RM_SCALING_NONE;
    inner.shaping = RM_SHAPING_NONE;
    inner.sigma = 0.0;
    shape_view v;
    int status = view_init(p, s, pt, sample, sample_n, &v);
    size_t qs_n = p->range ? v.count : sample_n;
    double *q1 = rm_alloc_array(n, sizeof *q1), *mu1 = rm_alloc_array(d, sizeof *mu1),
           *estimate = rm_alloc_array(d, sizeof *estimate),
           *qs = qs_n ? rm_alloc_array(qs_n, sizeof *qs) : q1;
    if (status == RM_OK && !(q1 && mu1 && estimate && qs))
        status = RM_ENOMEM;
    char unused[sizeof ((rm_report *)0)->message] = "";
    status = rm_row_range_agree(p->range, status, unused);
    /* the weights at the view's rows */
    const double *at_pt = p->range ? v.pt_q : pt->q, *at_q1 = p->range ? v.q1 : q1;
    int finished = 0, trusted = 0;
    rm_shape sh = {.M = NULL};
    for (int round = 0; status == RM_OK && round < SHAPE_ROUNDS; round++) {
        /* a round before the last only chooses the rows the next metric is fitted on, among
         * the sample rows: it runs on those alone */
        int last = round == SHAPE_ROUNDS - 1;
        rm_shape_free(&sh);
        status = rm_silo_shape_metric(v.m, threads, round ? at_q1 : NULL,
                                      round && !trusted ? at_pt : NULL, pt->cap, pt->mu,
                                      v.sample, v.sample_n, &sh);
        status = rm_row_range_agree(p->range, status, unused);
        if (status != RM_OK || !sh.M)
            break;
        if (round == 0)
            rep->anisotropy = sh.anisotropy;
        if (round == 0 && p->opt->shaping != RM_SHAPING_ALWAYS && !rm_shape_anisotropic(&sh))
            break;
        rm_report solved;
        int unheld = 0;
        status = shape_solve(p, solver, s, &v, &sh, &inner, pt->eps, last, q1, qs, &solved,
                             &unheld);
        if (unheld)
            break;
        if (status >= 0 && last && p->range) /* its weights at the view's rows */
            status = view_weights(s, &v, q1, v.q1);
        if (status >= 0 && last) { /* an iteration cap or the time budget: its best iterate */
            in_metric = (rm_eps_check){.ratio = solved.eps_check,
                                       .shift = solved.eps_check_shift,
                                       .excess = solved.eps_check_excess};
            status = rm_silo_weighted_mean(s, q1, mu1);
            /* its passes read a copy of the rows: counted with the copy's and the mean's */
            rep->passes += solved.passes + 2;
            rep->products += solved.products;
        }
        if (status > 0)
            status = RM_OK;
        if (status == RM_OK && !last) { /* a round that would itself move: its rows trusted */
            double gain = 0.0;
            status = rm_silo_shape_gain(v.m, threads, &sh, at_pt, at_q1, v.sample, v.sample_n,
                                        &gain);
            trusted = gain > SHAPE_GAIN;
        }
        status = rm_row_range_agree(p->range, status, unused);
        finished = status == RM_OK && last;
    }
    /* a failed round leaves q1 and mu1 out of step: no move then */
    if (finished)
        status = rm_silo_shape_gain(v.m, threads, &sh, at_pt, at_q1, v.sample, v.sample_n,
                                    &rep->shape_gain);
    status = rm_row_range_agree(p->range, status, unused);
    if (finished && status == RM_OK && rep->shape_gain > SHAPE_GAIN)
        status = rm_silo_shape_blend(s, q1, mu1, pt, rep);
    /* eps checked again where the inliers are round: corrupted rows left below their
     * dominant directions lean and stand off there, not in z (bench/TUNING.md, EPS_CHECK) */
    if (finished && status == RM_OK && !isnan(in_metric.ratio)) {
        rep->eps_check_in_metric = 1;
        judge_consistency(rep, &in_metric, p->opt->sigma);
    }
    if (qs != q1)
        free(qs);
    rm_shape_free(&sh);
    view_free(&v);
    free(q1);
    free(mu1);
    free(estimate);
    return status == RM_ENOMEM ? status : RM_OK;
}

/* eps = 0: Delta is the single point q = 1/n, the estimate the sample mean. */
static int sample_mean(const rm_problem *p, double *mean, rm_report *rep)
{
    size_t total = p->range ? rm_row_range_total(p->range) : p->n;
    int status = rm_column_means_range(&p->X, p->range, mean, p->opt->threads);
    if (status != RM_OK)
        return status;
    if (p->weights)
        for (size_t i = 0; i < p->n; i++)
            p->weights[i] = 1.0 / (double)total;
    rep->stop = RM_STOP_EPS_ZERO;
    rep->weight_cap = 1.0 / (double)total;
    rep->eps_chosen = 0.0;
    rep->outlier_fraction = 0.0;
    return RM_OK;
}

/* Spread over processes (p->range), what a solve needs that does not run so yet: choosing
 * eps without a warm sample (its path of solves on all rows; with one, every process
 * chooses alike on the sample), and a time budget (the solves every process repeats on a
 * sample, each by its own clock, could stop at different steps): RM_EUNSUPPORTED with the
 * words, decided from what every process shares (the options, n and d); else RM_OK. */
static int spread_yet(const rm_problem *p, int choose, size_t n, rm_report *rep)
{
    const char *what = !p->range ? NULL
                       : choose && !rm_silo_warm_rows(n, p->d)
                           ? "choosing eps (-e auto) without a warm start's sample (fewer rows)"
                       : p->opt->max_seconds > 0.0 ? "a time budget (max_seconds)"
                                                   : NULL;
    if (!what)
        return RM_OK;
    snprintf(rep->message, sizeof rep->message,
             "%s does not run on rows spread over processes yet", what);
    return RM_EUNSUPPORTED;
}

int rm_silo_run(const rm_problem *p, const rm_solver *solver, double *mean, rm_report *rep)
{
    size_t n = p->range ? rm_row_range_total(p->range) : p->n; /* every process's rows */
    int choose = p->eps == RM_EPS_AUTO;
    double eps = choose ? RM_SILO_EPS_AUTO_START : isnan(p->eps) ? 0.0 : p->eps;
    if (eps == 0.0)
        return sample_mean(p, mean, rep);
    int status = spread_yet(p, choose, n, rep);
    if (status != RM_OK)
        return status;
    if (choose && n < RM_EPS_AUTO_MIN_ROWS) {
        snprintf(rep->message, sizeof rep->message,
                 "choosing eps needs at least %d rows, not %zu: give eps", RM_EPS_AUTO_MIN_ROWS,
                 n);
        return RM_ETOOFEW;
    }
    if (p->d > 0x7fffffff || n > 0x7fffffff)
        return RM_EOVERFLOW; /* BLAS takes int dimensions */
    double start = rm_clock_seconds();
    rm_centre ctr;
    size_t warm_m = rm_silo_warm_rows(n, p->d), gap_n = rm_silo_gap_rows(n);
    size_t *gap_rows = rm_alloc_array(gap_n, sizeof *gap_rows);
    double *warm = NULL;
    /* spread over processes, a failure of one process's own is every one's: each
     * process's own steps (allocations) agree before the next common one */
    status = rm_row_range_agree(p->range, gap_rows ? RM_OK : RM_ENOMEM, rep->message);
    if (status != RM_OK) {
        free(gap_rows);
        return status;
    }
    status = prepare(p, wants_units(p->opt, solver), eps, start, &ctr, gap_rows, &gap_n,
                     &warm, &warm_m);
    if (status != RM_OK) {
        free(gap_rows);
        return status;
    }
    if (p->range && ctr.coarse_count) { /* its estimate sums x over the rows (moments.h) */
        snprintf(rep->message, sizeof rep->message,
                 "a column spanning too little of the largest (its values subnormal beside "
                 "the others) does not run on rows spread over processes yet");
        status = RM_EUNSUPPORTED;
    }
    if (choose && status == RM_OK) {
        /* on the warm start's sample, or on all rows (bench/TUNING.md, EPS_AUTO); spread,
         * every process chooses alike on the sample (its interrupt left to the solve) */
        rm_matrix sample = warm ? rm_matrix_of_doubles(warm, warm_m, p->d) : p->X;
        rm_options repeated = *p->opt;
        if (p->range)
            repeated.interrupt = NULL;
        status = rm_silo_choose_eps(&sample, &ctr, n, &repeated, start, &eps);
        status = rm_row_range_agree(p->range, status, rep->message); /* (its own memory) */
        if (status == RM_OK && eps == 0.0) {
            free(warm);
            rm_centre_free(&ctr);
            free(gap_rows);
            return sample_mean(p, mean, rep);
        }
    }
    silo s;
    rm_eps_check check = {.ratio = NAN, .shift = NAN, .excess = NAN};
    memset(&s, 0, sizeof s);
    silo_setup setup = {.X = &p->X,
                        .centre = &ctr,
                        .opt = p->opt,
                        .eps = eps,
                        .solver = solver,
                        .gap_rows = gap_rows,
                        .gap_n = gap_n,
                        .range = p->range};
    if (status == RM_OK)
        status = rm_silo_init(&s, &setup);
    status = rm_row_range_agree(p->range, status, rep->message);
    if (status == RM_OK && warm) /* the check of eps runs there, on the sample */
        status = rm_silo_warm_start(&s, warm, warm_m, start, &check);
    free(warm); /* done with: its memory goes back before the solve on all rows */
    if (status == RM_OK)
        status = solve(&s, start, &rep->stop);
    /* the point reported: the check of eps below continues the solve from it */
    silo_reported pt = {.q = p->weights ? p->weights : rm_alloc_array(p->n, sizeof *pt.q),
                        .mu = rm_alloc_array(p->d, sizeof *pt.mu),
                        .F = s.kept.best.F,
                        .eps = s.st.eps,
                        .cap = s.st.u};
    int held = rm_row_range_agree(p->range, pt.q && pt.mu ? RM_OK : RM_ENOMEM, rep->message);
    if (status >= 0 && held != RM_OK)
        status = held;
    if (status >= 0) {
        rep->converged = status == RM_OK;
        int filled = fill_report(&s, rep);
        if (filled != RM_OK)
            status = filled;
    }
    if (status >= 0) {
        memcpy(pt.q, s.kept.best.q, p->n * sizeof *pt.q);
        memcpy(pt.mu, s.kept.best.mu, p->d * sizeof *pt.mu);
        size_t before = s.cost.passes, products = s.cost.products;
        int checked = warm_m ? RM_OK : rm_silo_eps_check(&s, start, 0.0, &check);
        if (checked < 0)
            status = checked;
        rep->passes += s.cost.passes - before;
        rep->products += s.cost.products - products;
        judge_consistency(rep, &check, p->opt->sigma);
    }
    if (status >= 0 && rep->certified && wants_shape(p->opt, solver)) {
        int shaped = refine_shape(p, solver, &s, &pt, gap_rows, gap_n, start, rep);
        if (shaped < 0)
            status = shaped;
    }
    if (status >= 0)
        rm_moments_unscale(&s.m, pt.q, pt.mu, mean);
    if (pt.q != p->weights)
        free(pt.q);
    free(pt.mu);
    rm_silo_free(&s);
    rm_centre_free(&ctr);
    free(gap_rows);
    return status;
}
