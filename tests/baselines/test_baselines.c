/* The baseline estimators against deliberately naive references, on sizes 1, 2, 3, 100,
 * 101 and with d = 1. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "baselines/geomedian.h"
#include "robustmean.h"
#include "test_util.h"

static const size_t sizes[] = {1, 2, 3, 100, 101};
static const size_t dims[] = {1, 2, 7};

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The sorted column j of X. */
static double *sorted_column(const double *X, size_t n, size_t d, size_t j)
{
    double *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = X[i * d + j];
    qsort(c, n, sizeof *c, cmp);
    return c;
}

static void estimate(const char *method, double eps, const double *X, size_t n, size_t d,
                     double *mean, rm_report *rep)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = eps;
    int s = rm_mean(X, n, d, &opt, mean, rep);
    cr_assert_eq(s, RM_OK, "%s n=%zu d=%zu: %s", method, n, d, rm_strerror(s));
}

Test(baselines, mean_matches_long_double_sum)
{
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 3; b++) {
            size_t n = sizes[a], d = dims[b];
            double *X = tu_gaussian_matrix(n, d, 10.0, n * 31 + d), mean[7];
            estimate("mean", NAN, X, n, d, mean, NULL);
            for (size_t j = 0; j < d; j++) {
                long double s = 0;
                for (size_t i = 0; i < n; i++)
                    s += X[i * d + j];
                cr_assert_float_eq(mean[j], (double)(s / n), 1e-13);
            }
            free(X);
        }
}

Test(baselines, median_matches_sorting)
{
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 3; b++) {
            size_t n = sizes[a], d = dims[b];
            double *X = tu_gaussian_matrix(n, d, 0.0, n * 17 + d), mean[7];
            estimate("median", NAN, X, n, d, mean, NULL);
            for (size_t j = 0; j < d; j++) {
                double *c = sorted_column(X, n, d, j);
                double want = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
                cr_assert_float_eq(mean[j], want, 1e-15, "n %zu d %zu j %zu", n, d, j);
                free(c);
            }
            free(X);
        }
}

Test(baselines, trimmed_mean_matches_sorting)
{
    const double epss[] = {0.0, 0.1, 0.25, 0.49};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t e = 0; e < 4; e++) {
                size_t n = sizes[a], d = dims[b];
                double *X = tu_gaussian_matrix(n, d, -3.0, n * 13 + d + e), mean[7];
                estimate("trimmed", epss[e], X, n, d, mean, NULL);
                size_t k = (size_t)floor(epss[e] * (double)n);
                if (2 * k >= n)
                    k = (n - 1) / 2;
                for (size_t j = 0; j < d; j++) {
                    double *c = sorted_column(X, n, d, j);
                    long double s = 0;
                    for (size_t i = k; i < n - k; i++)
                        s += c[i];
                    cr_assert_float_eq(mean[j], (double)(s / (n - 2 * k)), 1e-13,
                                       "n %zu d %zu eps %g", n, d, epss[e]);
                    free(c);
                }
                free(X);
            }
}

static double sum_of_distances(const double *X, size_t n, size_t d, const double *y)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += tu_distance(X + i * d, y, d);
    return (double)s;
}

/* The geometric median is optimal: no nearby point (along each axis, and in random
 * directions) has a smaller sum of distances, beyond rounding. */
Test(baselines, geomedian_is_a_local_and_hence_global_minimum)
{
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 3; b++) {
            size_t n = sizes[a], d = dims[b];
            double *X = tu_gaussian_matrix(n, d, 5.0, n * 7 + d), y[7], z[7];
            rm_report rep;
            estimate("geomedian", NAN, X, n, d, y, &rep);
            cr_assert_eq(rep.converged, 1);
            double f = sum_of_distances(X, n, d, y);
            cr_assert_float_eq(rep.objective, f, 1e-9 * f + 1e-300);
            tu_rng r = {n + d};
            for (int t = 0; t < 40; t++) {
                double h = t < 20 ? 1e-3 : 1e-6;
                for (size_t j = 0; j < d; j++)
                    z[j] = y[j] + h * tu_normal(&r);
                cr_assert_geq(sum_of_distances(X, n, d, z), f - 1e-12 * f,
                              "n %zu d %zu: a better point exists", n, d);
            }
            free(X);
        }
}

Test(baselines, geomedian_in_one_dimension_is_the_median)
{
    for (size_t a = 0; a < 5; a++) {
        size_t n = sizes[a];
        double *X = tu_gaussian_matrix(n, 1, 0.0, n), y;
        estimate("geomedian", NAN, X, n, 1, &y, NULL);
        double *c = sorted_column(X, n, 1, 0);
        /* for even n every point between the middle two is optimal: the midpoint */
        double want = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
        cr_assert_float_eq(y, want, 1e-9, "n = %zu", n);
        free(c);
        free(X);
    }
}

Test(baselines, geomedian_on_a_data_point_uses_the_safeguard)
{
    /* Five rows at the origin and four spread around: the origin is the geometric median
     * (its multiplicity 5 outweighs the pull of the others), an iterate that lands there
     * must stop rather than divide by zero. */
    double X[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, -2, 4, 1, -3, -1, -2};
    double y[2];
    rm_report rep;
    estimate("geomedian", NAN, X, 9, 2, y, &rep);
    cr_assert_eq(y[0], 0.0);
    cr_assert_eq(y[1], 0.0);
    cr_assert_eq(rep.converged, 1);
}

