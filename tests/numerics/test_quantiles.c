/* Order statistics in passes over the rows against sorting each column: ties, far
 * outliers, extremes, a bin too full to collect (refined by another histogram), and the
 * same answer on one thread and on two. The comparisons across threads use data of at
 * least RM_PARALLEL_MIN_VALUES values, so that the second run really has two threads. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/threads.h"
#include "numerics/quantiles.h"
#include "robustmean.h"
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

/* The premise of a comparison across threads: at this size a pass asked for two threads
 * runs on two. */
static void expect_two_threads(size_t n, size_t d)
{
    cr_assert_eq(rm_threads(2, n * d), 2, "%zu x %zu: below the parallel threshold", n, d);
}

/* Every rank in a sample of ranks, on 1 and 2 threads, against sorting. */
static void check_ranks(const double *X, size_t n, size_t d, const char *what)
{
    size_t *rank = malloc(d * sizeof *rank);
    double *got = malloc(d * sizeof *got), *again = malloc(d * sizeof *again);
    double **sorted = malloc(d * sizeof *sorted);
    for (size_t j = 0; j < d; j++)
        sorted[j] = sorted_column(X, n, d, j);
    const double where[] = {0.0, 0.1, 0.5, 0.9, 1.0};
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    for (size_t t = 0; t < 5; t++) {
        for (size_t j = 0; j < d; j++)
            rank[j] = (size_t)(where[t] * (double)(n - 1));
        cr_assert_eq(rm_column_ranks(&M, rank, got, NULL, NULL, 1), 0);
        cr_assert_eq(rm_column_ranks(&M, rank, again, NULL, NULL, 2), 0);
        for (size_t j = 0; j < d; j++) {
            double want = sorted[j][rank[j]];
            cr_assert_eq(got[j], want, "%s: column %zu rank %zu: %.17g vs %.17g", what, j,
                         rank[j], got[j], want);
            cr_assert_eq(again[j], got[j], "%s: threads changed the answer", what);
        }
    }
    for (size_t j = 0; j < d; j++)
        free(sorted[j]);
    free(sorted);
    free(rank);
    free(got);
    free(again);
}

Test(quantiles, gaussian_columns)
{
    const size_t sizes[] = {1, 2, 3, 100, 101, 26215};
    for (size_t s = 0; s < 6; s++) {
        double *X = tu_gaussian_matrix(sizes[s], 5, 3.0, sizes[s]);
        check_ranks(X, sizes[s], 5, "gaussian");
        free(X);
    }
    expect_two_threads(26215, 5);
}

Test(quantiles, ties_constants_and_far_outliers)
{
    size_t n = 32768, d = 4;
    expect_two_threads(n, d);
    double *X = malloc(n * d * sizeof *X);
    tu_rng r = {3};
    for (size_t i = 0; i < n; i++) {
        X[i * d + 0] = (double)(tu_next(&r) % 3);                 /* three values */
        X[i * d + 1] = 7.5;                                        /* constant */
        X[i * d + 2] = i % 10 == 0 ? 1e12 : tu_normal(&r);         /* far outliers */
        X[i * d + 3] = i % 2 ? -DBL_MAX / 3 : DBL_MAX / 3 * tu_uniform(&r); /* extremes */
    }
    check_ranks(X, n, d, "ties and outliers");
    free(X);
}

