/* See quantiles.h. */
#include "numerics/quantiles.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/row_range.h"
#include "common/threads.h"
#include "numerics/select.h"
#include "numerics/summation.h"
#include "robustmean.h"

/* Histograms and collection buffers each stay within about this many bytes. */
#define MEMORY_BUDGET ((size_t)64 << 20)
/* A thread's histograms of all columns within about this many bytes, a core's second-level
 * cache: every value increments a bin of its column, so histograms that spill out of the
 * cache cost a memory access per value (bench/TUNING.md, CACHE_BUDGET). */
#define CACHE_BUDGET ((size_t)512 << 10)
/* Bins per column: at most 1024 (a hundred columns' 32-bit counts fit the cache budget);
 * the bin of the rank then holds about n/1000 values, few enough to collect. */
enum { MAX_BINS = 1024, MIN_BINS = 64, MIN_LIMIT = 256 };

typedef struct search {
    double lo, hi;     /* the candidates: values in [lo, hi] of the previous bin */
    double pre;        /* a power of two that offsets are taken at (see set_range) */
    double scale;      /* bins / (hi*pre - lo*pre) */
    size_t below;      /* values below the candidates */
    size_t rank;       /* the wanted rank */
    size_t bin;        /* the bin holding the rank, after a histogram */
    size_t count;      /* values in that bin (before the first histogram: n) */
    size_t filled;     /* values collected from it */
    int state;         /* ACTIVE, COLLECT, REFINE or DONE */
    double value;
    double next_lo, next_hi;
} search;

enum { ACTIVE, COLLECT, REFINE, DONE };

static void set_range(search *s, double lo, double hi, size_t bins)
{
    s->lo = lo;
    s->hi = hi;
    if (lo == hi) {
        s->state = DONE;
        s->value = lo;
        return;
    }
    /* hi - lo overflows for values of both signs near the limit of double, and
     * bins / (hi - lo) for a subnormal width: offsets are then taken of halves, or of
     * values multiplied by 2^200 (exact for values that close to 0). Either keeps the
     * order of the values, so the bins stay in order. */
    double width = hi - lo;
    s->pre = !isfinite(width) ? 0.5 : width < 0x1p-960 ? 0x1p200 : 1.0;
    s->scale = (double)bins / (hi * s->pre - lo * s->pre);
    s->state = ACTIVE;
}

/* What a pass reads of each column, in flat arrays, so that the loop over a row's values
 * is one range test per value: a column the pass does not serve gets an empty range. */
typedef struct column_view {
    double *lo, *hi; /* the candidates' range, or [+inf, -inf] */
    double *lop, *pre, *scale; /* view_bin's terms: lo * pre, pre, scale */
    size_t *bin;               /* collect_pass: the bin of the rank */
} column_view;

static int view_alloc(column_view *v, size_t d)
{
    v->lo = rm_alloc_array(5 * d, sizeof(double));
    v->bin = rm_alloc_array(d, sizeof(size_t));
    if (!v->lo || !v->bin) {
        free(v->lo);
        free(v->bin);
        v->lo = NULL;
        v->bin = NULL;
        return RM_ENOMEM;
    }
    v->hi = v->lo + d;
    v->lop = v->lo + 2 * d;
    v->pre = v->lo + 3 * d;
    v->scale = v->lo + 4 * d;
    return RM_OK;
}

static void view_free(column_view *v)
{
    free(v->lo);
    free(v->bin);
}

/* The columns in state a or b. */
static void view_set(column_view *v, const search *s, size_t d, int a, int b)
{
    for (size_t j = 0; j < d; j++) {
        int served = s[j].state == a || s[j].state == b;
        v->lo[j] = served ? s[j].lo : INFINITY;
        v->hi[j] = served ? s[j].hi : -INFINITY;
        v->lop[j] = s[j].lo * s[j].pre;
        v->pre[j] = s[j].pre;
        v->scale[j] = s[j].scale;
        v->bin[j] = s[j].bin;
    }
}

