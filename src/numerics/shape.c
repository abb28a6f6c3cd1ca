/* See shape.h. */
#include "numerics/shape.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/passes.h"
#include "numerics/select.h"
#include "numerics/symmetric_top.h"
#include "robustmean.h"

/* A median absolute deviation in units of a normal law's standard deviation. */
#define MAD_TO_SD 1.482602218505602
/* Round rows' anisotropy stays below their sampling edge times this (bench/TUNING.md,
 * SHAPE). */
#define SHAPE_EDGE_SLACK 2.0
/* No direction is stretched more than 1/this against the largest scale: a bound on the
 * metric's condition. */
#define SHAPE_MAX_STRETCH 1e-8
/* Rows per block of the transform. */
#define TRANSFORM_ROWS 256

/* The robust scale of the m values a (reordered): their median absolute deviation, in
 * standard deviations. */
static double robust_scale(double *a, size_t m)
{
    double med = rm_median_inplace(a, m);
    for (size_t i = 0; i < m; i++)
        a[i] = fabs(a[i] - med);
    return MAD_TO_SD * rm_median_inplace(a, m);
}

/* The listed rows about their mean, projected on the eigenvectors E (d x d): P = m x d. */
static void project_rows(const rm_moments *mo, const size_t *rows, size_t m, const double *mean,
                         const double *E, double *Z, double *P)
{
    size_t d = mo->d;
    for (size_t t = 0; t < m; t++) {
        rm_moments_load(mo, rows[t], 1, Z + t * d);
        for (size_t j = 0; j < d; j++)
            Z[t * d + j] -= mean[j];
    }
    /* P = Z E: E is column-major, so row-major E^T */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)d, (int)d, 1.0, Z, (int)d,
                E, (int)d, 0.0, P, (int)d);
}

int rm_shape_fit(const rm_moments *mo, const size_t *rows, size_t m, const double *origin,
                 int threads, rm_shape *sh)
{
    size_t d = mo->d;
    memset(sh, 0, sizeof *sh);
    sh->d = d;
    double *C = rm_alloc_array(d * d, sizeof *C), *A = rm_alloc_array(d * d, sizeof *A),
           *E = rm_alloc_array(d * d, sizeof *E), *mean = calloc(d, sizeof *mean),
           *lambda = rm_alloc_array(d, sizeof *lambda), *w = rm_alloc_array(m, sizeof *w),
           *Z = rm_alloc_array(m, d * sizeof *Z), *P = rm_alloc_array(m, d * sizeof *P),
           *col = rm_alloc_array(m, sizeof *col), *scale = rm_alloc_array(d, sizeof *scale),
           *sorted = rm_alloc_array(d, sizeof *sorted);
    lapack_int *support = rm_alloc_array(2 * d, sizeof *support);
    sh->M = E;
    sh->origin = rm_alloc_array(d, sizeof *sh->origin);
    int status = C && A && E && mean && lambda && w && Z && P && col && scale && sorted &&
                         support && sh->origin
                     ? RM_OK
                     : RM_ENOMEM;
    if (status == RM_OK) {
        memcpy(sh->origin, origin, d * sizeof *origin);
        memset(C, 0, d * d * sizeof *C);
        for (size_t t = 0; t < m; t++)
            w[t] = 1.0 / (double)m;
        status = rm_pass_dense_rows(mo, threads, rows, w, m, C, mean);
    }
    if (status == RM_OK) {
        rm_moments_finish_dense(d, mean, C);
        memcpy(A, C, d * d * sizeof *A);
        status = rm_eig_symmetric_top(d, A, d, lambda, E, support, C, d);
    }
    if (status == RM_OK) {
        project_rows(mo, rows, m, mean, E, Z, P);
        for (size_t j = 0; j < d; j++) {
            for (size_t t = 0; t < m; t++)
                col[t] = P[t * d + j];
            scale[j] = robust_scale(col, m);
            if (!(scale[j] > 0.0)) /* most rows share a value along it: the deviation */
                scale[j] = sqrt(fmax(lambda[j], 0.0));
            sorted[j] = scale[j];
        }
        double median = rm_median_inplace(sorted, d), top = 0.0;
        for (size_t j = 0; j < d; j++)
            top = fmax(top, scale[j]);
        median = fmax(median, top * SHAPE_MAX_STRETCH);
        for (size_t j = 0; j < d; j++)
            scale[j] = fmax(scale[j], median);
        /* a metric needs a positive median scale; without one the rows are called round */
        sh->anisotropy = median > 0.0 ? (top / median) * (top / median) : 1.0;
        double root = sqrt((double)d / (double)m);
        sh->edge = SHAPE_EDGE_SLACK * (1.0 + root) * (1.0 + root);
        /* |y_j| <= |z - origin| / scale_j <= 2 sqrt(d) / median (|z| < 1): a common power
         * of two brings that bound to 2^64, well inside a float's range (a common factor
         * changes no solve's weights). When the bound itself overflows (a median scale
         * near the bottom of the range), y_j = (median / scale_j) e_j . (z - origin) is
         * brought down the same way from 2 sqrt(d). */
        double bound = 2.0 * sqrt((double)d) / median;
        int whole = median > 0.0 && isfinite(bound), e;
        frexp(whole ? bound : 2.0 * sqrt((double)d), &e);
        for (size_t j = 0; j < d; j++)
            for (size_t i = 0; i < d; i++) {
                double v = whole ? E[j * d + i] / scale[j]
                                 : median > 0.0 ? E[j * d + i] * (median / scale[j]) : E[j * d + i];
                E[j * d + i] = ldexp(v, 64 - e);
            }
    }
    free(C);
    free(A);
    free(mean);
    free(lambda);
    free(w);
    free(Z);
    free(P);
    free(col);
    free(scale);
    free(sorted);
    free(support);
    if (status != RM_OK)
        rm_shape_free(sh);
    return status;
}

