/* Numerical edge cases, each with a known right answer. Every method must give a finite
 * estimate within a stated tolerance of it, and the same estimate (to rounding) when the
 * rows are permuted, the data translated, or scaled by a positive factor.
 *
 * The cases are built symmetric: rows come in pairs x and 2 mu - x (some at mu), so any
 * estimator that treats rows alike and commutes with the reflection x -> 2 mu - x returns
 * mu: the sample mean, the coordinate-wise median and trimmed mean, the geometric median
 * and the SILO solvers (their weights stay equal on a pair). The median of means averages
 * seeded random blocks, which breaks the symmetry: it is held to the inliers' spread, and
 * to mu exactly where it has one block (n eps < 1: the sample mean). Entries are
 * multiples of 1/64 before a column's factor, so 2 mu - x is exact.
 *
 * Tolerances are relative to a column's scale (the largest |entry|, or the inliers'
 * spread when there are far outliers), plus two units in the last place of the answer. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

/* |estimate - truth| <= TOL * scale: rounding (of sums of far outliers, of subnormal
 * data), for the direct methods and the geometric median. */
#define TOL 1e-9
/* The SILO solvers stop at a point whose stationarity gap is within 2% of F. On
 * symmetric data mu is such a point but a saddle of F (moving weight from a row to its
 * mirror image moves the mean and lowers F), so rounding can tip a solver off it before
 * it stops: measured up to 1.4e-4 of the spread (pgd, data near 1e-300 scaled by 1000). */
#define TOL_SILO 1e-3

typedef struct edge {
    const char *name;
    size_t n, d;
    double *X;
    double eps;
    double *truth; /* d values */
    double *scale; /* d values; 0 for a column that must come out exact */
    double mom_spread; /* the median of means is within mom_spread * scale of the truth */
    int filter_fails;  /* the filter's documented failure: with n < d it runs on to a
                          single row (its steps ignore the cap); it must then say that its
                          result is not certified */
} edge;

static void edge_free(edge *e)
{
    free(e->X);
    free(e->truth);
    free(e->scale);
}

/* `pairs` distinct rows mu + spread * k / 64 (|k| <= 64), each with its reflection, every
 * one repeated `copies` times; `centre` rows at mu; `far` pairs at mu +- 1e6 * spread * r
 * (r a random sign vector). Rows shuffled. scale = spread, or the largest |entry| when
 * there are no outliers and it is larger. */
static edge symmetric(const char *name, size_t d, const double *mu, double spread, size_t pairs,
                      size_t copies, size_t centre, size_t far, double eps, uint64_t seed)
{
    edge e = {name, 2 * pairs * copies + centre + 2 * far, d, NULL, eps, NULL, NULL, 1.0, 0};
    e.X = malloc(e.n * d * sizeof *e.X);
    e.truth = malloc(d * sizeof *e.truth);
    e.scale = malloc(d * sizeof *e.scale);
    tu_rng r = {seed};
    size_t i = 0;
    for (size_t p = 0; p < pairs; p++) {
        double *row = e.X + i * d;
        for (size_t j = 0; j < d; j++)
            row[j] = mu[j] + spread * (double)((int)(tu_next(&r) % 129) - 64) / 64.0;
        for (size_t j = 0; j < d; j++)
            row[d + j] = 2.0 * mu[j] - row[j];
        for (size_t c = 1; c < copies; c++)
            memcpy(row + 2 * c * d, row, 2 * d * sizeof *row);
        i += 2 * copies;
    }
    for (size_t c = 0; c < centre; c++, i++)
        memcpy(e.X + i * d, mu, d * sizeof *mu);
    for (size_t f = 0; f < far; f++, i += 2)
        for (size_t j = 0; j < d; j++) {
            double away = 1e6 * spread * (tu_next(&r) & 1 ? 1.0 : -1.0);
            e.X[i * d + j] = mu[j] + away;
            e.X[(i + 1) * d + j] = mu[j] - away;
        }
    for (size_t k = e.n; k > 1; k--) { /* shuffle the rows */
        size_t t = tu_next(&r) % k;
        for (size_t j = 0; j < d; j++) {
            double v = e.X[(k - 1) * d + j];
            e.X[(k - 1) * d + j] = e.X[t * d + j];
            e.X[t * d + j] = v;
        }
    }
    for (size_t j = 0; j < d; j++) {
        e.truth[j] = mu[j];
        e.scale[j] = spread;
        if (far == 0)
            for (size_t k = 0; k < e.n; k++)
                e.scale[j] = fmax(e.scale[j], fabs(e.X[k * d + j]));
    }
    return e;
}

