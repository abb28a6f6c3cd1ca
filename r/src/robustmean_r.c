/* The C side of the R package: R's .Call interface over librobustmean. Everything
 * R-like (arguments, NA handling, the robustmean class and its methods) is in R/; this
 * file converts, calls the library and hands back plain lists. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <R.h>
#include <R_ext/Rdynload.h>
#include <Rinternals.h>

#include "read_rows.h"
#include "robustmean.h"
#include "robustmean_generate.h"

/* ------------------------------------------------------------------------------------ */
/* Options: a named list of the rm_options fields, NULL entries for the defaults        */

static SEXP field(SEXP list, const char *name)
{
    SEXP names = Rf_getAttrib(list, R_NamesSymbol);
    for (R_xlen_t k = 0; k < Rf_xlength(list); k++)
        if (strcmp(CHAR(STRING_ELT(names, k)), name) == 0)
            return VECTOR_ELT(list, k);
    return R_NilValue;
}

static int given(SEXP v) { return v != R_NilValue; }

static double number(SEXP v, const char *name)
{
    if (!(Rf_isReal(v) || Rf_isInteger(v)) || Rf_xlength(v) != 1)
        Rf_error("%s must be a single number", name);
    double x = Rf_asReal(v);
    if (ISNA(x))
        Rf_error("%s must not be NA", name);
    return x;
}

static size_t count(SEXP v, const char *name)
{
    double x = number(v, name);
    if (!(x >= 0) || x != floor(x) || x > 9007199254740992.0)
        Rf_error("%s must be a whole number >= 0, not %g", name, x);
    return (size_t)x;
}

static const char *text(SEXP v, const char *name)
{
    if (!Rf_isString(v) || Rf_xlength(v) != 1 || STRING_ELT(v, 0) == NA_STRING)
        Rf_error("%s must be a single string", name);
    return CHAR(STRING_ELT(v, 0));
}

typedef struct named {
    const char *name;
    int value;
} named;

static int choice(SEXP v, const char *name, const named *table)
{
    const char *s = text(v, name);
    char accepted[96] = "";
    for (const named *t = table; t->name; t++) {
        if (strcmp(s, t->name) == 0)
            return t->value;
        snprintf(accepted + strlen(accepted), sizeof accepted - strlen(accepted), "%s\"%s\"",
                 t == table ? "" : ", ", t->name);
    }
    Rf_error("%s must be one of %s, not \"%s\"", name, accepted, s);
    return 0;
}

static const named oracles[] = {
    {"auto", RM_ORACLE_AUTO}, {"lanczos", RM_ORACLE_LANCZOS}, {"dense", RM_ORACLE_DENSE}, {NULL, 0}};
static const named scalings[] = {
    {"auto", RM_SCALING_AUTO}, {"none", RM_SCALING_NONE}, {"robust", RM_SCALING_ROBUST}, {NULL, 0}};
static const named shapings[] = {
    {"auto", RM_SHAPING_AUTO}, {"none", RM_SHAPING_NONE}, {"always", RM_SHAPING_ALWAYS}, {NULL, 0}};

static void options_from(SEXP list, rm_options *opt)
{
    rm_options_init(opt);
    SEXP v;
    if (given(v = field(list, "method")))
        opt->method = text(v, "method");
    if (given(v = field(list, "eps"))) {
        if (Rf_isString(v) && Rf_xlength(v) == 1 && strcmp(CHAR(STRING_ELT(v, 0)), "auto") == 0)
            opt->eps = RM_EPS_AUTO;
        else
            opt->eps = number(v, "eps");
    }
    if (given(v = field(list, "seed")))
        opt->seed = (uint64_t)count(v, "seed");
    if (given(v = field(list, "max_iter")))
        opt->max_iter = count(v, "max_iter");
    if (given(v = field(list, "tol")))
        opt->tol = number(v, "tol");
    if (given(v = field(list, "blocks")))
        opt->blocks = count(v, "blocks");
    if (given(v = field(list, "delta")))
        opt->delta = number(v, "delta");
    if (given(v = field(list, "sigma")))
        opt->sigma = number(v, "sigma");
    if (given(v = field(list, "max_seconds")))
        opt->max_seconds = number(v, "max_seconds");
    if (given(v = field(list, "max_directions")))
        opt->max_directions = count(v, "max_directions");
    if (given(v = field(list, "threads"))) {
        size_t t = count(v, "threads");
        if (t > RM_MAX_THREADS)
            Rf_error("threads must be at most %d, not %zu", RM_MAX_THREADS, t);
        opt->threads = (int)t;
    }
    if (given(v = field(list, "oracle")))
        opt->oracle = (rm_oracle)choice(v, "oracle", oracles);
    if (given(v = field(list, "column_scaling")))
        opt->column_scaling = (rm_scaling)choice(v, "column_scaling", scalings);
    if (given(v = field(list, "shaping")))
        opt->shaping = (rm_shaping)choice(v, "shaping", shapings);
}