int rm_shape_anisotropic(const rm_shape *sh) { return sh->anisotropy > sh->edge; }

float *rm_shape_transform(const rm_moments *mo, const rm_shape *sh, const size_t *rows,
                          size_t m, int threads)
{
    size_t n = rows ? m : mo->n, d = mo->d;
    float *Y = rm_alloc_array(n, d * sizeof *Y);
    if (!Y)
        return NULL;
    size_t blocks = (n + TRANSFORM_ROWS - 1) / TRANSFORM_ROWS;
    int failed = 0, team = rm_threads(threads, n * d);
#pragma omp parallel num_threads(team)
    {
        double *Z = rm_alloc_array(TRANSFORM_ROWS, d * sizeof *Z),
               *T = rm_alloc_array(TRANSFORM_ROWS, d * sizeof *T);
        if (!Z || !T) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t b = 0; b < blocks; b++) {
            if (!Z || !T)
                continue;
            size_t row0 = b * TRANSFORM_ROWS,
                   count = n - row0 < TRANSFORM_ROWS ? n - row0 : TRANSFORM_ROWS;
            if (rows)
                for (size_t i = 0; i < count; i++)
                    rm_moments_load(mo, rows[row0 + i], 1, Z + i * d);
            else
                rm_moments_load(mo, row0, count, Z);
            for (size_t i = 0; i < count; i++)
                for (size_t j = 0; j < d; j++)
                    Z[i * d + j] -= sh->origin[j];
            /* T = Z M, M column-major */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)count, (int)d, (int)d, 1.0,
                        Z, (int)d, sh->M, (int)d, 0.0, T, (int)d);
            for (size_t k = 0; k < count * d; k++)
                Y[row0 * d + k] = (float)T[k];
        }
        free(Z);
        free(T);
    }
    if (failed) {
        free(Y);
        return NULL;
    }
    return Y;
}

/* The top eigenvalue of the symmetric d x d matrix C (kept; B: scratch of d x d). */
static int top_eigenvalue(const double *C, size_t d, double *B, double *lambda, double *v,
                          lapack_int *support, double *top)
{
    memcpy(B, C, d * d * sizeof *C);
    int status = rm_eig_symmetric_top(d, B, 1, lambda, v, support, C, d);
    *top = lambda[0];
    return status;
}

int rm_shape_objective(const rm_moments *mo, const rm_shape *sh, const size_t *rows,
                       const double *w, size_t m, int threads, double *in_z, double *in_metric)
{
    size_t d = mo->d;
    double *C = calloc(d * d, sizeof *C), *T = rm_alloc_array(d * d, sizeof *T),
           *B = rm_alloc_array(d * d, sizeof *B), *mean = calloc(d, sizeof *mean),
           *lambda = rm_alloc_array(d, sizeof *lambda), *v = rm_alloc_array(d, sizeof *v);
    lapack_int *support = rm_alloc_array(2, sizeof *support);
    int status = C && T && B && mean && lambda && v && support
                     ? rm_pass_dense_rows(mo, threads, rows, w, m, C, mean)
                     : RM_ENOMEM;
    if (status == RM_OK) {
        rm_moments_finish_dense(d, mean, C);
        status = top_eigenvalue(C, d, B, lambda, v, support, in_z);
    }
    if (status == RM_OK && sh) { /* C = M^T C M, all column-major */
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)d, (int)d, (int)d, 1.0, C,
                    (int)d, sh->M, (int)d, 0.0, T, (int)d);
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (int)d, (int)d, (int)d, 1.0, sh->M,
                    (int)d, T, (int)d, 0.0, C, (int)d);
        status = top_eigenvalue(C, d, B, lambda, v, support, in_metric);
    }
    free(C);
    free(T);
    free(B);
    free(mean);
    free(lambda);
    free(v);
    free(support);
    return status;
}

void rm_shape_free(rm_shape *sh)
{
    free(sh->M);
    free(sh->origin);
    sh->M = sh->origin = NULL;
}
