/* The projections onto the capped simplex against their KKT conditions and against a
 * sort-everything reference, on tiny, odd and even sizes and at the edges. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/simplex.h"
#include "test_util.h"

static const size_t sizes[] = {1, 2, 3, 100, 101, 500, 501};
static const double epss[] = {0.0, 0.05, 0.1, 0.25, 0.45};

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

static double sum_of(const double *q, size_t n)
{
    long double s = 0;
    for (size_t i = 0; i < n; i++)
        s += q[i];
    return (double)s;
}

/* Reference theta for the Euclidean projection: sort every breakpoint (y_i - u and y_i)
 * and find the linear piece where the sum crosses 1. */
static double l2_theta_reference(const double *y, size_t n, double u)
{
    double *b = malloc(2 * n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        b[2 * i] = y[i] - u;
        b[2 * i + 1] = y[i];
    }
    qsort(b, 2 * n, sizeof *b, cmp_desc); /* theta decreasing: the sum grows */
    double theta = b[2 * n - 1];
    for (size_t t = 0; t < 2 * n; t++) {
        long double s = 0;
        for (size_t i = 0; i < n; i++) {
            double v = y[i] - b[t];
            s += v >= u ? u : v > 0 ? v : 0;
        }
        if (s >= 1.0L) {
            /* sum(theta) is linear between b[t] and b[t-1], with slope minus the number
             * of rows strictly inside (0, u) there */
            double mid = t > 0 ? (b[t] + b[t - 1]) / 2 : b[t] + 1;
            size_t free = 0;
            for (size_t i = 0; i < n; i++)
                free += y[i] - mid > 0 && y[i] - mid < u;
            theta = free ? b[t] + (double)((s - 1.0L) / free) : b[t];
            break;
        }
    }
    free(b);
    return theta;
}

Test(simplex, euclidean_projection_meets_kkt_and_the_reference)
{
    tu_rng r = {3};
    for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
        for (size_t e = 0; e < sizeof epss / sizeof epss[0]; e++) {
            size_t n = sizes[a];
            double u = 1.0 / ((1.0 - epss[e]) * (double)n);
            double *y = malloc(n * sizeof *y), *q = malloc(n * sizeof *q);
            for (size_t i = 0; i < n; i++)
                y[i] = (tu_normal(&r) + 0.5) / (double)n;
            double theta = rm_simplex_project_l2(y, n, u, q, 0);
            cr_assert_float_eq(sum_of(q, n), 1.0, 1e-12, "n %zu eps %g", n, epss[e]);
            for (size_t i = 0; i < n; i++) {
                double want = fmin(fmax(y[i] - theta, 0.0), u);
                cr_assert_float_eq(q[i], want, 1e-15);
                cr_assert(q[i] >= 0.0 && q[i] <= u);
            }
            double ref = l2_theta_reference(y, n, u);
            cr_assert_float_eq(theta, ref, 1e-12 / (double)n + 1e-15, "n %zu: %.17g vs %.17g", n,
                               theta, ref);
            free(y);
            free(q);
        }
}

Test(simplex, euclidean_projection_edges)
{
    /* n u = 1 exactly: the only point is uniform */
    double y[4] = {5, -3, 0.1, 7}, q[4];
    rm_simplex_project_l2(y, 4, 0.25, q, 0);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(q[i], 0.25);
    /* n = 1 */
    double one = -42, q1;
    rm_simplex_project_l2(&one, 1, 1.0, &q1, 0);
    cr_assert_eq(q1, 1.0);
    /* all equal inputs: uniform */
    double e[5] = {2, 2, 2, 2, 2}, qe[5];
    rm_simplex_project_l2(e, 5, 0.3, qe, 0);
    for (int i = 0; i < 5; i++)
        cr_assert_float_eq(qe[i], 0.2, 1e-15);
    /* a point already inside stays put; aliasing q and y is allowed */
    double in[3] = {0.2, 0.3, 0.5};
    rm_simplex_project_l2(in, 3, 0.5, in, 0);
    cr_assert_float_eq(in[0], 0.2, 1e-15);
    cr_assert_float_eq(in[2], 0.5, 1e-15);
    /* huge and tiny values */
    double big[3] = {1e300, -1e300, 0}, qb[3];
    rm_simplex_project_l2(big, 3, 0.6, qb, 0);
    cr_assert_float_eq(sum_of(qb, 3), 1.0, 1e-15);
    cr_assert_eq(qb[0], 0.6);
    cr_assert_eq(qb[1], 0.0);
}

/* theta by sorting: cap the m largest for the smallest consistent m (sorted: n scratch). */
static double kl_theta_reference(const double *y, size_t n, double u, double *sorted)
{
    memcpy(sorted, y, n * sizeof *y);
    qsort(sorted, n, sizeof *sorted, cmp_desc);
    long double rest = 0;
    for (size_t i = 0; i < n; i++)
        rest += sorted[i];
    for (size_t m = 0; m < n; m++) {
        double t = (double)((1.0L - (long double)u * m) / rest);
        if (t * sorted[m] <= u)
            return t;
        rest -= sorted[m];
    }
    return -1;
}

