/* The matrix-free oracle: block Lanczos on an operator given by its products. */
#ifndef RM_NUMERICS_LANCZOS_H
#define RM_NUMERICS_LANCZOS_H

#include <stddef.h>
#include <stdint.h>

#include "numerics/eigen.h"

/* W = A V for V, W of d x p (column-major); the operator of rm_lanczos_top. */
typedef void (*rm_operator_fn)(void *ctx, const double *V, size_t p, double *W);

/* Block Lanczos workspace for one dimension d. Reused across calls, it warm-starts each
 * call from the top Ritz vectors of the previous one. */
typedef struct rm_lanczos rm_lanczos;

/* block: vectors per step to start with (1..RM_MAX_PAIRS, at most d); a call that finds
 * as many top values as its block widens the block of the next call (up to
 * RM_MAX_PAIRS), since a block of b vectors sees at most b copies of a repeated
 * eigenvalue. max_steps: block steps per call. The first start block is drawn from seed.
 * NULL on allocation failure. */
rm_lanczos *rm_lanczos_alloc(size_t d, size_t block, size_t max_steps, uint64_t seed);
void rm_lanczos_free(rm_lanczos *lz);

/* Top Ritz pairs of the operator: full reorthogonalisation, Rayleigh-Ritz on the whole
 * block Krylov space, stopped when the pairs with value >= (1 - delta) * top (at most
 * max_pairs <= RM_MAX_PAIRS of them) have converged: the top one to residual <= tol * top,
 * the others to tol_rest * top (tol_rest >= tol; tol_rest = tol for every pair to tol);
 * or after max_steps block steps (converged = 0), or when the space is invariant (exact).
 * Whatever their residuals, the values are the exact Rayleigh quotients of the returned
 * orthonormal vectors, each at most the eigenvalue of its rank. Returns RM_OK,
 * RM_ENUMERIC when the small eigensolver fails, RM_ENOMEM. */
int rm_lanczos_top(rm_lanczos *lz, rm_operator_fn op, void *ctx, double delta, double tol,
                   double tol_rest, size_t max_pairs, rm_eig_result *res);

/* Forget the warm start: the next call starts from fresh random vectors. */
void rm_lanczos_reset(rm_lanczos *lz);

/* Start the next call from the k vectors V (d x k, column-major), e.g. the top vectors of
 * a related problem; at most a block of them is kept. */
void rm_lanczos_warm(rm_lanczos *lz, const double *V, size_t k);

#endif
