/* See estimate_output.h. */
#include "estimate_output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void print_number_json(FILE *f, double v)
{
    char buf[32];
    if (isfinite(v))
        fputs(cli_format_double(buf, v), f);
    else
        fputs("null", f);
}

/* ", \"key\": value" inside the report's object: a number (null when not finite), a flag. */
static void json_number(FILE *f, const char *key, double v)
{
    fprintf(f, ", \"%s\": ", key);
    print_number_json(f, v);
}

static void json_flag(FILE *f, const char *key, int on)
{
    fprintf(f, ", \"%s\": %s", key, on ? "true" : "false");
}

static void print_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The columns read: the file's numbers, and the header's names when it has them. */
static void print_columns_json(FILE *f, const rm_data *data)
{
    fputs(", \"columns\": [", f);
    for (size_t j = 0; j < data->d; j++)
        fprintf(f, "%s%zu", j ? ", " : "", data->column_numbers[j]);
    fputc(']', f);
    if (!data->column_names)
        return;
    fputs(", \"column_names\": [", f);
    for (size_t j = 0; j < data->d; j++) {
        if (j)
            fputs(", ", f);
        print_json_string(f, data->column_names[j]);
    }
    fputc(']', f);
}

void output_columns_text(FILE *f, const rm_data *data, size_t most)
{
    for (size_t j = 0; j < data->d && j < most; j++) {
        if (data->column_names)
            fprintf(f, "%s%s (%zu)", j ? ", " : "", data->column_names[j],
                    data->column_numbers[j]);
        else
            fprintf(f, "%s%zu", j ? ", " : "", data->column_numbers[j]);
    }
    if (data->d > most)
        fprintf(f, " and %zu more", data->d - most);
}

/* The rows as the file numbers them: row k (0-based) of what was read is the file's data
 * row file_row(k), counting the rows dropped before it (rm_data.dropped). Call with k
 * ascending and *skipped 0 at first. */
static size_t file_row(const rm_data *data, size_t k, size_t *skipped)
{
    while (*skipped < data->dropped_rows && data->dropped[*skipped] <= k + *skipped + 1)
        (*skipped)++;
    return k + *skipped + 1;
}

size_t output_each_outlier(const rm_data *data, const double *weights, double cap,
                           void (*emit)(void *ctx, size_t row, size_t index), void *ctx)
{
    size_t skipped = 0, count = 0;
    for (size_t k = 0; k < data->n; k++) {
        size_t row = file_row(data, k, &skipped);
        if (weights[k] < 0.5 * cap)
            emit(ctx, row, count++);
    }
    return count;
}

static void print_row_json(void *ctx, size_t row, size_t index)
{
    fprintf(ctx, "%s%zu", index ? ", " : "", row);
}

void output_estimate(FILE *f, int json, const rm_data *data, const double *mean,
                     const double *weights, const rm_report *rep)
{
    char buf[32];
    size_t d = rep->d;
    if (!json) {
        for (size_t j = 0; j < d; j++) {
            if (j)
                fputc(',', f);
            fputs(cli_format_double(buf, mean[j]), f);
        }
        fputc('\n', f);
        return;
    }
    fputs("{\"method\": ", f);
    print_json_string(f, rep->method);
    fputs(", \"eps\": ", f);
    if (rep->eps == RM_EPS_AUTO)
        fputs("\"auto\"", f);
    else
        print_number_json(f, rep->eps);
    if (rep->eps_chosen == rep->eps_chosen) {
        json_number(f, "eps_chosen", rep->eps_chosen);
        json_number(f, "outlier_fraction", rep->outlier_fraction);
    }
    fprintf(f, ", \"n\": %zu, \"d\": %zu, \"mean\": [", rep->n, d);
    for (size_t j = 0; j < d; j++) {
        if (j)
            fputs(", ", f);
        print_number_json(f, mean[j]);
    }
    fprintf(f, "], \"dropped_rows\": %zu, \"skipped_label_column\": %s", data->dropped_rows,
            data->skipped_label_column ? "true" : "false");
    print_columns_json(f, data);
    fprintf(f, ", \"iterations\": %zu, \"converged\": %s, \"stop_reason\": ", rep->iterations,
            rep->converged ? "true" : "false");
    print_json_string(f, rep->stop_reason);
    json_number(f, "objective", rep->objective);
    fprintf(f, ", \"seed\": %llu, \"seconds\": ", (unsigned long long)rep->seed);
    print_number_json(f, rep->seconds);
    if (rep->oracle[0]) {
        fputs(", \"oracle\": ", f);
        print_json_string(f, rep->oracle);
        fprintf(f, ", \"products\": %zu, \"passes\": %zu, \"gap\": ", rep->products,
                rep->passes);
        print_number_json(f, rep->gap);
        fprintf(f, ", \"directions\": %zu, \"certified\": %s, \"guarantee\": %s",
                rep->directions, rep->certified ? "true" : "false",
                rep->guarantee ? "true" : "false");
        json_number(f, "bound_objective", rep->bound_objective);
        json_number(f, "bound_error", rep->bound_error);
        json_number(f, "eps_check", rep->eps_check);
        json_number(f, "eps_check_shift", rep->eps_check_shift);
        json_number(f, "eps_check_excess", rep->eps_check_excess);
        json_flag(f, "eps_contradicted", rep->eps_contradicted);
        json_flag(f, "eps_check_in_metric", rep->eps_check_in_metric);
        json_flag(f, "consistent", rep->consistent);
        json_flag(f, "columns_scaled", rep->columns_scaled);
        json_number(f, "anisotropy", rep->anisotropy);
        json_number(f, "shape_gain", rep->shape_gain);
        json_flag(f, "shape_refined", rep->shape_refined);
        json_number(f, "shape_shift", rep->shape_shift);
        json_number(f, "shape_radius", rep->shape_radius);
        json_number(f, "sigma_certificate", rep->sigma_certificate);
        json_number(f, "weight_cap", rep->weight_cap);
        if (weights) { /* the flagged rows, as the file numbers them */
            fputs(", \"outliers\": [", f);
            output_each_outlier(data, weights, rep->weight_cap, print_row_json, f);
            fputc(']', f);
        }
        fprintf(f, ", \"outlier_count\": %zu", rep->outliers);
    }
    fputs(", \"version\": ", f);
    print_json_string(f, rm_version());
    fputs("}\n", f);
}

