/* rm_mean() and its variants: check once, then hand a clean problem to the method. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/blas.h"
#include "common/clock.h"
#include "common/method.h"
#include "common/threads.h"
#include "options.h"

static void report_start(rm_report *rep, size_t n, size_t d, const rm_options *opt)
{
    memset(rep, 0, sizeof *rep);
    rep->method = "";
    rep->stop = RM_STOP_NONE;
    rep->n = n;
    rep->d = d;
    rep->eps = opt->eps;
    rep->seed = opt->seed;
    rep->objective = NAN;
    rep->converged = 1;
    rep->oracle = "";
    rep->gap = NAN;
    rep->bound_objective = NAN;
    rep->bound_error = NAN;
    rep->sigma_certificate = NAN;
    rep->weight_cap = NAN;
    rep->guarantee = 1;
    rep->eps_check = NAN;
    rep->eps_check_shift = NAN;
    rep->eps_check_excess = NAN;
    rep->eps_chosen = NAN;
    rep->outlier_fraction = NAN;
    rep->anisotropy = NAN;
    rep->shape_radius = NAN;
    rep->shape_gain = NAN;
    rep->consistent = 1;
}

/* The start of every call: the options to use (NULL: the defaults, put in *defaults) and
 * the report to fill (NULL: *local), started for n rows of d columns. */
static const rm_options *begin(const rm_options *opt, rm_options *defaults, rm_report **rep,
                               rm_report *local, size_t n, size_t d)
{
    if (!opt) {
        rm_options_init(defaults);
        opt = defaults;
    }
    if (!*rep)
        *rep = local;
    report_start(*rep, n, d, opt);
    return opt;
}

int rm_options_check(const rm_options *opt, rm_report *report)
{
    rm_options defaults;
    rm_report local, *rep = report;
    opt = begin(opt, &defaults, &rep, &local, 0, 0);
    const rm_method *method;
    int status = rm_options_validate(opt, &method, rep);
    if (method)
        rep->method = method->info.name;
    rep->status = status;
    rep->converged = status == RM_OK;
    rep->stop_reason = rm_stop_text(rep->stop);
    return status;
}

static int validate(const rm_matrix *X, const rm_options *opt, const double *mean,
                    const double *weights, int want_weights, const rm_method **method,
                    rm_report *rep)
{
    size_t n = X->n, d = X->d;
    if ((!X->f64 && !X->f32) || !mean || n == 0 || d == 0 || (want_weights && !weights))
        return RM_EINVAL;
    size_t count, bytes;
    if (!rm_mul_size(n, d, &count) || !rm_mul_size(count, sizeof(double), &bytes))
        return RM_EOVERFLOW;
    int status = rm_options_validate(opt, method, rep);
    if (status != RM_OK)
        return status;
    if (want_weights && !(*method)->info.weights_rows) {
        rep->invalid_option = "weights";
        snprintf(rep->message, sizeof rep->message, "method %s does not weight rows",
                 (*method)->info.name);
        return RM_EINVAL;
    }
    if (!rm_matrix_all_finite(X, opt->threads))
        return RM_ENONFINITE;
    return RM_OK;
}

/* Every variant: X holds doubles or floats; weights, when asked for, n doubles. */
static int estimate(const rm_matrix *X, const rm_options *opt, double *mean, double *weights,
                    int want_weights, rm_report *report)
{
    size_t n = X->n, d = X->d;
    double start = rm_clock_seconds();
    rm_options defaults;
    rm_report local, *rep = report;
    opt = begin(opt, &defaults, &rep, &local, n, d);

    const rm_method *method = NULL;
    rm_matrix laid = *X;
    laid.by_columns = opt->layout == RM_LAYOUT_COLUMNS;
    X = &laid;
    int status = validate(X, opt, mean, weights, want_weights, &method, rep);
    if (method)
        rep->method = method->info.name;
    double *estimate = NULL;
    if (status == RM_OK) {
        estimate = rm_alloc_array(d, sizeof(double));
        if (!estimate)
            status = RM_ENOMEM;
    }
    if (status == RM_OK) {
        /* The passes name their team sizes: resolve "one per core" before BLAS is held to
         * this thread (blas.h), which sets this thread's OpenMP default to 1. */
        rm_options resolved = *opt;
        if (resolved.threads == 0)
            resolved.threads = omp_get_max_threads();
        int caller = rm_blas_enter();
        rm_problem problem = {.X = *X,
                              .n = n,
                              .d = d,
                              .eps = opt->eps,
                              .opt = &resolved,
                              .weights = want_weights ? weights : NULL};
        status = method->run(&problem, estimate, rep);
        rm_blas_leave(caller);
    }
    if (status >= 0) {
        /* A non-finite estimate from finite data is a numerical failure, never a result. */
        for (size_t j = 0; j < d; j++)
            if (!isfinite(estimate[j]))
                status = RM_ENUMERIC;
    }
    /* An interrupt stops every stage of a solve at its next check, whichever stage
     * reports last: the call as a whole was interrupted. */
    if (status >= 0 && opt->interrupt && opt->interrupt(opt->interrupt_data)) {
        status = RM_NOT_CONVERGED;
        rep->stop = RM_STOP_INTERRUPTED;
        rep->converged = 0;
    }
    if (status >= 0)
        memcpy(mean, estimate, d * sizeof *mean);
    free(estimate);
    rep->status = status;
    rep->stop_reason = rm_stop_text(rep->stop);
    if (status < 0)
        rep->converged = 0;
    rep->seconds = rm_clock_seconds() - start;
    return status;
}

int rm_mean(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
            rm_report *report)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    return estimate(&M, opt, mean, NULL, 0, report);
}

int rm_mean_float(const float *X, size_t n, size_t d, const rm_options *opt, double *mean,
                  rm_report *report)
{
    rm_matrix M = rm_matrix_of_floats(X, n, d);
    return estimate(&M, opt, mean, NULL, 0, report);
}

int rm_mean_weights(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
                    double *weights, rm_report *report)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    return estimate(&M, opt, mean, weights, 1, report);
}

int rm_mean_float_weights(const float *X, size_t n, size_t d, const rm_options *opt,
                          double *mean, double *weights, rm_report *report)
{
    rm_matrix M = rm_matrix_of_floats(X, n, d);
    return estimate(&M, opt, mean, weights, 1, report);
}
