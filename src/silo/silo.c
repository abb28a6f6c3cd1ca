/* See silo.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/threads.h"
#include "numerics/centre.h"
#include "numerics/lanczos.h"
#include "numerics/moments.h"
#include "numerics/passes.h"
#include "numerics/row_sample.h"
#include "numerics/select.h"
#include "numerics/simplex.h"
#include "numerics/summation.h"
#include "silo/gap.h"
#include "silo/silo_solve.h"

/* The dense oracle (form Sigma_q, LAPACK) is cheaper than Lanczos up to about this d. */
#define DENSE_MAX_D 128
/* The dense moment is updated from the rows whose weight moved (by more than
 * DELTA_IGNORED of the cap) while they are at most a DELTA_SHARE of all rows, and formed
 * anew every DENSE_REFRESH iterations (rounding cannot build up). */
#define DELTA_IGNORED 1e-12
#define DELTA_SHARE 0.4
#define DENSE_REFRESH 10
/* Lanczos: vectors per block, block steps per call, and the Ritz residual tolerance,
 * relative to the top eigenvalue. 1e-2, not 1e-3: at n = 1e5, d = 1000 the inliers' top
 * eigenvalues crowd together, and Ritz pairs to 1e-3 took many block steps at every
 * evaluation (DKK noise: 2032 products, 11.8 s; at 1e-2: 752, 4.8 s, to a lower F). The
 * Ritz values' error goes as the residual squared: F came out 1.3e-4 (relative) below
 * the value at 1e-3 for the same weights, on DKK noise and on a variance shell. */
#define LANCZOS_BLOCK 8
#define LANCZOS_STEPS 20
#define EIG_TOL 1e-2
/* The pairs below the top one converge to this multiple of the tolerance. The top pair
 * gives F, whose error goes as its residual squared; the others enter only the gap and
 * the step, through their Ritz values, which are the exact Rayleigh quotients of
 * orthonormal vectors however far these have converged: a gap computed from them still
 * certifies what it claims (its proof needs only <U, Sigma_q> >= (1 - delta) F), if less
 * tightly. In a crowded window they converge far slower than the top: variance shell,
 * n = 1e5, d = 1000, 16 values within 2.2% of the top above a continuum, the top pair
 * reached 1e-2 in 7 block steps, the 16th in 15 (estimate 2.4 -> 1.9 s, DKK noise 2.5 ->
 * 2.0 s, excess as before). Not unbounded: a call warm-started on a converged top vector
 * would otherwise stop after one step with the rest of its block unrefined. */
#define EIG_TOL_REST_FACTOR 3.0
/* The gap's weights w are optimised on at most this many rows (then evaluated exactly
 * on all of them), with this many mirror-descent steps. */
#define GAP_ROWS 4000
#define GAP_STEPS 25
/* The objective has stalled when its best value fell by less than this fraction over
 * STALL_WINDOW iterations (the solve stops); it has settled when it fell by less than
 * SETTLE_FRACTION over SETTLE_WINDOW iterations (the step turns to the gap's direction). */
#define STALL_FRACTION 1e-3
#define STALL_WINDOW 25
#define SETTLE_FRACTION 3e-3
#define SETTLE_WINDOW 1
/* A stage of the endgame (polish) has stalled when F fell by less than this fraction over
 * this many iterations. */
#define POLISH_STALL_FRACTION 1e-4
#define POLISH_STALL_WINDOW 3
#define POLISH_BREAKDOWN 1.1
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

/* The current iterate into p. */
static void point_keep(const silo *s, silo_point *p)
{
    p->F = s->st.F;
    p->gap = s->gap;
    p->k = s->k;
    p->k_gap = s->k_gap;
    memcpy(p->q, s->q, s->n * sizeof *s->q);
    memcpy(p->mu, s->mu, s->d * sizeof *s->mu);
    memcpy(p->V, s->V, s->k * s->d * sizeof *s->V);
}

void rm_silo_free(silo *s)
{
    double *arrays[] = {s->q, s->next, s->tau, s->tau_gap, s->norms, s->work, s->S,
                        s->prev_q, s->prev_tau, s->prev_tau_gap, s->prev_norms, s->S_sub,
                        s->tau_sub, s->work_sub, s->C, s->C_work, s->V, s->mu, s->history,
                        s->C_raw, s->mu_raw, s->q_C, s->delta_w, s->warm_X};
    point_free(&s->best);
    point_free(&s->certified);
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    free(s->sub_rows);
    free(s->delta_rows);
    rm_lanczos_free(s->lz);
    if (s->own_centre)
        rm_centre_free(&s->ctr);
}

