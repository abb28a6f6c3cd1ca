/* See shape_run.h. */
#include "silo/shape_run.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "numerics/row_sample.h"
#include "silo/eps_check.h"
#include "silo/warm.h"

/* The rounds of the shape step, and the gain in F its metric must show (bench/TUNING.md,
 * SHAPE). */
#define SHAPE_ROUNDS 2
#define SHAPE_GAIN 1.1

static int all_finite(const float *y, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (!isfinite(y[k]))
            return 0;
    return 1;
}

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
static int shape_solve(const rm_problem *p, const rm_solver *solver, rm_silo_solve solve,
                       const silo *s, const shape_view *v, const rm_shape *sh,
                       const rm_options *inner, double eps, int last, double *q1, double *qs,
                       rm_report *solved, int *unheld)
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
                       .range = last ? p->range : NULL,
                       .clock = p->range && !last ? p->range : p->clock};
    rm_options repeated = *inner; /* spread, every process repeats a round on the view */
    if (p->range && !last) {
        repeated.interrupt = NULL;
        rows.opt = &repeated;
    }
    double estimate[RM_SHAPE_MAX_DIM];
    status = solve(&rows, solver, estimate, solved);
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
int rm_silo_refine_shape(const rm_problem *p, const rm_solver *solver, rm_silo_solve solve,
                         const silo *s, silo_reported *pt, const size_t *sample,
                         size_t sample_n, double start, rm_report *rep, rm_eps_check *check)
{
    rm_eps_check in_metric = {.ratio = NAN, .shift = NAN, .excess = NAN};
    size_t n = s->n, d = s->d;
    int threads = s->opt.threads;
    rm_options inner = *p->opt;
    if (inner.max_seconds > 0.0) {
        /* spread over processes (or on a copy each solves alike), the slowest one's clock:
         * all go on or none */
        double spent;
        if (rm_row_range_elapsed(p->range ? p->range : p->clock, start, &spent) != RM_OK)
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
        status = shape_solve(p, solver, solve, s, &v, &sh, &inner, pt->eps, last, q1, qs,
                             &solved, &unheld);
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
        *check = in_metric;
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
