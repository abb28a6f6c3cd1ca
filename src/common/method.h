/* The internal shape of a method: its public description and the function that runs it.
 * Each method lives in its own file and is listed once, in method_table.c. */
#ifndef RM_METHOD_H
#define RM_METHOD_H

#include "common/matrix.h"
#include "common/row_range.h"
#include "robustmean.h"

/* A validated problem: X finite, n, d >= 1, eps within the method's range (or NAN when
 * the method needs none and none was given). */
typedef struct rm_problem {
    rm_matrix X;
    size_t n, d; /* X.n, X.d */
    double eps;
    const rm_options *opt; /* never NULL; threads resolved (never 0) */
    double *weights;       /* NULL, or n doubles for each row's weight (methods with
                              weights_rows), the caller's: written on success */
    const rm_row_range *range; /* NULL: X holds every row. Else X holds this process's
                                  rows of range's total, and the method computes the
                                  estimate of them all (methods with spreads) */
    const rm_row_range *clock; /* NULL, or (range NULL) the processes that each solve this
                                  same copy alike: a time budget is checked against their
                                  slowest clock (rm_row_range_elapsed), so they stop alike */
} rm_problem;

/* run() writes the estimate to mean (d doubles, scratch owned by rm_mean) and may fill
 * iterations, objective, converged and stop in report (never NULL); it returns
 * RM_OK, RM_NOT_CONVERGED or a negative code. */
typedef struct rm_method {
    rm_method_info info;
    int (*run)(const rm_problem *p, double *mean, rm_report *report);
    int spreads; /* 1: run() computes over rows spread over processes (rm_problem.range),
                    the same on every process; else such a call is RM_EUNSUPPORTED */
} rm_method;

extern const rm_method rm_method_mean;
extern const rm_method rm_method_median;
extern const rm_method rm_method_trimmed;
extern const rm_method rm_method_geomedian;
extern const rm_method rm_method_mom;
extern const rm_method rm_method_lowregret;
extern const rm_method rm_method_pgd;
extern const rm_method rm_method_filter;

#endif
