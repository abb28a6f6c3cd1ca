/* See silo.h. */
#include "silo.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "centre.h"
#include "clock.h"
#include "eigen.h"
#include "gap.h"
#include "moments.h"
#include "simplex.h"
#include "select.h"
#include "summation.h"

/* The dense oracle (form Sigma_q, LAPACK) is cheaper than Lanczos up to about this d. */
#define DENSE_MAX_D 128
/* Lanczos: vectors per block, block steps per call, and the Ritz residual tolerance. */
#define LANCZOS_BLOCK 8
#define LANCZOS_STEPS 20
#define EIG_TOL 1e-3
/* The gap's weights w are optimised on at most this many rows (then evaluated exactly
 * on all of them), with this many mirror-descent steps. */
#define GAP_ROWS 4000
#define GAP_STEPS 25
/* The objective has stalled when its best value fell by less than this fraction over
 * this many iterations. */
#define STALL_FRACTION 1e-3
/* ... and F has settled when its best value fell by less than this fraction over the last
 * SETTLE_WINDOW iterations. */
#define SETTLE_FRACTION 1e-3
#define SETTLE_WINDOW 3
#define STALL_WINDOW 25

typedef struct silo {
    const rm_problem *p;
    rm_silo_state st;
    rm_moments m;
    rm_centre ctr;
    size_t d, max_pairs;
    double delta, tol, eig_tol;
    int dense, capped, effective_cap, softmax_step;
    /* weights and scores */
    double *q, *next, *tau, *tau_gap, *norms, *work, *S, *best_q, *prev_q, *prev_tau,
        *prev_tau_gap, *prev_norms;
    double *S_sub, *tau_sub, *work_sub;
    size_t *sub_rows, n_sub;
    /* the oracle */
    rm_lanczos *lz;
    rm_pass_buffers *buf;
    double *C, *C_work, *V, *mu, *best_mu;
    int mu_ready;
    rm_eig_result eig;
    /* the evaluation at q */
    size_t k, k_gap; /* directions within 2 delta (steps) and within delta (the gap) */
    double w[RM_MAX_PAIRS], a[RM_MAX_PAIRS];
    double gap;
    /* the best iterate */
    double best_F, best_gap;
    size_t best_k;
    size_t products, passes;
} silo;

static void silo_free(silo *s)
{
    free(s->q);
    free(s->next);
    free(s->tau);
    free(s->work);
    free(s->S);
    free(s->best_q);
    free(s->prev_q);
    free(s->prev_tau);
    free(s->tau_gap);
    free(s->prev_tau_gap);
    free(s->norms);
    free(s->prev_norms);
    free(s->S_sub);
    free(s->sub_rows);
    free(s->tau_sub);
    free(s->work_sub);
    rm_lanczos_free(s->lz);
    rm_pass_buffers_free(s->buf);
    free(s->C);
    free(s->C_work);
    free(s->V);
    free(s->mu);
    free(s->best_mu);
    rm_centre_free(&s->ctr);
}

/* A hash of a row's values, each rounded to 2^-10 of the largest |z|: the same rows are
 * picked whatever their order, and (but for values within rounding of a grid line, a
 * chance of about 1e-13 each) whatever the units or offset of the data. */