/* The warm start's sample, by the keys, its rows copied; and the centre moved to the
 * medians of the gap's sample (its first GAP_ROWS rows by key: a centre only has to sit
 * among the bulk, and the medians of 20000 rows took 0.16 s at d = 1000). */
static int draw_warm_sample(silo *s, const double *keys, size_t m)
{
    size_t d = s->d;
    size_t *rows = rm_alloc_array(m, sizeof *rows);
    s->warm_X = rm_alloc_array(m, d * sizeof(double));
    if (!rows || !s->warm_X) {
        free(rows);
        return RM_ENOMEM;
    }
    s->warm_m = rm_row_sample(keys, s->n, m, rows, s->work);
    if (s->warm_m == 0) {
        free(rows);
        return RM_ENOMEM;
    }
    const rm_matrix *X = &s->m.X;
    double *Xs = s->warm_X;
    /* on threads: at d = 1000 the copy's first touch of its pages took 0.08 s */
#pragma omp parallel for schedule(static) num_threads(rm_threads(s->opt.threads, s->warm_m * d))
    for (size_t t = 0; t < s->warm_m; t++)
        rm_matrix_copy_row(X, rows[t], Xs + t * d);
    free(rows);
    return rm_centre_move_to_rows(&s->ctr, X, s->sub_rows, s->n_sub, s->opt.threads);
}

int rm_silo_init(silo *s, const rm_matrix *X, const rm_options *opt, double eps,
                     const rm_solver *solver, const rm_centre *centre)
{
    size_t n = X->n, d = X->d;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->d = d;
    s->opt = *opt;
    s->opt.weights = NULL;
    s->solver = solver;
    /* A solver's own tolerance (the filter's 1e-6: its path does not converge, and rounding
     * that changes how many Lanczos steps run would change the path) only where the oracle
     * always reaches it: the block Krylov space fills R^d within the step cap. Beyond, a
     * flat spectrum keeps it out of reach, every evaluation runs to the cap, and the path
     * cut there is no steadier: DKK noise, n = 1e5, d = 1000, 320 products (3 s) an
     * evaluation, 51 s in all, and on 30000 x 1000 rows a permutation moved the estimate by
     * 6e-3; at the default tolerance 3.0 s, 1e-14 under the permutation, the same excess
     * (two data sets of 30000 x 1000). */
    s->eig_tol = solver->eig_tol > 0.0 && d <= LANCZOS_BLOCK * LANCZOS_STEPS ? solver->eig_tol
                                                                              : EIG_TOL;
    size_t warm_m = centre ? 0 : rm_silo_warm_rows(n, d);
    if (centre) {
        s->ctr = *centre;
    } else {
        /* With a warm start the centre is the medians of a sample of rows, drawn by keys
         * taken at a provisional centre: one pass, where the medians of all rows take
         * three (draw_warm_sample). */
        int status = warm_m ? rm_centre_init_midrange(&s->ctr, X, opt->threads)
                            : rm_centre_init(&s->ctr, X, opt->threads);
        if (status != RM_OK)
            return status;
        s->own_centre = 1;
    }
    s->m = (rm_moments){*X, n, d, &s->ctr};
    s->max_pairs = opt->max_directions ? opt->max_directions : RM_SILO_DIRECTIONS;
    s->delta = opt->delta > 0.0 ? opt->delta : RM_SILO_DELTA;
    s->tol = opt->tol > 0.0 ? opt->tol : RM_SILO_TOL;
    s->user_delta = s->delta;
    s->user_tol = s->tol;
    s->dense = opt->oracle == RM_ORACLE_DENSE || (opt->oracle == RM_ORACLE_AUTO && d <= DENSE_MAX_D);
    s->n_sub = n > GAP_ROWS ? GAP_ROWS : 0;

    double **vectors[] = {&s->q, &s->next, &s->tau, &s->tau_gap, &s->work};
    int ok = 1;
    for (size_t k = 0; k < sizeof vectors / sizeof vectors[0]; k++)
        ok &= (*vectors[k] = rm_alloc_array(n, sizeof(double))) != NULL;
    /* a capped solver ends with the endgame's pgd stages, which read the distances and
     * may reject a step */
    if (solver->needs_norms || solver->capped)
        ok &= (s->norms = rm_alloc_array(n, sizeof(double))) != NULL;
    if (solver->can_reject || solver->capped) {
        double **undo[] = {&s->prev_q, &s->prev_tau, &s->prev_tau_gap, &s->prev_norms};
        for (size_t k = 0; k < sizeof undo / sizeof undo[0]; k++)
            ok &= (*undo[k] = rm_alloc_array(n, sizeof(double))) != NULL;
    }
    ok &= point_alloc(&s->best, n, d);
    if (solver->capped)
        ok &= point_alloc(&s->certified, n, d);
    s->S = rm_alloc_array(n, RM_MAX_PAIRS * sizeof(double));
    s->V = rm_alloc_array(d, RM_MAX_PAIRS * sizeof(double));
    s->mu = rm_alloc_array(d, sizeof(double));
    ok = ok && s->S && s->V && s->mu;
    if (ok && s->n_sub) {
        /* the samples by the rows' keys, which serve nothing else */
        double *keys = rm_alloc_array(n, sizeof(double));
        s->S_sub = rm_alloc_array(s->n_sub, RM_MAX_PAIRS * sizeof(double));
        s->tau_sub = rm_alloc_array(s->n_sub, sizeof(double));
        s->work_sub = rm_alloc_array(s->n_sub, sizeof(double));
        s->sub_rows = rm_alloc_array(s->n_sub, sizeof(size_t));
        ok = keys && s->S_sub && s->tau_sub && s->work_sub && s->sub_rows &&
             rm_row_keys(&s->m, keys, opt->threads) == RM_OK;
        if (ok)
            ok = (s->n_sub = rm_row_sample(keys, n, s->n_sub, s->sub_rows, s->work)) > 0;
        if (ok && warm_m)
            ok = draw_warm_sample(s, keys, warm_m) == RM_OK;
        free(keys);
    }
    if (ok && s->dense) {
        s->C = rm_alloc_array(d, d * sizeof(double));
        s->C_work = rm_alloc_array(d, d * sizeof(double));
        s->C_raw = rm_alloc_array(d, d * sizeof(double));
        s->mu_raw = rm_alloc_array(d, sizeof(double));
        s->q_C = rm_alloc_array(n, sizeof(double));
        s->delta_w = rm_alloc_array(n, sizeof(double));
        s->delta_rows = rm_alloc_array(n, sizeof(size_t));
        ok = s->C && s->C_work && s->C_raw && s->mu_raw && s->q_C && s->delta_w && s->delta_rows;
    }
    if (ok && !s->dense) {
        s->lz = rm_lanczos_alloc(d, LANCZOS_BLOCK, LANCZOS_STEPS, opt->seed);
        ok = s->lz != NULL;
    }
    s->eig.vectors = s->V;
    s->st.n = n;
    s->st.eps = eps;
    s->st.u = 1.0 / ((1.0 - eps) * (double)n);
    s->st.q = s->q;
    s->st.tau = s->tau;
    s->st.tau_gap = s->tau_gap;
    s->st.norms = s->norms;
    s->st.work = s->work;
    s->st.threads = opt->threads;
    if (ok)
        for (size_t i = 0; i < n; i++)
            s->q[i] = 1.0 / (double)n;
    return ok ? RM_OK : RM_ENOMEM;
}

