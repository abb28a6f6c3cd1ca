/* The sample mean, as a method: the reference every robust estimate is compared with. */
#include <stdlib.h>

#include "alloc.h"
#include "method.h"
#include "summation.h"

static int run_mean(const rm_problem *p, double *mean, rm_report *report)
{
    (void)report;
    double *work = rm_alloc_array(2 * p->d, sizeof(double));
    if (!work)
        return RM_ENOMEM;
    rm_rows_mean(p->X, p->d, NULL, p->n, mean, work);
    free(work);
    if (p->opt->weights)
        for (size_t i = 0; i < p->n; i++)
            p->opt->weights[i] = 1.0 / (double)p->n;
    return RM_OK;
}

const rm_method rm_method_mean = {
    {"mean", "sample mean: optimal on clean data, but one corrupted row can move it arbitrarily far",
     0, 0.0, 0.5, 1},
    run_mean,
};
