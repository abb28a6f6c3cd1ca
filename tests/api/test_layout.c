/* Column-major data (rm_options.layout = RM_LAYOUT_COLUMNS), as R and Fortran hold
 * matrices: every method gives the same estimate and weights, to the bit, as on the same
 * matrix row-major, along every path of the SILO solve (column units, the warm start on a
 * sample, the shape step, -e auto), for doubles and floats. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"

static double *columns_of(const double *X, size_t n, size_t d)
{
    double *C = malloc(n * d * sizeof *C);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            C[j * n + i] = X[i * d + j];
    return C;
}

static float *floats_of(const double *X, size_t count)
{
    float *F = malloc(count * sizeof *F);
    for (size_t k = 0; k < count; k++)
        F[k] = (float)X[k];
    return F;
}

/* The method on X row-major and on C (the same matrix column-major): the same bits. */
static void expect_same(const char *method, const double *X, const double *C, size_t n,
                        size_t d, double eps, rm_shaping shaping, int single)
{
    const rm_method_info *info = rm_method_find(method);
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = eps;
    if (!strcmp(method, "lowregret") || !strcmp(method, "pgd"))
        opt.shaping = shaping;
    double *mean[2], *w[2];
    rm_report rep[2];
    float *F[2] = {single ? floats_of(X, n * d) : NULL, single ? floats_of(C, n * d) : NULL};
    for (int k = 0; k < 2; k++) {
        opt.layout = k ? RM_LAYOUT_COLUMNS : RM_LAYOUT_ROWS;
        const double *data = k ? C : X;
        mean[k] = malloc(d * sizeof(double));
        w[k] = info->weights_rows ? malloc(n * sizeof(double)) : NULL;
        int status = single ? (w[k] ? rm_mean_float_weights(F[k], n, d, &opt, mean[k], w[k], &rep[k])
                                    : rm_mean_float(F[k], n, d, &opt, mean[k], &rep[k]))
                            : (w[k] ? rm_mean_weights(data, n, d, &opt, mean[k], w[k], &rep[k])
                                    : rm_mean(data, n, d, &opt, mean[k], &rep[k]));
        cr_assert_geq(status, 0, "%s: %s", method, rm_strerror(status));
    }
    cr_assert_eq(memcmp(mean[0], mean[1], d * sizeof(double)), 0, "%s (%s): estimates differ",
                 method, single ? "float" : "double");
    if (w[0])
        cr_assert_eq(memcmp(w[0], w[1], n * sizeof(double)), 0, "%s: weights differ", method);
    cr_assert_eq(rep[0].iterations, rep[1].iterations, "%s", method);
    cr_assert_eq(rep[0].shape_refined, rep[1].shape_refined, "%s", method);
    for (int k = 0; k < 2; k++) {
        free(mean[k]);
        free(w[k]);
        free(F[k]);
    }
}

static rm_sample draw(const char *model, const char *inliers, size_t n, size_t d, double eps)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.corruption = model;
    g.inliers = inliers;
    g.n = n;
    g.d = d;
    g.eps = eps;
    g.seed = 3;
    rm_sample s;
    cr_assert_eq(rm_generate(&g, &s), RM_OK);
    return s;
}

Test(layout, every_method_gives_the_same_bits_by_columns)
{
    rm_sample s = draw("dkk", "gaussian", 700, 13, 0.1);
    double *C = columns_of(s.X, s.n, s.d);
    for (size_t m = 0; m < rm_method_count(); m++)
        for (int single = 0; single < 2; single++)
            expect_same(rm_method_at(m)->name, s.X, C, s.n, s.d, 0.1, RM_SHAPING_AUTO, single);
    free(C);
    rm_sample_free(&s);
}

Test(layout, the_shape_step_and_auto_eps_by_columns)
{
    rm_sample s = draw("population", "spiked", 2000, 30, 0.1);
    double *C = columns_of(s.X, s.n, s.d);
    expect_same("lowregret", s.X, C, s.n, s.d, 0.1, RM_SHAPING_ALWAYS, 0);
    expect_same("pgd", s.X, C, s.n, s.d, 0.1, RM_SHAPING_ALWAYS, 1);
    expect_same("lowregret", s.X, C, s.n, s.d, RM_EPS_AUTO, RM_SHAPING_AUTO, 0);
    free(C);
    rm_sample_free(&s);
}

Test(layout, the_warm_start_on_a_sample_by_columns)
{
    rm_sample s = draw("variance-shell", "gaussian", 120000, 6, 0.1);
    double *C = columns_of(s.X, s.n, s.d);
    expect_same("lowregret", s.X, C, s.n, s.d, 0.1, RM_SHAPING_AUTO, 0);
    free(C);
    rm_sample_free(&s);
}

Test(layout, a_bad_layout_is_named)
{
    double X[6] = {1, 2, 3, 4, 5, 6}, mean[2];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    opt.layout = (rm_layout)2;
    rm_report rep;
    cr_assert_eq(rm_mean(X, 3, 2, &opt, mean, &rep), RM_EINVAL);
    cr_assert_str_eq(rep.invalid_option, "layout");
    cr_assert_not_null(strstr(rep.message, "not 2"));
    /* a 3 x 2 matrix by columns: columns (1, 2, 3) and (4, 5, 6) */
    opt.layout = RM_LAYOUT_COLUMNS;
    cr_assert_eq(rm_mean(X, 3, 2, &opt, mean, &rep), RM_OK);
    cr_assert_eq(mean[0], 2.0);
    cr_assert_eq(mean[1], 5.0);
}