/* The bin of x >= lo in column j: (x*pre - lo*pre) * scale, offsets at the power of two
 * set_range chose (b >= 0 as x >= lo, so the cheaper signed conversion serves). */
static inline size_t view_bin(const column_view *v, size_t j, double x, size_t bins)
{
    double b = (x * v->pre[j] - v->lop[j]) * v->scale[j];
    return b < (double)bins ? (size_t)(int64_t)b : bins - 1;
}

/* One count more in the histogram the threads share (a function: a pragma cannot sit in
 * RM_MATRIX_WITH_ROW's arguments). */
static void count_shared(uint32_t *count)
{
#pragma omp atomic
    (*count)++;
}

/* Pass: the histogram of the candidates of each active column. */
static void histogram_pass(const rm_matrix *X, const column_view *v, size_t bins,
                           uint32_t *counts, int threads)
{
    size_t n = X->n, d = X->d;
    memset(counts, 0, d * bins * sizeof *counts);
#pragma omp parallel num_threads(threads)
    {
        uint32_t *mine = calloc(d * bins, sizeof *mine);
        int ok = mine != NULL;
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++)
            RM_MATRIX_WITH_ROW(X, i, x, {
                if (ok) {
                    for (size_t j = 0; j < d; j++) {
                        double xj = RM_ROW_AT(x, j);
                        if (xj >= v->lo[j] && xj <= v->hi[j])
                            mine[j * bins + view_bin(v, j, xj, bins)]++;
                    }
                } else { /* no memory for the thread's own: the shared one, atomically */
                    for (size_t j = 0; j < d; j++) {
                        double xj = RM_ROW_AT(x, j);
                        if (xj >= v->lo[j] && xj <= v->hi[j])
                            count_shared(counts + j * bins + view_bin(v, j, xj, bins));
                    }
                }
            });
        if (ok) {
#pragma omp critical
            for (size_t k = 0; k < d * bins; k++)
                counts[k] += mine[k];
        }
        free(mine);
    }
}

