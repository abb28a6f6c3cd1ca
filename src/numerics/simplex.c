/* See simplex.h. */
#include "numerics/simplex.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/chunk_sums.h"
#include "robustmean.h"

/* Sums run over chunks whose number depends on n only, added in chunk order: the result
 * is the same on any number of threads. Spread over processes, n is every process's rows
 * and the chunks are cut at their boundaries into pieces (common/row_range.h). */
enum { MAX_CHUNKS = 32, CHUNK_MIN = 32768 };

static size_t chunk_count(size_t n)
{
    size_t c = n / CHUNK_MIN;
    return c < 1 ? 1 : c > MAX_CHUNKS ? MAX_CHUNKS : c;
}

/* What clip(y - theta, 0, u) looks like at theta: its sum, and the linear piece there
 * (the rows strictly inside (0, u), and how many sit at the cap). */
typedef struct piece {
    double sum, free_sum;
    size_t free_count, capped;
} piece;

static int evaluate(const double *y, size_t n, double u, double theta, int threads,
                    const rm_row_range *range, piece *out)
{
    rm_chunk_plan sp;
    rm_chunk_plan_init(&sp, range, n, chunk_count(range ? rm_row_range_total(range) : n));
    double part[MAX_CHUNKS][3];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < sp.count; c++) {
        double free_sum = 0.0;
        size_t free_count = 0, capped = 0;
        for (size_t i = sp.piece[c].lo; i < sp.piece[c].hi; i++) {
            double t = y[i] - theta;
            if (t >= u) {
                capped++;
            } else if (t > 0.0) {
                free_count++;
                free_sum += y[i];
            }
        }
        part[c][0] = free_sum;
        part[c][1] = (double)free_count; /* whole numbers below 2^53: exact */
        part[c][2] = (double)capped;
    }
    double sum[3] = {0.0, 0.0, 0.0};
    int status = rm_chunk_plan_add(&sp, RM_OK, part[0], 3, sum);
    *out = (piece){.free_sum = sum[0], .free_count = (size_t)sum[1], .capped = (size_t)sum[2]};
    out->sum = out->free_sum - theta * (double)out->free_count + u * (double)out->capped;
    return status;
}

/* *sum = sum y_i over the rows with y_i < cut (all when cut is infinite), and how many are
 * not. */
static int sum_below(const double *y, size_t n, double cut, size_t *at_or_above, int threads,
                     const rm_row_range *range, double *sum)
{
    rm_chunk_plan sp;
    rm_chunk_plan_init(&sp, range, n, chunk_count(range ? rm_row_range_total(range) : n));
    double part[MAX_CHUNKS][2];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < sp.count; c++) {
        /* without branches (the rows near the cut go either way) and in four partial
         * sums (one running sum waits on each addition) */
        double sums[4] = {0.0, 0.0, 0.0, 0.0};
        size_t count = 0, i = sp.piece[c].lo, end = sp.piece[c].hi;
        for (; i + 4 <= end; i += 4)
            for (size_t t = 0; t < 4; t++) {
                count += y[i + t] >= cut;
                sums[t] += y[i + t] < cut ? y[i + t] : 0.0;
            }
        for (; i < end; i++) {
            count += y[i] >= cut;
            sums[0] += y[i] < cut ? y[i] : 0.0;
        }
        part[c][0] = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        part[c][1] = (double)count;
    }
    double total[2] = {0.0, 0.0};
    int status = rm_chunk_plan_add(&sp, RM_OK, part[0], 2, total);
    *sum = total[0];
    if (at_or_above)
        *at_or_above = (size_t)total[1];
    return status;
}

/* The least and the greatest of the values lo[0] and hi[0] over every process. */
static int spread_bounds(const rm_row_range *range, int status, double *lo, double *hi)
{
    double both[2] = {*lo, -*hi};
    status = rm_row_range_combine(range, status, both, 2, RM_COMBINE_MIN);
    *lo = both[0];
    *hi = -both[1];
    return status;
}