/* Multiply column j by factor[j] (and its truth and scale with it). */
static void scale_columns(edge *e, const double *factor)
{
    for (size_t k = 0; k < e->n * e->d; k++)
        e->X[k] *= factor[k % e->d];
    for (size_t j = 0; j < e->d; j++) {
        e->truth[j] *= factor[j];
        e->scale[j] *= fabs(factor[j]);
    }
}

static double ulp(double x)
{
    x = fabs(x);
    return nextafter(x, INFINITY) - x;
}

static int run(const edge *e, const double *X, const char *method, double *mean, rm_report *rep)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = e->eps;
    int s = rm_mean(X, e->n, e->d, &opt, mean, rep);
    cr_assert(s == RM_OK || s == RM_NOT_CONVERGED, "%s, %s: %s", e->name, method, rm_strerror(s));
    for (size_t j = 0; j < e->d; j++)
        cr_assert(isfinite(mean[j]), "%s, %s: coordinate %zu is %g", e->name, method, j, mean[j]);
    return s;
}

/* |got - want| within tol * scale (per column) plus two ulps of want, plus slack (NULL:
 * none). */
static void expect_near(const edge *e, const char *method, const char *what, const double *got,
                        const double *want, const double *scale, double tol,
                        const double *slack)
{
    for (size_t j = 0; j < e->d; j++) {
        double err = fabs(got[j] - want[j]);
        double allowed = tol * scale[j] + 2 * ulp(want[j]) + (slack ? slack[j] : 0.0);
        cr_assert(err <= allowed, "%s, %s, %s: coordinate %zu is %.17g, want %.17g (error %g > %g)",
                  e->name, method, what, j, got[j], want[j], err, allowed);
    }
}

/* The estimate of every method against the truth, then under a permutation of the rows,
 * a translation and a positive scaling of the data. */
static void check_case(edge *e)
{
    size_t n = e->n, d = e->d;
    double *Y = malloc(n * d * sizeof *Y), *base = malloc(d * sizeof *base),
           *moved = malloc(d * sizeof *moved), *want = malloc(d * sizeof *want),
           *shift = malloc(d * sizeof *shift), *scale2 = malloc(d * sizeof *scale2),
           *slack = malloc(d * sizeof *slack);
    size_t *perm = tu_permutation(n, 99);
    /* A translation by a quarter of each column's largest |entry| (less if that would
     * overflow), and a scaling by 1000 (1/1000 for data near the top of the range). */
    double big = 0.0;
    for (size_t j = 0; j < d; j++) {
        double top = 0.0;
        for (size_t i = 0; i < n; i++)
            top = fmax(top, fabs(e->X[i * d + j]));
        big = fmax(big, top);
        shift[j] = top / 4;
        while (!isfinite(top + shift[j]))
            shift[j] /= 2;
    }
    double factor = big > 1e300 ? 1e-3 : 1e3;
    for (size_t m = 0; m < rm_method_count(); m++) {
        const char *method = rm_method_at(m)->name;
        int is_mom = strcmp(method, "mom") == 0;
        int silo = rm_method_at(m)->weights_rows && strcmp(method, "mean") != 0;
        double tol = silo ? TOL_SILO : TOL;
        rm_report rep;
        run(e, e->X, method, base, &rep);
        if (e->filter_fails && strcmp(method, "filter") == 0) {
            cr_assert_eq(rep.certified, 0, "%s: the filter certifies a single row", e->name);
            continue;
        }
        expect_near(e, method, "estimate", base, e->truth, e->scale, is_mom ? e->mom_spread : tol,
                    NULL);
        /* rows permuted */
        for (size_t i = 0; i < n; i++)
            memcpy(Y + i * d, e->X + perm[i] * d, d * sizeof *Y);
        run(e, Y, method, moved, NULL);
        expect_near(e, method, "permuted", moved, base, e->scale, tol, NULL);
        /* translated */
        for (size_t k = 0; k < n * d; k++)
            Y[k] = e->X[k] + shift[k % d];
        run(e, Y, method, moved, NULL);
        for (size_t j = 0; j < d; j++) {
            want[j] = base[j] + shift[j];
            slack[j] = e->scale[j] > 0 ? ulp(shift[j]) : 0.0; /* the data's own rounding */
        }
        expect_near(e, method, "translated", moved, want, e->scale, tol, slack);
        /* scaled */
        for (size_t k = 0; k < n * d; k++)
            Y[k] = e->X[k] * factor;
        run(e, Y, method, moved, NULL);
        for (size_t j = 0; j < d; j++) {
            want[j] = base[j] * factor;
            scale2[j] = e->scale[j] * factor;
            slack[j] = factor * ulp(base[j]); /* base's own rounding, magnified */
        }
        expect_near(e, method, "scaled", moved, want, scale2, tol, slack);
    }
    free(Y);
    free(base);
    free(moved);
    free(want);
    free(shift);
    free(scale2);
    free(slack);
    free(perm);
    edge_free(e);
}