/* ------------------------------------------------------------------------------------ */
/* Results                                                                              */

typedef struct entry {
    const char *name;
    SEXP value;
} entry;

static SEXP named_list(entry *e, int k)
{
    SEXP list = PROTECT(Rf_allocVector(VECSXP, k)), names = PROTECT(Rf_allocVector(STRSXP, k));
    for (int i = 0; i < k; i++) {
        SET_VECTOR_ELT(list, i, e[i].value);
        SET_STRING_ELT(names, i, Rf_mkChar(e[i].name));
    }
    Rf_setAttrib(list, R_NamesSymbol, names);
    UNPROTECT(2);
    return list;
}

/* A number, NA where the library says "not measured" (NaN). */
static SEXP real(double x) { return Rf_ScalarReal(isnan(x) ? NA_REAL : x); }
static SEXP flag(int x) { return Rf_ScalarLogical(x != 0); }
static SEXP str(const char *s) { return Rf_mkString(s ? s : ""); }

/* The report, its names as in the command line's --format json. Each value is protected
 * by the list as soon as it is made. */
static SEXP report_list(const rm_report *r)
{
    enum { FIELDS = 38 };
    SEXP list = PROTECT(Rf_allocVector(VECSXP, FIELDS)),
         names = PROTECT(Rf_allocVector(STRSXP, FIELDS));
    int k = 0;
#define PUT(name, value)                                                                      \
    do {                                                                                      \
        SET_STRING_ELT(names, k, Rf_mkChar(name));                                            \
        SET_VECTOR_ELT(list, k++, value);                                                     \
    } while (0)
    PUT("method", str(r->method));
    PUT("converged", flag(r->converged));
    PUT("stop_reason", str(r->stop_reason));
    PUT("n", real((double)r->n));
    PUT("d", real((double)r->d));
    PUT("eps", r->eps == RM_EPS_AUTO ? str("auto") : real(r->eps));
    PUT("seed", real((double)r->seed));
    PUT("iterations", real((double)r->iterations));
    PUT("objective", real(r->objective));
    PUT("seconds", real(r->seconds));
    PUT("oracle", str(r->oracle));
    PUT("products", real((double)r->products));
    PUT("passes", real((double)r->passes));
    PUT("gap", real(r->gap));
    PUT("directions", real((double)r->directions));
    PUT("certified", flag(r->certified));
    PUT("guarantee", flag(r->guarantee));
    PUT("bound_objective", real(r->bound_objective));
    PUT("bound_error", real(r->bound_error));
    PUT("sigma_certificate", real(r->sigma_certificate));
    PUT("weight_cap", real(r->weight_cap));
    PUT("outlier_count", real((double)r->outliers));
    PUT("outlier_fraction", real(r->outlier_fraction));
    PUT("eps_check", real(r->eps_check));
    PUT("eps_chosen", real(r->eps_chosen));
    PUT("consistent", flag(r->consistent));
    PUT("eps_check_shift", real(r->eps_check_shift));
    PUT("eps_check_excess", real(r->eps_check_excess));
    PUT("eps_contradicted", flag(r->eps_contradicted));
    PUT("eps_check_in_metric", flag(r->eps_check_in_metric));
    PUT("columns_scaled", flag(r->columns_scaled));
    PUT("anisotropy", real(r->anisotropy));
    PUT("shape_gain", real(r->shape_gain));
    PUT("shape_refined", flag(r->shape_refined));
    PUT("shape_shift", real(r->shape_shift));
    PUT("shape_radius", real(r->shape_radius));
    PUT("status", Rf_ScalarInteger(r->status));
    PUT("stop", Rf_ScalarInteger((int)r->stop));
#undef PUT
    Rf_setAttrib(list, R_NamesSymbol, names);
    UNPROTECT(2);
    return list;
}

