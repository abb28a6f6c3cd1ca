/* The stationarity gap against brute force, its certificate formulas, and DESIGN.md's
 * one-dimensional tight example. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silo/gap.h"
#include "test_util.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* min over the capped simplex by sorting: u on the smallest, the rest on the next. */
static double lower_reference(const double *tau, size_t n, double u)
{
    double *s = malloc(n * sizeof *s), left = 1.0, sum = 0.0;
    memcpy(s, tau, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp);
    for (size_t i = 0; i < n && left > 0; i++) {
        double p = left < u ? left : u;
        sum += p * s[i];
        left -= p;
    }
    free(s);
    return sum;
}

Test(gap, lower_tail_matches_sorting_with_ties)
{
    const size_t sizes[] = {1, 2, 3, 100, 101};
    const double epss[] = {0.0, 0.1, 0.3};
    tu_rng r = {8};
    for (size_t a = 0; a < 5; a++)
        for (size_t e = 0; e < 3; e++) {
            size_t n = sizes[a];
            double u = 1.0 / ((1.0 - epss[e]) * (double)n);
            double *tau = malloc(n * sizeof *tau), *work = malloc(n * sizeof *work);
            for (size_t i = 0; i < n; i++) /* few distinct values: many ties */
                tau[i] = (double)(tu_next(&r) % 4);
            double got = rm_gap_lower(tau, tau, n, 1, 1, u, NULL, work, 0);
            cr_assert_float_eq(got, lower_reference(tau, n, u), 1e-13, "n %zu eps %g", n, epss[e]);
            /* the minimiser's scores, with S = tau: the same value */
            double grad;
            rm_gap_lower(tau, tau, n, 1, 1, u, &grad, work, 0);
            cr_assert_float_eq(grad, got, 1e-13);
            free(tau);
            free(work);
        }
}

/* g(w) on a grid over the k-simplex (k = 2 or 3). */
static double brute_force_minimum(const double *S, size_t n, size_t k, const double *a, double u)
{
    double *tau = malloc(n * sizeof *tau), *work = malloc(n * sizeof *work), best = INFINITY;
    const int steps = k == 2 ? 4000 : 300;
    for (int i = 0; i <= steps; i++)
        for (int j = 0; j <= (k == 3 ? steps - i : 0); j++) {
            double w[3] = {(double)i / steps, k == 3 ? (double)j / steps : 1.0 - (double)i / steps, 0};
            if (k == 3)
                w[2] = 1.0 - w[0] - w[1];
            best = fmin(best, rm_gap_at(S, n, k, k, a, u, w, tau, work, 0));
        }
    free(tau);
    free(work);
    return best;
}

Test(gap, minimiser_matches_brute_force)
{
    const size_t ns[] = {20, 101};
    for (size_t t = 0; t < 2; t++)
        for (size_t k = 2; k <= 3; k++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                size_t n = ns[t];
                tu_rng r = {seed * 100 + k + n};
                double *S = malloc(n * k * sizeof *S), *q = malloc(n * sizeof *q);
                double *tau = malloc(n * sizeof *tau), *work = malloc(n * sizeof *work);
                double u = 1.0 / (0.8 * (double)n), total = 0;
                for (size_t i = 0; i < n; i++) {
                    for (size_t j = 0; j < k; j++) { /* squared projections: chi-square like */
                        double z = tu_normal(&r) * (1.0 + 0.3 * (double)j);
                        S[i * k + j] = z * z;
                    }
                    q[i] = 0.5 + tu_uniform(&r);
                    total += q[i];
                }
                for (size_t i = 0; i < n; i++) /* some weight vector of the capped simplex */
                    q[i] = fmin(q[i] / total, u);
                double a[3], w[3];
                rm_gap_weighted_scores(S, n, k, k, q, a, 0);
                for (size_t j = 0; j < k; j++)
                    w[j] = 1.0 / (double)k;
                double got = rm_gap_minimise(S, n, k, k, a, u, w, 2000, tau, work);
                double brute = brute_force_minimum(S, n, k, a, u);
                /* the grid cannot beat the true minimum by more than its spacing allows */
                cr_assert_geq(got, brute - 2e-3 * a[0], "n %zu k %zu: %g below the grid %g", n, k,
                              got, brute);
                cr_assert_leq(got, brute + 1e-3 * a[0], "n %zu k %zu: %g vs grid %g", n, k, got,
                              brute);
                /* the returned w is on the simplex and gives the returned value */
                double sum = 0;
                for (size_t j = 0; j < k; j++) {
                    cr_assert_geq(w[j], 0.0);
                    sum += w[j];
                }
                cr_assert_float_eq(sum, 1.0, 1e-12);
                cr_assert_float_eq(rm_gap_at(S, n, k, k, a, u, w, tau, work, 0), got, 1e-12);
                free(S);
                free(q);
                free(tau);
                free(work);
            }
}

