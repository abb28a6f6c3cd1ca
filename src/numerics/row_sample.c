/* See row_sample.h. */
#include "numerics/row_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
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
