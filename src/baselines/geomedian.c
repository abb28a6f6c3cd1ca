/* Weiszfeld's algorithm with the Vardi-Zhang safeguard, on centred and scaled data
 * (centre.h), and the geomedian method. */
#include "baselines/geomedian.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "common/method.h"
#include "common/threads.h"
#include "numerics/centre.h"
#include "numerics/quantiles.h"

/* Distances below this (in the scaled space, where rows have norm about 1) are taken as
 * "the iterate sits on this row": 1/dist would overflow. */
#define COINCIDENT 1e-280

/* The passes sum per-row terms over fixed chunks of the rows, fixed by their number
 * alone, and add the chunks' parts in chunk order: the same bits on any number of
 * threads, and, spread over processes, chunks cut into pieces at the processes'
 * boundaries and gathered (common/row_range.h), the same bits for any split on chunk
 * boundaries, else to rounding. */
enum { CHUNK_ROWS = 4096, MAX_CHUNKS = 64 };

static size_t chunk_start(size_t total, size_t chunks, size_t c) { return c * total / chunks; }

/* What a pass sums over rows [lo, hi) of P into part (size doubles, zeroed); scratch: d
 * doubles. */
typedef void (*piece_sum)(const rm_matrix *P, size_t lo, size_t hi, const void *ctx,
                          double *part, double *scratch);

/* out (size doubles): the sums of every process's rows, the same on every process. With
 * out NULL (out of memory before) it fails, on every process. */
static int pass_sum(const rm_matrix *P, const rm_row_range *range, int threads, size_t size,
                    piece_sum sum, const void *ctx, double *out)
{
    size_t n = P->n, d = P->d;
    size_t total = range ? rm_row_range_total(range) : n;
    size_t first = range ? rm_row_range_first(range) : 0;
    size_t chunks = (total + CHUNK_ROWS - 1) / CHUNK_ROWS;
    chunks = chunks > MAX_CHUNKS ? MAX_CHUNKS : chunks ? chunks : 1;
    rm_piece *pieces = rm_alloc_array(chunks, sizeof *pieces);
    size_t count = pieces ? rm_pieces_of(first, n, total, chunks, chunk_start, pieces) : 0;
    double *parts = rm_calloc_array(count ? count : 1, size * sizeof(double));
    int failed = !pieces || !parts || !out;
    if (!failed && count > 0) {
#pragma omp parallel num_threads(rm_threads(threads, n * d))
        {
            double *scratch = malloc(d * sizeof *scratch);
            if (!scratch) {
#pragma omp atomic write
                failed = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t c = 0; c < count; c++)
                if (scratch)
                    sum(P, pieces[c].lo, pieces[c].hi, ctx, parts + c * size, scratch);
            free(scratch);
        }
    }
    const double *all = parts;
    double *owned = NULL;
    size_t all_count = count;
    int status = rm_row_range_gather(range, failed ? RM_ENOMEM : RM_OK, chunks, chunk_start,
                                     parts, count, size, &all, &owned, &all_count);
    if (status == RM_OK) {
        memset(out, 0, size * sizeof *out);
        for (size_t c = 0; c < all_count; c++)
            for (size_t k = 0; k < size; k++)
                out[k] += all[c * size + k];
    }
    free(owned);
    free(parts);
    free(pieces);
    return status;
}

/* Where a pass evaluates: the centre the rows are seen through, and the iterate in z. */
typedef struct at_point {
    const rm_centre *ctr;
    const double *yz;
} at_point;

/* One Weiszfeld evaluation at yz: the sum of distances, the count of rows at yz, the sum
 * of 1/dist and the sum of z/dist. */
enum { OBJECTIVE, ON_ROWS, INVERSE_SUM, TZ };

