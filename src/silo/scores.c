/* The evaluation at the current weights (state.h): F and the top directions from the
 * oracle, every row's scores along them in one pass, the stationarity gap (DESIGN.md,
 * section 2) and the direction the solver steps along. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/chunk_sums.h"
#include "numerics/passes.h"
#include "numerics/row_sample.h"
#include "silo/gap.h"
#include "silo/state.h"

/* Mirror-descent steps that fit the gap's weights on the directions. */
#define GAP_STEPS 25

/* The softmax of the Ritz values the solvers step along: tau_U with U = sum_j w_j v_j v_j^T
 * over the directions within 2 delta of the top, w_j proportional to
 * exp((lambda_j / lambda_1 - 1) / delta): one at the edge of the gap's window weighs 1/e
 * of the top one. The gap's own weights certify stationarity, but may leave out the top
 * direction when others are almost as high, and a remnant of outliers along it stays;
 * directions just below the window take part so that a step does not push one of them
 * over the top (bench/TUNING.md, SOFTMAX_STEP). The filter keeps the gap's weights: along
 * these it runs on to a single row when n < d. */
static void softmax_weights(const double *values, size_t k, double delta, double *w)
{
    double total = 0.0;
    for (size_t j = 0; j < k; j++) {
        double ratio = values[0] > 0.0 ? values[j] / values[0] : 1.0;
        w[j] = exp((ratio - 1.0) / delta);
        total += w[j];
    }
    for (size_t j = 0; j < k; j++)
        w[j] /= total;
}

/* Sums over the rows run in this many chunks (fewer for small n), added in order: the
 * same on any number of threads (and, spread over processes, chunk_sums.h). */
enum { SWEEP_CHUNKS = 32 };

/* In one sweep over the scores: tau_gap = S w for the gap's weights w (over the first
 * k_gap columns), tau for the step (the softmax weights over all k columns, or the gap's
 * own), and *upper = sum_i q_i tau_gap_i. RM_OK or a hook's code. */
static int weigh_scores(silo *s, double *upper)
{
    size_t n = s->n, k = s->ev.k, k_gap = s->ev.k_gap;
    double w_step[RM_MAX_PAIRS], part[SWEEP_CHUNKS];
    rm_chunk_plan plan;
    rm_chunk_plan_init(&plan, s->m.range, n, s->total < SWEEP_CHUNKS ? 1 : SWEEP_CHUNKS);
    int softmax = s->solver->softmax_step;
    if (softmax)
        softmax_weights(s->oracle.eig.values, k, s->tg.delta, w_step);
    const double *S = s->ev.S, *q = s->q, *w = s->ev.w;
    double *tau_gap = s->ev.tau_gap, *tau = s->ev.tau;
#pragma omp parallel for schedule(static) num_threads(rm_threads(s->opt.threads, n * k))
    for (size_t c = 0; c < plan.count; c++) {
        double sum = 0.0;
        for (size_t i = plan.piece[c].lo; i < plan.piece[c].hi; i++) {
            const double *row = S + i * k;
            double g = 0.0;
            for (size_t j = 0; j < k_gap; j++)
                g += w[j] * row[j];
            tau_gap[i] = g;
            sum += q[i] * g;
            if (softmax) {
                double t = 0.0;
                for (size_t j = 0; j < k; j++)
                    t += w_step[j] * row[j];
                tau[i] = t;
            } else {
                tau[i] = g;
            }
        }
        part[c] = sum;
    }
    return rm_chunk_plan_add(&plan, RM_OK, part, 1, upper);
}

/* Every process's rows' first k scores and weights, in row order, into *S (ld k) and *q
 * (of s->total rows; the caller frees both): spread over processes, the gap's weights are
 * fitted on all the rows only when they are few (rm_silo_gap_rows), so this is bounded. */