/* ------------------------------------------------------------------------------------ */
/* Entry points                                                                         */

/* Ctrl-C: R marks an interrupt pending; checking for it from C jumps to the handler,
 * so the check runs in a top-level context that catches the jump (R_ToplevelExec
 * returns FALSE then). The library's hook latches, as rm_options.interrupt asks. */
static void check_interrupt(void *unused)
{
    (void)unused;
    R_CheckUserInterrupt();
}

static int interrupted(void *latch)
{
    int *flag = latch;
    if (!*flag && !R_ToplevelExec(check_interrupt, NULL))
        *flag = 1;
    return *flag;
}

/* The estimate on x (a double matrix, n x d, column-major as R holds it): list(mean,
 * weights or NULL, report, interrupted). */
static SEXP r_estimate(SEXP x, SEXP options, SEXP want_weights)
{
    if (!Rf_isReal(x) || !Rf_isMatrix(x))
        Rf_error("x must be a numeric matrix");
    size_t n = (size_t)Rf_nrows(x), d = (size_t)Rf_ncols(x);
    if (n == 0 || d == 0)
        Rf_error("x has no %s (%zu x %zu)", n == 0 ? "rows" : "columns", n, d);
    rm_options opt;
    options_from(options, &opt);
    /* R holds columns: the library reads them where they lie */
    opt.layout = RM_LAYOUT_COLUMNS;
    const double *columns = REAL(x);
    int weights = Rf_asLogical(want_weights) == TRUE, latch = 0;
    opt.interrupt = interrupted;
    opt.interrupt_data = &latch;
    SEXP mean = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)d)),
         w = PROTECT(weights ? Rf_allocVector(REALSXP, (R_xlen_t)n) : R_NilValue);
    rm_report rep;
    int status = weights ? rm_mean_weights(columns, n, d, &opt, REAL(mean), REAL(w), &rep)
                         : rm_mean(columns, n, d, &opt, REAL(mean), &rep);
    if (status == RM_ENONFINITE) /* the library says only that there is one: where */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < d; j++) {
                double v = columns[j * n + i];
                if (!R_FINITE(v))
                    Rf_error("x[%zu, %zu] is %s", i + 1, j + 1,
                             ISNA(v) ? "NA" : ISNAN(v) ? "NaN" : "infinite");
            }
    if (status < 0) {
        const char *words = rep.message[0] ? rep.message : rm_strerror(status);
        if (rep.invalid_option && !strstr(words, rep.invalid_option))
            Rf_error("%s: %s", rep.invalid_option, words);
        Rf_error("%s", words);
    }
    SEXP report = PROTECT(report_list(&rep)), stopped = PROTECT(Rf_ScalarLogical(latch));
    entry out[] = {{"mean", mean}, {"weights", w}, {"report", report}, {"interrupted", stopped}};
    SEXP list = named_list(out, 4);
    UNPROTECT(4);
    return list;
}

static SEXP model_list(size_t k, const rm_model_info *(*at)(size_t))
{
    SEXP name = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k)),
         summary = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k)),
         parameters = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k));
    for (size_t i = 0; i < k; i++) {
        SET_STRING_ELT(name, (R_xlen_t)i, Rf_mkChar(at(i)->name));
        SET_STRING_ELT(summary, (R_xlen_t)i, Rf_mkChar(at(i)->summary));
        SET_STRING_ELT(parameters, (R_xlen_t)i, Rf_mkChar(at(i)->parameters));
    }
    entry e[] = {{"name", name}, {"summary", summary}, {"parameters", parameters}};
    SEXP list = named_list(e, 3);
    UNPROTECT(3);
    return list;
}

/* The corruption and inlier models: list(corruption, inliers), each a list of columns. */
static SEXP r_models(void)
{
    SEXP c = PROTECT(model_list(rm_corruption_count(), rm_corruption_at)),
         i = PROTECT(model_list(rm_inlier_model_count(), rm_inlier_model_at));
    entry e[] = {{"corruption", c}, {"inliers", i}};
    SEXP list = named_list(e, 2);
    UNPROTECT(2);
    return list;
}

