/* The evaluation at the current weights (state.h): F and the top directions from the
 * oracle, every row's scores along them in one pass, the stationarity gap (DESIGN.md,
 * section 2) and the direction the solver steps along. */
#include <math.h>
#include <string.h>

#include "common/threads.h"
#include "numerics/passes.h"
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
 * same on any number of threads. */
enum { SWEEP_CHUNKS = 32 };

/* In one sweep over the scores: tau_gap = S w for the gap's weights w (over the first
 * k_gap columns), tau for the step (the softmax weights over all k columns, or the gap's
 * own), and the return value sum_i q_i tau_gap_i. */
static double weigh_scores(silo *s)
{
    size_t n = s->n, k = s->ev.k, k_gap = s->ev.k_gap;
    double w_step[RM_MAX_PAIRS], part[SWEEP_CHUNKS];
    int softmax = s->solver->softmax_step;
    if (softmax)
        softmax_weights(s->oracle.eig.values, k, s->tg.delta, w_step);
    const double *S = s->ev.S, *q = s->q, *w = s->ev.w;
    double *tau_gap = s->ev.tau_gap, *tau = s->ev.tau;
    size_t chunks = n < SWEEP_CHUNKS ? 1 : SWEEP_CHUNKS;
#pragma omp parallel for schedule(static) num_threads(rm_threads(s->opt.threads, n * k))
    for (size_t c = 0; c < chunks; c++) {
        double sum = 0.0;
        for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
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
    double sum = 0.0;
    for (size_t c = 0; c < chunks; c++)
        sum += part[c];
    return sum;
}

/* The gap's weights: fitted on the gap's sample of the scores when n is large, then g is
 * evaluated exactly at them on all rows; tau_gap and tau are left for the next step. */
static double minimise_gap(silo *s)
{
    size_t n = s->n, k = s->ev.k_gap, ld = s->ev.k;
    const silo_gap_sample *sub = &s->sample;
    /* The gap on the capped simplex, clipped at 0 (weights that left it may beat every
     * weighting in it); or, to certify such weights, on the simplex whose cap is their
     * largest weight. */
    double u = s->st.u;
    if (s->tg.effective_cap)
        for (size_t i = 0; i < n; i++)
            if (s->q[i] > u)
                u = s->q[i];
    for (size_t j = 0; j < k; j++)
        s->ev.w[j] = 1.0 / (double)k;
    if (k > 1 && sub->n) {
        /* Both terms of the gap on the same rows: their sampling errors largely cancel
         * in the difference (mixing the exact first term with a sampled second one would
         * leave the gap, a small difference, mostly noise). */
        double *q_sub = sub->work, total = 0.0, a_sub[RM_MAX_PAIRS];
        for (size_t t = 0; t < sub->n; t++) {
            size_t i = sub->rows[t];
            memcpy(sub->S + t * k, s->ev.S + i * ld, k * sizeof(double));
            q_sub[t] = s->q[i];
            total += q_sub[t];
        }
        for (size_t t = 0; t < sub->n && total > 0.0; t++)
            q_sub[t] /= total;
        rm_gap_weighted_scores(sub->S, sub->n, k, k, q_sub, a_sub, 1);
        double u_sub = u * (double)n / (double)sub->n;
        rm_gap_minimise(sub->S, sub->n, k, k, a_sub, u_sub, s->ev.w, GAP_STEPS, sub->tau,
                        sub->work);
    } else if (k > 1) {
        double a[RM_MAX_PAIRS];
        rm_gap_weighted_scores(s->ev.S, n, k, ld, s->q, a, s->opt.threads);
        rm_gap_minimise(s->ev.S, n, k, ld, a, u, s->ev.w, GAP_STEPS, s->ev.tau_gap, s->work);
    }
    double upper = weigh_scores(s);
    double g = upper - rm_gap_lower(s->ev.tau_gap, NULL, n, 0, 0, u, NULL, s->work,
                                    s->opt.threads);
    return g > 0.0 ? g : 0.0;
}

void rm_silo_directions(silo *s)
{
    const double *values = s->oracle.eig.values;
    s->ev.delta = s->tg.delta;
    s->ev.k_gap = 1;
    while (s->ev.k_gap < s->ev.k && values[s->ev.k_gap] >= (1.0 - s->tg.delta) * values[0])
        s->ev.k_gap++;
    s->ev.gap = minimise_gap(s);
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
    rm_silo_directions(s);
    return RM_OK;
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

double rm_silo_tau_max(const rm_silo_state *st, double floor_weight)
{
    return rm_silo_largest_weighted(st->q, st->tau, 1, st->n, floor_weight, st->threads);
}
