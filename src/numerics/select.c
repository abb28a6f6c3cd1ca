/* Quickselect with three-way partitioning and a sort fallback (introselect). */
#include "numerics/select.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/threads.h"

/* rm_rank_value: from this many values on, a sample of GUIDE_SAMPLE evenly spaced ones
 * brackets the rank GUIDE_SIGMAS standard deviations of its sample rank either side
 * (missing it has odds below 1e-6, and then the selection runs on all of a); the passes
 * run in GUIDE_CHUNKS chunks fixed by n, so the result does not depend on the threads. */
#define GUIDE_MIN 65536
#define GUIDE_SAMPLE 4096
#define GUIDE_SIGMAS 5.0
enum { GUIDE_CHUNKS = 32 };

static int compare_doubles(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static void swap_doubles(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static double median_of_three(double a, double b, double c)
{
    if (a > b)
        swap_doubles(&a, &b);
    if (b > c)
        b = c;
    return a > b ? a : b;
}

static void insertion_sort(double *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

void rm_select(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    /* After about 2 log2(n) partitions that failed to shrink the range geometrically, the
     * input is adversarial for median-of-three pivots: sort what is left instead. */
    unsigned budget = 8;
    for (size_t m = n; m > 1; m >>= 1)
        budget += 2;
    while (hi - lo > 24) {
        if (budget-- == 0) {
            qsort(a + lo, hi - lo, sizeof *a, compare_doubles);
            return;
        }
        size_t mid = lo + (hi - lo) / 2;
        double pivot = median_of_three(a[lo], a[mid], a[hi - 1]);
        /* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > pivot */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (a[i] < pivot)
                swap_doubles(&a[lt++], &a[i++]);
            else if (a[i] > pivot)
                swap_doubles(&a[i], &a[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
    insertion_sort(a + lo, hi - lo);
}

double rm_midpoint(double a, double b)
{
    if (a == b)
        return a;
    /* Halving first cannot overflow; it only loses the last bit of subnormals, where the
     * plain sum cannot overflow, so use that there. */
    if (fabs(a) < 1.0 && fabs(b) < 1.0)
        return (a + b) / 2.0;
    return a / 2.0 + b / 2.0;
}

double rm_median_inplace(double *a, size_t n)
{
    size_t k = (n - 1) / 2;
    rm_select(a, n, k);
    if (n % 2 == 1)
        return a[k];
    double next = a[k + 1];
    for (size_t i = k + 2; i < n; i++)
        if (a[i] < next)
            next = a[i];
    return rm_midpoint(a[k], next);
}

double rm_rank_value(const double *a, size_t n, size_t k, double *work, int threads)
{
    if (n >= GUIDE_MIN) {
        size_t m = GUIDE_SAMPLE, chunks = GUIDE_CHUNKS;
        for (size_t t = 0; t < m; t++)
            work[t] = a[t * (n / m)];
        double p = (double)k / (double)(n - 1), at = p * (double)(m - 1);
        double margin = GUIDE_SIGMAS * sqrt((double)m * p * (1.0 - p)) + 8.0;
        double lo = -INFINITY, hi = INFINITY;
        if (at - margin >= 0.0) {
            size_t r = (size_t)(at - margin);
            rm_select(work, m, r);
            lo = work[r];
        }
        if (at + margin <= (double)(m - 1)) {
            size_t r = (size_t)ceil(at + margin);
            rm_select(work, m, r);
            hi = work[r];
        }
        size_t below[GUIDE_CHUNKS], inside[GUIDE_CHUNKS];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
        for (size_t c = 0; c < chunks; c++) {
            size_t under = 0, in = 0;
            for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
                under += a[i] < lo;
                in += a[i] >= lo && a[i] <= hi;
            }
            below[c] = under;
            inside[c] = in;
        }
        size_t under = 0, in = 0, start[GUIDE_CHUNKS];
        for (size_t c = 0; c < chunks; c++) {
            start[c] = in;
            under += below[c];
            in += inside[c];
        }
        if (under <= k && k < under + in) {
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
            for (size_t c = 0; c < chunks; c++) {
                size_t to = start[c];
                for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++)
                    if (a[i] >= lo && a[i] <= hi)
                        work[to++] = a[i];
            }
            rm_select(work, in, k - under);
            return work[k - under];
        }
    }
    memcpy(work, a, n * sizeof *a);
    rm_select(work, n, k);
    return work[k];
}

static int by_row(const rm_valued_row *x, const rm_valued_row *y)
{
    return (x->row > y->row) - (x->row < y->row);
}

int rm_valued_row_ascending(const void *a, const void *b)
{
    const rm_valued_row *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return by_row(x, y);
}

int rm_valued_row_descending(const void *a, const void *b)
{
    const rm_valued_row *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return by_row(x, y);
}
