/* See row_sample.h. */
#include "numerics/row_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/quantiles.h"
#include "numerics/select.h"
#include "robustmean.h"

/* One step of a hash chain: mix in the grid value v (an integer, as a double). */
static inline uint64_t lane_step(uint64_t lane, double v)
{
    lane = (lane ^ (uint64_t)(int64_t)v) * 0x9e3779b97f4a7c15u;
    return lane ^ (lane >> 29);
}

/* A hash of the row's values, each rounded to 1/1024 of its column's largest |z| (rows
 * equal to that precision share it; units and order do not matter). Rounding by adding 1.5 * 2^52 (|v| <=
 * 1024, so exact, and no libm call), and four hash chains over alternate columns, kept in
 * registers (one chain waits on each multiplication). */
static uint64_t row_hash(const rm_moments *m, size_t i)
{
    const rm_centre *c = m->ctr;
    const double round = 0x1.8p52;
    /* the four lanes in registers, column j feeding lane j % 4 */
    uint64_t h0 = 0x243f6a8885a308d3u, h1 = 0x13198a2e03707344u, h2 = 0xa4093822299f31d0u,
             h3 = 0x082efa98ec4e6c89u;
    size_t d = m->d;
#define RM_GRID(j) ((rm_centre_z(c, RM_ROW_AT(x, j), j) * c->grid[j] + round) - round)
    RM_MATRIX_WITH_ROW(&m->X, i, x, {
        size_t j = 0;
        for (; j + 4 <= d; j += 4) {
            h0 = lane_step(h0, RM_GRID(j));
            h1 = lane_step(h1, RM_GRID(j + 1));
            h2 = lane_step(h2, RM_GRID(j + 2));
            h3 = lane_step(h3, RM_GRID(j + 3));
        }
        if (j < d)
            h0 = lane_step(h0, RM_GRID(j));
        if (j + 1 < d)
            h1 = lane_step(h1, RM_GRID(j + 1));
        if (j + 2 < d)
            h2 = lane_step(h2, RM_GRID(j + 2));
    });
#undef RM_GRID
    uint64_t all = h0 ^ (h1 * 0xd6e8feb86659fd93u) ^ (h2 >> 7 | h2 << 57) ^
                   (h3 * 0x9e3779b97f4a7c15u);
    all ^= all >> 32;
    all *= 0xd6e8feb86659fd93u;
    return all ^ (all >> 32);
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A slot of a copy-count table: 32 bits of the row's hash (the lowest set, so never 0: 0
 * marks an empty slot) and the copies seen. Two rows whose hashes share the slot's bits
 * and these are counted together, a chance of about 2^-31 per probe; their keys still
 * differ (each mixes its own full hash), only the count each sees depends on their
 * order. */
typedef struct slot_entry {
    uint32_t tag, seen;
} slot_entry;

/* Rows per bucket, at most on average (the bucket count is a power of two). The copies
 * are counted bucket by bucket, each bucket in a table of its own (at least twice as many
 * slots as rows: 32-64 KiB, in a core's cache), on any free thread: one table for all
 * rows took a cache miss a row (bench/TUNING.md, BUCKET_ROWS). */
#define BUCKET_ROWS 2048

static size_t pow2_at_least(size_t x)
{
    size_t p = 1;
    while (p < x)
        p <<= 1;
    return p;
}

/* The keys of one bucket's rows (hashes v[0..count), rows row[0..count), in row order),
 * counted in table (slots entries, a power of two > count). */
static void count_bucket(const uint64_t *v, const uint32_t *row, size_t count,
                         slot_entry *table, size_t slots, double *keys)
{
    size_t mask = slots - 1;
    memset(table, 0, slots * sizeof *table);
    for (size_t t = 0; t < count; t++) {
        uint32_t tag = (uint32_t)(v[t] >> 32) | 1u;
        size_t slot = (size_t)(mix64(v[t]) >> 32) & mask;
        while (table[slot].tag != 0 && table[slot].tag != tag)
            slot = (slot + 1) & mask;
        table[slot].tag = tag;
        uint64_t key = mix64(v[t] + 0x9e3779b97f4a7c15u * table[slot].seen++);
        keys[row[t]] = (double)(key >> 11) * 0x1p-53;
    }
}

