/* See moments.h. Each pass converts a block of rows to z in a buffer that stays in cache,
 * then lets BLAS multiply it: the data is read once per pass. */
#include "numerics/moments.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

/* About 1 MiB per block for its z rows and their products (RM_MAX_BLOCK_VECTORS values a
 * row): at moderate d it stays in a core's L2 cache, and BLAS calls this large amortise
 * their packing (bench/TUNING.md, BLOCK_BYTES). */
enum { BLOCK_BYTES = 1 << 20, MIN_BLOCK_ROWS = 8 };

struct rm_pass_buffers {
    size_t d, rows;
    double *z; /* rows x d */
    double *y; /* rows x RM_MAX_BLOCK_VECTORS */
};

rm_pass_buffers *rm_pass_buffers_alloc(size_t d, size_t max_rows)
{
    rm_pass_buffers *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    size_t rows = BLOCK_BYTES / (sizeof(double) * (d + RM_MAX_BLOCK_VECTORS));
    if (rows < MIN_BLOCK_ROWS)
        rows = MIN_BLOCK_ROWS;
    b->d = d;
    /* A block never spans two chunks: no more rows than a chunk has (the blocks, so the
     * results, stay the same; a small problem does not take megabytes). */
    b->rows = rows < max_rows ? rows : max_rows > 0 ? max_rows : 1;
    b->z = rm_alloc_array(b->rows, d * sizeof(double));
    b->y = rm_alloc_array(b->rows, RM_MAX_BLOCK_VECTORS * sizeof(double));
    if (!b->z || !b->y) {
        rm_pass_buffers_free(b);
        return NULL;
    }
    return b;
}

void rm_pass_buffers_free(rm_pass_buffers *buf)
{
    if (!buf)
        return;
    free(buf->z);
    free(buf->y);
    free(buf);
}

void rm_moments_load(const rm_moments *m, size_t row0, size_t rows, double *zs)
{
    const rm_centre *c = m->ctr;
    size_t d = m->d;
    for (size_t i = 0; i < rows; i++) {
        double *z = zs + i * d;
        RM_MATRIX_WITH_ROW(&m->X, row0 + i, x, {
            for (size_t j = 0; j < d; j++)
                z[j] = (RM_ROW_AT(x, j) * c->col_g1[j] - c->shifted[j]) * c->col_g2[j];
        });
    }
}

void rm_moments_accumulate_product(const rm_moments *m, rm_pass_buffers *buf, size_t row0,
                                   size_t row1, const double *q, const double *V, size_t p,
                                   double *W, double *mu_part)
{
    size_t d = m->d;
    for (size_t r = row0; r < row1; r += buf->rows) {
        size_t rows = row1 - r < buf->rows ? row1 - r : buf->rows;
        rm_moments_load(m, r, rows, buf->z);
        if (mu_part) /* mu += Z_B^T q_B */
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)rows, (int)d, 1.0, buf->z, (int)d,
                        q + r, 1, 1.0, mu_part, 1);
        /* Y = Z_B V (rows x p), then Y_i *= q_i, then W^T += Y^T Z_B. */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)p, (int)d, 1.0,
                    buf->z, (int)d, V, (int)d, 0.0, buf->y, (int)p);
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < p; j++)
                buf->y[i * p + j] *= q[r + i];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)p, (int)d, (int)rows, 1.0,
                    buf->y, (int)p, buf->z, (int)d, 1.0, W, (int)d);
    }
}

void rm_moments_finish_product(size_t d, const double *mu, const double *V, size_t p, double *W)
{
    for (size_t j = 0; j < p; j++) {
        double muv = cblas_ddot((int)d, mu, 1, V + j * d, 1);
        cblas_daxpy((int)d, -muv, mu, 1, W + j * d, 1);
    }
}

void rm_moments_accumulate_dense(const rm_moments *m, rm_pass_buffers *buf, size_t row0,
                                 size_t row1, const double *q, double *C, double *mu_part)
{
    size_t d = m->d;
    for (size_t r = row0; r < row1; r += buf->rows) {
        size_t rows = row1 - r < buf->rows ? row1 - r : buf->rows;
        rm_moments_load(m, r, rows, buf->z);
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)rows, (int)d, 1.0, buf->z, (int)d, q + r, 1,
                    1.0, mu_part, 1);
        /* C += (sqrt(q) Z_B)^T (sqrt(q) Z_B): scale the rows in place, then a rank update. */
        for (size_t i = 0; i < rows; i++) {
            double s = q[r + i] > 0.0 ? sqrt(q[r + i]) : 0.0;
            cblas_dscal((int)d, s, buf->z + i * d, 1);
        }
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)rows, 1.0, buf->z,
                    (int)d, 1.0, C, (int)d);
    }
}