Test(quantiles, ranges_that_overflow_or_are_subnormal)
{
    /* max - min overflows (values of both signs near DBL_MAX); bins / (max - min)
     * overflows (a few quanta of subnormals apart); found by fuzz_mean */
    size_t n = 43691, d = 3;
    expect_two_threads(n, d);
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

/* Finite values only: a NaN (in no bin) or an infinity (an unbounded range) is refused
 * with RM_ENONFINITE instead of walking past the last bin. */
Test(quantiles, non_finite_values_are_refused)
{
    const double bad[] = {NAN, INFINITY, -INFINITY};
    size_t n = 1000, d = 2, rank[2] = {500, n - 1}; /* the largest: where the walk hung */
    double *X = malloc(n * d * sizeof *X), out[2];
    for (size_t k = 0; k < 3; k++)
        for (size_t at = 0; at < n; at += n - 1) {
            for (size_t i = 0; i < n * d; i++)
                X[i] = (double)(i % 97);
            X[at * d + 1] = bad[k];
            rm_matrix M = rm_matrix_of_doubles(X, n, d);
            cr_expect_eq(rm_column_ranks(&M, rank, out, NULL, NULL, 1), RM_ENONFINITE,
                         "%g at row %zu", bad[k], at);
        }
    free(X);
}

/* A bin is collected when it holds at most a collection buffer's worth of values
 * (MEMORY_BUDGET, 64 MiB, in quantiles.c: 2^21 values a column at d = 4), else refined by
 * another histogram. Here m = 2^21 + 1 distinct values and one far outlier per column: the
 * first histogram puts all m in one bin, one more than the buffer holds. Columns 0 and 2
 * are a permutation of 0 .. m-1 and 1e12 in the last row, columns 1 and 3 their
 * negatives: ranks known without sorting. The ranks asked: the lowest of a refined bin,
 * a middle one, the outlier (found while the others refine), the highest. */
Test(quantiles, a_bin_too_full_to_collect_is_refined)
{
    size_t m = ((size_t)1 << 21) + 1, n = m + 1, d = 4;
    expect_two_threads(n, d);
    double *X = malloc(n * d * sizeof *X);
    for (size_t i = 0; i < n; i++) { /* i -> i * a mod m, a prime: a permutation */
        double v = i < m ? (double)(i * (size_t)2654435761u % m) : 1e12;
        for (size_t j = 0; j < d; j++)
            X[i * d + j] = j % 2 ? -v : v;
    }
    const size_t rank[4] = {0, n / 2, m, n - 1};
    double want[4];
    for (size_t j = 0; j < d; j++) /* -1e12, then -(m-1) .. 0 in the odd columns */
        want[j] = j % 2 ? (rank[j] > 0 ? (double)rank[j] - (double)m : -1e12)
                        : (rank[j] < m ? (double)rank[j] : 1e12);
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    for (int threads = 1; threads <= 2; threads++) {
        double got[4], lo[4], hi[4];
        cr_assert_eq(rm_column_ranks(&M, rank, got, lo, hi, threads), 0);
        for (size_t j = 0; j < d; j++) {
            cr_assert_eq(got[j], want[j], "column %zu rank %zu, %d threads: %.17g vs %.17g", j,
                         rank[j], threads, got[j], want[j]);
            cr_assert(j % 2 ? lo[j] == -1e12 && hi[j] == 0.0 : lo[j] == 0.0 && hi[j] == 1e12);
        }
    }
    free(X);
}

/* The trimmed mean of a sorted column c without its k smallest and k largest: c[k] plus
 * the mean of the differences (long double: no cancellation in the reference). */
static double trimmed_reference(const double *c, size_t n, size_t k)
{
    long double s = 0;
    for (size_t i = k; i < n - k; i++)
        s += c[i] - c[k];
    return (double)(c[k] + s / (long double)(n - 2 * k));
}

/* Medians and trimmed means on one thread and on two, against the sorted columns:
 * trimmed to within rel of the largest kept |value| (tol_abs when rel is 0). */
static void check_medians_and_trimmed(const double *X, size_t n, size_t d, size_t k, double rel,
                                      double tol_abs, const char *what)
{
    double med[3], trim[3], med2[3], trim2[3];
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    cr_assert_eq(rm_column_medians(&M, NULL, med, 1), 0);
    cr_assert_eq(rm_column_trimmed_means(&M, k, trim, 1), 0);
    cr_assert_eq(rm_column_medians(&M, NULL, med2, 2), 0);
    cr_assert_eq(rm_column_trimmed_means(&M, k, trim2, 2), 0);
    for (size_t j = 0; j < d; j++) {
        double *c = sorted_column(X, n, d, j);
        cr_assert_eq(med[j], c[n / 2], "%s: median %zu", what, j);
        double want = trimmed_reference(c, n, k);
        double tol = rel > 0 ? rel * fmax(fabs(c[k]), fabs(c[n - k - 1])) : tol_abs;
        cr_assert(fabs(trim[j] - want) <= tol, "%s: trimmed mean %zu: %.17g vs %.17g", what, j,
                  trim[j], want);
        cr_assert_eq(med2[j], med[j], "%s: threads changed median %zu", what, j);
        cr_assert_eq(trim2[j], trim[j], "%s: threads changed trimmed mean %zu", what, j);
        free(c);
    }
}

Test(quantiles, medians_and_trimmed_means)
{
    size_t n = 43691, d = 3, k = n / 8; /* odd n: the median is c[n / 2] */
    expect_two_threads(n, d);
    /* 10% of the rows at 1e6, all trimmed: untrimmed, the mean would be near 1e5 */
    double *X = tu_gaussian_matrix(n, d, 0.0, 8);
    for (size_t i = 0; i < n; i += 10)
        for (size_t j = 0; j < d; j++)
            X[i * d + j] = 1e6;
    check_medians_and_trimmed(X, n, d, k, 1e-12, 0.0, "far rows trimmed");
    free(X);
    /* at a 1e15 offset, sums of the values themselves would cancel: within one unit in
     * the last place (0.125 there) */
    X = tu_gaussian_matrix(n, d, 1e15, 8);
    check_medians_and_trimmed(X, n, d, 500, 0.0, 0.125, "offset 1e15");
    free(X);
    /* even n: the midpoint; heavy ties in the trimmed mean */
    double T[8] = {1, 1, 1, 2, 2, 2, 9, 9}, med, tm;
    rm_matrix MT = rm_matrix_of_doubles(T, 8, 1);
    cr_assert_eq(rm_column_medians(&MT, NULL, &med, 1), 0);
    cr_assert_eq(med, 2.0);
    cr_assert_eq(rm_column_trimmed_means(&MT, 2, &tm, 1), 0);
    cr_assert_float_eq(tm, (1 + 2 + 2 + 2) / 4.0, 1e-15);
}