static int gather_scores(const silo *s, size_t k, int status, double **S, double **q)
{
    const rm_row_range *r = s->m.range;
    size_t n = s->n, total = s->total, size = k + 1;
    double *mine = rm_alloc_array(n ? n : 1, size * sizeof(double));
    double *all = rm_alloc_array(total, size * sizeof(double));
    size_t *counts = rm_alloc_array(r->parts, sizeof *counts);
    *S = rm_alloc_array(total, k * sizeof(double));
    *q = rm_alloc_array(total, sizeof(double));
    int ok = status == RM_OK && mine && all && counts && *S && *q;
    for (size_t i = 0; ok && i < n; i++) {
        memcpy(mine + i * size, s->ev.S + i * s->ev.k, k * sizeof(double));
        mine[i * size + k] = s->q[i];
    }
    for (size_t p = 0; ok && p < r->parts; p++)
        counts[p] = r->offsets[p + 1] - r->offsets[p];
    status = r->hooks.gather(r->hooks.ctx, ok ? mine : NULL, ok ? counts : NULL, size,
                             ok ? all : NULL);
    if (status == RM_OK && !ok) /* (a hook that failed no process) */
        status = RM_ENOMEM;
    for (size_t i = 0; status == RM_OK && i < total; i++) {
        memcpy(*S + i * k, all + i * size, k * sizeof(double));
        (*q)[i] = all[i * size + k];
    }
    free(mine);
    free(all);
    free(counts);
    if (status != RM_OK) {
        free(*S);
        free(*q);
        *S = *q = NULL;
    }
    return status;
}

/* The sample's first k scores and weights of every process, in the sample's order, into
 * s->sample.gathered (k + 1 values a row). */
static int gather_sample(silo *s, size_t k)
{
    silo_gap_sample *sub = &s->sample;
    for (size_t t = 0; t < sub->mine; t++) {
        size_t i = sub->local[t];
        memcpy(sub->packed + t * (k + 1), s->ev.S + i * s->ev.k, k * sizeof(double));
        sub->packed[t * (k + 1) + k] = s->q[i];
    }
    return rm_sample_gather(s->m.range, sub->rows, sub->n, RM_OK, sub->packed, k + 1,
                            sub->gathered);
}

/* The gap's weights s->ev.w fitted on all the rows of every process (the rows few). */
static int fit_on_all_rows(silo *s, size_t k, double u)
{
    double *S, *q, a[RM_MAX_PAIRS];
    double *tau = rm_alloc_array(s->total, 2 * sizeof(double));
    int status = gather_scores(s, k, tau ? RM_OK : RM_ENOMEM, &S, &q);
    if (status == RM_OK) {
        rm_gap_weighted_scores(S, s->total, k, k, q, a, s->opt.threads);
        rm_gap_minimise(S, s->total, k, k, a, u, s->ev.w, GAP_STEPS, tau, tau + s->total);
    }
    free(S);
    free(q);
    free(tau);
    return status;
}

/* The gap's weights: fitted on the gap's sample of the scores when n is large, then g is
 * evaluated exactly at them on all rows; tau_gap and tau are left for the next step.
 * *gap = g; RM_OK or a negative code (spread over processes, every process's). */
static int minimise_gap(silo *s, double *gap)
{
    size_t n = s->n, k = s->ev.k_gap, ld = s->ev.k;
    const silo_gap_sample *sub = &s->sample;
    const rm_row_range *range = s->m.range;
    int status = RM_OK;
    /* The gap on the capped simplex, clipped at 0 (weights that left it may beat every
     * weighting in it); or, to certify such weights, on the simplex whose cap is their
     * largest weight. */
    double u = s->st.u;
    if (s->tg.effective_cap) {
        for (size_t i = 0; i < n; i++)
            if (s->q[i] > u)
                u = s->q[i];
        status = rm_silo_largest_everywhere(range, status, &u);
    }
    for (size_t j = 0; j < k; j++)
        s->ev.w[j] = 1.0 / (double)k;
    if (status == RM_OK && k > 1 && sub->n) {
        /* Both terms of the gap on the same rows: their sampling errors largely cancel
         * in the difference (mixing the exact first term with a sampled second one would
         * leave the gap, a small difference, mostly noise). */
        double *q_sub = sub->work, total = 0.0, a_sub[RM_MAX_PAIRS];
        if (range)
            status = gather_sample(s, k);
        for (size_t t = 0; t < sub->n && status == RM_OK; t++) {
            if (range) {
                memcpy(sub->S + t * k, sub->gathered + t * (k + 1), k * sizeof(double));
                q_sub[t] = sub->gathered[t * (k + 1) + k];
            } else {
                size_t i = sub->rows[t];
                memcpy(sub->S + t * k, s->ev.S + i * ld, k * sizeof(double));
                q_sub[t] = s->q[i];
            }
            total += q_sub[t];
        }
        for (size_t t = 0; t < sub->n && total > 0.0; t++)
            q_sub[t] /= total;
        double u_sub = u * (double)s->total / (double)sub->n;
        if (status == RM_OK) {
            rm_gap_weighted_scores(sub->S, sub->n, k, k, q_sub, a_sub, 1);
            rm_gap_minimise(sub->S, sub->n, k, k, a_sub, u_sub, s->ev.w, GAP_STEPS, sub->tau,
                            sub->work);
        }
    } else if (status == RM_OK && k > 1 && range) {
        status = fit_on_all_rows(s, k, u);
    } else if (status == RM_OK && k > 1) {
        double a[RM_MAX_PAIRS];
        rm_gap_weighted_scores(s->ev.S, n, k, ld, s->q, a, s->opt.threads);
        rm_gap_minimise(s->ev.S, n, k, ld, a, u, s->ev.w, GAP_STEPS, s->ev.tau_gap, s->work);
    }
    double upper = 0.0, lower = 0.0;
    if (status == RM_OK)
        status = weigh_scores(s, &upper);
    if (status == RM_OK)
        status = rm_gap_lower_range(s->ev.tau_gap, n, u, range, s->work, s->opt.threads, &lower);
    double g = upper - lower;
    *gap = g > 0.0 ? g : 0.0;
    return status;
}

