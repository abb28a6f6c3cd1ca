/* The eigen oracle of a solve (state.h): the top Ritz pairs of Sigma_q and mu_q, by the
 * formed matrix and LAPACK for small d, else by block Lanczos on products with Sigma_q
 * that never form it (DESIGN.md, section 3). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "numerics/passes.h"
#include "silo/state.h"

/* The dense oracle is the cheaper one up to about this d (bench/TUNING.md, DENSE_MAX_D). */
#define DENSE_MAX_D 128
/* The dense moment is updated from the rows whose weight moved (by more than
 * DELTA_IGNORED of the cap) while they are at most a DELTA_SHARE of all rows, and formed
 * anew every DENSE_REFRESH iterations, so that rounding cannot build up. */
#define DELTA_IGNORED 1e-12
#define DELTA_SHARE 0.4
#define DENSE_REFRESH 10
/* Lanczos: vectors per block, block steps per call, and the top pair's Ritz residual
 * tolerance relative to its value: F's error goes as the residual squared, and a tighter
 * tolerance costs many block steps where the top eigenvalues crowd (bench/TUNING.md,
 * EIG_TOL). */
#define LANCZOS_BLOCK 8
#define LANCZOS_STEPS 20
#define EIG_TOL 1e-2
/* The other pairs in the window converge to this multiple of the tolerance: they enter
 * only the gap and the step, through their Ritz values, which are exact Rayleigh
 * quotients of orthonormal vectors however far these have converged, and that is all the
 * gap's certificate needs (<U, Sigma_q> >= (1 - delta) F). They converge far slower than
 * the top pair in a crowded window. Not unbounded: a call warm-started on a converged top
 * vector would otherwise stop after one step with the rest of its block unrefined
 * (bench/TUNING.md, EIG_TOL_REST_FACTOR). */
#define EIG_TOL_REST_FACTOR 3.0

int rm_silo_oracle_init(silo *s, double eig_tol)
{
    silo_oracle *o = &s->oracle;
    size_t n = s->n, d = s->d;
    const rm_options *opt = &s->opt;
    o->dense = opt->oracle == RM_ORACLE_DENSE || (opt->oracle == RM_ORACLE_AUTO && d <= DENSE_MAX_D);
    /* A solver's own tolerance (the filter's: its path does not converge, and rounding
     * that changes how many Lanczos steps run would change the path) only where the
     * oracle always reaches it, the block Krylov space filling R^d within the step cap;
     * beyond, a flat spectrum keeps it out of reach and the path cut at the cap is no
     * steadier (bench/TUNING.md, FILTER_EIG_TOL). */
    const rm_solver *solver = s->solver;
    if (eig_tol > 0.0)
        o->eig_tol = eig_tol;
    else if (solver->eig_tol > 0.0 && d <= LANCZOS_BLOCK * LANCZOS_STEPS)
        o->eig_tol = solver->eig_tol;
    else
        o->eig_tol = EIG_TOL;
    o->V = rm_alloc_array(d, RM_MAX_PAIRS * sizeof(double));
    o->mu = rm_alloc_array(d, sizeof(double));
    o->eig.vectors = o->V;
    int ok = o->V && o->mu;
    if (ok && o->dense) {
        o->C = rm_alloc_array(d, d * sizeof(double));
        o->C_work = rm_alloc_array(d, d * sizeof(double));
        o->C_raw = rm_alloc_array(d, d * sizeof(double));
        o->mu_raw = rm_alloc_array(d, sizeof(double));
        o->q_C = rm_alloc_array(n, sizeof(double));
        o->delta_w = rm_alloc_array(n, sizeof(double));
        o->delta_rows = rm_alloc_array(n, sizeof(size_t));
        ok = o->C && o->C_work && o->C_raw && o->mu_raw && o->q_C && o->delta_w && o->delta_rows;
    }
    if (ok && !o->dense) {
        o->lz = rm_lanczos_alloc(d, LANCZOS_BLOCK, LANCZOS_STEPS, opt->seed);
        ok = o->lz != NULL;
    }
    return ok ? RM_OK : RM_ENOMEM;
}