int rm_row_keys(const rm_moments *m, double *keys, int threads)
{
    size_t n = m->n;
    if (n > UINT32_MAX)
        return RM_EOVERFLOW; /* row numbers in 32 bits */
    size_t buckets = pow2_at_least((n + BUCKET_ROWS - 1) / BUCKET_ROWS);
    int team = rm_threads(threads, n * m->d);
    uint64_t *hash = rm_alloc_array(n, sizeof *hash), *sorted = rm_alloc_array(n, sizeof *sorted);
    uint32_t *bucket = rm_alloc_array(n, sizeof *bucket), *row = rm_alloc_array(n, sizeof *row);
    size_t *first = rm_calloc_array(buckets + 1, sizeof *first);
    int status = hash && sorted && bucket && row && first ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
#pragma omp parallel for schedule(static) num_threads(team)
        for (size_t i = 0; i < n; i++) {
            hash[i] = row_hash(m, i);
            bucket[i] = (uint32_t)(mix64(hash[i]) & (buckets - 1));
        }
        /* The rows by bucket, in row order within each (a stable counting sort); first[b]
         * ends as bucket b's first position. */
        for (size_t i = 0; i < n; i++)
            first[bucket[i] + 1]++;
        for (size_t b = 0; b < buckets; b++)
            first[b + 1] += first[b];
        for (size_t i = 0; i < n; i++) {
            size_t at = first[bucket[i]]++;
            sorted[at] = hash[i];
            row[at] = (uint32_t)i;
        }
        for (size_t b = buckets; b > 0; b--)
            first[b] = first[b - 1];
        first[0] = 0;
    }
    free(hash);
    free(bucket);
    /* A table per thread for the usual bucket; a bucket beyond it (the copies of a
     * repeated row all land in one: DKK noise repeats a point eps n times) gets its own. */
    size_t usual = pow2_at_least(4 * BUCKET_ROWS);
    slot_entry *tables = status == RM_OK ? rm_alloc_array((size_t)team * usual, sizeof *tables) : NULL;
    if (status == RM_OK && !tables)
        status = RM_ENOMEM;
    if (status == RM_OK) {
        /* A bucket's rows are counted in row order, by whichever thread: the keys are the
         * same on any number of threads. */
        int failed = 0;
#pragma omp parallel num_threads(team)
        {
            slot_entry *mine = tables + (size_t)omp_get_thread_num() * usual;
#pragma omp for schedule(dynamic, 4)
            for (size_t b = 0; b < buckets; b++) {
                size_t count = first[b + 1] - first[b], slots = pow2_at_least(2 * count + 2);
                slot_entry *table = slots <= usual ? mine : rm_alloc_array(slots, sizeof *table);
                if (!table) {
#pragma omp atomic write
                    failed = 1;
                    continue;
                }
                count_bucket(sorted + first[b], row + first[b], count, table, slots, keys);
                if (table != mine)
                    free(table);
            }
        }
        status = failed ? RM_ENOMEM : RM_OK;
    }
    free(sorted);
    free(row);
    free(first);
    free(tables);
    return status;
}

size_t rm_row_sample(const double *keys, size_t n, size_t count, size_t *rows, double *work)
{
    if (count > n)
        count = n;
    rm_valued_row *taken = count ? rm_alloc_array(count, sizeof *taken) : NULL;
    if (!taken)
        return 0;
    /* every key is below 1: all rows when all are asked for, without a selection */
    double cut = count < n ? rm_rank_value(keys, n, count - 1, work, 1) : 1.0;
    size_t m = 0;
    for (size_t i = 0; i < n && m < count; i++)
        if (keys[i] <= cut)
            taken[m++] = (rm_valued_row){.value = keys[i], .row = i};
    /* ties by row: two 53-bit keys alike, about n^2 / 2^54 of a chance */
    qsort(taken, m, sizeof *taken, rm_valued_row_ascending);
    for (size_t t = 0; t < m; t++)
        rows[t] = taken[t].row;
    free(taken);
    return m;
}

/* Spread over processes: the process that counts the copies of a hash. */
static size_t hash_owner(uint64_t hash, size_t parts) { return (size_t)((mix64(hash) >> 32) % parts); }

/* A hash that arrived, and where: arrivals are in process order, each process's in row
 * order, so by (hash, arrival) the copies are in global row order. */
