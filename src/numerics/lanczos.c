/* Block Lanczos with full reorthogonalisation and Rayleigh-Ritz on the whole block Krylov
 * space. The products A Q of every basis block are kept, so the projected matrix Q^T A Q
 * and the exact Ritz residuals A u - theta u cost no further product. A block (rather than
 * a single vector) matters: at the solution of the SILO problem the top eigenvalue is
 * nearly multiple, and a single Krylov sequence sees only one vector of a repeated
 * eigenspace. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/reserve.h"
#include "common/rng.h"
#include "numerics/lanczos.h"
#include "numerics/symmetric_top.h"
#include "robustmean.h"

/* A column whose norm falls below this fraction of its norm before orthogonalisation is
 * taken as dependent on the basis. */
#define DEPENDENT 1e-10
/* Block steps a call takes at least when its start block holds random vectors. */
#define MIN_STEPS_RANDOM 3

struct rm_lanczos {
    size_t d, block, max_block, max_steps, max_cols;
    double *Q, *AQ;     /* d x max_cols: the basis and its products */
    double *H, *Hc;     /* max_cols x max_cols: Q^T A Q and the copy dsyevr destroys */
    double *theta, *Y;  /* Ritz values (ascending, as LAPACK returns) and vectors */
    lapack_int *isuppz;
    double *U, *AU;     /* d x want: Ritz vectors and their products */
    double *warm;       /* d x block: the start block of the next call */
    size_t nwarm;
    double *coef;       /* max_cols x block */
    gsl_rng rng;
};

void rm_lanczos_free(rm_lanczos *lz)
{
    if (!lz)
        return;
    free(lz->Q);
    free(lz->AQ);
    free(lz->H);
    free(lz->Hc);
    free(lz->theta);
    free(lz->Y);
    free(lz->isuppz);
    free(lz->U);
    free(lz->AU);
    free(lz->warm);
    free(lz->coef);
    rm_rng_free(&lz->rng);
    free(lz);
}

rm_lanczos *rm_lanczos_alloc(size_t d, size_t block, size_t max_steps, uint64_t seed)
{
    if (d == 0 || block == 0 || max_steps == 0)
        return NULL;
    rm_lanczos *lz = calloc(1, sizeof *lz);
    if (!lz)
        return NULL;
    if (block > RM_MAX_PAIRS)
        block = RM_MAX_PAIRS;
    if (block > d)
        block = d;
    lz->d = d;
    lz->block = block;
    lz->max_block = RM_MAX_PAIRS < d ? RM_MAX_PAIRS : d;
    lz->max_steps = max_steps;
    lz->max_cols = lz->max_block * max_steps < d ? lz->max_block * max_steps : d;
    size_t mc = lz->max_cols, want = RM_MAX_PAIRS;
    lz->Q = rm_alloc_array(d, mc * sizeof(double));
    lz->AQ = rm_alloc_array(d, mc * sizeof(double));
    lz->H = rm_alloc_array(mc, mc * sizeof(double));
    lz->Hc = rm_alloc_array(mc, mc * sizeof(double));
    lz->theta = rm_alloc_array(mc, sizeof(double));
    lz->Y = rm_alloc_array(mc, mc * sizeof(double));
    lz->isuppz = rm_alloc_array(2 * mc, sizeof(lapack_int));
    lz->U = rm_alloc_array(d, want * sizeof(double));
    lz->AU = rm_alloc_array(d, want * sizeof(double));
    lz->warm = rm_alloc_array(d, lz->max_block * sizeof(double));
    lz->coef = rm_alloc_array(mc, lz->max_block * sizeof(double));
    if (!lz->Q || !lz->AQ || !lz->H || !lz->Hc || !lz->theta || !lz->Y || !lz->isuppz ||
        !lz->U || !lz->AU || !lz->warm || !lz->coef || rm_rng_init(&lz->rng, seed) != RM_OK) {
        rm_lanczos_free(lz);
        return NULL;
    }
    return lz;
}

void rm_lanczos_reset(rm_lanczos *lz) { lz->nwarm = 0; }

void rm_lanczos_warm(rm_lanczos *lz, const double *V, size_t k)
{
    lz->nwarm = k < lz->max_block ? k : lz->max_block;
    memcpy(lz->warm, V, lz->nwarm * lz->d * sizeof(double));
}

