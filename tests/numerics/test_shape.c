/* The inliers' metric (numerics/shape.h): fitted on anisotropic rows it makes them round;
 * its objective is the top eigenvalue LAPACK finds; it stays finite when n < d. */
#include <criterion/criterion.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/centre.h"
#include "numerics/shape.h"
#include "robustmean.h"
#include "test_util.h"

/* n rows of N(0, Q diag(scale^2) Q^T), Q a random rotation (Gram-Schmidt on Gaussians). */
static double *anisotropic_rows(size_t n, size_t d, const double *scale, uint64_t seed)
{
    tu_rng r = {.state = seed};
    double *Q = malloc(d * d * sizeof *Q), *X = malloc(n * d * sizeof *X);
    for (size_t k = 0; k < d; k++) {
        double *q = Q + k * d;
        for (size_t j = 0; j < d; j++)
            q[j] = tu_normal(&r);
        for (size_t p = 0; p < k; p++) {
            double c = 0.0;
            for (size_t j = 0; j < d; j++)
                c += q[j] * Q[p * d + j];
            for (size_t j = 0; j < d; j++)
                q[j] -= c * Q[p * d + j];
        }
        double norm = 0.0;
        for (size_t j = 0; j < d; j++)
            norm += q[j] * q[j];
        for (size_t j = 0; j < d; j++)
            q[j] /= sqrt(norm);
    }
    double *g = malloc(d * sizeof *g);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++)
            g[k] = scale[k] * tu_normal(&r);
        for (size_t j = 0; j < d; j++) {
            double v = 0.0;
            for (size_t k = 0; k < d; k++)
                v += Q[k * d + j] * g[k];
            X[i * d + j] = 3.0 + v;
        }
    }
    free(g);
    free(Q);
    return X;
}

/* Eigenvalues (ascending) of the covariance of the n x d rows Y. */
static void covariance_eigenvalues(const double *Y, size_t n, size_t d, double *w)
{
    double *mean = calloc(d, sizeof *mean), *C = calloc(d * d, sizeof *C);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            mean[j] += Y[i * d + j] / (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++)
                C[a * d + b] += (Y[i * d + a] - mean[a]) * (Y[i * d + b] - mean[b]) / (double)n;
    cr_assert_eq(LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, C, (lapack_int)d, w), 0);
    free(mean);
    free(C);
}

typedef struct fitted {
    rm_centre ctr;
    rm_moments mo;
    rm_shape sh;
    size_t *rows;
} fitted;

static void fit(fitted *f, const double *X, size_t n, size_t d)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    cr_assert_eq(rm_centre_init(&f->ctr, &M, 1), RM_OK);
    f->mo = (rm_moments){.X = M, .n = n, .d = d, .ctr = &f->ctr};
    f->rows = malloc(n * sizeof *f->rows);
    for (size_t i = 0; i < n; i++)
        f->rows[i] = i;
    double *origin = calloc(d, sizeof *origin);
    cr_assert_eq(rm_shape_fit(&f->mo, f->rows, n, origin, 1, &f->sh), RM_OK);
    free(origin);
}

static void unfit(fitted *f)
{
    rm_shape_free(&f->sh);
    rm_centre_free(&f->ctr);
    free(f->rows);
}

Test(shape, makes_anisotropic_rows_round)
{
    size_t n = 4000, d = 10;
    double scale[10] = {10, 5, 1, 1, 1, 1, 1, 1, 1, 1};
    double *X = anisotropic_rows(n, d, scale, 7);
    fitted f;
    fit(&f, X, n, d);
    /* the largest over the median squared scale: 100, as drawn */
    cr_assert(fabs(f.sh.anisotropy / 100.0 - 1.0) < 0.15, "%g", f.sh.anisotropy);
    cr_assert(rm_shape_anisotropic(&f.sh));
    float *Y = rm_shape_transform(&f.mo, &f.sh, NULL, 0, 2);
    cr_assert_not_null(Y);
    double *Yd = malloc(n * d * sizeof *Yd), w[10], wx[10];
    for (size_t k = 0; k < n * d; k++)
        Yd[k] = Y[k];
    covariance_eigenvalues(Yd, n, d, w);
    covariance_eigenvalues(X, n, d, wx);
    cr_assert_gt(wx[d - 1] / wx[0], 80.0);
    cr_assert_lt(w[d - 1] / w[0], 1.3, "round after: %g", w[d - 1] / w[0]);
    /* each row is M^T (z - origin), up to a float's rounding */
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < d; k++) {
            double y = 0.0;
            for (size_t j = 0; j < d; j++)
                y += f.sh.M[k * d + j] * rm_centre_z(&f.ctr, X[i * d + j], j);
            cr_assert(fabs(y - Yd[i * d + k]) <= 1e-6 * fabs(y) + 1e-30, "%g %g", y,
                      Yd[i * d + k]);
        }
    free(Y);
    free(Yd);
    unfit(&f);
    free(X);
}