/* [*lo, *hi] widened to hold v, under a lock: for a thread without memory of its own. */
static void widen_locked(double *lo, double *hi, double v)
{
#pragma omp critical
    {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* A thread's own empty ranges of d columns (lows at b[j], highs at b[d + j]), or NULL
 * without memory. */
static double *ranges_new(size_t d)
{
    double *b = malloc(2 * d * sizeof *b);
    if (b)
        for (size_t j = 0; j < d; j++) {
            b[j] = INFINITY;
            b[d + j] = -INFINITY;
        }
    return b;
}

/* One value v of column j in its chosen bin (collect_pass has checked that it is). */
static void collect_value(search *c, size_t j, double v, double *buffer, size_t limit,
                          double *bounds, size_t d)
{
    if (c->state == COLLECT) {
        size_t at;
#pragma omp atomic capture
        at = c->filled++;
        if (at < limit)
            buffer[j * limit + at] = v;
    } else if (bounds) {
        if (v < bounds[j])
            bounds[j] = v;
        if (v > bounds[d + j])
            bounds[d + j] = v;
    } else {
        widen_locked(&c->next_lo, &c->next_hi, v);
    }
}

/* Pass: the values of the chosen bin, collected, or only bounded (per thread, then
 * merged: a lock per value would serialise the pass). */
static void collect_pass(const rm_matrix *X, search *s, const column_view *v, size_t bins,
                         double *buffer, size_t limit, int threads)
{
    size_t n = X->n, d = X->d;
#pragma omp parallel num_threads(threads)
    {
        double *bounds = ranges_new(d);
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++)
            RM_MATRIX_WITH_ROW(X, i, x, {
                for (size_t j = 0; j < d; j++) {
                    double xj = RM_ROW_AT(x, j);
                    if (xj >= v->lo[j] && xj <= v->hi[j] && view_bin(v, j, xj, bins) == v->bin[j])
                        collect_value(&s[j], j, xj, buffer, limit, bounds, d);
                }
            });
        if (bounds) {
#pragma omp critical
            for (size_t j = 0; j < d; j++) {
                s[j].next_lo = fmin(s[j].next_lo, bounds[j]);
                s[j].next_hi = fmax(s[j].next_hi, bounds[d + j]);
            }
        }
        free(bounds);
    }
}

/* 1 while a column's search goes on. */
static int any_active(const search *s, size_t d)
{
    int active = 0;
    for (size_t j = 0; j < d; j++)
        active |= s[j].state == ACTIVE;
    return active;
}

/* The bin of a column's histogram (32-bit counts, or 64-bit ones when wide) that holds
 * c's rank: into c->bin, the values before it added to c->below, its count into
 * c->count. Returns 0, with c unchanged, when the bins do not hold the c->count candidates:
 * one of them was in no bin (a NaN), and the walk could pass the last bin. */
static int locate_rank(search *c, const void *histogram, int wide, size_t bins)
{
    const uint32_t *narrow = histogram;
    const uint64_t *broad = histogram;
    size_t total = 0;
    for (size_t b = 0; b < bins; b++)
        total += wide ? (size_t)broad[b] : narrow[b];
    if (total != c->count)
        return 0;
    size_t want = c->rank - c->below, b = 0;
    for (;; b++) {
        size_t h = wide ? (size_t)broad[b] : narrow[b];
        if (want < h)
            break;
        want -= h; /* the rank lies beyond bin b */
        c->below += h;
    }
    c->bin = b;
    c->count = wide ? (size_t)broad[b] : narrow[b];
    return 1;
}

/* The smallest and largest value of each column. */
static void range_pass(const rm_matrix *X, double *lo, double *hi, int threads)
{
    size_t n = X->n, d = X->d;
    for (size_t j = 0; j < d; j++) {
        lo[j] = INFINITY;
        hi[j] = -INFINITY;
    }
#pragma omp parallel num_threads(threads)
    {
        double *a = ranges_new(d);
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++)
            RM_MATRIX_WITH_ROW(X, i, x, {
                if (a) { /* a loop the compiler turns into vector min and max */
                    double *least = a, *most = a + d;
                    for (size_t j = 0; j < d; j++) {
                        double xj = RM_ROW_AT(x, j);
                        least[j] = xj < least[j] ? xj : least[j];
                        most[j] = xj > most[j] ? xj : most[j];
                    }
                } else {
                    for (size_t j = 0; j < d; j++)
                        widen_locked(&lo[j], &hi[j], RM_ROW_AT(x, j));
                }
            });
        if (a) {
#pragma omp critical
            for (size_t j = 0; j < d; j++) {
                lo[j] = fmin(lo[j], a[j]);
                hi[j] = fmax(hi[j], a[d + j]);
            }
        }
        free(a);
    }
}

void rm_column_range(const rm_matrix *X, double *lo, double *hi, int threads)
{
    range_pass(X, lo, hi, rm_threads(threads, X->n * X->d));
}

