/* The public API exactly as a user program sees it: this file includes robustmean.h and
 * nothing of src/, and links the shared library. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "robustmean.h"

static double X3[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; /* 4 x 3 */

Test(api, version_macros_match_the_library)
{
    cr_assert_str_eq(rm_version(), RM_VERSION_STRING);
    cr_assert_eq(rm_version_number(), (unsigned)RM_VERSION_NUMBER);
    char built[32];
    snprintf(built, sizeof built, "%d.%d.%d", RM_VERSION_MAJOR, RM_VERSION_MINOR,
             RM_VERSION_PATCH);
    cr_assert_str_eq(built, RM_VERSION_STRING);
}

Test(api, options_init_defaults)
{
    rm_options opt;
    memset(&opt, 0xff, sizeof opt);
    rm_options_init(&opt);
    cr_assert_null(opt.method);
    cr_assert(isnan(opt.eps));
    cr_assert_eq(opt.seed, 1);
    cr_assert_eq(opt.max_iter, 0);
    cr_assert_eq(opt.tol, 0.0);
    cr_assert_eq(opt.oracle, RM_ORACLE_AUTO);
    rm_options_init(NULL); /* NULL-safe */
}

Test(api, method_table)
{
    cr_assert_geq(rm_method_count(), 5);
    const char *names[] = {"mean", "median", "trimmed", "geomedian", "mom"};
    for (size_t k = 0; k < 5; k++) {
        const rm_method_info *m = rm_method_find(names[k]);
        cr_assert_not_null(m, "%s", names[k]);
        cr_assert_str_eq(m->name, names[k]);
        cr_assert_gt(strlen(m->summary), 20);
    }
    for (size_t i = 0; i < rm_method_count(); i++)
        cr_assert_not_null(rm_method_at(i));
    cr_assert_null(rm_method_at(rm_method_count()));
    cr_assert_null(rm_method_find("nope"));
    cr_assert_null(rm_method_find(NULL));
    cr_assert_not_null(rm_method_find(rm_method_default()));
}

Test(api, strerror_names_every_code)
{
    for (int code = RM_EUNSUPPORTED; code <= RM_NOT_CONVERGED; code++) {
        const char *s = rm_strerror(code);
        cr_assert_not_null(s);
        cr_assert_neq(strcmp(s, "unknown status code"), 0, "code %d", code);
    }
    cr_assert_str_eq(rm_strerror(12345), "unknown status code");
}

Test(api, null_options_use_the_default_method_which_needs_eps)
{
    double mean[3] = {7, 7, 7};
    cr_assert_eq(rm_mean(X3, 4, 3, NULL, mean, NULL), RM_EEPS);
    cr_assert_eq(mean[0], 7);
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.25;
    cr_assert_eq(rm_mean(X3, 4, 3, &opt, mean, NULL), RM_OK);
    /* four evenly spaced rows: the estimate stays on their line, between the ends */
    for (int j = 0; j < 3; j++) {
        cr_assert_geq(mean[j], X3[j]);
        cr_assert_leq(mean[j], X3[9 + j]);
    }
    cr_assert_float_eq(mean[1] - mean[0], 1.0, 1e-9);
}

Test(api, report_is_filled)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    opt.seed = 99;
    double mean[3], w[4];
    rm_report rep;
    cr_assert_eq(rm_mean_weights(X3, 4, 3, &opt, mean, w, &rep), RM_OK);
    cr_assert_str_eq(rep.method, "mean");
    cr_assert_eq(rep.status, RM_OK);
    cr_assert_eq(rep.converged, 1);
    cr_assert_eq(rep.n, 4);
    cr_assert_eq(rep.d, 3);
    cr_assert_eq(rep.seed, 99);
    cr_assert(isnan(rep.eps));
    cr_assert_geq(rep.seconds, 0.0);
    cr_assert_eq(mean[1], 6.5);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(w[i], 0.25);
}

/* Errors leave mean untouched and name themselves. */
static void expect_error(const double *X, size_t n, size_t d, const rm_options *opt, int want)
{
    double mean[3] = {42, 42, 42};
    rm_report rep;
    int got = rm_mean(X, n, d, opt, X ? mean : NULL, &rep);
    cr_assert_eq(got, want, "got %d (%s), want %d", got, rm_strerror(got), want);
    cr_assert_eq(rep.status, want);
    cr_assert_eq(rep.converged, 0);
    cr_assert_eq(mean[0], 42);
}