Test(edge, one_row)
{
    double mu[3] = {1.5, -2.0, 1e300};
    edge e = symmetric("n = 1", 3, mu, 0.0, 0, 1, 1, 0, 0.1, 1);
    for (size_t j = 0; j < 3; j++)
        e.scale[j] = 0.0; /* the row itself, exactly */
    e.mom_spread = 0.0;
    check_case(&e);
}

Test(edge, one_column)
{
    double mu[1] = {7.25};
    /* 161 inliers within 8 of mu, 40 rows a million times farther: eps = 0.2 */
    edge e = symmetric("d = 1", 1, mu, 8.0, 80, 1, 1, 20, 0.2, 2);
    check_case(&e);
}

Test(edge, fewer_rows_than_columns)
{
    double mu[40];
    for (size_t j = 0; j < 40; j++)
        mu[j] = (double)j - 12.5;
    edge e = symmetric("n < d", 40, mu, 3.0, 3, 1, 0, 0, 0.1, 3); /* n = 6: mom is the mean */
    e.mom_spread = TOL;
    e.filter_fails = 1;
    check_case(&e);
}

Test(edge, two_rows_with_eps_n_rounding_to_0_or_1)
{
    double mu[3] = {1.0, -4.5, 1e3};
    const double eps[2] = {0.2, 0.3}; /* eps n = 0.4 and 0.6 */
    for (size_t k = 0; k < 2; k++) {
        edge e = symmetric(k ? "n = 2, eps n = 0.6" : "n = 2, eps n = 0.4", 3, mu, 2.0, 1, 1,
                           0, 0, eps[k], 4);
        e.mom_spread = TOL; /* one block: the mean */
        check_case(&e);
    }
}

Test(edge, all_rows_identical)
{
    double mu[4] = {3.5, -1e-3, 1e300, 0.0};
    edge e = symmetric("identical rows", 4, mu, 0.0, 0, 1, 50, 0, 0.1, 5);
    for (size_t j = 0; j < 4; j++)
        e.scale[j] = 0.0; /* exactly the row */
    e.mom_spread = 0.0;
    check_case(&e);
}

Test(edge, constant_column)
{
    double mu[5] = {1.0, 2.0, 0.1, -3.0, 40.0};
    edge e = symmetric("constant column", 5, mu, 1.0, 60, 1, 1, 6, 0.1, 6);
    for (size_t i = 0; i < e.n; i++)
        e.X[i * 5 + 2] = 0.1;
    e.scale[2] = 0.0; /* exactly 0.1 */
    check_case(&e);
}