Test(shape, calls_round_rows_round)
{
    size_t n = 4000, d = 50;
    double scale[50];
    for (size_t k = 0; k < d; k++)
        scale[k] = 2.0;
    double *X = anisotropic_rows(n, d, scale, 8);
    fitted f;
    fit(&f, X, n, d);
    cr_assert(!rm_shape_anisotropic(&f.sh), "anisotropy %g, edge %g", f.sh.anisotropy,
              f.sh.edge);
    unfit(&f);
    free(X);
}

Test(shape, objective_is_the_top_eigenvalue)
{
    size_t n = 500, d = 6;
    double scale[6] = {4, 3, 2, 1, 1, 0.5};
    double *X = anisotropic_rows(n, d, scale, 9);
    fitted f;
    fit(&f, X, n, d);
    double *q = malloc(n * sizeof *q), total = 0.0;
    tu_rng r = {.state = 3};
    for (size_t i = 0; i < n; i++)
        total += q[i] = tu_uniform(&r);
    for (size_t i = 0; i < n; i++)
        q[i] /= total;
    /* z itself and the metric: against LAPACK on the weighted covariance formed here */
    double both[2], alone;
    cr_assert_eq(rm_shape_objective(&f.mo, &f.sh, f.rows, q, n, 1, &both[0], &both[1]), RM_OK);
    cr_assert_eq(rm_shape_objective(&f.mo, NULL, f.rows, q, n, 1, &alone, NULL), RM_OK);
    cr_assert_eq(alone, both[0]);
    for (int metric = 0; metric < 2; metric++) {
        double F = both[metric];
        double *Z = malloc(n * d * sizeof *Z), mu[6] = {0}, C[36] = {0}, w[6];
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < d; k++) {
                double v = 0.0;
                for (size_t j = 0; j < d; j++) {
                    double z = rm_centre_z(&f.ctr, X[i * d + j], j);
                    v += metric ? f.sh.M[k * d + j] * z : (j == k) * z;
                }
                Z[i * d + k] = v;
                mu[k] += q[i] * v;
            }
        for (size_t i = 0; i < n; i++)
            for (size_t a = 0; a < d; a++)
                for (size_t b = 0; b < d; b++)
                    C[a * d + b] += q[i] * (Z[i * d + a] - mu[a]) * (Z[i * d + b] - mu[b]);
        cr_assert_eq(LAPACKE_dsyev(LAPACK_COL_MAJOR, 'N', 'U', (lapack_int)d, C, (lapack_int)d,
                                   w),
                     0);
        cr_assert(fabs(F - w[d - 1]) <= 1e-10 * w[d - 1], "%d: %.17g vs %.17g", metric, F,
                  w[d - 1]);
        free(Z);
    }
    free(q);
    unfit(&f);
    free(X);
}

Test(shape, stays_finite_with_fewer_rows_than_columns)
{
    size_t n = 60, d = 100;
    double scale[100];
    for (size_t k = 0; k < d; k++)
        scale[k] = k < 3 ? 5.0 : 1.0;
    double *X = anisotropic_rows(n, d, scale, 10);
    fitted f;
    fit(&f, X, n, d);
    cr_assert(isfinite(f.sh.anisotropy) && f.sh.anisotropy >= 1.0, "%g", f.sh.anisotropy);
    float *Y = rm_shape_transform(&f.mo, &f.sh, NULL, 0, 1);
    cr_assert_not_null(Y);
    for (size_t k = 0; k < n * d; k++)
        cr_assert(isfinite(Y[k]));
    free(Y);
    unfit(&f);
    free(X);
}
