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
#include "estimate.h"
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

/* The first non-finite value of X (there is one): "row R, column C holds NaN", the row
 * counted from `first` (its global number when the rows are spread over processes). */
static void say_nonfinite(const rm_matrix *X, size_t first, char *message, size_t size)
{
    for (size_t i = 0; i < X->n; i++)
        for (size_t j = 0; j < X->d; j++) {
            double v = rm_matrix_at(X, i, j);
            if (!isfinite(v)) {
                snprintf(message, size, "data row %zu, column %zu holds %s", first + i + 1,
                         j + 1, isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf");
                return;
            }
        }
}

static int validate(const rm_matrix *X, const rm_row_range *range, const rm_options *opt,
                    const double *mean, const double *weights, int want_weights,
                    const rm_method **method, rm_report *rep)
{
    size_t n = X->n, d = X->d;
    size_t total = range ? rm_row_range_total(range) : n;
    /* Spread over processes, one may hold no rows (and no matrix). */
    int no_rows = n == 0 && range;
    if ((!X->f64 && !X->f32 && !no_rows) || !mean || total == 0 || d == 0 ||
        (want_weights && !weights && !no_rows))
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
    if (range && !(*method)->spreads) {
        snprintf(rep->message, sizeof rep->message,
                 "method %s does not run on rows spread over processes yet", (*method)->info.name);
        return RM_EUNSUPPORTED;
    }
    if (!no_rows && !rm_matrix_all_finite(X, opt->threads)) {
        if (range)
            say_nonfinite(X, rm_row_range_first(range), rep->message, sizeof rep->message);
        return RM_ENONFINITE;
    }
    return RM_OK;
}

int rm_estimate_rows(const rm_matrix *X, const rm_row_range *range, const rm_options *opt,
                     double *mean, double *weights, int want_weights, rm_report *report)
{
    size_t n = X->n, d = X->d;
    double start = rm_clock_seconds();
    rm_options defaults;
    rm_report local, *rep = report;
    opt = begin(opt, &defaults, &rep, &local, range ? rm_row_range_total(range) : n, d);

    const rm_method *method = NULL;
    rm_matrix laid = *X;
    laid.by_columns = opt->layout == RM_LAYOUT_COLUMNS;
    X = &laid;
    int status = validate(X, range, opt, mean, weights, want_weights, &method, rep);
    if (method)
        rep->method = method->info.name;
    double *estimate = NULL;
    if (status == RM_OK) {
        estimate = rm_alloc_array(d, sizeof(double));
        if (!estimate)
            status = RM_ENOMEM;
    }
    /* Spread over processes, all go on or all stop, with the same words. */
    int own = status;
    status = rm_row_range_agree(range, status, rep->message);
    if (status != own)
        rep->invalid_option = NULL;
    int started = status == RM_OK;
    if (started) {
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
                              .weights = want_weights ? weights : NULL,
                              .range = range};
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
    if (range && started) /* an interrupt seen on one process stops them all */
        status = rm_row_range_agree(range, status, rep->message);
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
    return rm_estimate_rows(&M, NULL, opt, mean, NULL, 0, report);
}

int rm_mean_float(const float *X, size_t n, size_t d, const rm_options *opt, double *mean,
                  rm_report *report)
{
    rm_matrix M = rm_matrix_of_floats(X, n, d);
    return rm_estimate_rows(&M, NULL, opt, mean, NULL, 0, report);
}

int rm_mean_weights(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
                    double *weights, rm_report *report)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    return rm_estimate_rows(&M, NULL, opt, mean, weights, 1, report);
}

int rm_mean_float_weights(const float *X, size_t n, size_t d, const rm_options *opt,
                          double *mean, double *weights, rm_report *report)
{
    rm_matrix M = rm_matrix_of_floats(X, n, d);
    return rm_estimate_rows(&M, NULL, opt, mean, weights, 1, report);
}