/* Sigma_q V for the Lanczos oracle; the first product of an evaluation also finds mu. */
static void covariance_product(void *ctx, const double *V, size_t p, double *W)
{
    silo *s = ctx;
    size_t d = s->d;
    if (s->failed) { /* a product already failed: the caller will discard the result */
        memset(W, 0, d * p * sizeof *W);
        return;
    }
    if (rm_pass_product(&s->m, s->opt.threads, s->q, V, p, W, s->mu_ready ? NULL : s->mu) !=
        RM_OK) {
        s->failed = 1;
        memset(W, 0, d * p * sizeof *W);
        return;
    }
    s->mu_ready = 1;
    rm_moments_finish_product(d, s->mu, V, p, W);
    s->passes++;
}

/* C_raw = sum q_i z_i z_i^T and mu_raw = sum q_i z_i for the current q: from the rows
 * whose weight moved since the last time when they are few (in the end game most rows sit
 * at the cap or at zero, and this reads a small part of the data), else in a pass. */
static int dense_moment(silo *s)
{
    size_t n = s->n, d = s->d, moved = 0;
    if (s->have_raw && s->raw_age < DENSE_REFRESH) {
        double ignored = DELTA_IGNORED * s->st.u;
        size_t limit = (size_t)(DELTA_SHARE * (double)n);
        for (size_t i = 0; i < n && moved <= limit; i++) {
            double change = s->q[i] - s->q_C[i];
            if (fabs(change) > ignored) {
                s->delta_rows[moved] = i;
                s->delta_w[moved++] = change;
            }
        }
        if (moved <= limit) {
            int status = rm_pass_dense_rows(&s->m, s->opt.threads, s->delta_rows, s->delta_w,
                                            moved, s->C_raw, s->mu_raw);
            if (status != RM_OK)
                return status;
            for (size_t t = 0; t < moved; t++)
                s->q_C[s->delta_rows[t]] = s->q[s->delta_rows[t]];
            s->raw_age++;
            s->passes_partial += (double)moved / (double)n;
            return RM_OK;
        }
    }
    memset(s->C_raw, 0, d * d * sizeof *s->C_raw);
    memset(s->mu_raw, 0, d * sizeof *s->mu_raw);
    int status = rm_pass_dense(&s->m, s->opt.threads, s->q, s->C_raw, s->mu_raw);
    if (status != RM_OK)
        return status;
    memcpy(s->q_C, s->q, n * sizeof *s->q);
    s->have_raw = 1;
    s->raw_age = 0;
    s->passes++;
    return RM_OK;
}

