/* The sample mean, as a method: the reference every robust estimate is compared with. */
#include <stdlib.h>

#include "common/alloc.h"
#include "common/method.h"
#include "numerics/summation.h"

static int run_mean(const rm_problem *p, double *mean, rm_report *report)
{
    (void)report;
    int status = rm_column_means_range(&p->X, p->range, mean, p->opt->threads);
    if (status != RM_OK)
        return status;
    size_t total = p->range ? rm_row_range_total(p->range) : p->n;
    if (p->weights)
        for (size_t i = 0; i < p->n; i++)
            p->weights[i] = 1.0 / (double)total;
    return RM_OK;
}

const rm_method rm_method_mean = {
    .info = {.name = "mean",
             .summary = "sample mean: optimal on clean data, but one "
                        "corrupted row can move it arbitrarily far",
             .needs_eps = 0,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 1,
             .options = ""},
    .run = run_mean,
    .spreads = 1,
};