static void weiszfeld_piece(const rm_matrix *P, size_t lo, size_t hi, const void *ctx,
                            double *part, double *zrow)
{
    const at_point *at = ctx;
    size_t d = P->d;
    double *tz = part + TZ;
    for (size_t i = lo; i < hi; i++) {
        double s = 0.0;
        RM_MATRIX_WITH_ROW(P, i, x, {
            for (size_t j = 0; j < d; j++) {
                zrow[j] = rm_centre_z(at->ctr, RM_ROW_AT(x, j), j);
                double t = zrow[j] - at->yz[j];
                s += t * t;
            }
        });
        double dist = sqrt(s);
        part[OBJECTIVE] += dist;
        if (dist < COINCIDENT) {
            part[ON_ROWS] += 1.0;
            continue;
        }
        double w = 1.0 / dist;
        part[INVERSE_SUM] += w;
        for (size_t j = 0; j < d; j++)
            tz[j] += w * zrow[j];
    }
}

/* The coarse columns' sums: of 1/dist over the rows off yz, the count of rows on it, and
 * the offsets summed over those on it and weighted over the others. */
enum { FAR_SUM, ON_COUNT, ON };

static void coarse_piece(const rm_matrix *P, size_t lo, size_t hi, const void *ctx,
                         double *part, double *scratch)
{
    (void)scratch;
    const at_point *at = ctx;
    size_t d = P->d;
    const double *g = at->ctr->coarse_scale;
    double *on = part + ON, *off = part + ON + d;
    for (size_t i = lo; i < hi; i++)
        RM_MATRIX_WITH_ROW(P, i, x, {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = rm_centre_z(at->ctr, RM_ROW_AT(x, j), j) - at->yz[j];
                s += t * t;
            }
            double dist = sqrt(s), w = dist < COINCIDENT ? 1.0 : 1.0 / dist;
            double *sum = dist < COINCIDENT ? on : off;
            if (dist < COINCIDENT)
                part[ON_COUNT] += 1.0;
            else
                part[FAR_SUM] += w;
            for (size_t j = 0; j < d; j++)
                if (g[j] > 0.0)
                    sum[j] += w * rm_centre_coarse_offset(at->ctr, RM_ROW_AT(x, j), j);
        });
}

/* The coarse columns of y (centre.h), whose z lost digits, from x (their offsets,
 * centre.h): the median solves sum_i (y - x_i) / |y - x_i| = 0, so in a column too small
 * to move the distances y is the mean of x weighted by 1/|y - x_i|; where y sits on rows,
 * those rows' terms (of first order, not second) dominate, and y there is their mean. One
 * pass gathers both. */
static int coarse_columns(const rm_matrix *P, const rm_row_range *range, int threads,
                          const rm_centre *ctr, const double *yz, double *y)
{
    size_t d = P->d;
    double *sums = rm_alloc_array(ON + 2 * d, sizeof *sums);
    at_point at = {.ctr = ctr, .yz = yz};
    int status = pass_sum(P, range, threads, ON + 2 * d, coarse_piece, &at, sums);
    for (size_t j = 0; j < d && status == RM_OK; j++) {
        if (!(ctr->coarse_scale[j] > 0.0))
            continue;
        double on_count = sums[ON_COUNT];
        y[j] = rm_centre_coarse_x(
            ctr, on_count > 0.0 ? sums[ON + j] / on_count : sums[ON + d + j] / sums[FAR_SUM], j);
    }
    free(sums);
    return status;
}

