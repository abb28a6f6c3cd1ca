/* Selection against sorting everything, on tiny, odd and even sizes and on inputs that
 * defeat naive pivots. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/select.h"
#include "test_util.h"

static const size_t sizes[] = {1, 2, 3, 4, 5, 24, 25, 26, 100, 101, 500, 501, 5000};

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*fill_fn)(double *a, size_t n, tu_rng *r);

static void fill_random(double *a, size_t n, tu_rng *r)
{
    for (size_t i = 0; i < n; i++)
        a[i] = tu_normal(r);
}
static void fill_few_values(double *a, size_t n, tu_rng *r)
{
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(tu_next(r) % 3);
}
static void fill_equal(double *a, size_t n, tu_rng *r)
{
    (void)r;
    for (size_t i = 0; i < n; i++)
        a[i] = 7.25;
}
static void fill_sorted(double *a, size_t n, tu_rng *r)
{
    (void)r;
    for (size_t i = 0; i < n; i++)
        a[i] = (double)i;
}
static void fill_reversed(double *a, size_t n, tu_rng *r)
{
    (void)r;
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(n - i);
}
/* Organ pipe: rises then falls, a classic bad case for median-of-three. */
static void fill_organ(double *a, size_t n, tu_rng *r)
{
    (void)r;
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(i < n / 2 ? i : n - i);
}

static const fill_fn fills[] = {fill_random, fill_few_values, fill_equal, fill_sorted,
                                fill_reversed, fill_organ};

Test(select, matches_sorting_at_every_rank_sample)
{
    tu_rng r = {42};
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t n = sizes[s];
            double *a = malloc(n * sizeof *a), *ref = malloc(n * sizeof *ref),
                   *work = malloc(n * sizeof *work);
            fills[f](a, n, &r);
            memcpy(ref, a, n * sizeof *a);
            qsort(ref, n, sizeof *ref, cmp);
            size_t ranks[] = {0, n / 3, (n - 1) / 2, n / 2, n - 1};
            for (size_t t = 0; t < 5; t++) {
                size_t k = ranks[t];
                memcpy(work, a, n * sizeof *a);
                rm_select(work, n, k);
                cr_assert_eq(work[k], ref[k], "fill %zu n %zu k %zu", f, n, k);
                for (size_t i = 0; i < k; i++)
                    cr_assert_leq(work[i], work[k]);
                for (size_t i = k + 1; i < n; i++)
                    cr_assert_geq(work[i], work[k]);
                /* a permutation of the input: same multiset */
                qsort(work, n, sizeof *work, cmp);
                cr_assert_eq(memcmp(work, ref, n * sizeof *a), 0);
            }
            free(a);
            free(ref);
            free(work);
        }
}

Test(select, rank_value_guided_by_a_sample)
{
    /* From 65536 values a sample brackets the rank: every rank kind, ties, sorted input
     * (the sample is evenly spaced), and values the sample cannot see (all sampled
     * positions hold outliers: the bracket misses, and the selection runs on all). */
    size_t n = 200003;
    double *a = malloc(n * sizeof *a), *copy = malloc(n * sizeof *a), *work = malloc(n * sizeof *a);
    tu_rng r = {12};
    const double where[] = {0.0, 0.001, 0.5, 0.9, 0.999, 1.0};
    for (size_t f = 0; f < sizeof fills / sizeof fills[0] + 1; f++) {
        if (f < sizeof fills / sizeof fills[0]) {
            fills[f](a, n, &r);
        } else {
            for (size_t i = 0; i < n; i++)
                a[i] = tu_normal(&r);
            for (size_t t = 0; t < 4096; t++)
                a[t * (n / 4096)] = 1e9 + (double)t;
        }
        memcpy(copy, a, n * sizeof *a);
        qsort(copy, n, sizeof *copy, cmp);
        for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
            size_t k = (size_t)(where[w] * (double)(n - 1));
            double got = rm_rank_value(a, n, k, work, 2);
            cr_assert_eq(got, copy[k], "fill %zu rank %zu: %.17g vs %.17g", f, k, got, copy[k]);
            cr_assert_eq(rm_rank_value(a, n, k, work, 1), got);
        }
    }
    free(a);
    free(copy);
    free(work);
}

Test(select, median_matches_sorted_middle)
{
    tu_rng r = {7};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        double *a = malloc(n * sizeof *a), *ref = malloc(n * sizeof *ref);
        fill_random(a, n, &r);
        memcpy(ref, a, n * sizeof *a);
        qsort(ref, n, sizeof *ref, cmp);
        double want = n % 2 ? ref[n / 2] : (ref[n / 2 - 1] + ref[n / 2]) / 2.0;
        cr_assert_float_eq(rm_median_inplace(a, n), want, 1e-15, "n %zu", n);
        free(a);
        free(ref);
    }
}

Test(select, midpoint_never_overflows_and_is_exact_for_equal_values)
{
    cr_assert_eq(rm_midpoint(DBL_MAX, DBL_MAX), DBL_MAX);
    cr_assert_eq(rm_midpoint(-DBL_MAX, DBL_MAX), 0.0);
    cr_assert_eq(rm_midpoint(DBL_MAX, DBL_MAX / 2), DBL_MAX * 0.75);
    cr_assert_eq(rm_midpoint(4.9e-324, 4.9e-324), 4.9e-324);
    cr_assert_eq(rm_midpoint(1.0, 2.0), 1.5);
    cr_assert(isfinite(rm_midpoint(1e308, 1.7e308)));
}
