/* The table of methods and rm_mean(): validate once, then hand a clean problem to the
 * method. Adding a method is one file and one row of `methods`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/blas.h"
#include "common/clock.h"
#include "common/method.h"
#include "common/threads.h"

static const rm_method *const methods[] = {
    &rm_method_lowregret,
    &rm_method_pgd,
    &rm_method_filter,
    &rm_method_mean,
    &rm_method_median,
    &rm_method_trimmed,
    &rm_method_geomedian,
    &rm_method_mom,
};

enum { METHOD_COUNT = sizeof methods / sizeof methods[0] };

static const char default_method[] = "lowregret";

size_t rm_method_count(void) { return METHOD_COUNT; }

const rm_method_info *rm_method_at(size_t i)
{
    return i < METHOD_COUNT ? &methods[i]->info : NULL;
}

static const rm_method *find_method(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < METHOD_COUNT; i++)
        if (strcmp(methods[i]->info.name, name) == 0)
            return methods[i];
    return NULL;
}

const rm_method_info *rm_method_find(const char *name)
{
    const rm_method *m = find_method(name);
    return m ? &m->info : NULL;
}

const char *rm_method_default(void) { return default_method; }

void rm_options_init(rm_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->method = NULL;
    opt->eps = NAN;
    opt->seed = 1;
    opt->weights = NULL;
}

static void report_start(rm_report *rep, size_t n, size_t d, const rm_options *opt)
{
    memset(rep, 0, sizeof *rep);
    rep->method = "";
    rep->stop_reason = "";
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
}

static int validate(const rm_matrix *X, const rm_options *opt, const double *mean,
                    const rm_method **method)
{
    size_t n = X->n, d = X->d;
    if ((!X->f64 && !X->f32) || !mean || n == 0 || d == 0)
        return RM_EINVAL;
    size_t count, bytes;
    if (!rm_mul_size(n, d, &count) || !rm_mul_size(count, sizeof(double), &bytes))
        return RM_EOVERFLOW;
    const char *name = opt->method ? opt->method : default_method;
    *method = find_method(name);
    if (!*method)
        return RM_EMETHOD;
    const rm_method_info *info = &(*method)->info;
    double eps = opt->eps;
    if (info->needs_eps && isnan(eps))
        return RM_EEPS;
    if (!isnan(eps) && !(eps >= info->eps_min && eps < info->eps_max))
        return RM_EEPS;
    if (!(opt->tol >= 0.0) || !isfinite(opt->tol) || !(opt->delta >= 0.0 && opt->delta < 1.0) ||
        !(opt->sigma >= 0.0) || !isfinite(opt->sigma) || !(opt->max_seconds >= 0.0) ||
        opt->max_directions > 16 || opt->oracle < RM_ORACLE_AUTO || opt->oracle > RM_ORACLE_DENSE ||
        opt->threads < 0)
        return RM_EINVAL;
    if (!rm_matrix_all_finite(X, opt->threads))
        return RM_ENONFINITE;
    return RM_OK;
}

/* rm_mean and rm_mean_float: X holds doubles or floats. */
static int estimate_mean(const rm_matrix *X, const rm_options *opt, double *mean,
                         rm_report *report)
{
    size_t n = X->n, d = X->d;
    double start = rm_clock_seconds();
    rm_options defaults;
    if (!opt) {
        rm_options_init(&defaults);
        opt = &defaults;
    }
    rm_report local;
    rm_report *rep = report ? report : &local;
    report_start(rep, n, d, opt);

    const rm_method *method = NULL;
    int status = validate(X, opt, mean, &method);
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
        rm_problem problem = {.X = *X, .n = n, .d = d, .eps = opt->eps, .opt = &resolved};
        status = method->run(&problem, estimate, rep);
        rm_blas_leave(caller);
    }
    if (status >= 0) {
        /* A non-finite estimate from finite data is a numerical failure, never a result. */
        for (size_t j = 0; j < d; j++)
            if (!isfinite(estimate[j]))
                status = RM_ENUMERIC;
    }
    if (status >= 0)
        memcpy(mean, estimate, d * sizeof *mean);
    free(estimate);
    rep->status = status;
    if (status < 0)
        rep->converged = 0;
    rep->seconds = rm_clock_seconds() - start;
    return status;
}

int rm_mean(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
            rm_report *report)
{
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    return estimate_mean(&M, opt, mean, report);
}

int rm_mean_float(const float *X, size_t n, size_t d, const rm_options *opt, double *mean,
                  rm_report *report)
{
    rm_matrix M = rm_matrix_of_floats(X, n, d);
    return estimate_mean(&M, opt, mean, report);
}