typedef struct arrival {
    uint64_t hash;
    size_t at;
} arrival;

static int by_hash_then_arrival(const void *a, const void *b)
{
    const arrival *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* The copy number of each hash that arrived (count of them), into copies. */
static int count_arrivals(const uint64_t *hash, size_t count, uint64_t *copies)
{
    arrival *a = rm_alloc_array(count, sizeof *a);
    if (!a)
        return RM_ENOMEM;
    for (size_t t = 0; t < count; t++)
        a[t] = (arrival){.hash = hash[t], .at = t};
    qsort(a, count, sizeof *a, by_hash_then_arrival);
    for (size_t t = 0, seen = 0; t < count; t++) {
        seen = t > 0 && a[t].hash == a[t - 1].hash ? seen + 1 : 0;
        copies[a[t].at] = seen;
    }
    free(a);
    return RM_OK;
}

/* Spread over processes: each row's hash goes to the process that owns it (the hook's
 * exchange), which numbers the copies of each hash in global row order and sends the
 * numbers back. Copies are told by the whole hash, where one process's table tells them
 * by 32 bits of it and a slot: the two differ only where two different rows' tags
 * collide in a probe (row_sample.h: about 2^-31 a probe). */
static int spread_keys(const rm_moments *m, const rm_row_range *r, double *keys, int threads)
{
    size_t n = m->n, parts = r->parts;
    if (rm_row_range_total(r) > UINT32_MAX)
        return RM_EOVERFLOW; /* as one process: row numbers in 32 bits */
    uint64_t *hash = rm_alloc_array(n, sizeof *hash), *send = rm_alloc_array(n, sizeof *send);
    size_t *counts = rm_calloc_array(parts, sizeof *counts);
    size_t *next = rm_alloc_array(parts, sizeof *next), *back_counts = rm_alloc_array(parts, sizeof *back_counts);
    size_t *recv_counts = rm_alloc_array(parts, sizeof *recv_counts);
    uint64_t *recv = NULL, *back = NULL, *copies = NULL;
    int status = hash && send && counts && next && back_counts && recv_counts ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n * m->d))
        for (size_t i = 0; i < n; i++)
            hash[i] = row_hash(m, i);
        for (size_t i = 0; i < n; i++)
            counts[hash_owner(hash[i], parts)]++;
        for (size_t p = 0, at = 0; p < parts; p++) {
            next[p] = at;
            at += counts[p];
        }
        for (size_t i = 0; i < n; i++)
            send[next[hash_owner(hash[i], parts)]++] = hash[i];
    }
    status = r->hooks.exchange(r->hooks.ctx, status, send, counts, &recv, recv_counts);
    size_t arrived = 0;
    for (size_t p = 0; status == RM_OK && p < parts; p++)
        arrived += recv_counts[p];
    if (status == RM_OK) {
        copies = rm_alloc_array(arrived, sizeof *copies);
        status = copies ? count_arrivals(recv, arrived, copies) : RM_ENOMEM;
    }
    status = r->hooks.exchange(r->hooks.ctx, status, copies, recv_counts, &back, back_counts);
    if (status == RM_OK) { /* the numbers come back in the order the hashes went */
        for (size_t p = 0, at = 0; p < parts; p++) {
            next[p] = at;
            at += counts[p];
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t c = back[next[hash_owner(hash[i], parts)]++];
            keys[i] = (double)(mix64(hash[i] + 0x9e3779b97f4a7c15u * c) >> 11) * 0x1p-53;
        }
    }
    free(hash);
    free(send);
    free(counts);
    free(next);
    free(back_counts);
    free(recv_counts);
    free(recv);
    free(back);
    free(copies);
    return status;
}

int rm_row_keys_range(const rm_moments *m, const rm_row_range *range, double *keys, int threads)
{
    return range ? spread_keys(m, range, keys, threads) : rm_row_keys(m, keys, threads);
}

