/* How robustmean shows what it computed: the estimate line, the JSON report, the verbose
 * report on standard error, the columns read and the rows flagged. */
#ifndef RM_ESTIMATE_OUTPUT_H
#define RM_ESTIMATE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "robustmean.h"

/* The estimate: one comma-separated line, or (json) an object with the method's report,
 * the columns read and, when weights is not NULL, the rows flagged as outliers. */
void output_estimate(FILE *f, int json, const rm_data *data, const double *mean,
                     const double *weights, const rm_report *rep);

/* The rows flagged as outliers, in order, for the JSON report: each call puts up to max
 * of their numbers into block and returns how many; 0 once every one was given. */
typedef size_t (*output_next_rows)(void *ctx, uint64_t *block, size_t max);

/* output_estimate() as JSON, the flagged rows (when the report has them) from next (NULL:
 * none listed); data gives the columns and the dropped rows' count. */
void output_estimate_json(FILE *f, const rm_data *data, const double *mean,
                          output_next_rows next, void *next_ctx, const rm_report *rep);

/* The method's report, line after line on standard error (-v). */
void output_verbose_report(const rm_report *rep);

/* The columns read, as "price (2), age (3)" (names with the file's numbers) or "2, 3",
 * the first `most` of them and how many more. */
void output_columns_text(FILE *f, const rm_data *data, size_t most);

/* The rows of data as the file numbers them, a block at a time: data row k (0-based) of
 * what was read is the file's row base + file_row(k), file_row counting the rows dropped
 * before it (rm_data.dropped, numbered from 1 in data's own part of the file; base: the
 * file's rows before that part, dropped ones included). */
typedef struct output_rows {
    const rm_data *data;
    const double *weights; /* data->n of them */
    double cap;            /* a row whose weight is below half of it is flagged */
    uint64_t base;
    size_t k, row, skipped; /* the next row read, of the part, and dropped rows passed */
} output_rows;

void output_rows_start(output_rows *r, const rm_data *data, const double *weights,
                       double cap, uint64_t base);

/* The next weights, one a row of the part (0 for a dropped row), up to max; returns how
 * many (fewer than max only at the end). */
size_t output_rows_weights(output_rows *r, double *block, size_t max);

/* The next numbers of flagged rows (weight below half the cap), up to max; returns how
 * many (fewer than max only at the end). */
size_t output_rows_outliers(output_rows *r, uint64_t *block, size_t max);

/* Lines of a weights file, of an outliers file. */
void output_weight_lines(FILE *f, const double *w, size_t count);
void output_row_lines(FILE *f, const uint64_t *rows, size_t count);

#endif
