/* Passes over all the rows on several threads (OpenMP). The rows are split into chunks
 * whose number depends on n (and d) only, never on the number of threads; each chunk
 * accumulates its own part with the row-range functions of moments.h, and the parts are
 * added in chunk order. So a result is the same, to the last bit, on any number of
 * threads.
 *
 * Rows spread over processes (rm_moments.range, common/row_range.h): the chunks are those
 * of the total number of rows, cut at the processes' boundaries into pieces; every
 * process's pieces are gathered and added in row order, so each process holds the same
 * result, one process's to the bit when the boundaries are chunk boundaries. Every process
 * calls each pass; a failure (out of memory) is every process's. */
#ifndef RM_PASSES_H
#define RM_PASSES_H

#include <stddef.h>

#include "numerics/moments.h"

/* threads: 0 for OpenMP's default (one per core). All return RM_OK or RM_ENOMEM (or a
 * hook's code, the same on every process). */

/* W = sum_i q_i z_i (z_i . V) (d x p, p <= RM_MAX_BLOCK_VECTORS) and, when mu is not NULL,
 * mu = sum_i q_i z_i. rm_moments_finish_product turns W into Sigma_q V. */
int rm_pass_product(const rm_moments *m, int threads, const double *q, const double *V,
                    size_t p, double *W, double *mu);

/* C = sum_i q_i z_i z_i^T (d x d, upper triangle) and mu; rm_moments_finish_dense
 * finishes Sigma_q. */
int rm_pass_dense(const rm_moments *m, int threads, const double *q, double *C, double *mu);

/* Adds sum_t w_t z z^T over the listed rows to C (upper triangle) and sum_t w_t z to mu
 * (rm_moments_accumulate_dense_rows), the list split in chunks fixed by its length. Rows
 * of this process only: RM_EUNSUPPORTED when they are spread over processes. */
int rm_pass_dense_rows(const rm_moments *m, int threads, const size_t *rows, const double *w,
                       size_t count, double *C, double *mu);

/* The scores of every row, handed block by block to sc->take (rm_moments_scores): of
 * this process's rows, numbered locally, when they are spread over processes. */
int rm_pass_scores(const rm_moments *m, int threads, const rm_scoring *sc);

#endif