/* The top eigenpairs of Sigma_q and mu_q. */
static int oracle(silo *s)
{
    size_t d = s->d;
    s->mu_ready = 0;
    if (s->dense) {
        int status = dense_moment(s);
        if (status != RM_OK)
            return status;
        memcpy(s->C, s->C_raw, d * d * sizeof *s->C);
        memcpy(s->mu, s->mu_raw, d * sizeof *s->mu);
        rm_moments_finish_dense(d, s->mu, s->C);
        s->mu_ready = 1;
        return rm_eig_top_dense(s->C, d, 2.0 * s->delta, s->max_pairs, &s->eig, s->C_work);
    }
    s->failed = 0;
    int status = rm_lanczos_top(s->lz, covariance_product, s, 2.0 * s->delta, s->eig_tol,
                                EIG_TOL_REST_FACTOR * s->eig_tol, s->max_pairs, &s->eig);
    s->products += s->eig.products;
    return s->failed ? RM_ENOMEM : status;
}

/* The softmax of the Ritz values the solvers step along: tau_U with U = sum_j w_j v_j v_j^T
 * over the directions within 2 delta of the top, w_j proportional to
 * exp((lambda_j / lambda_1 - 1) / delta): one at the edge of the gap's window weighs 1/e
 * of the top one. Measured against stepping along the gap's own weights (which certify
 * stationarity, but may leave out the top direction when others are almost as high):
 * those left lowregret 3% above the best F on a variance shell, with a remnant of outliers
 * along the top direction; these reach 0.5%. Directions just below the window take part
 * so that a step does not push one of them over the top (pgd's steps were rejected,
 * zig-zagging, until they did). The filter keeps the gap's weights: along these it runs
 * on to a single row when n < d. */
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
    size_t n = s->n, k = s->k, k_gap = s->k_gap;
    double w_step[RM_MAX_PAIRS], part[SWEEP_CHUNKS];
    int softmax = s->solver->softmax_step;
    if (softmax)
        softmax_weights(s->eig.values, k, s->delta, w_step);
    const double *S = s->S, *q = s->q, *w = s->w;
    double *tau_gap = s->tau_gap, *tau = s->tau;
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

/* The gap's weights: optimised on a subsample of the scores when n is large, then g is
 * evaluated exactly at them on all rows; tau_gap and tau are left for the next step. */
static double minimise_gap(silo *s)
{
    size_t n = s->n, k = s->k_gap, ld = s->k;
    /* The gap on the capped simplex, clipped at 0 (weights that left it may beat every
     * weighting in it); or, to certify such weights, on the simplex whose cap is their
     * largest weight. */
    double u = s->st.u;
    if (s->effective_cap)
        for (size_t i = 0; i < n; i++)
            if (s->q[i] > u)
                u = s->q[i];
    for (size_t j = 0; j < k; j++)
        s->w[j] = 1.0 / (double)k;
    if (k > 1 && s->n_sub) {
        /* Both terms of the gap on the same rows: their sampling errors largely cancel
         * in the difference (mixing the exact first term with a sampled second one would
         * leave the gap, a small difference, mostly noise). */
        double *q_sub = s->work_sub, total = 0.0, a_sub[RM_MAX_PAIRS];
        for (size_t t = 0; t < s->n_sub; t++) {
            size_t i = s->sub_rows[t];
            memcpy(s->S_sub + t * k, s->S + i * ld, k * sizeof(double));
            q_sub[t] = s->q[i];
            total += q_sub[t];
        }
        for (size_t t = 0; t < s->n_sub && total > 0.0; t++)
            q_sub[t] /= total;
        rm_gap_weighted_scores(s->S_sub, s->n_sub, k, k, q_sub, a_sub, 1);
        double u_sub = u * (double)n / (double)s->n_sub;
        rm_gap_minimise(s->S_sub, s->n_sub, k, k, a_sub, u_sub, s->w, GAP_STEPS, s->tau_sub,
                        s->work_sub);
    } else if (k > 1) {
        double a[RM_MAX_PAIRS];
        rm_gap_weighted_scores(s->S, n, k, ld, s->q, a, s->opt.threads);
        rm_gap_minimise(s->S, n, k, ld, a, u, s->w, GAP_STEPS, s->tau_gap, s->work);
    }
    double upper = weigh_scores(s);
    double g = upper - rm_gap_lower(s->tau_gap, NULL, n, 0, 0, u, NULL, s->work, s->opt.threads);
    return g > 0.0 ? g : 0.0;
}