int rm_geometric_median(const rm_matrix *P, const rm_row_range *range,
                        const rm_geomedian_limits *limits, int threads, double *y,
                        rm_geomedian_result *result)
{
    size_t d = P->d, m = range ? rm_row_range_total(range) : P->n;
    *result = (rm_geomedian_result){.stop = RM_STOP_ITERATION_CAP};
    rm_centre ctr;
    int status = rm_centre_init_range(&ctr, P, range, threads);
    if (status != RM_OK)
        return status;
    double *work = rm_calloc_array(3 * d + TZ, sizeof(double));
    /* Start from the coordinate-wise median taking the midpoint for even m, not from the
     * centre's lower median: rows symmetric about a point then keep the iterates on it,
     * and of two rows (any point between them minimises) the midpoint is returned. The
     * centre found the lower medians already. Every process calls it, so that a failure
     * here is every process's. */
    status = rm_column_medians_range(P, range, ctr.median, y, threads);
    double unused = 0.0;
    if (status == RM_OK) /* out of memory on one process: on every one */
        status = rm_row_range_combine(range, work ? RM_OK : RM_ENOMEM, &unused, 1,
                                      RM_COMBINE_MIN);
    if (status != RM_OK) {
        free(work);
        rm_centre_free(&ctr);
        return status;
    }
    double *yz = work, *next = work + d, *sums = work + 2 * d, *tz = sums + TZ;
    for (size_t j = 0; j < d; j++)
        yz[j] = rm_centre_z(&ctr, y[j], j);
    status = RM_NOT_CONVERGED;
    size_t it = 0;
    at_point at = {.ctr = &ctr, .yz = yz};
    while (it < limits->max_iter) {
        it++;
        int passed = pass_sum(P, range, threads, TZ + d, weiszfeld_piece, &at, sums);
        if (passed != RM_OK) {
            status = passed;
            break;
        }
        if (sums[INVERSE_SUM] == 0.0) { /* every row sits on yz */
            status = RM_OK;
            break;
        }
        /* Weiszfeld's point T = tz / W, and R = tz - W*yz, the pull of the other rows. */
        double pull = 0.0, inverse_sum = sums[INVERSE_SUM];
        for (size_t j = 0; j < d; j++) {
            next[j] = tz[j] / inverse_sum;
            double t = tz[j] - inverse_sum * yz[j];
            pull += t * t;
        }
        pull = sqrt(pull);
        if (sums[ON_ROWS] > 0.0) {
            /* Vardi-Zhang: yz is a row of multiplicity eta; it is optimal when the others'
             * pull is at most eta, otherwise move part way towards T. */
            if (pull <= sums[ON_ROWS]) {
                status = RM_OK;
                break;
            }
            double beta = sums[ON_ROWS] / pull;
            for (size_t j = 0; j < d; j++)
                next[j] = (1.0 - beta) * next[j] + beta * yz[j];
        }
        double step = 0.0;
        for (size_t j = 0; j < d; j++) {
            double t = next[j] - yz[j];
            step += t * t;
            yz[j] = next[j];
        }
        if (sqrt(step) <= limits->tol * (sums[OBJECTIVE] / (double)m)) {
            status = RM_OK;
            break;
        }
        if (limits->max_seconds > 0.0) { /* the slowest process's clock, on every one */
            double elapsed;
            passed = rm_row_range_elapsed(range, limits->start, &elapsed);
            if (passed != RM_OK) {
                status = passed;
                break;
            }
            if (elapsed >= limits->max_seconds) {
                result->stop = RM_STOP_TIME_BUDGET;
                break;
            }
        }
    }
    if (status == RM_OK)
        result->stop = RM_STOP_STEP_TOLERANCE;
    for (size_t j = 0; j < d; j++)
        y[j] = rm_centre_x(&ctr, yz[j], j);
    if (status >= 0 && ctr.coarse_count > 0) {
        int coarse = coarse_columns(P, range, threads, &ctr, yz, y);
        if (coarse != RM_OK)
            status = coarse;
    }
    result->iterations = it;
    result->objective = rm_centre_unscale_length(&ctr, sums[OBJECTIVE]);
    free(work);
    rm_centre_free(&ctr);
    return status;
}

void rm_geomedian_limits_of(const rm_options *opt, double start, rm_geomedian_limits *limits)
{
    *limits = (rm_geomedian_limits){
        .tol = opt->tol > 0.0 ? opt->tol : RM_GEOMEDIAN_TOL,
        .max_iter = opt->max_iter > 0 ? opt->max_iter : RM_GEOMEDIAN_MAX_ITER,
        .max_seconds = opt->max_seconds,
        .start = start,
    };
}

static int run_geomedian(const rm_problem *p, double *mean, rm_report *report)
{
    rm_geomedian_limits limits;
    rm_geomedian_limits_of(p->opt, rm_clock_seconds(), &limits);
    rm_geomedian_result result;
    int status = rm_geometric_median(&p->X, p->range, &limits, p->opt->threads, mean, &result);
    if (status >= 0) {
        report->iterations = result.iterations;
        report->objective = result.objective;
        report->converged = status == RM_OK;
        report->stop = result.stop;
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
             .options = "max_iter tol max_seconds"},
    .run = run_geomedian,
    .spreads = 1,
};
