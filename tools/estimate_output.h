/* How robustmean shows what it computed: the estimate line, the JSON report, the verbose
 * report on standard error, the columns read and the rows flagged. */
#ifndef RM_ESTIMATE_OUTPUT_H
#define RM_ESTIMATE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "robustmean.h"

/* The estimate: one comma-separated line, or (json) an object with the method's report,
 * the columns read and, when weights is not NULL, the rows flagged as outliers. */
void output_estimate(FILE *f, int json, const rm_data *data, const double *mean,
                     const double *weights, const rm_report *rep);

/* The method's report, line after line on standard error (-v). */
void output_verbose_report(const rm_report *rep);

/* The columns read, as "price (2), age (3)" (names with the file's numbers) or "2, 3",
 * the first `most` of them and how many more. */
void output_columns_text(FILE *f, const rm_data *data, size_t most);

/* The file's numbers of the rows flagged as outliers (weight below half the cap), in
 * order, through emit; returns how many. */
size_t output_each_outlier(const rm_data *data, const double *weights, double cap,
                           void (*emit)(void *ctx, size_t row, size_t index), void *ctx);

#endif