Test(simplex, kl_projection_of_a_multiplicative_step_on_many_rows)
{
    /* From 131072 rows a histogram picks where the capping starts: weights at the cap
     * shrunk by a step (many land just around the cut), a tail shrunk to almost nothing,
     * and ties; on one and two threads, against sorting. */
    size_t n = 300000;
    double u = 1.0 / (0.9 * (double)n);
    double *y = malloc(n * sizeof *y), *q = malloc(n * sizeof *q), *q2 = malloc(n * sizeof *q2),
           *work = malloc(n * sizeof *work), *sorted = malloc(n * sizeof *sorted);
    tu_rng r = {9};
    for (int shape = 0; shape < 3; shape++) {
        for (size_t i = 0; i < n; i++) {
            double f = 1.0 - 0.5 * tu_uniform(&r);
            double weight = i % 10 == 0 ? 1e-3 * u : u;
            y[i] = shape == 0   ? weight * f
                   : shape == 1 ? weight * (i % 3 == 0 ? 0.75 : f) /* ties at 0.75 u */
                                : exp(3.0 * tu_normal(&r));            /* heavy tail */
        }
        double theta = rm_simplex_project_kl(y, n, u, q, work, 1);
        cr_assert_eq(rm_simplex_project_kl(y, n, u, q2, work, 2), theta, "shape %d", shape);
        cr_assert_float_eq(sum_of(q, n), 1.0, 1e-12, "shape %d", shape);
        double ref = kl_theta_reference(y, n, u, sorted);
        for (size_t i = 0; i < n; i++) {
            cr_assert_float_eq(q[i], fmin(u, theta * y[i]), 1e-15 * u);
            cr_assert_float_eq(q[i], fmin(u, ref * y[i]), 1e-12 * u, "shape %d", shape);
            cr_assert_eq(q2[i], q[i]);
        }
    }
    free(y);
    free(q);
    free(q2);
    free(work);
    free(sorted);
}

Test(simplex, kl_projection_meets_kkt_and_the_sorted_reference)
{
    tu_rng r = {4};
    for (size_t a = 0; a < sizeof sizes / sizeof sizes[0]; a++)
        for (size_t e = 0; e < sizeof epss / sizeof epss[0]; e++) {
            size_t n = sizes[a];
            double u = 1.0 / ((1.0 - epss[e]) * (double)n);
            double *y = malloc(n * sizeof *y), *q = malloc(n * sizeof *q),
                   *work = malloc(n * sizeof *work), *sorted = malloc(n * sizeof *sorted);
            for (size_t i = 0; i < n; i++) /* heavy-tailed weights: many get capped */
                y[i] = exp(3.0 * tu_normal(&r));
            double theta = rm_simplex_project_kl(y, n, u, q, work, 0);
            cr_assert_gt(theta, 0.0);
            cr_assert_float_eq(sum_of(q, n), 1.0, 1e-12);
            for (size_t i = 0; i < n; i++)
                cr_assert_float_eq(q[i], fmin(u, theta * y[i]), 1e-15 * u);
            double ref = kl_theta_reference(y, n, u, sorted);
            if (epss[e] == 0.0) /* n u = 1: every row is capped, the reference's sums are
                                   too close to call */
                ref = u / sorted[n - 1];
            cr_assert_gt(ref, 0.0);
            for (size_t i = 0; i < n; i++)
                cr_assert_float_eq(q[i], fmin(u, ref * y[i]), 1e-12 * u, "n %zu eps %g", n,
                                   epss[e]);
            free(y);
            free(q);
            free(work);
            free(sorted);
        }
}

Test(simplex, kl_projection_edges)
{
    double work[8];
    /* n u = 1: every positive entry is capped */
    double y[4] = {1, 2, 3, 4}, q[4];
    cr_assert_gt(rm_simplex_project_kl(y, 4, 0.25, q, work, 0), 0.0);
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(q[i], 0.25, 1e-15);
    /* all equal */
    double e[3] = {0.7, 0.7, 0.7}, qe[3];
    rm_simplex_project_kl(e, 3, 0.5, qe, work, 0);
    for (int i = 0; i < 3; i++)
        cr_assert_float_eq(qe[i], 1.0 / 3.0, 1e-15);
    /* n = 1 */
    double one = 3.0, q1;
    cr_assert_gt(rm_simplex_project_kl(&one, 1, 1.0, &q1, work, 0), 0.0);
    cr_assert_float_eq(q1, 1.0, 1e-15);
    /* zeros stay zero; too few positive entries has no solution */
    double z[4] = {0, 1, 0, 3}, qz[4];
    cr_assert_gt(rm_simplex_project_kl(z, 4, 0.6, qz, work, 0), 0.0);
    cr_assert_eq(qz[0], 0.0);
    cr_assert_float_eq(qz[1] + qz[3], 1.0, 1e-15);
    cr_assert_leq(qz[3], 0.6);
    cr_assert_lt(rm_simplex_project_kl(z, 4, 0.4, qz, work, 0), 0.0);
    /* a geometric sequence needs many capping rounds: the sort fallback */
    double g[200], qg[200], wg[200];
    for (int i = 0; i < 200; i++)
        g[i] = pow(1.2, i);
    double t = rm_simplex_project_kl(g, 200, 1.0 / 150.0, qg, wg, 0);
    cr_assert_gt(t, 0.0);
    cr_assert_float_eq(sum_of(qg, 200), 1.0, 1e-12);
    for (int i = 0; i < 200; i++)
        cr_assert_float_eq(qg[i], fmin(1.0 / 150.0, t * g[i]), 1e-15);
}