Test(api, bad_arguments)
{
    rm_options opt;
    rm_options_init(&opt);
    expect_error(NULL, 4, 3, &opt, RM_EINVAL);
    expect_error(X3, 0, 3, &opt, RM_EINVAL);
    expect_error(X3, 4, 0, &opt, RM_EINVAL);
    expect_error(X3, SIZE_MAX / 2, 3, &opt, RM_EOVERFLOW);
    opt.method = "no-such-method";
    expect_error(X3, 4, 3, &opt, RM_EMETHOD);
    opt.method = "trimmed"; /* needs eps */
    expect_error(X3, 4, 3, &opt, RM_EEPS);
    opt.eps = 0.5;
    expect_error(X3, 4, 3, &opt, RM_EEPS);
    opt.eps = -0.1;
    expect_error(X3, 4, 3, &opt, RM_EEPS);
    opt.eps = 0.1;
    opt.tol = -1;
    expect_error(X3, 4, 3, &opt, RM_EINVAL);
}

static void expect_bad_option(const rm_options *opt, int status, const char *field,
                              const char *words)
{
    rm_report rep;
    cr_assert_eq(rm_options_check(opt, &rep), status, "%s", field);
    cr_assert_str_eq(rep.invalid_option, field);
    cr_assert_not_null(strstr(rep.message, words), "%s: '%s'", field, rep.message);
    double mean[3] = {42, 42, 42};
    cr_assert_eq(rm_mean(X3, 4, 3, opt, mean, &rep), status, "%s", field);
    cr_assert_str_eq(rep.invalid_option, field);
    cr_assert_not_null(strstr(rep.message, words), "%s: '%s'", field, rep.message);
    cr_assert_eq(mean[0], 42);
}

/* A bad option is named by its field and worded, by rm_options_check before any data as by
 * rm_mean; good options pass with no name and no words. */
Test(api, a_bad_option_is_named_and_worded)
{
    rm_options opt;
    rm_report rep;
    rm_options_init(&opt);
    opt.eps = 0.1;
    cr_assert_eq(rm_options_check(&opt, &rep), RM_OK);
    cr_assert_null(rep.invalid_option);
    cr_assert_str_eq(rep.message, "");
    cr_assert_str_eq(rep.method, "lowregret");
    cr_assert_eq(rm_options_check(NULL, &rep), RM_EEPS); /* the default method needs eps */
    cr_assert_str_eq(rep.invalid_option, "eps");

    rm_options o = opt;
    o.method = "nope";
    expect_bad_option(&o, RM_EMETHOD, "method", "unknown method 'nope'");
    o = opt;
    o.eps = NAN;
    expect_bad_option(&o, RM_EEPS, "eps", "method lowregret needs the fraction");
    o.eps = 0.5;
    expect_bad_option(&o, RM_EEPS, "eps", "accepts 0 <= eps < 0.5, not 0.5");
    o = opt;
    o.tol = -1;
    expect_bad_option(&o, RM_EINVAL, "tol", "not -1");
    o.tol = INFINITY;
    expect_bad_option(&o, RM_EINVAL, "tol", "finite");
    o = opt;
    o.delta = 1;
    expect_bad_option(&o, RM_EINVAL, "delta", "[0, 1)");
    o = opt;
    o.sigma = NAN;
    expect_bad_option(&o, RM_EINVAL, "sigma", "finite");
    o = opt;
    o.max_seconds = -2;
    expect_bad_option(&o, RM_EINVAL, "max_seconds", "not -2");
    o = opt;
    o.max_directions = RM_MAX_DIRECTIONS + 1;
    expect_bad_option(&o, RM_EINVAL, "max_directions", "1 to 16");
    o = opt;
    o.oracle = (rm_oracle)7;
    expect_bad_option(&o, RM_EINVAL, "oracle", "not 7");
    o = opt;
    o.column_scaling = (rm_scaling)9;
    expect_bad_option(&o, RM_EINVAL, "column_scaling", "not 9");
    o.column_scaling = RM_SCALING_ROBUST;
    o.sigma = 1.0;
    expect_bad_option(&o, RM_EINVAL, "column_scaling", "cannot be combined with sigma");
    o = opt;
    o.method = "median";
    o.column_scaling = RM_SCALING_NONE;
    expect_bad_option(&o, RM_EINVAL, "column_scaling", "median does not use it");
    o = opt;
    o.threads = RM_MAX_THREADS + 1;
    expect_bad_option(&o, RM_EINVAL, "threads", "1 to 1024");
    o.threads = -1;
    expect_bad_option(&o, RM_EINVAL, "threads", "not -1");
}

