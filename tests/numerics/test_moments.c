/* The matrix-free product with the weighted covariance against the formed matrix, split
 * over row ranges, and the scores. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/centre.h"
#include "numerics/moments.h"
#include "test_util.h"

/* Sigma_q formed naively in long double on the centred, scaled rows z. */
static void naive_covariance(const rm_moments *m, const double *q, long double *C, long double *mu)
{
    size_t n = m->n, d = m->d;
    memset(mu, 0, d * sizeof *mu);
    memset(C, 0, d * d * sizeof *C);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mu[j] += q[i] * (long double)rm_centre_z(m->ctr, rm_matrix_at(&m->X, i, j), j);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++)
                C[a * d + b] += q[i] * ((long double)rm_centre_z(m->ctr, rm_matrix_at(&m->X, i, a), a) - mu[a]) *
                                ((long double)rm_centre_z(m->ctr, rm_matrix_at(&m->X, i, b), b) - mu[b]);
}

/* A scores consumer for the tests: keeps the block in the matrix ctx. */
static void keep_scores(void *ctx, size_t first, size_t rows, const double *scores, size_t k)
{
    memcpy((double *)ctx + first * k, scores, rows * k * sizeof *scores);
}

Test(moments, product_and_dense_match_the_formed_matrix_over_row_ranges)
{
    const size_t shapes[][2] = {{1, 1}, {2, 3}, {3, 1}, {100, 7}, {101, 13}, {1000, 40}};
    for (size_t t = 0; t < 6; t++) {
        size_t n = shapes[t][0], d = shapes[t][1], p = 3;
        double *X = tu_gaussian_matrix(n, d, 1e6, n + d), *q = malloc(n * sizeof *q);
        tu_rng r = {t};
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += q[i] = tu_uniform(&r) + 0.1;
        for (size_t i = 0; i < n; i++)
            q[i] /= total;
        rm_centre ctr;
        rm_matrix M = rm_matrix_of_doubles(X, n, d);
        cr_assert_eq(rm_centre_init(&ctr, &M, 0), 0);
        rm_moments m = {.X = M, .n = n, .d = d, .ctr = &ctr};
        long double *C = malloc(d * d * sizeof *C), *mu = malloc(d * sizeof *mu);
        naive_covariance(&m, q, C, mu);
        double *V = malloc(d * p * sizeof *V), *W = calloc(d * p, sizeof *W),
               *muz = calloc(d, sizeof *muz);
        for (size_t k = 0; k < d * p; k++)
            V[k] = tu_normal(&r);
        /* Two row ranges accumulated separately add up to the whole. */
        rm_pass_buffers *buf = rm_pass_buffers_alloc(d, n);
        size_t half = n / 2;
        rm_moments_accumulate_product(&m, buf, 0, half, q, V, p, W, muz);
        rm_moments_accumulate_product(&m, buf, half, n, q, V, p, W, muz);
        rm_moments_finish_product(d, muz, V, p, W);
        double scale = 0;
        for (size_t k = 0; k < d * d; k++)
            scale = fmax(scale, fabs((double)C[k]));
        for (size_t j = 0; j < d; j++)
            cr_assert_float_eq(muz[j], (double)mu[j], 1e-13, "mu %zu", j);
        for (size_t c = 0; c < p; c++)
            for (size_t a = 0; a < d; a++) {
                long double want = 0;
                for (size_t b = 0; b < d; b++)
                    want += C[a * d + b] * V[c * d + b];
                cr_assert_float_eq(W[c * d + a], (double)want, 1e-12 * (scale + 1e-300) * d,
                                   "n %zu d %zu: product", n, d);
            }
        double *D = calloc(d * d, sizeof *D), *mud = calloc(d, sizeof *mud);
        rm_moments_accumulate_dense(&m, buf, 0, half, q, D, mud);
        rm_moments_accumulate_dense(&m, buf, half, n, q, D, mud);
        rm_moments_finish_dense(d, mud, D);
        for (size_t k = 0; k < d * d; k++)
            cr_assert_float_eq(D[k], (double)C[k], 1e-12 * (scale + 1e-300), "n %zu d %zu: dense", n, d);
        /* scores: ((z_i - mu) . v_j)^2, handed over block by block (over two row ranges),
         * and the same with the offsets mu . v_j given instead of mu */
        double *S = malloc(n * p * sizeof *S), *St = malloc(n * p * sizeof *St);
        double *norms = malloc(n * sizeof *norms), offsets[3];
        for (size_t c = 0; c < p; c++) {
            offsets[c] = 0.0;
            for (size_t b = 0; b < d; b++)
                offsets[c] += muz[b] * V[c * d + b];
        }
        rm_scoring sc = {.mu = muz, .V = V, .k = p, .take = keep_scores, .ctx = S, .norms = norms};
        rm_moments_scores(&m, buf, 0, half, &sc);
        rm_moments_scores(&m, buf, half, n, &sc);
        rm_scoring by_offsets = {.offsets = offsets, .V = V, .k = p, .take = keep_scores, .ctx = St};
        rm_moments_scores(&m, buf, 0, n, &by_offsets);
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < p; c++)
                cr_assert_float_eq(St[i * p + c], S[i * p + c], 1e-10 * (S[i * p + c] + scale * d),
                                   "scores by offsets");
        /* the projections themselves: the scores are their squares */
        rm_scoring signed_scores = {
            .mu = muz, .V = V, .k = p, .take = keep_scores, .ctx = St, .projections = 1};
        rm_moments_scores(&m, buf, 0, n, &signed_scores);
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < p; c++)
                cr_assert_eq(St[i * p + c] * St[i * p + c], S[i * p + c], "projection");
        free(St);
        for (size_t i = 0; i < n; i += 1 + n / 5) {
            long double s2 = 0;
            for (size_t b = 0; b < d; b++) {
                long double dz = (long double)rm_centre_z(&ctr, X[i * d + b], b) - mu[b];
                s2 += dz * dz;
            }
            cr_assert_float_eq(norms[i], (double)s2, 1e-12 * ((double)s2 + 1e-300), "norm");
        }
        free(norms);
        for (size_t i = 0; i < n; i += 1 + n / 7)
            for (size_t c = 0; c < p; c++) {
                long double s = 0;
                for (size_t b = 0; b < d; b++)
                    s += ((long double)rm_centre_z(&ctr, X[i * d + b], b) - mu[b]) * V[c * d + b];
                cr_assert_float_eq(S[i * p + c], (double)(s * s), 1e-10 * ((double)(s * s) + scale * d),
                                   "score");
            }
        rm_pass_buffers_free(buf);
        rm_centre_free(&ctr);
        free(X);
        free(q);
        free(C);
        free(mu);
        free(V);
        free(W);
        free(muz);
        free(D);
        free(mud);
        free(S);
    }
}

Test(moments, centre_scale_is_exact_and_safe_at_the_extremes)
{
    /* values near 1e300 and 1e-300, and a 1e15 offset: z stays in [-1, 1] and maps back */
    const double scales[] = {1e300, 1e-300, 1.0};
    const double offsets[] = {0.0, 0.0, 1e15};
    for (size_t t = 0; t < 3; t++) {
        size_t n = 50, d = 3;
        double *X = tu_gaussian_matrix(n, d, 0.0, 9);
        for (size_t k = 0; k < n * d; k++)
            X[k] = X[k] * scales[t] + offsets[t];
        rm_centre ctr;
        rm_matrix M = rm_matrix_of_doubles(X, n, d);
        cr_assert_eq(rm_centre_init(&ctr, &M, 0), 0);
        double top = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                double z = rm_centre_z(&ctr, X[i * d + j], j);
                top = fmax(top, fabs(z));
                cr_assert(isfinite(z * z));
                cr_assert_float_eq(rm_centre_x(&ctr, z, j), X[i * d + j],
                                   1e-15 * fabs(X[i * d + j]) + 1e-300);
            }
        cr_assert(top >= 0.5 && top < 1.0, "max |z| = %g", top);
        rm_centre_free(&ctr);
        free(X);
    }
}