void output_verbose_report(const rm_report *rep)
{
    cli_error("%s: %zu iterations, %s (%s), objective %g, %.3g s", rep->method,
              rep->iterations, rep->converged ? "converged" : "not converged",
              rep->stop_reason[0] ? rep->stop_reason : "direct", rep->objective, rep->seconds);
    if (!rep->oracle[0])
        return;
    cli_error("%s: oracle %s, %zu products with Sigma_q, %zu passes over the data",
              rep->method, rep->oracle, rep->products, rep->passes);
    cli_error("%s: stationarity gap %g (%.3g of the objective) over %zu direction%s; %zu rows "
              "flagged (weight below half the cap %g)",
              rep->method, rep->gap, rep->objective > 0 ? rep->gap / rep->objective : 0.0,
              rep->directions, rep->directions == 1 ? "" : "s", rep->outliers, rep->weight_cap);
    if (rep->eps == RM_EPS_AUTO)
        cli_error("%s: eps chosen: %g (-e auto); %.3g of the rows weighed as outliers",
                  rep->method, rep->eps_chosen, rep->outlier_fraction);
    if (rep->shape_refined)
        cli_error("%s: shape step: the kept rows' anisotropy %.3g; in their round metric the "
                  "estimate gained %.3g, and moved %g from the SILO point (certified radius "
                  "%g); objective and gap are the point's, the bounds include the move",
                  rep->method, rep->anisotropy, rep->shape_gain, rep->shape_shift,
                  rep->shape_radius);
    else if (rep->anisotropy == rep->anisotropy)
        cli_error("%s: shape step: the kept rows' anisotropy %.3g; %s", rep->method,
                  rep->anisotropy,
                  rep->shape_gain == rep->shape_gain
                      ? "their round metric showed no gain: the estimate stays"
                      : "round enough: not taken");
    if (rep->eps_check == rep->eps_check)
        cli_error("%s: eps check%s: the objective at twice eps is %.3g of its value at eps; "
                  "along the top direction the kept rows' median stands %.3g sqrt(objective) "
                  "from their mean, and their variance is %.3g of what their bulk gives "
                  "(below %g, above %g and above %g: more than eps of the rows look "
                  "corrupted)",
                  rep->method, rep->eps_check_in_metric ? " in the shape step's metric" : "",
                  rep->eps_check, rep->eps_check_shift, rep->eps_check_excess, 0.65, 0.08, 1.2);
    if (rep->certified)
        cli_error("%s: certified, if at most eps = %g of the rows are corrupted: objective <= "
                  "%.4g sigma^2, error <= %.4g sigma (sigma^2: the largest eigenvalue of the "
                  "clean rows' covariance)",
                  rep->method, rep->eps_chosen, rep->bound_objective, rep->bound_error);
    else
        cli_error("%s: no certificate (%s)", rep->method,
                  !rep->consistent ? "the data contradicts eps or sigma"
                  : !rep->guarantee ? "eps >= 1/3"
                                    : "stationarity gap above tolerance");
    if (rep->sigma_certificate == rep->sigma_certificate && rep->consistent)
        cli_error("%s: with the given sigma, and if at most eps = %g of the rows are "
                  "corrupted, the error is at most %g",
                  rep->method, rep->eps_chosen, rep->sigma_certificate);
}