/* Orthogonalise the p columns of R (d x p) against the first `cols` columns of Q, twice
 * ("twice is enough"), then among themselves; append the independent ones to Q.
 * Returns how many were appended. ref[j] is column j's norm before all this. */
static size_t append_block(rm_lanczos *lz, double *R, size_t p, size_t cols, const double *ref)
{
    size_t d = lz->d;
    for (int pass = 0; pass < 2 && cols > 0; pass++) {
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)cols, (int)p, (int)d, 1.0,
                    lz->Q, (int)d, R, (int)d, 0.0, lz->coef, (int)cols);
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)p, (int)cols, -1.0,
                    lz->Q, (int)d, lz->coef, (int)cols, 1.0, R, (int)d);
    }
    size_t added = 0;
    for (size_t j = 0; j < p && cols + added < lz->max_cols; j++) {
        double *r = R + j * d, *dst = lz->Q + (cols + added) * d;
        for (int pass = 0; pass < 2; pass++)
            for (size_t c = cols; c < cols + added; c++) {
                const double *qc = lz->Q + c * d;
                cblas_daxpy((int)d, -cblas_ddot((int)d, qc, 1, r, 1), qc, 1, r, 1);
            }
        double nrm = cblas_dnrm2((int)d, r, 1);
        if (!(nrm > DEPENDENT * ref[j]) || nrm == 0.0)
            continue;
        for (size_t i = 0; i < d; i++)
            dst[i] = r[i] / nrm;
        added++;
    }
    return added;
}

/* The start block: the warm vectors, then seeded random ones, orthonormalised; random
 * vectors replace dependent ones. Returns its width; *random says whether random vectors
 * are in it. */
static size_t start_block(rm_lanczos *lz, double *R, int *random)
{
    *random = lz->nwarm < lz->block;
    size_t d = lz->d, b = lz->block, cols = 0;
    double ref[RM_MAX_PAIRS];
    for (int attempt = 0; attempt < 4 && cols < b; attempt++) {
        size_t p = b - cols;
        for (size_t j = 0; j < p; j++) {
            double *r = R + j * d;
            size_t src = cols + j;
            if (attempt == 0 && src < lz->nwarm) {
                memcpy(r, lz->warm + src * d, d * sizeof *r);
            } else {
                *random = 1;
                for (size_t i = 0; i < d; i++)
                    r[i] = rm_rng_gaussian(&lz->rng);
            }
            ref[j] = cblas_dnrm2((int)d, r, 1);
        }
        cols += append_block(lz, R, p, cols, ref);
    }
    return cols;
}

/* Rayleigh-Ritz on the first `cols` basis vectors: the top `want` Ritz pairs into theta
 * (descending), U and AU. Returns RM_OK, RM_ENOMEM or RM_ENUMERIC. */
static int rayleigh_ritz(rm_lanczos *lz, size_t cols, size_t want)
{
    size_t d = lz->d, mc = lz->max_cols;
    for (size_t j = 0; j < cols; j++)
        for (size_t i = 0; i < cols; i++)
            lz->Hc[j * cols + i] = i <= j ? lz->H[j * mc + i] : lz->H[i * mc + j];
    int status = rm_eig_symmetric_top(cols, lz->Hc, want, lz->theta, lz->Y, lz->isuppz, lz->H, mc);
    if (status != RM_OK)
        return status;
    /* Reverse to descending order, then U = Q Y and AU = AQ Y. */
    for (size_t a = 0, b = want - 1; a < b; a++, b--) {
        double t = lz->theta[a];
        lz->theta[a] = lz->theta[b];
        lz->theta[b] = t;
        for (size_t i = 0; i < cols; i++) {
            t = lz->Y[a * cols + i];
            lz->Y[a * cols + i] = lz->Y[b * cols + i];
            lz->Y[b * cols + i] = t;
        }
    }
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)want, (int)cols, 1.0,
                lz->Q, (int)d, lz->Y, (int)cols, 0.0, lz->U, (int)d);
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)want, (int)cols, 1.0,
                lz->AQ, (int)d, lz->Y, (int)cols, 0.0, lz->AU, (int)d);
    return RM_OK;
}

/* Fill res from the Ritz pairs; returns whether every wanted pair has converged: the top
 * one to tol, the others to tol_rest. */