/* From the Ritz values and scores at q: the directions the gap takes, the gap, and tau. */
static void directions_at(silo *s)
{
    s->directions_delta = s->delta;
    s->k_gap = 1;
    while (s->k_gap < s->k && s->eig.values[s->k_gap] >= (1.0 - s->delta) * s->eig.values[0])
        s->k_gap++;
    s->gap = minimise_gap(s);
}

/* What the evaluation's scores pass does with a block of scores: S keeps them. */
static void keep_scores(void *ctx, size_t first, size_t rows, const double *scores, size_t k)
{
    memcpy((double *)ctx + first * k, scores, rows * k * sizeof *scores);
}

/* Everything at the current q: F, the directions, the scores, the gap, tau. */
static int evaluate(silo *s)
{
    int status = oracle(s);
    if (status != RM_OK)
        return status;
    s->st.F = s->eig.values[0] > 0.0 ? s->eig.values[0] : 0.0;
    s->k = s->eig.k < s->max_pairs ? s->eig.k : s->max_pairs;
    /* the distances only for a solver that reads them (see ensure_norms) */
    s->norms_valid = s->solver->needs_norms;
    rm_scoring sc = {s->mu, NULL, s->V, s->k, keep_scores, s->S, s->norms_valid ? s->norms : NULL};
    status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    if (status != RM_OK)
        return status;
    s->passes++;
    directions_at(s);
    return RM_OK;
}

/* The distances at q for a solver that reads them, when the evaluation at q did not take
 * them (the endgame switches to such a solver at an evaluated point): a pass. */
static int ensure_norms(silo *s)
{
    if (!s->solver->needs_norms || s->norms_valid)
        return RM_OK;
    rm_scoring sc = {s->mu, NULL, NULL, 0, NULL, NULL, s->norms};
    int status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    s->passes++;
    s->norms_valid = status == RM_OK;
    return status;
}

/* The evaluation at the best iterate, at the current delta, in the endgame: when the
 * current point is the best, only its directions (and those only if delta changed);
 * else an evaluation anew. Returns 1 when it evaluated anew, RM_OK when not, or a
 * negative code. */
static int return_to_best(silo *s)
{
    if (s->best_is_current) {
        if (s->directions_delta != s->delta)
            directions_at(s);
        return RM_OK;
    }
    memcpy(s->q, s->best.q, s->n * sizeof *s->q);
    int status = evaluate(s);
    return status != RM_OK ? status : 1;
}

static void keep_best(silo *s)
{
    /* a tie takes the newer point: the endgame re-evaluates the best iterate */
    s->best_is_current = 0;
    if (s->st.F <= s->best.F || s->st.iteration == 0) {
        s->best_is_current = 1;
        point_keep(s, &s->best);
    }
    if (s->certified.q && s->delta <= s->user_delta && s->gap <= s->user_tol * s->st.F &&
        s->st.F < s->certified.F)
        point_keep(s, &s->certified);
}

/* The largest of v[i * stride] over the rows i whose weight q_i is positive and at least
 * floor_weight (a maximum: the same on any number of threads). */
static double largest_weighted(const double *q, const double *v, size_t stride, size_t n,
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
    return largest_weighted(st->q, st->tau, 1, st->n, floor_weight, st->threads);
}

/* The warm start's record of a step about to be taken (silo_warm.c): the top direction,
 * its offset mu . v, the largest score along it among the rows a step scales by (S's
 * first column), and the step as propose took it. */
static void record_step(silo *s)
{
    size_t t = s->steps_recorded++;
    double *v = s->history + t * s->d, offset = 0.0;
    memcpy(v, s->V, s->d * sizeof *v);
    for (size_t j = 0; j < s->d; j++)
        offset += s->mu[j] * v[j];
    s->history_offsets[t] = offset;
    s->history_tops[t] = largest_weighted(s->q, s->S, s->k, s->n,
                                          RM_SILO_STEP_FLOOR * s->st.u, s->opt.threads);
    s->history_steps[t] = s->st.step;
}

/* The value in data units of an objective in the scaled space: F / g^2. */
static double unscale_objective(const silo *s, double F)
{
    double scale = s->ctr.g1 * s->ctr.g2; /* g1 may be near 2^1023 and g2 near 2^-1023 */
    return F / scale / scale;
}

