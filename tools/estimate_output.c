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

void output_rows_start(output_rows *r, const rm_data *data, const double *weights,
                       double cap, uint64_t base)
{
    *r = (output_rows){.data = data, .weights = weights, .cap = cap, .base = base, .row = 1};
}

size_t output_rows_weights(output_rows *r, double *block, size_t max)
{
    const rm_data *data = r->data;
    size_t count = 0;
    for (; count < max && r->row <= data->n + data->dropped_rows; r->row++) {
        if (r->skipped < data->dropped_rows && data->dropped[r->skipped] == r->row) {
            r->skipped++;
            block[count++] = 0.0;
        } else {
            block[count++] = r->weights[r->k++];
        }
    }
    return count;
}

size_t output_rows_outliers(output_rows *r, uint64_t *block, size_t max)
{
    const rm_data *data = r->data;
    size_t count = 0;
    for (; count < max && r->k < data->n; r->k++) {
        /* the file's row of data row k: after the rows dropped before it */
        while (r->skipped < data->dropped_rows && data->dropped[r->skipped] <= r->k + r->skipped + 1)
            r->skipped++;
        if (r->weights[r->k] < 0.5 * r->cap)
            block[count++] = r->base + r->k + r->skipped + 1;
    }
    return count;
}

void output_weight_lines(FILE *f, const double *w, size_t count)
{
    char buf[32];
    for (size_t i = 0; i < count; i++) {
        fputs(cli_format_double(buf, w[i]), f);
        fputc('\n', f);
    }
}

void output_row_lines(FILE *f, const uint64_t *rows, size_t count)
{
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%llu\n", (unsigned long long)rows[i]);
}

enum { ROW_BLOCK = 1024 };

static size_t next_of_rows(void *ctx, uint64_t *block, size_t max)
{
    return output_rows_outliers(ctx, block, max);
}

void output_estimate(FILE *f, int json, const rm_data *data, const double *mean,
                     const double *weights, const rm_report *rep)
{
    if (json) {
        output_rows rows;
        output_rows_start(&rows, data, weights, rep->weight_cap, 0);
        output_estimate_json(f, data, mean, weights ? next_of_rows : NULL, &rows, rep);
        return;
    }
    char buf[32];
    for (size_t j = 0; j < rep->d; j++) {
        if (j)
            fputc(',', f);
        fputs(cli_format_double(buf, mean[j]), f);
    }
    fputc('\n', f);
}

void output_estimate_json(FILE *f, const rm_data *data, const double *mean,
                          output_next_rows next, void *next_ctx, const rm_report *rep)
{
    size_t d = rep->d;
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
        if (next) { /* the flagged rows, as the file numbers them */
            fputs(", \"outliers\": [", f);
            uint64_t block[ROW_BLOCK];
            size_t count, shown = 0;
            while ((count = next(next_ctx, block, ROW_BLOCK)) > 0)
                for (size_t i = 0; i < count; i++)
                    fprintf(f, "%s%llu", shown++ ? ", " : "", (unsigned long long)block[i]);
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
