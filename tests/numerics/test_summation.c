/* Means against exact references: offsets that cancel, values that overflow when added,
 * and many terms. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "numerics/summation.h"
#include "test_util.h"

Test(summation, large_offset_keeps_the_noise)
{
    /* 1e15 + k/8 for k = 0..999: every value exact, mean exactly 1e15 + 499.5/8. */
    size_t n = 1000;
    double *a = malloc(n * sizeof *a);
    for (size_t k = 0; k < n; k++)
        a[k] = 1e15 + (double)k / 8.0;
    cr_assert_eq(rm_mean_strided(a, n, 1), 1e15 + 499.5 / 8.0);
    free(a);
}

Test(summation, values_whose_sum_overflows)
{
    double a[4] = {DBL_MAX, DBL_MAX, DBL_MAX / 2, DBL_MAX / 2};
    double m = rm_mean_strided(a, 4, 1);
    cr_assert(isfinite(m));
    cr_assert_float_eq(m, 0.75 * DBL_MAX, 1e-15 * DBL_MAX);
    double b[2] = {-DBL_MAX, DBL_MAX};
    cr_assert_eq(rm_mean_strided(b, 2, 1), 0.0);
}

Test(summation, rows_mean_matches_long_double_reference)
{
    size_t n = 2001, d = 5;
    double *X = tu_gaussian_matrix(n, d, 3.0, 11), mean[5], work[15];
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    rm_rows_mean(&M, NULL, n, mean, work);
    for (size_t j = 0; j < d; j++) {
        long double s = 0;
        for (size_t i = 0; i < n; i++)
            s += X[i * d + j];
        cr_assert_float_eq(mean[j], (double)(s / n), 1e-14);
    }
    /* an index list picks rows */
    size_t rows[3] = {5, 0, 2000};
    rm_rows_mean(&M, rows, 3, mean, work);
    for (size_t j = 0; j < d; j++)
        cr_assert_float_eq(mean[j], (X[5 * d + j] + X[j] + X[2000 * d + j]) / 3.0, 1e-14);
    free(X);
}

Test(summation, rows_mean_of_huge_values_of_both_signs)
{
    double X[6] = {1.5e308, -1.5e308, 1.5e308, 1.0, -1.5e308, 2.0};
    double mean[2], work[6];
    rm_matrix M = rm_matrix_of_doubles(X, 3, 2);
    rm_rows_mean(&M, NULL, 3, mean, work);
    cr_assert_float_eq(mean[0], 0.5e308, 1e293);
    cr_assert_float_eq(mean[1], (-1.5e308 + 1.0 + 2.0) / 3.0, 1e293);
}

Test(summation, rows_mean_overflow_in_one_column_leaves_the_others_exact)
{
    /* found by fuzz_mean: the overflow path scaled every column by the largest value's
     * power of two, rounding a small constant column into underflow */
    double X[6] = {0.9 * DBL_MAX, -1e-5, -0.9 * DBL_MAX, -1e-5, 0.5 * DBL_MAX, -1e-5};
    double mean[2], work[6];
    rm_matrix M = rm_matrix_of_doubles(X, 3, 2);
    rm_rows_mean(&M, NULL, 3, mean, work);
    cr_assert_float_eq(mean[0], 0.5 * DBL_MAX / 3, 1e-15 * DBL_MAX);
    cr_assert_eq(mean[1], -1e-5);
}

Test(summation, pow2_scale_maps_into_half_open_unit_interval)
{
    cr_assert_eq(rm_pow2_scale(0.0), 1.0);
    cr_assert_eq(rm_pow2_scale(1.0), 0.5);
    cr_assert_eq(rm_pow2_scale(0.75), 1.0);
    double values[] = {DBL_MAX, 1e300, 2.5e-308, 1e-300, 12345.678};
    for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
        double g = rm_pow2_scale(values[k]), s = values[k] * g;
        cr_assert(g > 0.0 && isfinite(g));
        cr_assert(s >= 0.5 && s < 1.0, "value %g scaled to %g", values[k], s);
    }
    /* subnormals: the scale stays finite and still maps below 1 */
    double g = rm_pow2_scale(3e-320);
    cr_assert(isfinite(g) && 3e-320 * g < 1.0 && 3e-320 * g > 0.0);
}