int rm_simplex_project_l2_range(const double *y, size_t n, double u, double *q, int threads,
                                const rm_row_range *range, double *theta_out)
{
    size_t total = range ? rm_row_range_total(range) : n;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (y[i] < lo)
            lo = y[i];
        if (y[i] > hi)
            hi = y[i];
    }
    int status = range ? spread_bounds(range, RM_OK, &lo, &hi) : RM_OK;
    /* sum(lo) = n u >= 1 >= sum(hi) = 0. */
    lo -= u;
    double theta = lo;
    if (status == RM_OK && (double)total * u > 1.0) {
        double sum_y;
        status = sum_below(y, n, INFINITY, NULL, threads, range, &sum_y);
        theta = (sum_y - 1.0) / (double)total; /* exact when no row is clipped */
        for (int iter = 0; iter < 200 && status == RM_OK; iter++) {
            if (!(theta > lo && theta < hi))
                theta = lo + (hi - lo) / 2;
            piece p;
            status = evaluate(y, n, u, theta, threads, range, &p);
            if (status != RM_OK)
                break;
            if (p.sum > 1.0)
                lo = theta;
            else if (p.sum < 1.0)
                hi = theta;
            else
                break;
            /* Newton: the root of this linear piece. If the piece is right, it is exact. */
            double next = p.free_count ? (p.free_sum + u * (double)p.capped - 1.0) / (double)p.free_count
                                       : lo + (hi - lo) / 2;
            if (next == theta || hi - lo <= 4 * DBL_EPSILON * fmax(fabs(lo), fabs(hi))) {
                theta = next > lo && next < hi ? next : theta;
                break;
            }
            theta = next;
        }
    }
    if (status != RM_OK)
        return status;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t i = 0; i < n; i++) {
        double t = y[i] - theta;
        q[i] = t <= 0.0 ? 0.0 : t >= u ? u : t;
    }
    if (theta_out)
        *theta_out = theta;
    return RM_OK;
}

double rm_simplex_project_l2(const double *y, size_t n, double u, double *q, int threads)
{
    double theta = NAN;
    rm_simplex_project_l2_range(y, n, u, q, threads, NULL, &theta);
    return theta;
}

static int descending(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

/* theta by sorting: the m largest are capped, for the smallest m with theta*y_(m+1) <= u. */
static double kl_theta_sorted(const double *y, size_t n, double u, double *work)
{
    memcpy(work, y, n * sizeof *y);
    qsort(work, n, sizeof *work, descending);
    double rest = 0.0;
    for (size_t i = 0; i < n; i++)
        rest += work[i];
    for (size_t m = 0; m < n; m++) {
        double theta = (1.0 - u * (double)m) / rest;
        if (theta * work[m] <= u)
            return theta;
        rest -= work[m];
    }
    return -1.0;
}

/* A starting cut for the capping rounds from one pass (for large n): each round is a
 * pass, and from cut = infinity they take many on multiplicative-weights steps (rows
 * reach the cap a few at a time; bench/TUNING.md, START_BINS). A histogram of y over START_BINS bins of its
 * bit patterns (ordered as the positive values are), with each bin's count and sum,
 * gives the mass sum min(u, (u/c) y) at every bin's lower edge c; the lowest edge where it
 * is clearly below 1 caps only rows the solution caps (so the rounds stay below theta
 * and converge from there, in a few). Counts are kept in doubles (exact below 2^53);
 * chunks fixed by n, added in order. Returns INFINITY when it finds no such edge. */
enum { START_BINS = 16384, START_CHUNKS = 4, START_MIN = START_CHUNKS * START_BINS * 2 };

static int start_cut(const double *y, size_t n, double u, double smallest, double largest,
                     double *work, int threads, const rm_row_range *range, double *start_out)
{
    /* The bins cover the top eight binades (values below go to bin 0, never capped
     * here): fine bins where the cut falls on these steps. */
    double lowest = fmax(smallest, largest * 0x1p-8);
    uint64_t base, top;
    memcpy(&base, &lowest, sizeof base);
    memcpy(&top, &largest, sizeof top);
    unsigned shift = 0;
    while (((top - base) >> shift) >= START_BINS)
        shift++;
    rm_chunk_plan sp;
    rm_chunk_plan_init(&sp, range, n, START_CHUNKS);
    /* piece c's counts at parts + 2 c START_BINS, its sums START_BINS further; one process
     * counts in work (n >= START_MIN doubles), spread ones in a buffer of their own (they
     * may hold fewer rows); the totals replace piece 0's parts */
    size_t size = 2 * START_BINS;
    double *parts = range ? rm_calloc_array(sp.count ? sp.count : 1, size * sizeof *parts) : work;
    if (parts && !range)
        memset(parts, 0, sp.count * size * sizeof *parts);
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < (parts ? sp.count : 0); c++) {
        double *my_count = parts + c * size, *my_sum = my_count + START_BINS;
        for (size_t i = sp.piece[c].lo; i < sp.piece[c].hi; i++)
            if (y[i] > 0.0) {
                uint64_t bits;
                memcpy(&bits, &y[i], sizeof bits);
                size_t b = bits < base ? 0 : (size_t)((bits - base) >> shift);
                my_count[b] += 1.0;
                my_sum[b] += y[i];
            }
    }
    int status = rm_chunk_plan_add(&sp, parts ? RM_OK : RM_ENOMEM, parts, size, parts);
    const double *count = parts, *sum = parts + START_BINS;
    double below = 0.0, capped = 0.0, start = INFINITY;
    for (size_t b = 0; b < START_BINS && status == RM_OK; b++)
        below += sum[b];
    for (size_t b = START_BINS; status == RM_OK && b-- > 1;) {
        /* the cut at bin b's lower edge: bins b and up capped; the mass only grows as
         * the cut moves down */
        capped += count[b];
        below -= sum[b];
        uint64_t edge_bits = base + ((uint64_t)b << shift);
        double edge;
        memcpy(&edge, &edge_bits, sizeof edge);
        if (u * capped + (u / edge) * fmax(below, 0.0) > 1.0 - 1e-6)
            break;
        start = edge;
    }
    if (range)
        free(parts);
    *start_out = start;
    return status;
}