int rm_silo_directions(silo *s)
{
    const double *values = s->oracle.eig.values;
    s->ev.delta = s->tg.delta;
    s->ev.k_gap = 1;
    while (s->ev.k_gap < s->ev.k && values[s->ev.k_gap] >= (1.0 - s->tg.delta) * values[0])
        s->ev.k_gap++;
    return minimise_gap(s, &s->ev.gap);
}

/* What the evaluation's scores pass does with a block of scores: S keeps them. */
static void keep_scores(void *ctx, size_t first, size_t rows, const double *scores, size_t k)
{
    memcpy((double *)ctx + first * k, scores, rows * k * sizeof *scores);
}

int rm_silo_evaluate(silo *s)
{
    int status = rm_silo_oracle_run(s);
    if (status != RM_OK)
        return status;
    const rm_eig_result *eig = &s->oracle.eig;
    s->st.F = eig->values[0] > 0.0 ? eig->values[0] : 0.0;
    s->ev.k = eig->k < s->tg.max_pairs ? eig->k : s->tg.max_pairs;
    /* the distances only for a solver that reads them (see rm_silo_ensure_norms) */
    s->ev.norms_valid = s->solver->needs_norms;
    rm_scoring sc = {.mu = s->oracle.mu,
                     .V = s->oracle.V,
                     .k = s->ev.k,
                     .take = keep_scores,
                     .ctx = s->ev.S,
                     .norms = s->ev.norms_valid ? s->ev.norms : NULL};
    status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    if (status != RM_OK)
        return status;
    s->cost.passes++;
    return rm_silo_directions(s);
}

int rm_silo_ensure_norms(silo *s)
{
    if (!s->solver->needs_norms || s->ev.norms_valid)
        return RM_OK;
    rm_scoring sc = {.mu = s->oracle.mu, .norms = s->ev.norms};
    int status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    s->cost.passes++;
    s->ev.norms_valid = status == RM_OK;
    return status;
}

double rm_silo_largest_weighted(const double *q, const double *v, size_t stride, size_t n,
                                double floor_weight, int threads)
{
    double top = 0.0;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n)) reduction(max : top)
    for (size_t i = 0; i < n; i++)
        if (q[i] > 0.0 && q[i] >= floor_weight && v[i * stride] > top)
            top = v[i * stride];
    return top;
}

int rm_silo_largest_everywhere(const rm_row_range *range, int status, double *value)
{
    double negative = -*value;
    status = rm_row_range_combine(range, status, &negative, 1, RM_COMBINE_MIN);
    *value = -negative;
    return status;
}

int rm_silo_tau_max(const rm_silo_state *st, double floor_weight, double *top)
{
    *top = rm_silo_largest_weighted(st->q, st->tau, 1, st->n, floor_weight, st->threads);
    return rm_silo_largest_everywhere(st->range, RM_OK, top);
}
