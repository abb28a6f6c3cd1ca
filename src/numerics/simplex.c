/* See simplex.h. */
#include "numerics/simplex.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/threads.h"

/* Sums run over chunks whose number depends on n only, added in chunk order: the result
 * is the same on any number of threads. */
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

static piece evaluate(const double *y, size_t n, double u, double theta, int threads)
{
    size_t chunks = chunk_count(n);
    piece part[MAX_CHUNKS];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < chunks; c++) {
        piece p = {.sum = 0.0, .free_sum = 0.0, .free_count = 0, .capped = 0};
        for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
            double t = y[i] - theta;
            if (t >= u) {
                p.capped++;
            } else if (t > 0.0) {
                p.free_count++;
                p.free_sum += y[i];
            }
        }
        part[c] = p;
    }
    piece p = {.sum = 0.0, .free_sum = 0.0, .free_count = 0, .capped = 0};
    for (size_t c = 0; c < chunks; c++) {
        p.free_sum += part[c].free_sum;
        p.free_count += part[c].free_count;
        p.capped += part[c].capped;
    }
    p.sum = p.free_sum - theta * (double)p.free_count + u * (double)p.capped;
    return p;
}

/* sum y_i over the rows with y_i < cut (all when cut is infinite), and how many are not. */
static double sum_below(const double *y, size_t n, double cut, size_t *at_or_above, int threads)
{
    size_t chunks = chunk_count(n), above[MAX_CHUNKS];
    double part[MAX_CHUNKS];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < chunks; c++) {
        /* without branches (the rows near the cut go either way) and in four partial
         * sums (one running sum waits on each addition) */
        double sum[4] = {0.0, 0.0, 0.0, 0.0};
        size_t count = 0, i = c * n / chunks, end = (c + 1) * n / chunks;
        for (; i + 4 <= end; i += 4)
            for (size_t t = 0; t < 4; t++) {
                count += y[i + t] >= cut;
                sum[t] += y[i + t] < cut ? y[i + t] : 0.0;
            }
        for (; i < end; i++) {
            count += y[i] >= cut;
            sum[0] += y[i] < cut ? y[i] : 0.0;
        }
        part[c] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
        above[c] = count;
    }
    double sum = 0.0;
    size_t count = 0;
    for (size_t c = 0; c < chunks; c++) {
        sum += part[c];
        count += above[c];
    }
    if (at_or_above)
        *at_or_above = count;
    return sum;
}

double rm_simplex_project_l2(const double *y, size_t n, double u, double *q, int threads)
{
    double lo = y[0], hi = y[0];
    for (size_t i = 1; i < n; i++) {
        if (y[i] < lo)
            lo = y[i];
        if (y[i] > hi)
            hi = y[i];
    }
    /* sum(lo) = n u >= 1 >= sum(hi) = 0. */
    lo -= u;
    double theta = lo;
    if ((double)n * u > 1.0) {
        double sum_y = sum_below(y, n, INFINITY, NULL, threads);
        theta = (sum_y - 1.0) / (double)n; /* exact when no row is clipped */
        for (int iter = 0; iter < 200; iter++) {
            if (!(theta > lo && theta < hi))
                theta = lo + (hi - lo) / 2;
            piece p = evaluate(y, n, u, theta, threads);
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
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t i = 0; i < n; i++) {
        double t = y[i] - theta;
        q[i] = t <= 0.0 ? 0.0 : t >= u ? u : t;
    }
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

static double start_cut(const double *y, size_t n, double u, double smallest, double largest,
                        double *work, int threads)
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
    size_t chunks = START_CHUNKS;
    double *count = work, *sum = work + START_CHUNKS * START_BINS; /* chunk c at c * START_BINS */
    memset(work, 0, 2 * START_CHUNKS * START_BINS * sizeof *work);
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < chunks; c++) {
        double *my_count = count + c * START_BINS, *my_sum = sum + c * START_BINS;
        for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++)
            if (y[i] > 0.0) {
                uint64_t bits;
                memcpy(&bits, &y[i], sizeof bits);
                size_t b = bits < base ? 0 : (size_t)((bits - base) >> shift);
                my_count[b] += 1.0;
                my_sum[b] += y[i];
            }
    }
    for (size_t c = 1; c < chunks; c++)
        for (size_t b = 0; b < START_BINS; b++) {
            count[b] += count[c * START_BINS + b];
            sum[b] += sum[c * START_BINS + b];
        }
    double below = 0.0, capped = 0.0, start = INFINITY;
    for (size_t b = 0; b < START_BINS; b++)
        below += sum[b];
    for (size_t b = START_BINS; b-- > 1;) {
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
    return start;
}

double rm_simplex_project_kl(const double *y, size_t n, double u, double *q, double *work,
                             int threads)
{
    size_t positive = 0;
    double smallest = INFINITY, largest = 0.0;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n)) reduction(+ : positive) reduction(min : smallest) reduction(max : largest)
    for (size_t i = 0; i < n; i++)
        if (y[i] > 0.0) {
            positive++;
            smallest = y[i] < smallest ? y[i] : smallest;
            largest = y[i] > largest ? y[i] : largest;
        }
    double room = (double)positive * u; /* the most mass the positive entries can hold */
    if (room < 1.0 - 1e-12)
        return -1.0;
    if (room <= 1.0 + 1e-12) {
        /* Every positive entry is capped (n u = 1 when eps = 0): any theta >= u/min
         * works; take the smallest. */
        for (size_t i = 0; i < n; i++)
            q[i] = y[i] > 0.0 ? u : 0.0;
        return u / smallest;
    }
    /* Capping rounds: theta = (1 - u |capped|) / (sum of the others); cap the rows that
     * theta pushes over u (y >= u/theta); theta only grows, so rows once capped stay
     * capped, and a round that caps no more rows than the last has found theta. One pass
     * a round: the count of the next round's capped rows is its test. */
    double theta = -1.0, cut = INFINITY; /* rows with y >= cut are capped */
    if (n >= START_MIN && smallest < largest && isfinite(largest))
        cut = start_cut(y, n, u, smallest, largest, work, threads);
    size_t was_capped = 0;
    for (int round = 0; round < 64; round++) {
        size_t capped;
        double rest = sum_below(y, n, cut, &capped, threads);
        if (round > 0 && capped == was_capped)
            break; /* theta from the last round caps nothing new */
        double t = (1.0 - u * (double)capped) / rest;
        theta = t;
        if (!(rest > 0.0) || !(t > 0.0))
            break;
        was_capped = capped;
        cut = u / t; /* the next cut can only move down */
        if (round == 63)
            theta = kl_theta_sorted(y, n, u, work);
    }
    if (!(theta > 0.0) || !isfinite(theta))
        theta = kl_theta_sorted(y, n, u, work);
    if (!(theta > 0.0))
        return -1.0;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t i = 0; i < n; i++) {
        double v = theta * y[i];
        q[i] = v > u ? u : v;
    }
    return theta;
}