static uint64_t row_hash(const rm_moments *m, size_t i)
{
    uint64_t h = 0x243f6a8885a308d3u;
    double scale = m->ctr->zmax > 0.0 ? 1024.0 / m->ctr->zmax : 0.0;
    for (size_t j = 0; j < m->d; j++) {
        double v = nearbyint(rm_centre_z(m->ctr, m->X[i * m->d + j], j) * scale);
        uint64_t bits = (uint64_t)(int64_t)v;
        h = (h ^ bits) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93u;
    return h ^ (h >> 32);
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The rows on which the gap's weights are optimised: the n_sub rows of smallest key, a
 * pseudo-random subsample chosen by the rows' values, so that it does not change when
 * the rows are permuted, scaled or shifted. The key of a row mixes its value hash with
 * its copy number among identical rows: a hash alone would take all copies of a repeated
 * row or none (DKK noise repeats one point), and the subsample would misrepresent the
 * data. Copies being interchangeable, the chosen multiset stays order-independent.
 * Returns RM_OK or RM_ENOMEM. */
static int choose_subsample(silo *s)
{
    size_t n = s->p->n, taken = 0, slots = 1;
    while (slots < 2 * n)
        slots <<= 1;
    /* open addressing: value hash -> copies seen so far */
    uint64_t *keys = rm_calloc_array(slots, sizeof *keys);
    size_t *seen = rm_calloc_array(slots, sizeof *seen);
    if (!keys || !seen) {
        free(keys);
        free(seen);
        return RM_ENOMEM;
    }
    double *h = s->work;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = row_hash(&s->m, i) | 1u; /* never 0: 0 marks an empty slot */
        size_t slot = (size_t)mix64(v) & (slots - 1);
        while (keys[slot] != 0 && keys[slot] != v)
            slot = (slot + 1) & (slots - 1);
        keys[slot] = v;
        uint64_t key = mix64(v + 0x9e3779b97f4a7c15u * (uint64_t)seen[slot]++);
        h[i] = (double)(key >> 11) * 0x1p-53;
    }
    free(keys);
    free(seen);
    memcpy(s->tau, h, n * sizeof *h);
    rm_select(s->tau, n, s->n_sub - 1);
    double cut = s->tau[s->n_sub - 1];
    for (size_t i = 0; i < n && taken < s->n_sub; i++)
        if (h[i] <= cut)
            s->sub_rows[taken++] = i;
    s->n_sub = taken;
    return RM_OK;
}

static int silo_alloc(silo *s, const rm_problem *p, const rm_solver *solver)
{
    size_t n = p->n, d = p->d;
    memset(s, 0, sizeof *s);
    s->p = p;
    s->d = d;
    s->capped = solver->capped;
    s->softmax_step = solver->softmax_step;
    s->eig_tol = solver->eig_tol > 0.0 ? solver->eig_tol : EIG_TOL;
    int status = rm_centre_init(&s->ctr, p->X, n, d);
    if (status != RM_OK)
        return status;
    s->m = (rm_moments){p->X, n, d, &s->ctr};
    s->max_pairs = p->opt->max_directions ? p->opt->max_directions : RM_SILO_DIRECTIONS;
    s->delta = p->opt->delta > 0.0 ? p->opt->delta : RM_SILO_DELTA;
    s->tol = p->opt->tol > 0.0 ? p->opt->tol : RM_SILO_TOL;
    s->dense = p->opt->oracle == RM_ORACLE_DENSE ||
               (p->opt->oracle == RM_ORACLE_AUTO && d <= DENSE_MAX_D);
    s->n_sub = n > GAP_ROWS ? GAP_ROWS : 0;
    s->q = rm_alloc_array(n, sizeof(double));
    s->next = rm_alloc_array(n, sizeof(double));
    s->tau = rm_alloc_array(n, sizeof(double));
    s->work = rm_alloc_array(n, sizeof(double));
    s->best_q = rm_alloc_array(n, sizeof(double));
    s->prev_q = rm_alloc_array(n, sizeof(double));
    s->prev_tau = rm_alloc_array(n, sizeof(double));
    s->tau_gap = rm_alloc_array(n, sizeof(double));
    s->prev_tau_gap = rm_alloc_array(n, sizeof(double));
    s->norms = rm_alloc_array(n, sizeof(double));
    s->prev_norms = rm_alloc_array(n, sizeof(double));
    s->S = rm_alloc_array(n, RM_MAX_PAIRS * sizeof(double));
    s->V = rm_alloc_array(d, RM_MAX_PAIRS * sizeof(double));
    s->mu = rm_alloc_array(d, sizeof(double));
    s->best_mu = rm_alloc_array(d, sizeof(double));
    s->buf = rm_pass_buffers_alloc(d);
    int ok = s->q && s->next && s->tau && s->work && s->best_q && s->prev_q && s->prev_tau &&
             s->tau_gap && s->prev_tau_gap && s->norms && s->prev_norms &&
             s->S && s->V && s->mu && s->best_mu && s->buf;
    if (ok && s->n_sub) {
        s->S_sub = rm_alloc_array(s->n_sub, RM_MAX_PAIRS * sizeof(double));
        s->tau_sub = rm_alloc_array(s->n_sub, sizeof(double));
        s->work_sub = rm_alloc_array(s->n_sub, sizeof(double));
        s->sub_rows = rm_alloc_array(s->n_sub, sizeof(size_t));
        ok = s->S_sub && s->tau_sub && s->work_sub && s->sub_rows;
        if (ok && choose_subsample(s) != RM_OK)
            ok = 0;
    }
    if (ok && s->dense) {
        s->C = rm_alloc_array(d, d * sizeof(double));
        s->C_work = rm_alloc_array(d, d * sizeof(double));
        ok = s->C && s->C_work;
    }
    if (ok && !s->dense) {
        s->lz = rm_lanczos_alloc(d, LANCZOS_BLOCK, LANCZOS_STEPS, p->opt->seed);
        ok = s->lz != NULL;
    }
    s->eig.vectors = s->V;
    return ok ? RM_OK : RM_ENOMEM;
}

/* Sigma_q V for the Lanczos oracle; the first product of an evaluation also finds mu. */
static void covariance_product(void *ctx, const double *V, size_t p, double *W)
{
    silo *s = ctx;
    size_t d = s->d;
    memset(W, 0, d * p * sizeof *W);
    if (!s->mu_ready)
        memset(s->mu, 0, d * sizeof *s->mu);
    rm_moments_accumulate_product(&s->m, s->buf, 0, s->p->n, s->q, V, p, W,
                                  s->mu_ready ? NULL : s->mu);
    s->mu_ready = 1;
    rm_moments_finish_product(d, s->mu, V, p, W);
    s->passes++;
}

/* The top eigenpairs of Sigma_q and mu_q. */
static int oracle(silo *s)
{
    size_t d = s->d;
    s->mu_ready = 0;
    if (s->dense) {
        memset(s->C, 0, d * d * sizeof *s->C);
        memset(s->mu, 0, d * sizeof *s->mu);
        rm_moments_accumulate_dense(&s->m, s->buf, 0, s->p->n, s->q, s->C, s->mu);
        rm_moments_finish_dense(d, s->mu, s->C);
        s->mu_ready = 1;
        s->passes++;
        return rm_eig_top_dense(s->C, d, 2.0 * s->delta, s->max_pairs, &s->eig, s->C_work);
    }
    int status = rm_lanczos_top(s->lz, covariance_product, s, 2.0 * s->delta, s->eig_tol,
                                s->max_pairs, &s->eig);
    s->products += s->eig.products;
    return status;
}

/* The gap's weights: optimised on a subsample of the scores when n is large, then g is
 * evaluated exactly at them on all rows (tau receives S w). */
static double minimise_gap(silo *s)
{
    size_t n = s->p->n, k = s->k_gap, ld = s->k;
    rm_gap_weighted_scores(s->S, n, k, ld, s->q, s->a);
    /* The gap on the capped simplex, clipped at 0 (weights that left it may beat every
     * weighting in it); or, to certify such weights, on the simplex whose cap is their
     * largest weight. */
    double u = s->st.u;
    if (s->effective_cap)
        for (size_t i = 0; i < n; i++)
            u = fmax(u, s->q[i]);
    for (size_t j = 0; j < k; j++)
        s->w[j] = 1.0 / (double)k;
    if (k > 1) {
        if (s->n_sub) {
            /* Both terms of the gap on the same rows: their sampling errors largely cancel
             * in the difference (mixing the exact first term with a sampled second one
             * would leave the gap, a small difference, mostly noise). */
            double *q_sub = s->work_sub, total = 0.0, a_sub[RM_MAX_PAIRS];
            for (size_t t = 0; t < s->n_sub; t++) {
                size_t i = s->sub_rows[t];
                memcpy(s->S_sub + t * k, s->S + i * ld, k * sizeof(double));
                q_sub[t] = s->q[i];
                total += q_sub[t];
            }
            for (size_t t = 0; t < s->n_sub && total > 0.0; t++)
                q_sub[t] /= total;
            rm_gap_weighted_scores(s->S_sub, s->n_sub, k, k, q_sub, a_sub);
            double u_sub = u * (double)n / (double)s->n_sub;
            rm_gap_minimise(s->S_sub, s->n_sub, k, k, a_sub, u_sub, s->w, GAP_STEPS, s->tau_sub,
                            s->work_sub);
        } else {
            rm_gap_minimise(s->S, n, k, ld, s->a, u, s->w, GAP_STEPS, s->tau_gap, s->work);
        }
    }
    double g = rm_gap_at(s->S, n, k, ld, s->a, u, s->w, s->tau_gap, s->work);
    return g > 0.0 ? g : 0.0;
}

/* The quasi-gradient the solvers step along: tau_U with U = sum_j w_j v_j v_j^T over the
 * directions within 2 delta of the top, w_j proportional to
 * exp((lambda_j / lambda_1 - 1) / delta): one at the edge of the gap's window weighs 1/e
 * of the top one. Measured against stepping along the gap's own weights (which certify
 * stationarity, but may leave out the top direction when others are almost as high):
 * those left lowregret 3% above the best F on a variance shell, with a remnant of outliers
 * along the top direction; these reach 0.5%. Directions just below the window take part
 * so that a step does not push one of them over the top (pgd's steps were rejected,
 * zig-zagging, until they did). The filter keeps the gap's weights: along these it runs
 * on to a single row when n < d. */
static void step_scores(silo *s)
{
    size_t n = s->p->n, k = s->k;
    double w[RM_MAX_PAIRS], total = 0.0;
    for (size_t j = 0; j < k; j++) {
        double ratio = s->eig.values[0] > 0.0 ? s->eig.values[j] / s->eig.values[0] : 1.0;
        w[j] = exp((ratio - 1.0) / s->delta);
        total += w[j];
    }
    for (size_t j = 0; j < k; j++)
        w[j] /= total;
    for (size_t i = 0; i < n; i++) {
        const double *row = s->S + i * k;
        double t = 0.0;
        for (size_t j = 0; j < k; j++)
            t += w[j] * row[j];
        s->tau[i] = t;
    }
}

/* Everything at the current q: F, the directions, the scores, the gap, tau. */
static int evaluate(silo *s)
{
    int status = oracle(s);
    if (status != RM_OK)
        return status;
    s->st.F = s->eig.values[0] > 0.0 ? s->eig.values[0] : 0.0;
    s->k = s->eig.k < s->max_pairs ? s->eig.k : s->max_pairs;
    /* The oracle returns the pairs within 2 delta (for the steps); the gap takes those
     * within delta. */
    s->k_gap = 1;
    while (s->k_gap < s->k && s->eig.values[s->k_gap] >= (1.0 - s->delta) * s->eig.values[0])
        s->k_gap++;
    rm_moments_scores(&s->m, s->buf, 0, s->p->n, s->mu, s->V, s->k, s->S, s->norms);
    s->passes++;
    s->gap = minimise_gap(s); /* leaves tau_gap = S w for the gap's weights w */
    if (s->softmax_step)
        step_scores(s);
    else
        memcpy(s->tau, s->tau_gap, s->p->n * sizeof *s->tau);
    return RM_OK;
}

static void keep_best(silo *s)
{
    if (s->st.F < s->best_F || s->st.iteration == 0) {
        s->best_F = s->st.F;
        s->best_gap = s->gap;
        s->best_k = s->k_gap;
        memcpy(s->best_q, s->q, s->p->n * sizeof *s->q);
        memcpy(s->best_mu, s->mu, s->d * sizeof *s->mu);
    }
}

double rm_silo_tau_max(const rm_silo_state *st, double floor_weight)
{
    double top = 0.0;
    for (size_t i = 0; i < st->n; i++)
        if (st->q[i] > 0.0 && st->q[i] >= floor_weight && st->tau[i] > top)
            top = st->tau[i];
    return top;
}

/* The value in data units of an objective in the scaled space: F / g^2. */
static double unscale_objective(const silo *s, double F)
{
    return F / s->ctr.g2 / s->ctr.g2 / s->ctr.g1 / s->ctr.g1;
}

static void fill_report(silo *s, rm_report *rep)
{
    const rm_options *opt = s->p->opt;
    size_t n = s->p->n;
    rep->oracle = s->dense ? "dense" : "lanczos";
    rep->iterations = s->st.iteration;
    rep->products = s->products;
    rep->passes = s->passes;
    rep->objective = unscale_objective(s, s->best_F);
    rep->gap = unscale_objective(s, s->best_gap);
    rep->directions = s->best_k;
    rep->weight_cap = s->st.u;
    double gap_rel = s->best_F > 0.0 ? s->best_gap / s->best_F : 0.0;
    double eps = s->st.eps, top = 0.0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, s->best_q[i]);
    if (top > s->st.u) /* the filter: the eps whose cap its largest weight meets */
        eps = 1.0 - 1.0 / ((double)n * top);
    rep->guarantee = s->st.eps < 1.0 / 3.0;
    rm_gap_bounds b = rm_gap_bounds_of(eps, s->delta, gap_rel);
    rep->certified = b.valid && gap_rel <= s->tol;
    rep->bound_objective = rep->certified ? b.objective : NAN;
    rep->bound_error = rep->certified ? b.error : NAN;
    rep->sigma_certificate =
        opt->sigma > 0.0 ? rm_sigma_certificate(eps, rep->objective, opt->sigma) : NAN;
    size_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += s->best_q[i] < 0.5 * s->st.u;
    rep->outliers = outliers;
}

