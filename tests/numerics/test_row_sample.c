/* The rows' keys that samples are drawn by: in [0, 1), a function of each row's values
 * alone (the same after a permutation of the rows, on any number of threads, and after a
 * change of units or offset), distinct for the copies of a repeated row; and the sample
 * of the smallest keys, in their order. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/centre.h"
#include "numerics/row_sample.h"
#include "test_util.h"

/* The keys of the n x d row-major X, at its midrange centre. */
static double *keys_of(const double *X, size_t n, size_t d, int threads)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    rm_centre ctr;
    cr_assert_eq(rm_centre_init_midrange(&ctr, &M, threads), 0);
    rm_moments m = {.X = M, .n = n, .d = d, .ctr = &ctr};
    double *keys = malloc(n * sizeof *keys);
    cr_assert_eq(rm_row_keys(&m, keys, threads), 0);
    rm_centre_free(&ctr);
    return keys;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* d = 11: two rounds of the four hash chains and three columns left; n * d large enough
 * for two threads, and 32 buckets for them to share. */
Test(row_keys, follow_the_rows_through_a_permutation_and_threads)
{
    size_t n = 50000, d = 11;
    double *X = tu_gaussian_matrix(n, d, 3.0, 11), *Y = malloc(n * d * sizeof *Y);
    size_t *perm = tu_permutation(n, 12);
    for (size_t i = 0; i < n; i++)
        memcpy(Y + i * d, X + perm[i] * d, d * sizeof *X);
    double *a = keys_of(X, n, d, 1), *b = keys_of(Y, n, d, 2), *c = keys_of(X, n, d, 2);
    for (size_t i = 0; i < n; i++) {
        cr_assert(a[i] >= 0.0 && a[i] < 1.0);
        cr_assert_eq(b[i], a[perm[i]], "row %zu", i);
        cr_assert_eq(c[i], a[i], "row %zu", i);
    }
    qsort(a, n, sizeof *a, cmp);
    for (size_t i = 1; i < n; i++)
        cr_assert_neq(a[i], a[i - 1], "two rows share a key");
    free(X), free(Y), free(perm), free(a), free(b), free(c);
}

Test(row_keys, do_not_depend_on_units_or_offset)
{
    size_t n = 2000, d = 7;
    double *X = tu_gaussian_matrix(n, d, 0.0, 21), *Y = malloc(n * d * sizeof *Y);
    double *a = keys_of(X, n, d, 0);
    for (size_t k = 0; k < n * d; k++)
        Y[k] = X[k] * 1000.0;
    double *b = keys_of(Y, n, d, 0);
    for (size_t k = 0; k < n * d; k++)
        Y[k] = X[k] + 1e6;
    double *c = keys_of(Y, n, d, 0);
    /* (a value within rounding of a grid line could differ: about 1e-9 of them at +1e6) */
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(b[i], a[i], "row %zu x1000", i);
        cr_assert_eq(c[i], a[i], "row %zu +1e6", i);
    }
    free(X), free(Y), free(a), free(b), free(c);
}

/* Three distinct rows, repeated in a scrambled order: each copy its own key (the same on
 * one thread or two; the 20000 copies of one row fill a bucket beyond the usual table),
 * the multiset of keys the same whatever the order, and a sample takes copies in
 * proportion. */
Test(row_keys, tell_copies_apart_and_sample_them_in_proportion)
{
    size_t n = 30000, d = 5;
    double rows[3][5] = {{1, 2, 3, 4, 5}, {-1, 0, 0, 0, 7}, {0.5, 0.5, 0.5, 0.5, 0.5}};
    double *X = malloc(n * d * sizeof *X), *Y = malloc(n * d * sizeof *Y);
    size_t *perm = tu_permutation(n, 5);
    for (size_t i = 0; i < n; i++) /* 20000 copies of the first row, 5000 of the others */
        memcpy(X + i * d, rows[i < 20000 ? 0 : i < 25000 ? 1 : 2], sizeof rows[0]);
    for (size_t i = 0; i < n; i++)
        memcpy(Y + i * d, X + perm[i] * d, d * sizeof *X);
    double *a = keys_of(X, n, d, 2), *b = keys_of(Y, n, d, 1), *c = keys_of(X, n, d, 1);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(a[i], c[i], "row %zu", i);
    size_t m = 3000, *taken = malloc(m * sizeof *taken);
    double *work = malloc(n * sizeof *work);
    cr_assert_eq(rm_row_sample(a, n, m, taken, work), m);
    size_t first = 0;
    for (size_t t = 0; t < m; t++) {
        cr_assert(t == 0 || a[taken[t]] > a[taken[t - 1]], "in the order of their keys");
        first += taken[t] < 20000;
    }
    cr_assert(first > 1850 && first < 2150, "%zu of 3000 from the row that is 2/3 of the data",
              first);
    qsort(a, n, sizeof *a, cmp);
    qsort(b, n, sizeof *b, cmp);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(a[i], b[i]);
        cr_assert(i == 0 || a[i] != a[i - 1], "two copies share a key");
    }
    free(X), free(Y), free(perm), free(a), free(b), free(c), free(taken), free(work);
}