static int collect(rm_lanczos *lz, size_t want, double delta, double tol, double tol_rest,
                   size_t max_pairs, rm_eig_result *res)
{
    size_t d = lz->d;
    double top = lz->theta[0];
    double floor_value = (1.0 - delta) * top;
    size_t k = 0;
    while (k < want && k < max_pairs && (k == 0 || lz->theta[k] >= floor_value))
        k++;
    int converged = 1;
    for (size_t j = 0; j < k; j++) {
        double *au = lz->AU + j * d;
        const double *u = lz->U + j * d;
        /* the residual in place of AU: AU is not needed afterwards */
        cblas_daxpy((int)d, -lz->theta[j], u, 1, au, 1);
        res->values[j] = lz->theta[j];
        res->residuals[j] = cblas_dnrm2((int)d, au, 1);
        memcpy(res->vectors + j * d, u, d * sizeof *u);
        double bound = (j == 0 ? tol : tol_rest) * fabs(top);
        if (!(res->residuals[j] <= bound) && res->residuals[j] != 0.0)
            converged = 0;
    }
    res->k = k;
    /* The next call starts from the top Ritz vectors. */
    lz->nwarm = want < lz->max_block ? want : lz->max_block;
    memcpy(lz->warm, lz->U, lz->nwarm * d * sizeof(double));
    return converged;
}

/* As many top values as the block holds: the top eigenvalue may be repeated more often
 * than a block can see (a block of b vectors meets at most b copies). Widen the next
 * call's block. */
static void widen_if_crowded(rm_lanczos *lz, const rm_eig_result *res)
{
    if (res->k >= lz->block && lz->block < lz->max_block) {
        lz->block = 2 * lz->block < lz->max_block ? 2 * lz->block : lz->max_block;
        /* Keep only the top vectors: fresh random ones must fill the rest, the only way
         * to meet the copies this call's Krylov space was orthogonal to. */
        lz->nwarm = res->k;
    }
}

int rm_lanczos_top(rm_lanczos *lz, rm_operator_fn op, void *ctx, double delta, double tol,
                   double tol_rest, size_t max_pairs, rm_eig_result *res)
{
    size_t d = lz->d, mc = lz->max_cols;
    if (max_pairs > RM_MAX_PAIRS)
        max_pairs = RM_MAX_PAIRS;
    if (max_pairs == 0)
        max_pairs = 1;
    res->k = 0;
    res->products = res->steps = 0;
    res->converged = 0;
    if (rm_reserve_blas_here() != RM_OK)
        return RM_ENOMEM;
    /* R: d x block scratch; the Ritz buffer AU serves (it is recomputed each step). */
    double *R = lz->AU;
    double ref[RM_MAX_PAIRS];
    int random;
    size_t cols = start_block(lz, R, &random), first = 0;
    if (cols == 0)
        return RM_ENUMERIC;
    /* Random start vectors need a few steps before their Ritz values mean anything: one
     * step could stop on the warm vectors alone and miss what the random ones would find. */
    size_t min_steps = random ? MIN_STEPS_RANDOM : 1;
    for (;;) {
        size_t p = cols - first;
        op(ctx, lz->Q + first * d, p, lz->AQ + first * d);
        res->products += p;
        res->steps++;
        /* New columns of H: Q^T (A Q_new), for all rows up to cols. */
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)cols, (int)p, (int)d, 1.0,
                    lz->Q, (int)d, lz->AQ + first * d, (int)d, 0.0, lz->H + first * mc, (int)mc);
        size_t want = max_pairs > lz->block ? max_pairs : lz->block;
        if (want > cols)
            want = cols;
        int status = rayleigh_ritz(lz, cols, want);
        if (status != RM_OK)
            return status;
        int converged = collect(lz, want, delta, tol, tol_rest, max_pairs, res);
        if ((converged && res->steps >= min_steps) || cols == mc || res->steps >= lz->max_steps) {
            res->converged = converged || cols == d;
            widen_if_crowded(lz, res);
            return RM_OK;
        }
        /* The next block: A Q_new orthogonalised against the whole basis. */
        memcpy(R, lz->AQ + first * d, p * d * sizeof(double));
        for (size_t j = 0; j < p; j++)
            ref[j] = cblas_dnrm2((int)d, R + j * d, 1);
        size_t added = append_block(lz, R, p, cols, ref);
        if (added == 0) { /* invariant subspace: the Ritz pairs are exact */
            res->converged = 1;
            widen_if_crowded(lz, res);
            return RM_OK;
        }
        first = cols;
        cols += added;
    }
}
