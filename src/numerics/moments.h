/* Weighted moments of the data and the matrix-free product with the weighted covariance.
 *
 * Everything works on z = (x - c) * g, the data centred by its coordinate-wise median and
 * scaled by a power of two (centre.h), formed block by block in a small buffer: the data
 * itself is read, never copied. For weights q (summing to 1 over all rows)
 *     mu_q = sum_i q_i z_i,    Sigma_q V = sum_i q_i z_i (z_i . V) - mu_q (mu_q . V),
 * and every function accumulates over a row range [row0, row1), so that a caller can
 * split the rows among threads or machines and add the partial results
 * (DESIGN.md, section 8). */
#ifndef RM_MOMENTS_H
#define RM_MOMENTS_H

#include <stddef.h>

#include "common/matrix.h"
#include "common/row_range.h"
#include "numerics/centre.h"

/* The data and its centre; block buffers are per call (thread-safe). */
typedef struct rm_moments {
    rm_matrix X;
    size_t n, d; /* X.n, X.d */
    const rm_centre *ctr;
    const rm_row_range *range; /* NULL: X holds every row. Else X holds this process's
                                  rows, and the passes (passes.h) sum over all processes'
                                  rows, the same on each */
} rm_moments;

/* Most vectors a product takes at once. */
#define RM_MAX_BLOCK_VECTORS 32

/* Workspace of a pass: a block of z rows and its products, for chunks of at most max_rows
 * rows. rm_pass_buffers_alloc returns NULL on allocation failure. */
typedef struct rm_pass_buffers rm_pass_buffers;
rm_pass_buffers *rm_pass_buffers_alloc(size_t d, size_t max_rows);
void rm_pass_buffers_free(rm_pass_buffers *buf);

/* The z rows of X[row0 .. row0+rows) into z (rows x d). */
void rm_moments_load(const rm_moments *m, size_t row0, size_t rows, double *z);

/* Over rows [row0, row1): mu_part += sum q_i z_i and W += sum q_i z_i (z_i . V), where V
 * and W are d x p, column-major (vector j at V + j*d), p <= RM_MAX_BLOCK_VECTORS.
 * mu_part may be NULL. One pass over the rows. */
void rm_moments_accumulate_product(const rm_moments *m, rm_pass_buffers *buf, size_t row0,
                                   size_t row1, const double *q, const double *V, size_t p,
                                   double *W, double *mu_part);

/* Finish Sigma_q V from the accumulated parts: W -= mu (mu . V). */
void rm_moments_finish_product(size_t d, const double *mu, const double *V, size_t p, double *W);

/* Over rows [row0, row1): C += sum q_i z_i z_i^T (d x d, column-major, upper triangle
 * only) and mu_part += sum q_i z_i. rm_moments_finish_dense subtracts mu mu^T and fills
 * the lower triangle. */
void rm_moments_accumulate_dense(const rm_moments *m, rm_pass_buffers *buf, size_t row0,
                                 size_t row1, const double *q, double *C, double *mu_part);
void rm_moments_finish_dense(size_t d, const double *mu, double *C);

/* The same over the `count` rows listed in rows[], with weights w[] of either sign:
 * C += sum w_t z_{rows[t]} z_{rows[t]}^T, mu_part += sum w_t z_{rows[t]}. A change of
 * weights updates a dense moment this way, reading only the rows whose weight moved. */
void rm_moments_accumulate_dense_rows(const rm_moments *m, rm_pass_buffers *buf,
                                      const size_t *rows, const double *w, size_t count,
                                      double *C, double *mu_part);

/* A scores pass: each row's scores s_ij = (z_i . v_j - o_j)^2 for the k columns of V
 * (d x k, column-major, k <= RM_MAX_BLOCK_VECTORS), o_j = offsets[j], or mu . v_j when
 * offsets is NULL (then s_ij = ((z_i - mu) . v_j)^2). The scores are not kept: each block
 * of them goes to take(), which turns them into what its caller needs (a copy, or each
 * row's new weight). norms, when not NULL, receives ||z_i - mu||^2 (then mu is needed).
 * With projections set, take() receives z_i . v_j - o_j itself, not its square. */
typedef struct rm_scoring {
    const double *mu, *offsets, *V;
    size_t k;
    /* a block of `rows` rows from row `first` on; s: rows x k, row-major. NULL when
     * k = 0. */
    void (*take)(void *ctx, size_t first, size_t rows, const double *s, size_t k);
    void *ctx;
    double *norms; /* at norms[first + i] */
    int projections;
} rm_scoring;

/* The scores of rows [row0, row1). */
void rm_moments_scores(const rm_moments *m, rm_pass_buffers *buf, size_t row0, size_t row1,
                       const rm_scoring *sc);

/* The data-unit value x = c + z / g of mu_q = z (d values), the weights q being given;
 * in a coarse column (centre.h) z has lost digits, and x there is sum q_i x_i from the
 * data (one pass over the rows, only when there is such a column). */
void rm_moments_unscale(const rm_moments *m, const double *q, const double *z, double *x);

#endif
