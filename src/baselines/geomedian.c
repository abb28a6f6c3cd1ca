/* Weiszfeld's algorithm with the Vardi-Zhang safeguard, on centred and scaled data
 * (centre.h), and the geomedian method. */
#include "baselines/geomedian.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/method.h"
#include "numerics/centre.h"
#include "numerics/quantiles.h"

/* Distances below this (in the scaled space, where rows have norm about 1) are taken as
 * "the iterate sits on this row": 1/dist would overflow. */
#define COINCIDENT 1e-280

/* One Weiszfeld evaluation at yz: accumulates the sum of distances, the count of rows at
 * yz, the sum of 1/dist and the sum of z/dist. */
typedef struct pass_result {
    double objective, coincident, inverse_sum;
} pass_result;

static pass_result weiszfeld_pass(const rm_matrix *P, const rm_centre *ctr, const double *yz,
                                  double *zrow, double *tz)
{
    size_t m = P->n, d = P->d;
    pass_result r = {.objective = 0.0, .coincident = 0.0, .inverse_sum = 0.0};
    memset(tz, 0, d * sizeof *tz);
    for (size_t i = 0; i < m; i++) {
        double s = 0.0;
        RM_MATRIX_WITH_ROW(P, i, x, {
            for (size_t j = 0; j < d; j++) {
                zrow[j] = rm_centre_z(ctr, RM_ROW_AT(x, j), j);
                double t = zrow[j] - yz[j];
                s += t * t;
            }
        });
        double dist = sqrt(s);
        r.objective += dist;
        if (dist < COINCIDENT) {
            r.coincident += 1.0;
            continue;
        }
        double w = 1.0 / dist;
        r.inverse_sum += w;
        for (size_t j = 0; j < d; j++)
            tz[j] += w * zrow[j];
    }
    return r;
}

/* The coarse columns of y (centre.h), whose z lost digits, from x (their offsets,
 * centre.h): the median solves sum_i (y - x_i) / |y - x_i| = 0, so in a column too small
 * to move the distances y is the mean of x weighted by 1/|y - x_i|; where y sits on rows,
 * those rows' terms (of first order, not second) dominate, and y there is their mean. One
 * pass gathers both; on: d doubles of scratch. */
static void coarse_columns(const rm_matrix *P, const rm_centre *ctr, const double *yz,
                           double *on, double *y)
{
    size_t m = P->n, d = P->d;
    const double *g = ctr->coarse_scale;
    double far_sum = 0.0, on_count = 0.0;
    for (size_t j = 0; j < d; j++)
        if (g[j] > 0.0)
            y[j] = on[j] = 0.0;
    for (size_t i = 0; i < m; i++)
        RM_MATRIX_WITH_ROW(P, i, x, {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = rm_centre_z(ctr, RM_ROW_AT(x, j), j) - yz[j];
                s += t * t;
            }
            double dist = sqrt(s), w = dist < COINCIDENT ? 1.0 : 1.0 / dist;
            double *sum = dist < COINCIDENT ? on : y;
            if (dist < COINCIDENT)
                on_count += 1.0;
            else
                far_sum += w;
            for (size_t j = 0; j < d; j++)
                if (g[j] > 0.0)
                    sum[j] += w * rm_centre_coarse_offset(ctr, RM_ROW_AT(x, j), j);
        });
    for (size_t j = 0; j < d; j++)
        if (g[j] > 0.0)
            y[j] = rm_centre_coarse_x(ctr, on_count > 0.0 ? on[j] / on_count : y[j] / far_sum, j);
}

int rm_geometric_median(const rm_matrix *P, double tol, size_t max_iter, int threads,
                        double *y, size_t *iterations, double *objective)
{
    size_t m = P->n, d = P->d;
    rm_centre ctr;
    int status = rm_centre_init(&ctr, P, threads);
    if (status != RM_OK)
        return status;
    double *work = rm_calloc_array(4 * d, sizeof(double));
    if (!work) {
        rm_centre_free(&ctr);
        return RM_ENOMEM;
    }
    double *yz = work, *tz = work + d, *zrow = work + 2 * d, *next = work + 3 * d;
    /* Start from the coordinate-wise median taking the midpoint for even m, not from the
     * centre's lower median: rows symmetric about a point then keep the iterates on it,
     * and of two rows (any point between them minimises) the midpoint is returned. The
     * centre found the lower medians already. */
    status = rm_column_medians(P, ctr.median, y, threads);
    if (status != RM_OK) {
        free(work);
        rm_centre_free(&ctr);
        return status;
    }
    for (size_t j = 0; j < d; j++)
        yz[j] = rm_centre_z(&ctr, y[j], j);
    status = RM_NOT_CONVERGED;
    size_t it = 0;
    pass_result r = {.objective = 0.0, .coincident = 0.0, .inverse_sum = 0.0};
    while (it < max_iter) {
        it++;
        r = weiszfeld_pass(P, &ctr, yz, zrow, tz);
        if (r.inverse_sum == 0.0) { /* every row sits on yz */
            status = RM_OK;
            break;
        }
        /* Weiszfeld's point T = tz / W, and R = tz - W*yz, the pull of the other rows. */
        double pull = 0.0;
        for (size_t j = 0; j < d; j++) {
            next[j] = tz[j] / r.inverse_sum;
            double t = tz[j] - r.inverse_sum * yz[j];
            pull += t * t;
        }
        pull = sqrt(pull);
        if (r.coincident > 0.0) {
            /* Vardi-Zhang: yz is a row of multiplicity eta; it is optimal when the others'
             * pull is at most eta, otherwise move part way towards T. */
            if (pull <= r.coincident) {
                status = RM_OK;
                break;
            }
            double beta = r.coincident / pull;
            for (size_t j = 0; j < d; j++)
                next[j] = (1.0 - beta) * next[j] + beta * yz[j];
        }
        double step = 0.0;
        for (size_t j = 0; j < d; j++) {
            double t = next[j] - yz[j];
            step += t * t;
            yz[j] = next[j];
        }
        if (sqrt(step) <= tol * (r.objective / (double)m)) {
            status = RM_OK;
            break;
        }
    }
    for (size_t j = 0; j < d; j++)
        y[j] = rm_centre_x(&ctr, yz[j], j);
    if (ctr.coarse_count > 0)
        coarse_columns(P, &ctr, yz, zrow, y);
    if (iterations)
        *iterations = it;
    if (objective)
        *objective = rm_centre_unscale_length(&ctr, r.objective);
    free(work);
    rm_centre_free(&ctr);
    return status;
}

static int run_geomedian(const rm_problem *p, double *mean, rm_report *report)
{
    double tol = p->opt->tol > 0.0 ? p->opt->tol : RM_GEOMEDIAN_TOL;
    size_t max_iter = p->opt->max_iter > 0 ? p->opt->max_iter : RM_GEOMEDIAN_MAX_ITER;
    int status = rm_geometric_median(&p->X, tol, max_iter, p->opt->threads, mean,
                                     &report->iterations, &report->objective);
    if (status >= 0) {
        report->converged = status == RM_OK;
        report->stop = status == RM_OK ? RM_STOP_STEP_TOLERANCE : RM_STOP_ITERATION_CAP;
    }
    return status;
}

const rm_method rm_method_geomedian = {
    .info = {.name = "geomedian",
             .summary = "geometric median (Weiszfeld): breakdown point "
                        "1/2, error grows like eps*sqrt(d)*sigma",
             .needs_eps = 0,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 0,
             .options = "max_iter tol"},
    .run = run_geomedian,
};