int rm_column_ranks(const rm_matrix *X, const size_t *rank, double *out, double *col_lo,
                    double *col_hi, int threads)
{
    size_t n = X->n, d = X->d;
    if (n > UINT32_MAX)
        return RM_EOVERFLOW; /* 32-bit counts */
    threads = rm_threads(threads, n * d);
    size_t bins = MEMORY_BUDGET / ((size_t)(threads + 1) * d * sizeof(uint32_t));
    if (bins > CACHE_BUDGET / (d * sizeof(uint32_t)))
        bins = CACHE_BUDGET / (d * sizeof(uint32_t));
    bins = bins > MAX_BINS ? MAX_BINS : bins < MIN_BINS ? MIN_BINS : bins;
    size_t limit = MEMORY_BUDGET / (d * sizeof(double));
    limit = limit < MIN_LIMIT ? MIN_LIMIT : limit > n ? n : limit;
    search *s = calloc(d, sizeof *s);
    uint32_t *counts = rm_alloc_array(d * bins, sizeof *counts);
    double *buffer = rm_alloc_array(d * limit, sizeof *buffer);
    double *lo = rm_alloc_array(d, sizeof *lo), *hi = rm_alloc_array(d, sizeof *hi);
    column_view view = {0};
    int status = s && counts && buffer && lo && hi ? view_alloc(&view, d) : RM_ENOMEM;
    if (status == RM_OK) {
        range_pass(X, lo, hi, threads);
        for (size_t j = 0; j < d; j++) {
            /* a NaN is in no range and no bin: the walk below would pass the last bin */
            if (!isfinite(lo[j]) || !isfinite(hi[j]))
                status = RM_ENONFINITE;
            s[j].rank = rank[j];
            s[j].count = n;
            set_range(&s[j], lo[j], hi[j], bins);
        }
        while (status == RM_OK && any_active(s, d)) {
            view_set(&view, s, d, ACTIVE, ACTIVE);
            histogram_pass(X, &view, bins, counts, threads);
            for (size_t j = 0; j < d; j++) {
                search *c = &s[j];
                if (c->state != ACTIVE)
                    continue;
                if (!locate_rank(c, counts + j * bins, 0, bins)) {
                    status = RM_ENONFINITE;
                    break;
                }
                c->filled = 0;
                c->next_lo = INFINITY;
                c->next_hi = -INFINITY;
                c->state = c->count <= limit ? COLLECT : REFINE;
            }
            if (status != RM_OK)
                break;
            view_set(&view, s, d, COLLECT, REFINE);
            collect_pass(X, s, &view, bins, buffer, limit, threads);
            /* columns apart: each selects in its own part of the buffer */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
            for (size_t j = 0; j < d; j++) {
                search *c = &s[j];
                if (c->state == COLLECT) {
                    double *v = buffer + j * limit;
                    size_t r = c->rank - c->below;
                    rm_select(v, c->count, r);
                    c->value = v[r];
                    c->state = DONE;
                } else if (c->state == REFINE) {
                    set_range(c, c->next_lo, c->next_hi, bins);
                }
            }
        }
        for (size_t j = 0; j < d; j++)
            out[j] = s[j].value;
        if (col_lo && col_hi) {
            memcpy(col_lo, lo, d * sizeof *lo);
            memcpy(col_hi, hi, d * sizeof *hi);
        }
    }
    view_free(&view);
    free(s);
    free(counts);
    free(buffer);
    free(lo);
    free(hi);
    return status;
}

/* Each column's [lo, hi] made every process's: the least lo and the greatest hi. */
static int combine_bounds(const rm_row_range *range, int status, double *lo, double *hi,
                          double *packed, size_t d)
{
    for (size_t j = 0; j < d && status == RM_OK; j++) {
        packed[j] = lo[j];
        packed[d + j] = -hi[j];
    }
    status = rm_row_range_combine(range, status, packed, 2 * d, RM_COMBINE_MIN);
    for (size_t j = 0; j < d && status == RM_OK; j++) {
        lo[j] = packed[j];
        hi[j] = -packed[d + j];
    }
    return status;
}

/* Spread over processes, the bins' counts are added over them (exact whole numbers) and
 * the chosen bin's values are bounded rather than collected: its least and greatest
 * values over every process become the next candidates, until they are one value. Only
 * counts and bounds cross between processes, d * bins + 2d numbers a round, and the value
 * found is the column's value of that rank, whatever the processes hold: the same as one
 * process's to the bit. */
