/* How many threads a parallel pass uses. */
#ifndef RM_THREADS_H
#define RM_THREADS_H

#include <omp.h>

#include <stddef.h>

#include "common/reserve.h"

/* Below this many values a pass is a matter of microseconds: a team of threads would cost
 * more (waking threads, the barrier, a core busy elsewhere) than it saves. */
#define RM_PARALLEL_MIN_VALUES ((size_t)1 << 17)

/* Threads for a pass over `values` values: requested > 0: that many; otherwise OpenMP's
 * default (one per core, or OMP_NUM_THREADS; but 1 inside rm_mean, where BLAS is held to
 * one thread, blas.h: pass there the count rm_options resolved); one for a small pass, and one when the
 * memory for more threads is not there (reserve.h): results are the same on any number
 * of threads, so only the time differs. */
static inline int rm_threads(int requested, size_t values)
{
    if (values < RM_PARALLEL_MIN_VALUES)
        return 1;
    int threads = requested > 0 ? requested : omp_get_max_threads();
    return threads > 1 && rm_reserve_team(threads) != 0 ? 1 : threads;
}

#endif
