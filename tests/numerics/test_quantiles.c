/* Order statistics in passes over the rows against sorting each column: ties, far
 * outliers (bins refined), extremes, and the same answer on any number of threads. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/quantiles.h"
#include "test_util.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_column(const double *X, size_t n, size_t d, size_t j)
{
    double *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = X[i * d + j];
    qsort(c, n, sizeof *c, cmp);
    return c;
}

/* Every rank in a sample of ranks, on 1 and 2 threads, against sorting. */
static void check_ranks(const double *X, size_t n, size_t d, const char *what)
{
    size_t *rank = malloc(d * sizeof *rank);
    double *got = malloc(d * sizeof *got), *again = malloc(d * sizeof *again);
    const double where[] = {0.0, 0.1, 0.5, 0.9, 1.0};
    for (size_t t = 0; t < 5; t++) {
        for (size_t j = 0; j < d; j++)
            rank[j] = (size_t)(where[t] * (double)(n - 1));
        rm_matrix M = rm_matrix_of_doubles(X, n, d);
        cr_assert_eq(rm_column_ranks(&M, rank, got, NULL, NULL, 1), 0);
        cr_assert_eq(rm_column_ranks(&M, rank, again, NULL, NULL, 2), 0);
        for (size_t j = 0; j < d; j++) {
            double *c = sorted_column(X, n, d, j);
            cr_assert_eq(got[j], c[rank[j]], "%s: column %zu rank %zu: %.17g vs %.17g", what, j,
                         rank[j], got[j], c[rank[j]]);
            cr_assert_eq(again[j], got[j], "%s: threads changed the answer", what);
            free(c);
        }
    }
    free(rank);
    free(got);
    free(again);
}

Test(quantiles, gaussian_columns)
{
    const size_t sizes[] = {1, 2, 3, 100, 101, 20000};
    for (size_t s = 0; s < 6; s++) {
        double *X = tu_gaussian_matrix(sizes[s], 5, 3.0, sizes[s]);
        check_ranks(X, sizes[s], 5, "gaussian");
        free(X);
    }
}

Test(quantiles, ties_constants_and_far_outliers)
{
    size_t n = 30000, d = 4;
    double *X = malloc(n * d * sizeof *X);
    tu_rng r = {3};
    for (size_t i = 0; i < n; i++) {
        X[i * d + 0] = (double)(tu_next(&r) % 3);                 /* three values */
        X[i * d + 1] = 7.5;                                        /* constant */
        X[i * d + 2] = i % 10 == 0 ? 1e12 : tu_normal(&r);         /* far outliers: refine */
        X[i * d + 3] = i % 2 ? -DBL_MAX / 3 : DBL_MAX / 3 * tu_uniform(&r); /* extremes */
    }
    check_ranks(X, n, d, "ties and outliers");
    free(X);
}

Test(quantiles, ranges_that_overflow_or_are_subnormal)
{
    /* max - min overflows (values of both signs near DBL_MAX); bins / (max - min)
     * overflows (a few quanta of subnormals apart); found by fuzz_mean */
    size_t n = 2001, d = 3;
    double *X = malloc(n * d * sizeof *X);
    tu_rng r = {4};
    for (size_t i = 0; i < n; i++) {
        X[i * d + 0] = (2 * tu_uniform(&r) - 1) * DBL_MAX;
        X[i * d + 1] = (double)(tu_next(&r) % 5) * 0x1p-1074;
        X[i * d + 2] = i % 3 ? DBL_MAX : -DBL_MAX;
    }
    check_ranks(X, n, d, "overflowing and subnormal ranges");
    free(X);
}

Test(quantiles, medians_and_trimmed_means)
{
    size_t n = 5001, d = 3;
    double *X = tu_gaussian_matrix(n, d, 1e15, 8), med[3], trim[3];
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    cr_assert_eq(rm_column_medians(&M, NULL, med, 2), 0);
    cr_assert_eq(rm_column_trimmed_means(&M, 500, trim, 2), 0);
    for (size_t j = 0; j < d; j++) {
        double *c = sorted_column(X, n, d, j);
        cr_assert_eq(med[j], c[n / 2]);
        long double s = 0;
        for (size_t i = 500; i < n - 500; i++)
            s += c[i] - c[500];
        cr_assert_float_eq(trim[j], (double)(c[500] + s / (n - 1000)), 1e-15 * 1e15);
        free(c);
    }
    /* even n: the midpoint; heavy ties in the trimmed mean */
    double T[8] = {1, 1, 1, 2, 2, 2, 9, 9}, tm;
    rm_matrix MT = rm_matrix_of_doubles(T, 8, 1);
    cr_assert_eq(rm_column_medians(&MT, NULL, med, 1), 0);
    cr_assert_eq(med[0], 2.0);
    cr_assert_eq(rm_column_trimmed_means(&MT, 2, &tm, 1), 0);
    cr_assert_float_eq(tm, (1 + 2 + 2 + 2) / 4.0, 1e-15);
    free(X);
}