static void fill_report(const silo *s, rm_report *rep)
{
    size_t n = s->n;
    rep->oracle = s->dense ? "dense" : "lanczos";
    rep->iterations = s->st.iteration;
    rep->products = s->products;
    rep->passes = s->passes + (size_t)ceil(s->passes_partial);
    rep->objective = unscale_objective(s, s->best.F);
    rep->gap = unscale_objective(s, s->best.gap);
    rep->directions = s->best.k_gap;
    rep->weight_cap = s->st.u;
    double gap_rel = s->best.F > 0.0 ? s->best.gap / s->best.F : 0.0;
    double eps = s->st.eps, top = 0.0;
    for (size_t i = 0; i < n; i++)
        if (s->best.q[i] > top)
            top = s->best.q[i];
    if (top > s->st.u) /* the filter: the eps whose cap its largest weight meets */
        eps = 1.0 - 1.0 / ((double)n * top);
    rep->guarantee = s->st.eps < 1.0 / 3.0;
    rm_gap_bounds b = rm_gap_bounds_of(eps, s->delta, gap_rel);
    rep->certified = b.valid && gap_rel <= s->tol;
    rep->bound_objective = rep->certified ? b.objective : NAN;
    rep->bound_error = rep->certified ? b.error : NAN;
    rep->sigma_certificate =
        s->opt.sigma > 0.0 ? rm_sigma_certificate(eps, rep->objective, s->opt.sigma) : NAN;
    size_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += s->best.q[i] < 0.5 * s->st.u;
    rep->outliers = outliers;
}

/* Keep q and its evaluation to go back to (solvers that may reject a proposal). */
static void save_point(silo *s)
{
    size_t bytes = s->n * sizeof(double);
    memcpy(s->prev_q, s->q, bytes);
    memcpy(s->prev_tau, s->tau, bytes);
    memcpy(s->prev_tau_gap, s->tau_gap, bytes);
    if (s->norms_valid)
        memcpy(s->prev_norms, s->norms, bytes);
    s->prev_norms_valid = s->norms_valid;
}

/* Undo a rejected proposal: back to q and its evaluation. */
static void swap_back(silo *s)
{
    size_t bytes = s->n * sizeof(double);
    memcpy(s->q, s->prev_q, bytes);
    memcpy(s->tau, s->prev_tau, bytes);
    memcpy(s->tau_gap, s->prev_tau_gap, bytes);
    if (s->prev_norms_valid)
        memcpy(s->norms, s->prev_norms, bytes);
    s->norms_valid = s->prev_norms_valid;
}