Test(gap, bounds_at_zero_gap_are_design_formulas)
{
    const double epss[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.33};
    for (size_t e = 0; e < 6; e++) {
        double eps = epss[e];
        rm_gap_bounds b = rm_gap_bounds_of(eps, 0.0, 0.0);
        cr_assert(b.valid);
        double ratio = (1 - eps) / (1 - 3 * eps);
        cr_assert_float_eq(b.objective, ratio * ratio, 1e-12 * ratio * ratio, "eps %g", eps);
        cr_assert_float_eq(b.error, 2 * sqrt(eps * (1 - 2 * eps)) / (1 - 3 * eps), 1e-12 * ratio,
                           "eps %g", eps);
    }
    /* a gap and a delta loosen the bound; eps >= 1/3 gives none */
    rm_gap_bounds tight = rm_gap_bounds_of(0.1, 0.0, 0.0), loose = rm_gap_bounds_of(0.1, 0.05, 0.02);
    cr_assert(loose.valid);
    cr_assert_gt(loose.objective, tight.objective);
    cr_assert_gt(loose.error, tight.error);
    cr_assert_not(rm_gap_bounds_of(1.0 / 3.0, 0.0, 0.0).valid);
    cr_assert_not(rm_gap_bounds_of(0.4, 0.0, 0.0).valid);
    cr_assert_not(rm_gap_bounds_of(0.3, 0.3, 0.0).valid); /* 1 - delta - gap - a <= 0 */
    cr_assert_float_eq(rm_sigma_certificate(0.1, 4.0, 1.0), sqrt(0.1 / 0.8) * 3.0, 1e-15);
    cr_assert(isnan(rm_sigma_certificate(0.5, 1.0, 1.0)));
}

/* DESIGN.md section 2: good rows, a fraction eps at 0 and 1-2eps at 1; bad rows, eps at
 * b = 2(1-2eps)/(1-3eps). Dropping the rows at 0 (equidistant with the bad ones from the
 * weighted mean) is a stationary point whose F and error attain the bounds. */
Test(gap, one_dimensional_tight_example)
{
    const double eps = 0.2;
    const size_t n = 100, at0 = 20, at1 = 60, bad = 20;
    double b = 2 * (1 - 2 * eps) / (1 - 3 * eps);
    double x[100], q[100], S[100], tau[100], work[100];
    double u = 1.0 / ((1.0 - eps) * (double)n);
    for (size_t i = 0; i < n; i++) {
        x[i] = i < at0 ? 0.0 : i < at0 + at1 ? 1.0 : b;
        q[i] = i < at0 ? 0.0 : u;
    }
    (void)bad;
    double mu = 0, F = 0;
    for (size_t i = 0; i < n; i++)
        mu += q[i] * x[i];
    for (size_t i = 0; i < n; i++) {
        S[i] = (x[i] - mu) * (x[i] - mu);
        F += q[i] * S[i];
    }
    /* the clean rows' mean and variance (sigma^2) */
    double good_mean = (double)at1 / (double)(at0 + at1);
    double sigma2 = good_mean * (1 - good_mean);
    double a, w = 1.0;
    rm_gap_weighted_scores(S, n, 1, 1, q, &a, 0);
    cr_assert_float_eq(a, F, 1e-14);
    double g = rm_gap_at(S, n, 1, 1, &a, u, &w, tau, work, 0);
    cr_assert_float_eq(g, 0.0, 1e-14, "the example is stationary: gap %g", g);
    rm_gap_bounds bound = rm_gap_bounds_of(eps, 0.0, 0.0);
    cr_assert_float_eq(F / sigma2, bound.objective, 1e-12, "F / sigma^2 = %g", F / sigma2);
    cr_assert_float_eq(fabs(mu - good_mean) / sqrt(sigma2), bound.error, 1e-12);
}