int rm_simplex_project_kl_range(const double *y, size_t n, double u, double *q, double *work,
                                int threads, const rm_row_range *range, double *theta_out)
{
    size_t positive = 0, total = range ? rm_row_range_total(range) : n;
    double smallest = INFINITY, largest = 0.0;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n)) reduction(+ : positive) reduction(min : smallest) reduction(max : largest)
    for (size_t i = 0; i < n; i++)
        if (y[i] > 0.0) {
            positive++;
            smallest = y[i] < smallest ? y[i] : smallest;
            largest = y[i] > largest ? y[i] : largest;
        }
    int status = RM_OK;
    if (range) {
        uint64_t count = positive;
        status = rm_row_range_combine(range, status, &count, 1, RM_COMBINE_SUM_COUNTS);
        positive = (size_t)count;
        status = spread_bounds(range, status, &smallest, &largest);
        if (status != RM_OK)
            return status;
    }
    *theta_out = -1.0;
    double room = (double)positive * u; /* the most mass the positive entries can hold */
    if (room < 1.0 - 1e-12)
        return RM_OK;
    if (room <= 1.0 + 1e-12) {
        /* Every positive entry is capped (n u = 1 when eps = 0): any theta >= u/min
         * works; take the smallest. */
        for (size_t i = 0; i < n; i++)
            q[i] = y[i] > 0.0 ? u : 0.0;
        *theta_out = u / smallest;
        return RM_OK;
    }
    /* Capping rounds: theta = (1 - u |capped|) / (sum of the others); cap the rows that
     * theta pushes over u (y >= u/theta); theta only grows, so rows once capped stay
     * capped, and a round that caps no more rows than the last has found theta. One pass
     * a round: the count of the next round's capped rows is its test. */
    double theta = -1.0, cut = INFINITY; /* rows with y >= cut are capped */
    if (total >= START_MIN && smallest < largest && isfinite(largest))
        status = start_cut(y, n, u, smallest, largest, work, threads, range, &cut);
    size_t was_capped = 0;
    int sort = 0;
    for (int round = 0; round < 64 && status == RM_OK; round++) {
        size_t capped;
        double rest;
        status = sum_below(y, n, cut, &capped, threads, range, &rest);
        if (status != RM_OK || (round > 0 && capped == was_capped))
            break; /* theta from the last round caps nothing new */
        double t = (1.0 - u * (double)capped) / rest;
        theta = t;
        if (!(rest > 0.0) || !(t > 0.0))
            break;
        was_capped = capped;
        cut = u / t; /* the next cut can only move down */
        sort = round == 63;
    }
    if (status != RM_OK)
        return status;
    if (sort || !(theta > 0.0) || !isfinite(theta)) {
        /* the sort needs every value in one place: never so over processes */
        if (range)
            return RM_EUNSUPPORTED;
        theta = kl_theta_sorted(y, n, u, work);
    }
    if (!(theta > 0.0))
        return RM_OK;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t i = 0; i < n; i++) {
        double v = theta * y[i];
        q[i] = v > u ? u : v;
    }
    *theta_out = theta;
    return RM_OK;
}

double rm_simplex_project_kl(const double *y, size_t n, double u, double *q, double *work,
                             int threads)
{
    double theta = -1.0;
    rm_simplex_project_kl_range(y, n, u, q, work, threads, NULL, &theta);
    return theta;
}
