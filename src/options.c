/* rm_options: its defaults, and the check of every field, a failure named by its field and
 * worded (the CLI passes the words on, naming its own flag). */
#include "options.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "method_table.h"

void rm_options_init(rm_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->method = NULL;
    opt->eps = NAN;
    opt->seed = 1;
    opt->oracle = RM_ORACLE_AUTO;
}

#ifdef __GNUC__
__attribute__((format(printf, 4, 5)))
#endif
static int invalid(rm_report *rep, int status, const char *option, const char *fmt, ...)
{
    rep->invalid_option = option;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof rep->message, fmt, ap);
    va_end(ap);
    return status;
}

/* 1 when the method reads the field (rm_method_info.options). */
static int reads(const rm_method_info *info, const char *field)
{
    size_t len = strlen(field);
    for (const char *p = info->options; (p = strstr(p, field)) != NULL; p += len)
        if ((p == info->options || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}

int rm_options_validate(const rm_options *opt, const rm_method **method, rm_report *rep)
{
    const char *name = opt->method ? opt->method : rm_method_default();
    *method = rm_method_lookup(name);
    if (!*method)
        return invalid(rep, RM_EMETHOD, "method", "unknown method '%.64s'", name);
    const rm_method_info *info = &(*method)->info;
    double eps = opt->eps;
    if (info->needs_eps && isnan(eps))
        return invalid(rep, RM_EEPS, "eps",
                       "method %s needs the fraction of corrupted rows, %g <= eps < %g", name,
                       info->eps_min, info->eps_max);
    if (eps == RM_EPS_AUTO && !info->auto_eps)
        return invalid(rep, RM_EEPS, "eps", "method %s cannot choose eps (RM_EPS_AUTO): give "
                                            "%g <= eps < %g", name, info->eps_min, info->eps_max);
    if (!isnan(eps) && eps != RM_EPS_AUTO && !(eps >= info->eps_min && eps < info->eps_max))
        return invalid(rep, RM_EEPS, "eps", "method %s accepts %g <= eps < %g, not %g", name,
                       info->eps_min, info->eps_max, eps);
    /* an option the method does not read is refused, not ignored: it was given for a
     * reason the method cannot serve */
    const struct {
        const char *name;
        int given;
    } given[] = {
        {"max_iter", opt->max_iter != 0},     {"tol", opt->tol != 0.0},
        {"blocks", opt->blocks != 0},         {"delta", opt->delta != 0.0},
        {"sigma", opt->sigma != 0.0},         {"max_seconds", opt->max_seconds != 0.0},
        {"max_directions", opt->max_directions != 0},
        {"oracle", opt->oracle != RM_ORACLE_AUTO},
        {"column_scaling", opt->column_scaling != RM_SCALING_AUTO},
        {"shaping", opt->shaping != RM_SHAPING_AUTO},
    };
    for (size_t k = 0; k < sizeof given / sizeof given[0]; k++)
        if (given[k].given && !reads(info, given[k].name))
            return invalid(rep, RM_EINVAL, given[k].name,
                           "method %s does not use it (it reads: %s)", name,
                           info->options[0] ? info->options : "none beyond eps");
    if (!(opt->tol >= 0.0 && isfinite(opt->tol)))
        return invalid(rep, RM_EINVAL, "tol",
                       "must be a finite number >= 0 (0: the method's default), not %g",
                       opt->tol);
    if (!(opt->delta >= 0.0 && opt->delta < 1.0))
        return invalid(rep, RM_EINVAL, "delta", "must be in [0, 1) (0: the default), not %g",
                       opt->delta);
    if (!(opt->sigma >= 0.0 && isfinite(opt->sigma)))
        return invalid(rep, RM_EINVAL, "sigma",
                       "must be a finite number >= 0 (0: not known), not %g", opt->sigma);
    if (!(opt->max_seconds >= 0.0))
        return invalid(rep, RM_EINVAL, "max_seconds", "must be >= 0 (0: no budget), not %g",
                       opt->max_seconds);
    if (opt->max_directions > RM_MAX_DIRECTIONS)
        return invalid(rep, RM_EINVAL, "max_directions",
                       "must be 1 to %d (0: the default), not %zu", RM_MAX_DIRECTIONS,
                       opt->max_directions);
    if (opt->oracle != RM_ORACLE_AUTO && opt->oracle != RM_ORACLE_LANCZOS &&
        opt->oracle != RM_ORACLE_DENSE)
        return invalid(rep, RM_EINVAL, "oracle", "must be RM_ORACLE_AUTO, _LANCZOS or _DENSE, "
                                                 "not %d", (int)opt->oracle);
    if (opt->column_scaling != RM_SCALING_AUTO && opt->column_scaling != RM_SCALING_NONE &&
        opt->column_scaling != RM_SCALING_ROBUST)
        return invalid(rep, RM_EINVAL, "column_scaling",
                       "must be RM_SCALING_AUTO, _NONE or _ROBUST, not %d",
                       (int)opt->column_scaling);
    if (opt->column_scaling == RM_SCALING_ROBUST && opt->sigma > 0.0)
        return invalid(rep, RM_EINVAL, "column_scaling",
                       "robust column units cannot be combined with sigma, which is in the "
                       "data's units");
    if (opt->shaping != RM_SHAPING_AUTO && opt->shaping != RM_SHAPING_NONE &&
        opt->shaping != RM_SHAPING_ALWAYS)
        return invalid(rep, RM_EINVAL, "shaping",
                       "must be RM_SHAPING_AUTO, _NONE or _ALWAYS, not %d", (int)opt->shaping);
    if (opt->layout != RM_LAYOUT_ROWS && opt->layout != RM_LAYOUT_COLUMNS)
        return invalid(rep, RM_EINVAL, "layout",
                       "must be RM_LAYOUT_ROWS or RM_LAYOUT_COLUMNS, not %d", (int)opt->layout);
    if (opt->threads < 0 || opt->threads > RM_MAX_THREADS)
        return invalid(rep, RM_EINVAL, "threads", "must be 1 to %d (0: one per core), not %d",
                       RM_MAX_THREADS, opt->threads);
    return RM_OK;
}