/* The methods: a list of columns. */
static SEXP r_methods(void)
{
    size_t k = rm_method_count();
    SEXP name = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k)),
         summary = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k)),
         weights = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)k)),
         auto_eps = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)k)),
         options = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)k));
    for (size_t i = 0; i < k; i++) {
        const rm_method_info *m = rm_method_at(i);
        SET_STRING_ELT(name, (R_xlen_t)i, Rf_mkChar(m->name));
        SET_STRING_ELT(summary, (R_xlen_t)i, Rf_mkChar(m->summary));
        LOGICAL(weights)[i] = m->weights_rows;
        LOGICAL(auto_eps)[i] = m->auto_eps;
        SET_STRING_ELT(options, (R_xlen_t)i, Rf_mkChar(m->options));
    }
    entry e[] = {{"name", name},
                 {"summary", summary},
                 {"weights_rows", weights},
                 {"auto_eps", auto_eps},
                 {"options", options}};
    SEXP list = named_list(e, 5);
    UNPROTECT(5);
    return list;
}

/* The generators: list(x, mu, inlier, outliers), x an n x d matrix. */
static SEXP r_generate(SEXP options)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    SEXP v;
    if (given(v = field(options, "model")))
        g.corruption = text(v, "model");
    if (given(v = field(options, "inliers")))
        g.inliers = text(v, "inliers");
    if (given(v = field(options, "direction")))
        g.direction = text(v, "direction");
    if (given(v = field(options, "seed")))
        g.seed = (uint64_t)count(v, "seed");
    const struct {
        const char *name;
        double *field;
    } numbers[] = {{"eps", &g.eps},           {"scale", &g.scale},         {"decay", &g.decay},
                   {"nu", &g.nu},             {"separation", &g.separation}, {"spike", &g.spike},
                   {"distance", &g.distance}, {"angle", &g.angle},         {"split", &g.split},
                   {"shift", &g.shift},       {"spread", &g.spread},       {"column_lo", &g.column_lo},
                   {"column_hi", &g.column_hi}};
    for (size_t k = 0; k < sizeof numbers / sizeof *numbers; k++)
        if (given(v = field(options, numbers[k].name)))
            *numbers[k].field = number(v, numbers[k].name);
    const struct {
        const char *name;
        size_t *field;
    } counts[] = {{"n", &g.n}, {"d", &g.d}, {"spikes", &g.spikes}, {"axes", &g.axes}};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
        if (given(v = field(options, counts[k].name)))
            *counts[k].field = count(v, counts[k].name);
    rm_sample s;
    int status = rm_generate(&g, &s);
    if (status != RM_OK)
        Rf_error("cannot generate: %s", rm_strerror(status));
    SEXP x = PROTECT(Rf_allocMatrix(REALSXP, (int)s.n, (int)s.d)),
         mu = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)s.d)),
         inlier = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)s.n)),
         scales = PROTECT(s.column_scales ? Rf_allocVector(REALSXP, (R_xlen_t)s.d) : R_NilValue);
    for (size_t i = 0; i < s.n; i++) {
        for (size_t j = 0; j < s.d; j++)
            REAL(x)[j * s.n + i] = s.X[i * s.d + j];
        LOGICAL(inlier)[i] = s.inlier[i];
    }
    memcpy(REAL(mu), s.mu, s.d * sizeof *s.mu);
    if (s.column_scales)
        memcpy(REAL(scales), s.column_scales, s.d * sizeof(double));
    SEXP outliers = PROTECT(Rf_ScalarReal((double)s.outliers)),
         sigma = PROTECT(Rf_ScalarReal(s.sigma));
    rm_sample_free(&s);
    entry e[] = {{"x", x},           {"mu", mu},       {"inlier", inlier},
                 {"outliers", outliers}, {"sigma", sigma}, {"column_scales", scales}};
    SEXP list = named_list(e, 6);
    UNPROTECT(6);
    return list;
}

static SEXP r_version(void) { return Rf_mkString(rm_version()); }

static const R_CallMethodDef calls[] = {{"rm_r_estimate", (DL_FUNC)&r_estimate, 3},
                                        {"rm_r_models", (DL_FUNC)&r_models, 0},
                                        {"rm_r_methods", (DL_FUNC)&r_methods, 0},
                                        {"rm_r_generate", (DL_FUNC)&r_generate, 1},
                                        {"rm_r_version", (DL_FUNC)&r_version, 0},
                                        {"rm_r_read", (DL_FUNC)&rm_r_read, 9},
                                        {NULL, NULL, 0}};

void R_init_robustmean(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