static int spread_ranks(const rm_matrix *X, const rm_row_range *range, const size_t *rank,
                        double *out, double *col_lo, double *col_hi, int threads)
{
    size_t n = X->n, d = X->d;
    threads = rm_threads(threads, n * d);
    /* The same bins on every process, whatever its threads. */
    size_t bins = CACHE_BUDGET / (d * sizeof(uint32_t));
    bins = bins > MAX_BINS ? MAX_BINS : bins < MIN_BINS ? MIN_BINS : bins;
    search *s = calloc(d, sizeof *s);
    uint32_t *counts = rm_alloc_array(d * bins, sizeof *counts);
    uint64_t *total = rm_alloc_array(d * bins, sizeof *total);
    double *lo = rm_alloc_array(d, sizeof *lo), *hi = rm_alloc_array(d, sizeof *hi);
    double *packed = rm_alloc_array(2 * d, sizeof *packed);
    column_view view = {0};
    int status = s && counts && total && lo && hi && packed ? view_alloc(&view, d) : RM_ENOMEM;
    if (status == RM_OK && n > UINT32_MAX)
        status = RM_EOVERFLOW; /* 32-bit counts on each process */
    if (status == RM_OK)
        range_pass(X, lo, hi, threads);
    status = combine_bounds(range, status, lo, hi, packed, d);
    if (status == RM_OK && col_lo && col_hi) {
        memcpy(col_lo, lo, d * sizeof *lo);
        memcpy(col_hi, hi, d * sizeof *hi);
    }
    for (size_t j = 0; j < d && status == RM_OK; j++) {
        if (!isfinite(lo[j]) || !isfinite(hi[j])) /* as rm_column_ranks */
            status = RM_ENONFINITE;
        s[j].rank = rank[j];
        s[j].count = rm_row_range_total(range);
        set_range(&s[j], lo[j], hi[j], bins);
    }
    while (status == RM_OK && any_active(s, d)) {
        view_set(&view, s, d, ACTIVE, ACTIVE);
        histogram_pass(X, &view, bins, counts, threads);
        for (size_t k = 0; k < d * bins; k++)
            total[k] = counts[k];
        status = rm_row_range_combine(range, status, total, d * bins, RM_COMBINE_SUM_COUNTS);
        for (size_t j = 0; j < d && status == RM_OK; j++) {
            search *c = &s[j];
            if (c->state != ACTIVE)
                continue;
            if (!locate_rank(c, total + j * bins, 1, bins)) {
                status = RM_ENONFINITE;
                break;
            }
            c->next_lo = INFINITY;
            c->next_hi = -INFINITY;
            c->state = REFINE;
        }
        if (status != RM_OK)
            break;
        view_set(&view, s, d, REFINE, REFINE);
        collect_pass(X, s, &view, bins, NULL, 0, threads);
        for (size_t j = 0; j < d; j++) {
            lo[j] = s[j].next_lo;
            hi[j] = s[j].next_hi;
        }
        status = combine_bounds(range, status, lo, hi, packed, d);
        for (size_t j = 0; j < d && status == RM_OK; j++)
            if (s[j].state == REFINE)
                set_range(&s[j], lo[j], hi[j], bins);
    }
    for (size_t j = 0; j < d && status == RM_OK; j++)
        out[j] = s[j].value;
    view_free(&view);
    free(s);
    free(counts);
    free(total);
    free(lo);
    free(hi);
    free(packed);
    return status;
}

int rm_column_ranks_range(const rm_matrix *X, const rm_row_range *range, const size_t *rank,
                          double *out, double *col_lo, double *col_hi, int threads)
{
    return range ? spread_ranks(X, range, rank, out, col_lo, col_hi, threads)
                 : rm_column_ranks(X, rank, out, col_lo, col_hi, threads);
}

int rm_column_medians(const rm_matrix *X, const double *lower, double *out, int threads)
{
    return rm_column_medians_range(X, NULL, lower, out, threads);
}