/* Weights are an output of their own: asked of a method that weights rows they come back
 * summing to 1; of one that does not, the call fails naming them. */
Test(api, weights_are_an_explicit_output)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "median";
    double mean[3] = {42, 42, 42}, w[4] = {-1, -1, -1, -1};
    rm_report rep;
    cr_assert_eq(rm_mean_weights(X3, 4, 3, &opt, mean, w, &rep), RM_EINVAL);
    cr_assert_str_eq(rep.invalid_option, "weights");
    cr_assert_not_null(strstr(rep.message, "median does not weight rows"), "%s", rep.message);
    cr_assert_eq(mean[0], 42);
    cr_assert_eq(rm_mean_weights(X3, 4, 3, &opt, mean, NULL, &rep), RM_EINVAL);
    opt.method = "pgd";
    opt.eps = 0.25;
    cr_assert_eq(rm_mean_weights(X3, 4, 3, &opt, mean, w, &rep), RM_OK);
    double sum = 0, x0 = 0;
    for (int i = 0; i < 4; i++) {
        cr_assert_geq(w[i], 0.0);
        sum += w[i];
        x0 += w[i] * X3[i * 3];
    }
    cr_assert_float_eq(sum, 1.0, 1e-12);
    cr_assert_float_eq(mean[0], x0, 1e-12, "the estimate is the weights' mean");
}

/* Every stop reason has its words, and the report carries both. */
Test(api, stop_reasons_have_words)
{
    cr_assert_str_eq(rm_stop_text(RM_STOP_NONE), "");
    for (int k = RM_STOP_GAP; k <= RM_STOP_INTERRUPTED; k++) {
        const char *t = rm_stop_text((rm_stop)k);
        cr_assert(t[0] && strcmp(t, "unknown stop reason") != 0, "stop %d", k);
        for (int j = RM_STOP_GAP; j < k; j++)
            cr_assert_str_neq(t, rm_stop_text((rm_stop)j));
    }
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    double mean[3];
    rm_report rep;
    cr_assert_eq(rm_mean(X3, 4, 3, &opt, mean, &rep), RM_OK);
    cr_assert_eq(rep.stop, RM_STOP_NONE);
    cr_assert_str_eq(rep.stop_reason, "");
}

Test(api, non_finite_data_is_refused)
{
    double X[6] = {1, 2, 3, 4, 5, 6};
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.1;
    X[4] = NAN;
    expect_error(X, 2, 3, &opt, RM_ENONFINITE);
    X[4] = INFINITY;
    expect_error(X, 2, 3, &opt, RM_ENONFINITE);
}

Test(api, every_method_runs_on_one_row)
{
    double x[3] = {1.5, -2, 1e300}, mean[3];
    for (size_t i = 0; i < rm_method_count(); i++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.method = rm_method_at(i)->name;
        opt.eps = 0.1;
        int s = rm_mean(x, 1, 3, &opt, mean, NULL);
        cr_assert_eq(s, RM_OK, "%s: %s", opt.method, rm_strerror(s));
        for (int j = 0; j < 3; j++)
            cr_assert_eq(mean[j], x[j], "%s coordinate %d", opt.method, j);
    }
}

Test(api, read_file_and_estimate)
{
    char path[] = "/tmp/rmapiXXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char text[] = "a,b\n1,2\n3,4\n5,600\n";
    cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    rm_read_options ropt;
    rm_read_options_init(&ropt);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, &ropt, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 3);
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "median";
    double mean[2];
    cr_assert_eq(rm_mean(data.values, data.n, data.d, &opt, mean, NULL), RM_OK);
    cr_assert_eq(mean[0], 3);
    cr_assert_eq(mean[1], 4);
    rm_data_free(&data);
    unlink(path);
}
