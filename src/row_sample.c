/* See row_sample.h. */
#include "row_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "alloc.h"
#include "robustmean.h"
#include "select.h"
#include "threads.h"

/* A hash of the row's values rounded to 1/1024 of the largest |z| (rows equal to that
 * precision share it; units and order do not matter). Rounding by adding 1.5 * 2^52 (|v| <=
 * 1024, so exact, and no libm call), and four hash chains over alternate columns (one
 * chain waits on each multiplication). */
static uint64_t row_hash(const rm_moments *m, size_t i)
{
    const double round = 0x1.8p52, scale = m->ctr->zmax > 0.0 ? 1024.0 / m->ctr->zmax : 0.0;
    uint64_t h[4] = {0x243f6a8885a308d3u, 0x13198a2e03707344u, 0xa4093822299f31d0u,
                     0x082efa98ec4e6c89u};
    size_t d = m->d;
    RM_MATRIX_WITH_ROW(&m->X, i, x, {
        for (size_t j = 0; j < d; j++) {
            double v = (rm_centre_z(m->ctr, x[j], j) * scale + round) - round;
            uint64_t *lane = &h[j % 4];
            *lane = (*lane ^ (uint64_t)(int64_t)v) * 0x9e3779b97f4a7c15u;
            *lane ^= *lane >> 29;
        }
    });
    uint64_t all = h[0] ^ (h[1] * 0xd6e8feb86659fd93u) ^ (h[2] >> 7 | h[2] << 57) ^
                   (h[3] * 0x9e3779b97f4a7c15u);
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

typedef struct slot_entry {
    uint64_t hash, seen;
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
    /* open addressing: row hash -> copies seen so far, side by side (one cache miss) */
    slot_entry *table = rm_calloc_array(slots, sizeof *table);
    uint64_t *hash = rm_alloc_array(n, sizeof *hash);
    if (!table || !hash) {
        free(table);
        free(hash);
        return RM_ENOMEM;
    }
#pragma omp parallel for schedule(static) num_threads(team)
    for (size_t i = 0; i < n; i++)
        hash[i] = row_hash(m, i) | 1u; /* never 0: 0 marks an empty slot */
#pragma omp parallel for schedule(static, 1) num_threads((int)parts)
    for (size_t p = 0; p < parts; p++) {
        slot_entry *mine = table + p * span;
        for (size_t i = 0; i < n; i++) {
            if (i + PREFETCH_AHEAD < n) { /* the slot a later row will probe, on its way */
                size_t ahead = (size_t)mix64(hash[i + PREFETCH_AHEAD]) & (slots - 1);
                if (ahead / span == p)
                    __builtin_prefetch(&table[ahead]);
            }
            uint64_t v = hash[i];
            size_t slot = (size_t)mix64(v) & (slots - 1);
            if (slot / span != p)
                continue;
            slot &= span - 1;
            while (mine[slot].hash != 0 && mine[slot].hash != v)
                slot = (slot + 1) & (span - 1);
            mine[slot].hash = v;
            uint64_t key = mix64(v + 0x9e3779b97f4a7c15u * mine[slot].seen++);
            keys[i] = (double)(key >> 11) * 0x1p-53;
        }
    }
    free(table);
    free(hash);
    return RM_OK;
}

size_t rm_row_sample(const double *keys, size_t n, size_t count, size_t *rows, double *work)
{
    if (count >= n) {
        for (size_t i = 0; i < n; i++)
            rows[i] = i;
        return n;
    }
    double cut = rm_rank_value(keys, n, count - 1, work, 1);
    size_t taken = 0;
    for (size_t i = 0; i < n && taken < count; i++)
        if (keys[i] <= cut)
            rows[taken++] = i;
    return taken;
}