void rm_silo_oracle_free(silo_oracle *o)
{
    double *arrays[] = {o->V, o->mu, o->C, o->C_work, o->C_raw, o->mu_raw, o->q_C, o->delta_w};
    for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++)
        free(arrays[k]);
    free(o->delta_rows);
    rm_lanczos_free(o->lz);
}

/* Sigma_q V for the Lanczos oracle; the first product of an evaluation also finds mu. */
static void covariance_product(void *ctx, const double *V, size_t p, double *W)
{
    silo *s = ctx;
    silo_oracle *o = &s->oracle;
    size_t d = s->d;
    if (o->failed) { /* a product already failed: the caller will discard the result */
        memset(W, 0, d * p * sizeof *W);
        return;
    }
    if (rm_pass_product(&s->m, s->opt.threads, s->q, V, p, W, o->mu_ready ? NULL : o->mu) !=
        RM_OK) {
        o->failed = 1;
        memset(W, 0, d * p * sizeof *W);
        return;
    }
    o->mu_ready = 1;
    rm_moments_finish_product(d, o->mu, V, p, W);
    s->cost.passes++;
}

/* C_raw = sum q_i z_i z_i^T and mu_raw = sum q_i z_i for the current q: from the rows
 * whose weight moved since the last time when they are few (in the endgame most rows sit
 * at the cap or at zero, and this reads a small part of the data), else in a pass. Spread
 * over processes, always in a pass: its pieces are the row chunks, so the bits do not
 * depend on how many processes there are, where a list of moved rows cut at their
 * boundaries would (the same bytes cross either way: the d x d parts). */
static int dense_moment(silo *s)
{
    silo_oracle *o = &s->oracle;
    size_t n = s->n, d = s->d, moved = 0;
    if (o->have_raw && o->raw_age < DENSE_REFRESH && !s->m.range) {
        double ignored = DELTA_IGNORED * s->st.u;
        size_t limit = (size_t)(DELTA_SHARE * (double)n);
        for (size_t i = 0; i < n && moved <= limit; i++) {
            double change = s->q[i] - o->q_C[i];
            if (fabs(change) > ignored) {
                o->delta_rows[moved] = i;
                o->delta_w[moved++] = change;
            }
        }
        if (moved <= limit) {
            int status = rm_pass_dense_rows(&s->m, s->opt.threads, o->delta_rows, o->delta_w,
                                            moved, o->C_raw, o->mu_raw);
            if (status != RM_OK)
                return status;
            for (size_t t = 0; t < moved; t++)
                o->q_C[o->delta_rows[t]] = s->q[o->delta_rows[t]];
            o->raw_age++;
            s->cost.passes_partial += (double)moved / (double)n;
            return RM_OK;
        }
    }
    memset(o->C_raw, 0, d * d * sizeof *o->C_raw);
    memset(o->mu_raw, 0, d * sizeof *o->mu_raw);
    int status = rm_pass_dense(&s->m, s->opt.threads, s->q, o->C_raw, o->mu_raw);
    if (status != RM_OK)
        return status;
    memcpy(o->q_C, s->q, n * sizeof *s->q);
    o->have_raw = 1;
    o->raw_age = 0;
    s->cost.passes++;
    return RM_OK;
}

int rm_silo_oracle_run(silo *s)
{
    silo_oracle *o = &s->oracle;
    size_t d = s->d;
    double window = 2.0 * s->tg.delta;
    o->mu_ready = 0;
    if (o->dense) {
        int status = dense_moment(s);
        if (status != RM_OK)
            return status;
        memcpy(o->C, o->C_raw, d * d * sizeof *o->C);
        memcpy(o->mu, o->mu_raw, d * sizeof *o->mu);
        rm_moments_finish_dense(d, o->mu, o->C);
        o->mu_ready = 1;
        return rm_eig_top_dense(o->C, d, window, s->tg.max_pairs, &o->eig, o->C_work);
    }
    o->failed = 0;
    int status = rm_lanczos_top(o->lz, covariance_product, s, window, o->eig_tol,
                                EIG_TOL_REST_FACTOR * o->eig_tol, s->tg.max_pairs, &o->eig);
    s->cost.products += o->eig.products;
    return o->failed ? RM_ENOMEM : status;
}
