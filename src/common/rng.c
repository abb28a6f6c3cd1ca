/* See rng.h. */
#include "common/rng.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>

#include "robustmean.h"

int rm_rng_init(gsl_rng *r, uint64_t seed)
{
    r->type = gsl_rng_mt19937;
    r->state = malloc(r->type->size);
    if (!r->state)
        return RM_ENOMEM;
    /* mt19937 keeps 32 bits of its seed: fold the high half in so that no bit is lost,
     * and keep small seeds (the common case) mapped to themselves. */
    unsigned long s = (unsigned long)((seed ^ (seed >> 32)) & 0xffffffffu);
    gsl_rng_set(r, s);
    return RM_OK;
}

void rm_rng_free(gsl_rng *r)
{
    if (r) {
        free(r->state);
        r->state = NULL;
    }
}

/* 64 random bits from two 32-bit mt19937 outputs. */
static uint64_t draw64(gsl_rng *r)
{
    uint64_t hi = (uint64_t)gsl_rng_get(r) & 0xffffffffu;
    uint64_t lo = (uint64_t)gsl_rng_get(r) & 0xffffffffu;
    return (hi << 32) | lo;
}

size_t rm_rng_index(gsl_rng *r, size_t m)
{
    if (m <= 1)
        return 0;
    if (m <= 0xffffffffu) {
        /* GSL's own unbiased draw (rejection); m is within mt19937's range. */
        return (size_t)gsl_rng_uniform_int(r, (unsigned long)m);
    }
    /* Rejection from 64 bits: accept below the largest multiple of m. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % (uint64_t)m;
    uint64_t v;
    do
        v = draw64(r);
    while (v >= limit);
    return (size_t)(v % (uint64_t)m);
}

void rm_rng_shuffle_sizes(gsl_rng *r, size_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rm_rng_index(r, i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

double rm_rng_gaussian(gsl_rng *r) { return gsl_ran_gaussian_ziggurat(r, 1.0); }