int rm_silo_iterate(silo *s, double start, const char **stop_reason)
{
    const rm_options *opt = &s->opt;
    const rm_solver *solver = s->solver;
    size_t n = s->n;
    size_t max_iter = opt->max_iter ? opt->max_iter : RM_SILO_MAX_ITER;
    double sigma2 = opt->sigma * opt->sigma, stall_ref = INFINITY;
    size_t stall_since = 0;
    size_t it_start = s->st.iteration;
    int status = s->st.polishing ? return_to_best(s) : evaluate(s);
    if (status < 0)
        return status;
    if (!s->st.polishing || status == 1)
        keep_best(s);
    double recent[SETTLE_WINDOW + 1]; /* the best F of the last iterations */
    for (;;) {
        recent[s->st.iteration % (SETTLE_WINDOW + 1)] = s->best.F;
        /* The user's own target first: where both hold, it is the reason to give. */
        if (sigma2 > 0.0 && unscale_objective(s, s->st.F) <= sigma2) {
            *stop_reason = "objective below sigma^2";
            return RM_OK;
        }
        /* Stop at a small gap. Gap_delta lets U pick any direction within delta of the
         * top, so a point can be delta-stationary while F still falls (a remnant of
         * outliers along the top direction, next to inlier directions almost as high):
         * the endgame's stages at a sharper delta go on from there. Waiting here for F to
         * settle as well cost one more evaluation on most large inputs (variance shell,
         * n = 1e6: 1.4 -> 1.2 s, F no lower) and moved no excess of bench/silo_accuracy by
         * more than 0.004. */
        if (s->gap <= s->tol * s->st.F) {
            /* The filter's weights may leave the capped simplex, where this gap is
             * measured; its report measures the gap again on the simplex holding them,
             * which may exceed the tolerance: the reason must say which one was small. */
            *stop_reason = solver->capped ? "stationarity gap below tolerance"
                                          : "stationarity gap on the capped simplex below "
                                            "tolerance";
            return RM_OK;
        }
        double stall_fraction = s->st.polishing ? POLISH_STALL_FRACTION : STALL_FRACTION;
        size_t stall_window = s->st.polishing ? POLISH_STALL_WINDOW : STALL_WINDOW;
        if (s->best.F < stall_ref * (1.0 - stall_fraction)) {
            stall_ref = s->best.F;
            stall_since = s->st.iteration;
        } else if (s->st.iteration - stall_since >= stall_window) {
            *stop_reason = "objective stalled";
            return RM_OK;
        }
        if (s->st.iteration >= max_iter) {
            *stop_reason = "iteration cap";
            return RM_NOT_CONVERGED;
        }
        if (opt->max_seconds > 0.0 && rm_clock_seconds() - start >= opt->max_seconds) {
            *stop_reason = "time budget";
            return RM_NOT_CONVERGED;
        }
        /* Once F has settled short of stationarity, the softmax direction has done what it
         * can (its fixed point minimises a smoothed top eigenvalue): step along the gap's
         * own direction then, which closes the gap. (The endgame keeps the softmax, at its
         * sharper delta.) */
        int settled = s->st.iteration == it_start ||
                      (s->st.iteration >= it_start + SETTLE_WINDOW &&
                       recent[(s->st.iteration + 1) % (SETTLE_WINDOW + 1)] - s->best.F <=
                           SETTLE_FRACTION * s->best.F);
        s->st.tau = settled && solver->softmax_step && !s->st.polishing ? s->tau_gap : s->tau;
        status = ensure_norms(s);
        if (status != RM_OK)
            return status;
        solver->propose(&s->st, s->next);
        if (s->history && s->steps_recorded < RM_SILO_WARM_STEPS && s->st.rejected == 0)
            record_step(s);
        double F_before = s->st.F, gap_before = s->gap;
        if (solver->can_reject)
            save_point(s);
        memcpy(s->q, s->next, n * sizeof(double));
        s->st.iteration++;
        status = evaluate(s);
        if (status != RM_OK)
            return status;
        double F_next = s->st.F;
        s->st.F = F_before; /* the solver compares the proposal with the current point */
        if (solver->accept && !solver->accept(&s->st, F_next)) {
            s->st.rejected++;
            swap_back(s);
            s->best_is_current = 0;
            s->gap = gap_before;
            /* In the endgame a rejected step (pgd's: lowregret keeps every step) that
             * raised F by more than 10% ends the stage: the step's first-order model has
             * broken down, and shorter ones gained nothing there (DKK noise, n = 1e5,
             * d = 1000: F x5.4, then three halvings of the pgd step, 1.1 s). Ending at any
             * rise left lowregret 2.5% above the best F on one seed of heavy tails
             * (bench/silo_accuracy). */
            if (s->st.polishing && F_next > POLISH_BREAKDOWN * F_before) {
                *stop_reason = "a step raised the objective";
                return RM_OK;
            }
            continue;
        }
        s->st.F = F_next;
        s->st.rejected = 0;
        keep_best(s);
    }
}

/* The endgame the capped solvers share. A delta-stationary point is within a constant
 * factor of the optimum, not within 1%: the softmax direction minimises a smoothed top
 * eigenvalue (biased by about delta), and each step shape stalls where the other does
 * not (multiplicative steps cannot bring back a row they starved, on two clusters or
 * axis noise they ended 1-2.5% above the best F; Euclidean ones move the rows they keep
 * all alike, 1-2% above on DKK noise or heavy tails). So, from the best iterate: both
 * step shapes at a sharper delta and a tighter gap, then Euclidean steps at a sharper
 * one still; each stage stops by its own gap, or when F no longer falls, and costs
 * nothing where the point already meets it (a variance shell at n = 1e6: no step). With
 * it lowregret and pgd end within 0.6% of the best F any solver finds (median over seeds on
 * every model of bench/silo_accuracy, dense oracle; 1.4% at worst), where they were 1-4%
 * apart. With the Lanczos oracle (d > 128) no stage goes below its resolution (below):
 * both step shapes at delta 0.02 to a gap of 0.01 F. */
typedef struct polish_stage {
    const rm_solver *solver;
    double delta, tol;
} polish_stage;