/* The process holding global row `row`. */
static size_t row_owner(const rm_row_range *r, size_t row)
{
    size_t lo = 0, hi = r->parts; /* offsets[lo] <= row < offsets[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->offsets[mid] <= row)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int rm_row_sample_range(const double *keys, size_t n, const rm_row_range *range, size_t *count,
                        size_t *rows, double *work, int threads)
{
    if (!range) {
        *count = rm_row_sample(keys, n, *count, rows, work);
        return *count ? RM_OK : RM_ENOMEM;
    }
    size_t total = rm_row_range_total(range), parts = range->parts, first = rm_row_range_first(range);
    if (*count > total)
        *count = total;
    size_t want = *count;
    double cut = 1.0; /* every key is below 1 */
    int status = want < total ? rm_rank_value_range(keys, n, want - 1, range, NULL, threads, &cut)
                              : RM_OK;
    /* as one process: the first `want` rows in row order whose key is at most the cut */
    uint64_t *below = rm_calloc_array(parts, sizeof *below);
    size_t *quota = rm_alloc_array(parts, sizeof *quota);
    double *mine = rm_alloc_array(n ? n : 1, 2 * sizeof *mine), *all = NULL;
    if (status == RM_OK && !(below && quota && mine))
        status = RM_ENOMEM;
    for (size_t i = 0; status == RM_OK && i < n; i++)
        below[range->index] += keys[i] <= cut;
    status = rm_row_range_combine(range, status, below, parts, RM_COMBINE_SUM_COUNTS);
    size_t taken = 0;
    for (size_t p = 0, before = 0; status == RM_OK && p < parts; p++) {
        quota[p] = before >= want ? 0 : want - before < below[p] ? want - before : (size_t)below[p];
        before += quota[p];
        taken += quota[p];
    }
    if (status == RM_OK) {
        all = rm_alloc_array(taken ? taken : 1, 2 * sizeof *all);
        for (size_t i = 0, m = 0; i < n && m < quota[range->index]; i++)
            if (keys[i] <= cut) { /* (rows below 2^32: exact as doubles) */
                mine[2 * m] = keys[i];
                mine[2 * m + 1] = (double)(first + i);
                m++;
            }
    }
    int ok = status == RM_OK && all;
    status = range->hooks.gather(range->hooks.ctx, ok ? mine : NULL, ok ? quota : NULL, 2,
                                 ok ? all : NULL);
    rm_valued_row *sorted = status == RM_OK ? rm_alloc_array(taken ? taken : 1, sizeof *sorted) : NULL;
    if (status == RM_OK && sorted) {
        for (size_t t = 0; t < taken; t++)
            sorted[t] = (rm_valued_row){.value = all[2 * t], .row = (size_t)all[2 * t + 1]};
        qsort(sorted, taken, sizeof *sorted, rm_valued_row_ascending);
        for (size_t t = 0; t < taken; t++)
            rows[t] = sorted[t].row;
        *count = taken;
    }
    /* (an allocation after the last hook fails this process alone: the caller agrees) */
    if (status == RM_OK && !sorted)
        status = RM_ENOMEM;
    free(sorted);
    free(below);
    free(quota);
    free(mine);
    free(all);
    return status;
}

int rm_sample_gather(const rm_row_range *range, const size_t *rows, size_t m, int status,
                     const double *mine, size_t size, double *out)
{
    size_t parts = range->parts;
    size_t *counts = rm_calloc_array(parts, sizeof *counts), *next = rm_alloc_array(parts, sizeof *next);
    double *all = rm_alloc_array(m ? m : 1, size * sizeof *all);
    int ok = status == RM_OK && counts && next && all;
    for (size_t t = 0; ok && t < m; t++)
        counts[row_owner(range, rows[t])]++;
    status = range->hooks.gather(range->hooks.ctx, ok ? mine : NULL, ok ? counts : NULL, size,
                                 ok ? all : NULL);
    if (status == RM_OK) {
        for (size_t p = 0, at = 0; p < parts; p++) {
            next[p] = at;
            at += counts[p];
        }
        for (size_t t = 0; t < m; t++)
            memcpy(out + t * size, all + next[row_owner(range, rows[t])]++ * size,
                   size * sizeof *out);
    }
    free(counts);
    free(next);
    free(all);
    return status;
}

size_t rm_sample_mine(const rm_row_range *range, const size_t *rows, size_t m, size_t *local)
{
    size_t first = rm_row_range_first(range), end = first + (range->offsets[range->index + 1] - first);
    size_t count = 0;
    for (size_t t = 0; t < m; t++)
        if (rows[t] >= first && rows[t] < end)
            local[count++] = rows[t] - first;
    return count;
}