int rm_column_medians_range(const rm_matrix *X, const rm_row_range *range, const double *lower,
                            double *out, int threads)
{
    size_t n = range ? rm_row_range_total(range) : X->n, d = X->d;
    size_t *rank = rm_alloc_array(d, sizeof *rank);
    double *upper = rm_alloc_array(d, sizeof *upper);
    int status = rank && upper ? RM_OK : RM_ENOMEM;
    /* spread, a failure to allocate is every process's (the search's first hook) */
    if (status != RM_OK && range)
        status = rm_row_range_combine(range, status, NULL, 0, RM_COMBINE_MIN);
    if (status == RM_OK && lower) {
        memcpy(out, lower, d * sizeof *out);
    } else if (status == RM_OK) {
        for (size_t j = 0; j < d; j++)
            rank[j] = (n - 1) / 2;
        status = rm_column_ranks_range(X, range, rank, out, NULL, NULL, threads);
    }
    if (status == RM_OK && n % 2 == 0) {
        for (size_t j = 0; j < d; j++)
            rank[j] = n / 2;
        status = rm_column_ranks_range(X, range, rank, upper, NULL, NULL, threads);
        for (size_t j = 0; j < d && status == RM_OK; j++)
            out[j] = rm_midpoint(out[j], upper[j]);
    }
    free(rank);
    free(upper);
    return status;
}

/* Rows split in chunks whose number depends on n only: partial sums are added in chunk
 * order, so the total does not depend on the number of threads (nor, spread, on the
 * number of processes when they split the rows at chunk boundaries). */
static size_t chunk_count(size_t n)
{
    size_t c = n / 4096 + 1;
    return c > 64 ? 64 : c;
}

static size_t even_start(size_t n, size_t chunks, size_t c) { return c * n / chunks; }

/* Column j's counts below lo, at lo and strictly inside (lo, hi), and the sum of v - lo
 * inside, for one value v. */
static void trim_value(double *part, size_t d, size_t j, double v, double lo, double hi)
{
    double *below = part, *at_lo = part + d, *inside = part + 2 * d, *sum = part + 3 * d;
    if (v < lo)
        below[j] += 1.0;
    else if (v == lo)
        at_lo[j] += 1.0;
    else if (v < hi) {
        inside[j] += 1.0;
        sum[j] += v - lo;
    }
}

int rm_column_trimmed_means(const rm_matrix *X, size_t k, double *out, int threads)
{
    return rm_column_trimmed_means_range(X, NULL, k, out, threads);
}