static int polish(silo *s, double start, const char **stop_reason)
{
    static const polish_stage stages[] = {
        {&rm_solver_lowregret, 0.02, 0.005},
        {&rm_solver_pgd, 0.02, 0.005},
        {&rm_solver_pgd, 0.005, 0.002},
    };
    const rm_solver *solver = s->solver;
    const char *why = NULL;
    int status = RM_OK;
    size_t before = s->st.iteration;
    s->st.polishing = 1;
    /* Not below what the Lanczos oracle resolves: its Ritz vectors, to a residual of
     * eig_tol * F, mix directions whose values are closer than that, and the gap computed
     * from them is uncertain by about as much, so a window under 2 eig_tol or a tolerance
     * under eig_tol chases noise (DKK noise, n = 1e5, d = 1000: a pgd step at delta =
     * 0.005 lowered F by 1% to a point not certified at the user's delta, the next one
     * multiplied F by 5.4; 2.6 s of steps and evaluations, then the certified point was
     * returned). The dense oracle's pairs are exact. */
    double resolved = s->dense ? 0.0 : s->eig_tol;
    for (size_t t = 0; t < sizeof stages / sizeof stages[0] && status == RM_OK; t++) {
        double stage_delta = fmin(s->user_delta, fmax(stages[t].delta, 2.0 * resolved));
        double stage_tol = fmin(s->user_tol, fmax(stages[t].tol, resolved));
        if (t > 0 && stages[t].solver == s->solver && stage_delta == s->delta &&
            stage_tol == s->tol)
            continue; /* the floor made it the stage just run */
        s->solver = stages[t].solver;
        s->delta = stage_delta;
        s->tol = stage_tol;
        s->st.step = 0.0;
        status = rm_silo_iterate(s, start, &why);
    }
    /* The report's gap is at the user's delta, at the best iterate (or, for a certified
     * iterate from a stage at a sharper delta, its gap there, which bounds the gap at
     * theirs: see prefer_certified). */
    s->st.polishing = 0;
    s->solver = solver;
    s->delta = s->user_delta;
    s->tol = s->user_tol;
    if (status == RM_NOT_CONVERGED)
        *stop_reason = why; /* the cap or the budget cut the endgame short */
    if (status < 0)
        return status;
    if (s->st.iteration > before) { /* (with no step, the main loop's gap stands) */
        int again = return_to_best(s);
        if (again < 0)
            return again;
        s->best.gap = s->gap;
        s->best.k_gap = s->k_gap;
    }
    return status;
}

/* The estimate of a capped solver: the iterate of lowest F, or, when that one is not
 * certified (its gap at the user's delta above their tolerance) and another was, the
 * certified one of lowest F. An endgame step at a sharper delta may lower F and leave the
 * gap at the user's delta above the tolerance (DKK noise, n = 1e5, d = 100: F 0.6% lower,
 * a gap of 2.6% of it). (Steps of the user's solver at their delta from the uncertified
 * point instead cost up to 6 more evaluations, and ended no lower on bench/silo_accuracy.)
 * Not when F reached the user's sigma^2: that point is what they asked for. */
static void prefer_certified(silo *s)
{
    double sigma2 = s->opt.sigma * s->opt.sigma;
    if (s->best.gap <= s->tol * s->best.F || !(s->certified.F < INFINITY) ||
        (sigma2 > 0.0 && unscale_objective(s, s->best.F) <= sigma2))
        return;
    silo_point best = s->best;
    s->best = s->certified;
    s->certified = best;
    s->best_is_current = 0;
}

int rm_silo_run(const rm_problem *p, const rm_solver *solver, double *mean, rm_report *rep)
{
    size_t n = p->n;
    double eps = isnan(p->eps) ? 0.0 : p->eps;
    if (eps == 0.0) { /* Delta is the single point q = 1/n: the sample mean */
        int status = rm_column_means(&p->X, mean, p->opt->threads);
        if (status != RM_OK)
            return status;
        if (p->opt->weights)
            for (size_t i = 0; i < n; i++)
                p->opt->weights[i] = 1.0 / (double)n;
        rep->stop_reason = "eps = 0: the sample mean";
        rep->weight_cap = 1.0 / (double)n;
        return RM_OK;
    }
    if (p->d > 0x7fffffff || n > 0x7fffffff)
        return RM_EOVERFLOW; /* BLAS takes int dimensions */
    double start = rm_clock_seconds();
    silo s;
    int status = rm_silo_init(&s, &p->X, p->opt, eps, solver, NULL);
    if (status == RM_OK)
        status = rm_silo_warm_start(&s, start);
    if (status == RM_OK)
        status = rm_silo_iterate(&s, start, &rep->stop_reason);
    if (status == RM_OK && solver->capped)
        status = polish(&s, start, &rep->stop_reason);
    if (status >= 0 && solver->capped)
        prefer_certified(&s);
    if (status >= 0 && !solver->capped) {
        /* Weights that left the capped simplex: measure the gap of the best iterate on the
         * simplex that holds them, and certify (or not) with that simplex's eps. */
        memcpy(s.q, s.best.q, n * sizeof *s.q);
        s.effective_cap = 1;
        int again = evaluate(&s);
        if (again != RM_OK)
            status = again;
        s.best.gap = s.gap;
        s.best.k_gap = s.k_gap;
    }
    if (status >= 0) {
        rep->converged = status == RM_OK;
        fill_report(&s, rep);
        rm_moments_unscale(&s.m, s.best.q, s.best.mu, mean);
        if (p->opt->weights)
            memcpy(p->opt->weights, s.best.q, n * sizeof *s.best.q);
    }
    rm_silo_free(&s);
    return status;
}
