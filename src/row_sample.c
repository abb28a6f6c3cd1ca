/* See row_sample.h. */
#include "row_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"
#include "robustmean.h"
#include "select.h"
#include "threads.h"

/* One step of a hash chain: mix in the grid value v (an integer, as a double). */
static inline uint64_t lane_step(uint64_t lane, double v)
{
    lane = (lane ^ (uint64_t)(int64_t)v) * 0x9e3779b97f4a7c15u;
    return lane ^ (lane >> 29);
}

/* A hash of the row's values rounded to 1/1024 of the largest |z| (rows equal to that
 * precision share it; units and order do not matter). Rounding by adding 1.5 * 2^52 (|v| <=
 * 1024, so exact, and no libm call), and four hash chains over alternate columns, kept in
 * registers (one chain waits on each multiplication). */
static uint64_t row_hash(const rm_moments *m, size_t i)
{
    const rm_centre *c = m->ctr;
    const double round = 0x1.8p52, scale = c->zmax > 0.0 ? 1024.0 / c->zmax : 0.0;
    /* the four lanes in registers, column j feeding lane j % 4 */
    uint64_t h0 = 0x243f6a8885a308d3u, h1 = 0x13198a2e03707344u, h2 = 0xa4093822299f31d0u,
             h3 = 0x082efa98ec4e6c89u;
    size_t d = m->d;
#define RM_GRID(j) ((rm_centre_z(c, x[j], j) * scale + round) - round)
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

/* Rows ahead whose table slot is fetched while this one is looked up. */
#define PREFETCH_AHEAD 16

/* A slot of the copy-count table: 32 bits of the row's hash (never 0: 0 marks an empty
 * slot) and the copies seen. Two rows whose hashes share the slot's bits and these are
 * counted together, a chance of about 2^-32 per probe; their keys still differ (each
 * mixes its own full hash), only the count each sees depends on their order. Eight bytes
 * a slot: the table for 10^6 rows fits a 32 MiB cache, where sixteen did not. */
typedef struct slot_entry {
    uint32_t tag, seen;
} slot_entry;

int rm_row_keys(const rm_moments *m, double *keys, int threads)
{
    size_t n = m->n, slots = 1;
    while (slots < 2 * n)
        slots <<= 1;
    int team = rm_threads(threads, n * m->d);
    /* The table is split among the threads by slot (a power of two parts, each probing
     * within its own): every copy of a row hashes to one part, whose thread numbers them
     * in row order, so the keys are the same on any number of threads. */
    size_t parts = 1;
    while (parts * 2 <= (size_t)team && parts * 2 <= slots)
        parts *= 2;
    size_t span = slots / parts;
    if (slots - 1 > UINT32_MAX)
        return RM_EOVERFLOW; /* a home slot in 32 bits: up to 2^31 rows */
    slot_entry *table = rm_calloc_array(slots, sizeof *table);
    uint64_t *hash = rm_alloc_array(n, sizeof *hash);
    uint32_t *home = rm_alloc_array(n, sizeof *home);
    if (!table || !hash || !home) {
        free(table);
        free(hash);
        free(home);
        return RM_ENOMEM;
    }
#pragma omp parallel for schedule(static) num_threads(team)
    for (size_t i = 0; i < n; i++) {
        hash[i] = row_hash(m, i);
        home[i] = (uint32_t)(mix64(hash[i]) & (slots - 1)); /* the slot its probe starts at */
    }
#pragma omp parallel for schedule(static, 1) num_threads((int)parts)
    for (size_t p = 0; p < parts; p++) {
        slot_entry *mine = table + p * span;
        for (size_t i = 0; i < n; i++) {
            if (i + PREFETCH_AHEAD < n && home[i + PREFETCH_AHEAD] / span == p)
                __builtin_prefetch(&table[home[i + PREFETCH_AHEAD]]); /* on its way */
            if (home[i] / span != p)
                continue;
            uint64_t v = hash[i];
            uint32_t tag = (uint32_t)(v >> 32) | 1u;
            size_t slot = home[i] & (span - 1);
            while (mine[slot].tag != 0 && mine[slot].tag != tag)
                slot = (slot + 1) & (span - 1);
            mine[slot].tag = tag;
            uint64_t key = mix64(v + 0x9e3779b97f4a7c15u * mine[slot].seen++);
            keys[i] = (double)(key >> 11) * 0x1p-53;
        }
    }
    free(table);
    free(hash);
    free(home);
    return RM_OK;
}

typedef struct keyed_row {
    double key;
    size_t row;
} keyed_row;

/* By key; ties (only copies of a row: see rm_row_keys) by row. */
static int by_key(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

size_t rm_row_sample(const double *keys, size_t n, size_t count, size_t *rows, double *work)
{
    if (count > n)
        count = n;
    keyed_row *taken = rm_alloc_array(count, sizeof *taken);
    if (!taken)
        return 0;
    double cut = count ? rm_rank_value(keys, n, count - 1, work, 1) : 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n && m < count; i++)
        if (count == n || keys[i] <= cut)
            taken[m++] = (keyed_row){keys[i], i};
    qsort(taken, m, sizeof *taken, by_key);
    for (size_t t = 0; t < m; t++)
        rows[t] = taken[t].row;
    free(taken);
    return m;
}