Test(edge, many_duplicate_rows)
{
    double mu[4] = {-1.0, 0.5, 2.0, 8.0};
    /* 2 distinct rows, 120 copies each, 40 at mu, and 20 far rows: n = 300 */
    edge e = symmetric("duplicates", 4, mu, 1.0, 1, 120, 40, 10, 0.1, 7);
    check_case(&e);
}

Test(edge, values_near_1e300_and_1e_minus_300)
{
    double mu[3] = {1.0, -2.0, 0.5};
    const double huge[3] = {1e300, -1e300, 3e299}, tiny[3] = {1e-300, -1e-300, 1e-310};
    edge e = symmetric("near 1e300", 3, mu, 1.0, 45, 1, 1, 5, 0.1, 8); /* n = 101 */
    scale_columns(&e, huge);
    check_case(&e);
    e = symmetric("near 1e-300", 3, mu, 1.0, 45, 1, 1, 5, 0.1, 8);
    scale_columns(&e, tiny);
    check_case(&e);
    /* at the top of the range: differences of entries overflow */
    double top_mu[2] = {0.0, 50.0};
    const double top[2] = {1e306, -1e306};
    e = symmetric("near DBL_MAX", 2, top_mu, 100.0, 30, 1, 1, 0, 0.1, 9);
    scale_columns(&e, top);
    check_case(&e);
}

Test(edge, a_column_1e12_times_larger)
{
    double mu[3] = {1.0, -2.0, 0.25};
    const double factor[3] = {1.0, 1e12, 1.0};
    edge e = symmetric("column 1e12 larger", 3, mu, 1.0, 50, 1, 1, 5, 0.1, 10);
    scale_columns(&e, factor);
    check_case(&e); /* each column to its own scale: the small ones are not swamped */
}