int rm_column_trimmed_means_range(const rm_matrix *X, const rm_row_range *range, size_t k,
                                  double *out, int threads)
{
    size_t n = range ? rm_row_range_total(range) : X->n, d = X->d;
    threads = rm_threads(threads, X->n * d);
    size_t chunks = chunk_count(n);
    rm_piece *pieces = rm_alloc_array(chunks, sizeof *pieces);
    size_t count = pieces ? rm_pieces_of(range ? rm_row_range_first(range) : 0, X->n, n, chunks,
                                         even_start, pieces)
                          : 0;
    size_t *rank = rm_alloc_array(d, sizeof *rank);
    double *lo = rm_alloc_array(d, sizeof *lo), *hi = rm_alloc_array(d, sizeof *hi);
    /* per piece and column: values below lo, at lo, strictly inside, and the sum of
     * (x - lo) over those inside (differences: a large offset cannot cancel) */
    double *part = rm_calloc_array(count * 4 * d, sizeof *part);
    int status = pieces && rank && lo && hi && part ? RM_OK : RM_ENOMEM;
    if (status != RM_OK && range) /* every process's failure (the search's first hook) */
        status = rm_row_range_combine(range, status, NULL, 0, RM_COMBINE_MIN);
    if (status == RM_OK) {
        for (size_t j = 0; j < d; j++)
            rank[j] = k;
        status = rm_column_ranks_range(X, range, rank, lo, NULL, NULL, threads);
    }
    if (status == RM_OK) {
        for (size_t j = 0; j < d; j++)
            rank[j] = n - 1 - k;
        status = rm_column_ranks_range(X, range, rank, hi, NULL, NULL, threads);
    }
    const double *all = part;
    double *owned = NULL;
    size_t all_count = count;
    if (status == RM_OK) {
#pragma omp parallel for schedule(static) num_threads(threads)
        for (size_t c = 0; c < count; c++)
            for (size_t i = pieces[c].lo; i < pieces[c].hi; i++)
                RM_MATRIX_WITH_ROW(X, i, x, {
                    for (size_t j = 0; j < d; j++)
                        trim_value(part + c * 4 * d, d, j, RM_ROW_AT(x, j), lo[j], hi[j]);
                });
        status = rm_row_range_gather(range, status, chunks, even_start, part, count, 4 * d, &all,
                                     &owned, &all_count);
    }
    if (status == RM_OK) {
        double *sum4 = owned ? owned : part; /* the first part takes the others' */
        for (size_t c = 1; c < all_count; c++)
            for (size_t t = 0; t < 4 * d; t++)
                sum4[t] += all[c * 4 * d + t];
        double *below = sum4, *at_lo = sum4 + d, *inside = sum4 + 2 * d, *sum = sum4 + 3 * d;
        double keep = (double)(n - 2 * k);
        for (size_t j = 0; j < d; j++) {
            if (lo[j] == hi[j]) {
                out[j] = lo[j];
                continue;
            }
            /* Kept: ranks k .. n-k-1. The copies of lo hold ranks [below, below + at_lo),
             * the ones from k on are kept; every value strictly inside is kept; the rest of
             * the kept ranks are copies of hi. */
            double copies_lo = below[j] + at_lo[j] - (double)k;
            double copies_hi = keep - copies_lo - inside[j];
            out[j] = lo[j] + (sum[j] + copies_hi * (hi[j] - lo[j])) / keep;
        }
    }
    free(owned);
    free(pieces);
    free(rank);
    free(lo);
    free(hi);
    free(part);
    return status;
}

int rm_rank_value_range(const double *a, size_t n, size_t k, const rm_row_range *range,
                        double *work, int threads, double *out)
{
    if (!range) {
        *out = rm_rank_value(a, n, k, work, threads);
        return RM_OK;
    }
    rm_matrix column = rm_matrix_of_doubles(a, n, 1);
    return spread_ranks(&column, range, &k, out, NULL, NULL, threads);
}

int rm_median_range(double *a, size_t n, const rm_row_range *range, int threads, double *out)
{
    if (!range) {
        *out = rm_median_inplace(a, n);
        return RM_OK;
    }
    /* a range whose process p holds process p's count of values */
    size_t parts = range->parts, *offsets = rm_alloc_array(parts + 1, sizeof *offsets);
    uint64_t *counts = rm_calloc_array(parts, sizeof *counts);
    int status = offsets && counts ? RM_OK : RM_ENOMEM;
    if (status == RM_OK)
        counts[range->index] = n;
    status = rm_row_range_combine(range, status, counts, parts, RM_COMBINE_SUM_COUNTS);
    if (status == RM_OK) {
        offsets[0] = 0;
        for (size_t p = 0; p < parts; p++)
            offsets[p + 1] = offsets[p] + (size_t)counts[p];
    }
    rm_row_range values = *range;
    values.offsets = offsets;
    size_t total = status == RM_OK ? offsets[parts] : 0, k = total ? (total - 1) / 2 : 0;
    double low = NAN, high = NAN;
    if (status == RM_OK && total == 0)
        status = RM_EINVAL; /* the median of nothing: the same on every process */
    if (status == RM_OK)
        status = rm_rank_value_range(a, n, k, &values, NULL, threads, &low);
    if (status == RM_OK && total % 2 == 0)
        status = rm_rank_value_range(a, n, k + 1, &values, NULL, threads, &high);
    if (status == RM_OK)
        *out = total % 2 ? low : rm_midpoint(low, high);
    free(offsets);
    free(counts);
    return status;
}