void rm_moments_accumulate_dense_rows(const rm_moments *m, rm_pass_buffers *buf,
                                      const size_t *rows, const double *w, size_t count,
                                      double *C, double *mu_part)
{
    const rm_centre *c = m->ctr;
    size_t d = m->d;
    for (size_t t0 = 0; t0 < count; t0 += buf->rows) {
        size_t len = count - t0 < buf->rows ? count - t0 : buf->rows, plus = 0, minus = len;
        /* Rows of positive weight fill the buffer from the top, negative ones from the
         * bottom, each scaled by sqrt(|w|): two rank updates of opposite sign. */
        for (size_t t = t0; t < t0 + len; t++) {
            double *z = w[t] >= 0.0 ? buf->z + plus++ * d : buf->z + --minus * d;
            double root = sqrt(fabs(w[t]));
            RM_MATRIX_WITH_ROW(&m->X, rows[t], x, {
                for (size_t j = 0; j < d; j++) {
                    double v = (RM_ROW_AT(x, j) * c->col_g1[j] - c->shifted[j]) * c->col_g2[j];
                    mu_part[j] += w[t] * v;
                    z[j] = v * root;
                }
            });
        }
        if (plus)
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)plus, 1.0, buf->z,
                        (int)d, 1.0, C, (int)d);
        if (len - minus)
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)(len - minus), -1.0,
                        buf->z + minus * d, (int)d, 1.0, C, (int)d);
    }
}

void rm_moments_finish_dense(size_t d, const double *mu, double *C)
{
    for (size_t j = 0; j < d; j++)
        for (size_t i = 0; i <= j; i++) {
            C[j * d + i] -= mu[i] * mu[j];
            C[i * d + j] = C[j * d + i];
        }
}

/* ||z - mu||^2 in four partial sums: one running sum waits on each addition (the
 * compiler may not reorder them), four keep the adder busy. */
static double squared_distance(const double *z, const double *mu, size_t d)
{
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    size_t j = 0;
    for (; j + 4 <= d; j += 4)
        for (size_t t = 0; t < 4; t++)
            s[t] += (z[j + t] - mu[j + t]) * (z[j + t] - mu[j + t]);
    for (; j < d; j++)
        s[0] += (z[j] - mu[j]) * (z[j] - mu[j]);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

void rm_moments_scores(const rm_moments *m, rm_pass_buffers *buf, size_t row0, size_t row1,
                       const rm_scoring *sc)
{
    size_t d = m->d, k = sc->k;
    double muv[RM_MAX_BLOCK_VECTORS];
    for (size_t j = 0; j < k; j++)
        muv[j] = sc->offsets ? sc->offsets[j] : cblas_ddot((int)d, sc->mu, 1, sc->V + j * d, 1);
    for (size_t r = row0; r < row1; r += buf->rows) {
        size_t rows = row1 - r < buf->rows ? row1 - r : buf->rows;
        rm_moments_load(m, r, rows, buf->z);
        if (k > 0) {
            double *s = buf->y; /* rows x k */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)k, (int)d, 1.0,
                        buf->z, (int)d, sc->V, (int)d, 0.0, s, (int)k);
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < k; j++) {
                    double t = s[i * k + j] - muv[j];
                    s[i * k + j] = sc->projections ? t : t * t;
                }
            sc->take(sc->ctx, r, rows, s, k);
        }
        if (sc->norms)
            for (size_t i = 0; i < rows; i++)
                sc->norms[r + i] = squared_distance(buf->z + i * d, sc->mu, d);
    }
}

void rm_moments_unscale(const rm_moments *m, const double *q, const double *z, double *x)
{
    const rm_centre *ctr = m->ctr;
    const double *g = ctr->coarse_scale;
    for (size_t j = 0; j < m->d; j++)
        x[j] = g[j] > 0.0 ? 0.0 : rm_centre_x(ctr, z[j], j);
    if (ctr->coarse_count == 0)
        return;
    /* As offsets from the centre (a common offset, 1e15 + tiny, keeps the tiny part),
     * scaled into the normal range. */
    for (size_t i = 0; i < m->n; i++)
        RM_MATRIX_WITH_ROW(&m->X, i, xi, {
            for (size_t j = 0; j < m->d; j++)
                if (g[j] > 0.0)
                    x[j] += q[i] * rm_centre_coarse_offset(ctr, RM_ROW_AT(xi, j), j);
        });
    for (size_t j = 0; j < m->d; j++)
        if (g[j] > 0.0)
            x[j] = rm_centre_coarse_x(ctr, x[j], j);
}
