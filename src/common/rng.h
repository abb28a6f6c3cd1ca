/* Seeded random numbers: GSL's mt19937, allocated by us so that GSL's aborting error
 * handler is never reached from the library, plus the draws GSL cannot make for sizes
 * beyond 2^32. */
#ifndef RM_RNG_H
#define RM_RNG_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/* Set up r as an mt19937 generator seeded from seed (all 64 bits matter).
 * Returns RM_OK or RM_ENOMEM; release with rm_rng_free(). */
int rm_rng_init(gsl_rng *r, uint64_t seed);
void rm_rng_free(gsl_rng *r);

/* Uniform integer in [0, m), m >= 1, unbiased for any m up to SIZE_MAX. */
size_t rm_rng_index(gsl_rng *r, size_t m);

/* A standard normal draw (GSL's ziggurat). Kept here so that files using CBLAS need not
 * include GSL's distribution headers, whose gsl_cblas.h clashes with OpenBLAS's cblas.h. */
double rm_rng_gaussian(gsl_rng *r);

/* Uniformly random permutation of a[0..n) (Fisher-Yates). */
void rm_rng_shuffle_sizes(gsl_rng *r, size_t *a, size_t n);

#endif