static int iterate(silo *s, const rm_solver *solver, rm_report *rep)
{
    const rm_options *opt = s->p->opt;
    size_t n = s->p->n;
    size_t max_iter = opt->max_iter ? opt->max_iter : RM_SILO_MAX_ITER;
    double start = rm_clock_seconds();
    double sigma2 = opt->sigma * opt->sigma, stall_ref = INFINITY;
    size_t stall_since = 0;
    int status = evaluate(s);
    if (status != RM_OK)
        return status;
    keep_best(s);
    double recent[SETTLE_WINDOW + 1]; /* the best F of the last iterations */
    for (;;) {
        recent[s->st.iteration % (SETTLE_WINDOW + 1)] = s->best_F;
        /* Gap_delta lets U pick any direction within delta of the top: a point can be
         * delta-stationary while F still falls (a remnant of outliers along the top
         * direction, next to inlier directions almost as high). Stop once the gap is small
         * and F has settled too. Not the filter: off the capped simplex F keeps falling
         * as its weights concentrate, and its clipped gap reaching 0 (weights that beat
         * every capped weighting) is the moment to stop. */
        int settled = !s->capped || s->st.iteration == 0 ||
                      (s->st.iteration >= SETTLE_WINDOW &&
                       recent[(s->st.iteration + 1) % (SETTLE_WINDOW + 1)] - s->best_F <=
                           SETTLE_FRACTION * s->best_F);
        if (s->gap <= s->tol * s->st.F && settled) {
            rep->stop_reason = "stationarity gap below tolerance";
            return RM_OK;
        }
        if (sigma2 > 0.0 && unscale_objective(s, s->st.F) <= sigma2) {
            rep->stop_reason = "objective below sigma^2";
            return RM_OK;
        }
        if (s->best_F < stall_ref * (1.0 - STALL_FRACTION)) {
            stall_ref = s->best_F;
            stall_since = s->st.iteration;
        } else if (s->st.iteration - stall_since >= STALL_WINDOW) {
            rep->stop_reason = "objective stalled";
            return RM_OK;
        }
        if (s->st.iteration >= max_iter) {
            rep->stop_reason = "iteration cap";
            return RM_NOT_CONVERGED;
        }
        if (opt->max_seconds > 0.0 && rm_clock_seconds() - start >= opt->max_seconds) {
            rep->stop_reason = "time budget";
            return RM_NOT_CONVERGED;
        }
        /* Once F has settled short of stationarity, the softmax direction has done what it
         * can (its fixed point minimises a smoothed top eigenvalue, measured to leave a gap
         * of 5-8% on DKK noise): step along the gap's own direction then, which closes
         * the gap. */
        s->st.tau = settled && s->softmax_step ? s->tau_gap : s->tau;
        solver->propose(&s->st, s->next);
        double F_before = s->st.F, gap_before = s->gap;
        memcpy(s->prev_q, s->q, n * sizeof *s->q);
        memcpy(s->prev_tau, s->tau, n * sizeof *s->tau);
        memcpy(s->prev_tau_gap, s->tau_gap, n * sizeof *s->tau);
        memcpy(s->prev_norms, s->norms, n * sizeof *s->tau);
        memcpy(s->q, s->next, n * sizeof *s->q);
        s->st.iteration++;
        status = evaluate(s);
        if (status != RM_OK)
            return status;
        double F_next = s->st.F;
        s->st.F = F_before; /* the solver compares the proposal with the current point */
        if (solver->accept && !solver->accept(&s->st, F_next)) {
            s->st.rejected++;
            memcpy(s->q, s->prev_q, n * sizeof *s->q);
            memcpy(s->tau, s->prev_tau, n * sizeof *s->tau);
            memcpy(s->tau_gap, s->prev_tau_gap, n * sizeof *s->tau);
            memcpy(s->norms, s->prev_norms, n * sizeof *s->tau);
            s->gap = gap_before;
            continue;
        }
        s->st.F = F_next;
        s->st.rejected = 0;
        keep_best(s);
    }
}