Test(baselines, geomedian_reports_the_iteration_cap)
{
    double *X = tu_gaussian_matrix(200, 3, 0.0, 5), y[3], keep[3] = {7, 7, 7};
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "geomedian";
    opt.max_iter = 2;
    opt.tol = 1e-300;
    rm_report rep;
    memcpy(y, keep, sizeof y);
    cr_assert_eq(rm_mean(X, 200, 3, &opt, y, &rep), RM_NOT_CONVERGED);
    cr_assert_eq(rep.converged, 0);
    cr_assert_eq(rep.iterations, 2);
    cr_assert_neq(y[0], 7.0); /* the last iterate is still returned */
    free(X);
}

Test(baselines, geomedian_and_mom_stop_at_their_time_budget)
{
    double *X = tu_gaussian_matrix(200, 3, 0.0, 5), y[3];
    const char *methods[] = {"geomedian", "mom"};
    for (int k = 0; k < 2; k++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.method = methods[k];
        opt.eps = 0.1;
        opt.tol = 1e-300;
        opt.max_seconds = 1e-9; /* over after the first iteration */
        rm_report rep;
        cr_assert_eq(rm_mean(X, 200, 3, &opt, y, &rep), RM_NOT_CONVERGED, "%s", methods[k]);
        cr_assert_eq(rep.stop, RM_STOP_TIME_BUDGET, "%s: %s", methods[k], rep.stop_reason);
        cr_assert_eq(rep.iterations, 1, "%s", methods[k]);
    }
    free(X);
}

Test(baselines, mom_with_one_block_is_the_mean_and_with_n_blocks_the_geomedian)
{
    size_t n = 101, d = 3;
    double *X = tu_gaussian_matrix(n, d, 1.0, 3), a[3], b[3];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mom";
    opt.eps = 0.1;
    opt.blocks = 1;
    cr_assert_eq(rm_mean(X, n, d, &opt, a, NULL), RM_OK);
    estimate("mean", NAN, X, n, d, b, NULL);
    for (size_t j = 0; j < d; j++)
        cr_assert_float_eq(a[j], b[j], 1e-13);
    opt.blocks = n;
    cr_assert_eq(rm_mean(X, n, d, &opt, a, NULL), RM_OK);
    estimate("geomedian", NAN, X, n, d, b, NULL);
    cr_assert_lt(tu_distance(a, b, d), 1e-8);
    free(X);
}

Test(baselines, mom_is_deterministic_by_seed)
{
    size_t n = 100, d = 4;
    double *X = tu_gaussian_matrix(n, d, 0.0, 8), a[4], b[4];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mom";
    opt.eps = 0.1;
    opt.seed = 5;
    cr_assert_eq(rm_mean(X, n, d, &opt, a, NULL), RM_OK);
    cr_assert_eq(rm_mean(X, n, d, &opt, b, NULL), RM_OK);
    cr_assert_eq(memcmp(a, b, sizeof a), 0);
    opt.seed = 6;
    cr_assert_eq(rm_mean(X, n, d, &opt, b, NULL), RM_OK);
    cr_assert_neq(memcmp(a, b, sizeof a), 0);
    free(X);
}

/* Every robust baseline stays near the truth when 10% of the rows sit far away, where the
 * sample mean does not. */
Test(baselines, robust_baselines_resist_a_far_cluster)
{
    size_t n = 1000, d = 5, bad = 100;
    double *X = tu_gaussian_matrix(n, d, 0.0, 21), mean[5], zero[5] = {0};
    for (size_t i = 0; i < bad; i++)
        for (size_t j = 0; j < d; j++)
            X[(i * 10) * d + j] = 100.0;
    const char *robust[] = {"median", "trimmed", "geomedian", "mom"};
    for (size_t m = 0; m < 4; m++) {
        estimate(robust[m], 0.1, X, n, d, mean, NULL);
        cr_assert_lt(tu_distance(mean, zero, d), 1.0, "%s", robust[m]);
    }
    estimate("mean", NAN, X, n, d, mean, NULL);
    cr_assert_gt(tu_distance(mean, zero, d), 20.0);
    free(X);
}

/* Baselines are equivariant: shifting by 1e15 or scaling by 1e-300 or 1e300 moves the
 * estimate the same way (to rounding: after the shift, two units in the last place, 0.125
 * each near 1e15: one for the shifted data, one for the result). */
Test(baselines, translation_and_scale_equivariance)
{
    size_t n = 101, d = 3;
    const char *methods[] = {"mean", "median", "trimmed", "geomedian", "mom"};
    double *X = tu_gaussian_matrix(n, d, 0.0, 77), *Y = malloc(n * d * sizeof *Y);
    for (size_t m = 0; m < 5; m++) {
        double base[3], moved[3];
        estimate(methods[m], 0.1, X, n, d, base, NULL);
        const double scales[] = {1e-300, 1e300, 1.0};
        const double shifts[] = {0.0, 0.0, 1e15};
        for (size_t t = 0; t < 3; t++) {
            for (size_t k = 0; k < n * d; k++)
                Y[k] = X[k] * scales[t] + shifts[t];
            estimate(methods[m], 0.1, Y, n, d, moved, NULL);
            for (size_t j = 0; j < d; j++) {
                double want = base[j] * scales[t] + shifts[t];
                double tol = shifts[t] != 0.0 ? 0.25 : 1e-9 * scales[t];
                cr_assert(fabs(moved[j] - want) <= tol, "%s scale %g shift %g: %.17g vs %.17g",
                          methods[m], scales[t], shifts[t], moved[j], want);
            }
        }
    }
    free(X);
    free(Y);
}
