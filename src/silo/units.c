/* See units.h. */
#include "silo/units.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "silo/solver.h"
#include "silo/state.h"
#include "silo/warm.h"

/* The quick solve's Lanczos tolerance and iteration cap: it only has to tell the outliers
 * apart (bench/TUNING.md, UNITS). */
#define UNITS_EIG_TOL 0.1
#define UNITS_MAX_ITER 30

/* The rows of the sample the solve on it keeps, into kept (sample indices); their count. */
static size_t kept_rows(const silo *s, size_t *kept)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->kept.best.q[i] >= 0.5 * s->st.u)
            kept[k++] = i;
    return k;
}

int rm_silo_inlier_units(const rm_matrix *X, rm_centre *ctr, const size_t *rows, size_t m,
                         const rm_options *opt, const rm_row_range *clock, double eps,
                         double start)
{
    double *copy = NULL;
    rm_matrix sample = *X;
    if (rows) { /* the sample's rows, as doubles, in a matrix of their own */
        copy = rm_silo_warm_sample(X, rows, m, opt->threads);
        if (!copy)
            return RM_ENOMEM;
        sample = rm_matrix_of_doubles(copy, m, X->d);
    }
    int status = rm_centre_set_units(ctr, &sample, NULL, m, opt->threads);
    if (status != RM_OK) {
        free(copy);
        return status;
    }
    size_t *kept = rm_alloc_array(m, sizeof *kept);
    rm_options quick = *opt;
    quick.max_seconds = opt->max_seconds > 0.0 ? opt->max_seconds / 4 : 0.0;
    quick.max_iter = UNITS_MAX_ITER;
    silo s;
    memset(&s, 0, sizeof s);
    silo_setup setup = {.X = &sample,
                        .centre = ctr,
                        .opt = &quick,
                        .eps = eps,
                        .solver = &rm_solver_lowregret,
                        .eig_tol = UNITS_EIG_TOL,
                        .clock = clock};
    status = kept ? rm_silo_init(&s, &setup) : RM_ENOMEM;
    rm_stop why;
    if (status == RM_OK)
        status = rm_silo_iterate(&s, start, &why);
    size_t k = status >= 0 ? kept_rows(&s, kept) : 0;
    rm_silo_free(&s);
    if (status >= 0 && k > 0) {
        status = rm_centre_move_to_rows(ctr, &sample, kept, k, opt->threads);
        if (status == RM_OK)
            status = rm_centre_set_units(ctr, &sample, kept, k, opt->threads);
    }
    free(kept);
    free(copy);
    return status < 0 ? status : RM_OK;
}