int rm_silo_run(const rm_problem *p, const rm_solver *solver, double *mean, rm_report *rep)
{
    size_t n = p->n;
    double eps = isnan(p->eps) ? 0.0 : p->eps;
    if (eps == 0.0) { /* Delta is the single point q = 1/n: the sample mean */
        double *work = rm_alloc_array(2 * p->d, sizeof(double));
        if (!work)
            return RM_ENOMEM;
        rm_rows_mean(p->X, p->d, NULL, n, mean, work);
        free(work);
        if (p->opt->weights)
            for (size_t i = 0; i < n; i++)
                p->opt->weights[i] = 1.0 / (double)n;
        rep->stop_reason = "eps = 0: the sample mean";
        rep->weight_cap = 1.0 / (double)n;
        return RM_OK;
    }
    if (p->d > 0x7fffffff || n > 0x7fffffff)
        return RM_EOVERFLOW; /* BLAS takes int dimensions */
    silo s;
    int status = silo_alloc(&s, p, solver);
    if (status == RM_OK) {
        s.st.n = n;
        s.st.eps = eps;
        s.st.u = 1.0 / ((1.0 - eps) * (double)n);
        s.st.q = s.q;
        s.st.tau = s.tau;
        s.st.tau_gap = s.tau_gap;
        s.st.norms = s.norms;
        s.st.work = s.work;
        for (size_t i = 0; i < n; i++)
            s.q[i] = 1.0 / (double)n;
        status = iterate(&s, solver, rep);
    }
    if (status >= 0 && !solver->capped) {
        /* Weights that left the capped simplex: measure the gap of the best iterate on the
         * simplex that holds them, and certify (or not) with that simplex's eps. */
        memcpy(s.q, s.best_q, n * sizeof *s.q);
        s.effective_cap = 1;
        int again = evaluate(&s);
        if (again != RM_OK)
            status = again;
        s.best_gap = s.gap;
        s.best_k = s.k_gap;
    }

    if (status >= 0) {
        rep->converged = status == RM_OK;
        fill_report(&s, rep);
        rm_moments_unscale(&s.m, s.best_mu, mean);
        if (p->opt->weights)
            memcpy(p->opt->weights, s.best_q, n * sizeof *s.best_q);
    }
    silo_free(&s);
    return status;
}
