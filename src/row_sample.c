/* See row_sample.h. */
#include "row_sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "robustmean.h"
#include "select.h"
#include "threads.h"

static uint64_t row_hash(const rm_moments *m, size_t i)
{
    uint64_t h = 0x243f6a8885a308d3u;
    double scale = m->ctr->zmax > 0.0 ? 1024.0 / m->ctr->zmax : 0.0;
    for (size_t j = 0; j < m->d; j++) {
        double v = nearbyint(rm_centre_z(m->ctr, rm_matrix_at(&m->X, i, j), j) * scale);
        uint64_t bits = (uint64_t)(int64_t)v;
        h = (h ^ bits) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93u;
    return h ^ (h >> 32);
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

int rm_row_keys(const rm_moments *m, double *keys, int threads)
{
    size_t n = m->n, slots = 1;
    while (slots < 2 * n)
        slots <<= 1;
    /* open addressing: row hash -> copies seen so far */
    uint64_t *hashes = rm_calloc_array(slots, sizeof *hashes);
    size_t *seen = rm_calloc_array(slots, sizeof *seen);
    if (!hashes || !seen) {
        free(hashes);
        free(seen);
        return RM_ENOMEM;
    }
    /* The rows' hashes (in parallel: a pass over the data), kept in keys' bits for now. */
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n * m->d))
    for (size_t i = 0; i < n; i++) {
        uint64_t v = row_hash(m, i) | 1u; /* never 0: 0 marks an empty slot */
        memcpy(&keys[i], &v, sizeof v);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        memcpy(&v, &keys[i], sizeof v);
        size_t slot = (size_t)mix64(v) & (slots - 1);
        while (hashes[slot] != 0 && hashes[slot] != v)
            slot = (slot + 1) & (slots - 1);
        hashes[slot] = v;
        uint64_t key = mix64(v + 0x9e3779b97f4a7c15u * (uint64_t)seen[slot]++);
        keys[i] = (double)(key >> 11) * 0x1p-53;
    }
    free(hashes);
    free(seen);
    return RM_OK;
}

size_t rm_row_sample(const double *keys, size_t n, size_t count, size_t *rows, double *work)
{
    if (count >= n) {
        for (size_t i = 0; i < n; i++)
            rows[i] = i;
        return n;
    }
    memcpy(work, keys, n * sizeof *keys);
    rm_select(work, n, count - 1);
    double cut = work[count - 1];
    size_t taken = 0;
    for (size_t i = 0; i < n && taken < count; i++)
        if (keys[i] <= cut)
            rows[taken++] = i;
    return taken;
}