Test(edge, a_column_of_subnormals_beside_one_of_hundreds)
{
    /* integers 0..128 in units of 2^-1074 (exact), beside a column near 100: one scale
     * for both leaves the small column's z values below the normal range, found by
     * fuzz_mean (the SILO solvers returned the median, the geometric median 128 units) */
    double mu[2] = {100.0, 64.0};
    const double factor[2] = {1.0, 0x1p-1074};
    edge e = symmetric("subnormal column", 2, mu, 64.0, 50, 1, 1, 5, 0.1, 13);
    scale_columns(&e, factor);
    check_case(&e);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The same column in data without symmetry: there the median is not the answer. The
 * weighted methods return sum w_i x_i for the weights they report; the geometric median
 * y, in a column too small to move the distances, the mean weighted by 1/|y - x_i|; the
 * median and the trimmed mean, those of the sorted column; the median of means, a value
 * in the column's range. */
Test(edge, a_column_of_subnormals_takes_the_methods_own_weights)
{
    enum { N = 200, D = 3 };
    static double X[N * D];
    tu_rng r = {17};
    for (size_t i = 0; i < N; i++) {
        int outlier = i % 10 == 0;
        X[i * D] = 100.0 + tu_normal(&r) + (outlier ? 40.0 : 0.0);
        X[i * D + 1] = -50.0 + tu_normal(&r);
        X[i * D + 2] = (double)(tu_next(&r) % (outlier ? 3000 : 1000)) * 0x1p-1074;
    }
    double sorted[N]; /* the column in units of 2^-1074, sorted */
    for (size_t i = 0; i < N; i++)
        sorted[i] = X[i * D + 2] / 0x1p-1074;
    qsort(sorted, N, sizeof *sorted, cmp_double);
    for (size_t m = 0; m < rm_method_count(); m++) {
        const rm_method_info *info = rm_method_at(m);
        rm_options opt;
        rm_options_init(&opt);
        opt.method = info->name;
        opt.eps = 0.1;
        double mean[D], w[N], want = 0.0, sum = 0.0;
        int status = info->weights_rows ? rm_mean_weights(X, N, D, &opt, mean, w, NULL)
                                        : rm_mean(X, N, D, &opt, mean, NULL);
        cr_assert(status == RM_OK || status == RM_NOT_CONVERGED, "%s", info->name);
        if (info->weights_rows) {
            for (size_t i = 0; i < N; i++)
                want += w[i] * (X[i * D + 2] / 0x1p-1074); /* in units: no rounding to them */
        } else if (strcmp(info->name, "geomedian") == 0) {
            for (size_t i = 0; i < N; i++) {
                double dist = hypot(X[i * D] - mean[0], X[i * D + 1] - mean[1]);
                want += X[i * D + 2] / 0x1p-1074 / dist;
                sum += 1.0 / dist;
            }
            want /= sum;
        } else if (strcmp(info->name, "median") == 0) {
            want = (sorted[N / 2 - 1] + sorted[N / 2]) / 2.0; /* even N: the midpoint */
        } else if (strcmp(info->name, "trimmed") == 0) {
            size_t k = (size_t)floor(opt.eps * N); /* floor(eps n) off each end */
            for (size_t i = k; i < N - k; i++)
                want += sorted[i];
            want /= (double)(N - 2 * k);
        } else { /* mom: an average of block means, so within the column's range */
            cr_assert_str_eq(info->name, "mom", "a method this test does not know");
            cr_assert(isfinite(mean[2]) && mean[2] >= sorted[0] * 0x1p-1074 &&
                          mean[2] <= sorted[N - 1] * 0x1p-1074,
                      "mom: %g units outside [%g, %g]", mean[2] / 0x1p-1074, sorted[0],
                      sorted[N - 1]);
            continue;
        }
        /* in units of 2^-1074: one for the rounding of the result */
        double err = fabs(mean[2] / 0x1p-1074 - want);
        cr_assert_leq(err, 1.0, "%s: %g units from %g", info->name, err, want);
    }
}

Test(edge, data_shifted_by_1e15)
{
    /* multiples of 1/8 (spread 8), so 1e15 + x is exact */
    double mu[3] = {1e15, 1e15 + 0.5, -1e15};
    edge e = symmetric("shifted by 1e15", 3, mu, 8.0, 50, 1, 1, 5, 0.1, 11);
    check_case(&e);
}

/* Integers written out with thousands of digits read as strtod reads them, and estimate
 * like any other data. */
Test(edge, integers_with_thousands_of_digits)
{
    double mu[2] = {1000.0, 5000.0};
    edge e = symmetric("long integers", 2, mu, 64.0, 30, 1, 1, 0, 0.1, 12);
    size_t cap = e.n * 2600, len = 0;
    char *text = malloc(cap);
    char zeros[2001];
    memset(zeros, '0', 2000);
    zeros[2000] = '\0';
    for (size_t i = 0; i < e.n; i++) {
        /* column 1: 2000 leading zeros; column 2: the integer times 10^296 (300 digits) */
        len += (size_t)snprintf(text + len, cap - len, "%s%.0f,%.0f%.296s\n", zeros,
                                e.X[i * 2], e.X[i * 2 + 1], zeros);
    }
    char *path = tu_temp_text(".csv", text);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, e.n);
    const char *line = text;
    for (size_t i = 0; i < e.n; i++) {
        char *end;
        double a = strtod(line, &end), b = strtod(end + 1, &end);
        cr_assert_eq(data.values[i * 2], a, "row %zu", i);
        cr_assert_eq(data.values[i * 2 + 1], b, "row %zu", i);
        cr_assert_eq(a, e.X[i * 2]);
        line = end + 1;
    }
    memcpy(e.X, data.values, e.n * 2 * sizeof *e.X);
    e.truth[1] = 5e299;
    e.scale[1] *= 1e296;
    rm_data_free(&data);
    tu_remove(path);
    check_case(&e);
    free(text);
    /* one digit more than the range holds: a clear error naming the place */
    char bad[512];
    snprintf(bad, sizeof bad, "1,2\n3,1%.400s\n", zeros);
    path = tu_temp_text(".csv", bad);
    cr_assert_eq(rm_read_file(path, NULL, &data, &err), RM_ERANGE);
    cr_assert_not_null(strstr(err.message, "line 2 (data row 2), column 2"), "%s", err.message);
    cr_assert_not_null(strstr(err.message, "outside the range of double"), "%s", err.message);
    tu_remove(path);
}
