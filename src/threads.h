/* How many threads a parallel pass uses. */
#ifndef RM_THREADS_H
#define RM_THREADS_H

#include <omp.h>

#include <stddef.h>

#include "blas.h"
#include "reserve.h"

/* Below this many values a pass is a matter of microseconds: a team of threads would cost
 * more (waking threads, the barrier, a core busy elsewhere) than it saves. */
#define RM_PARALLEL_MIN_VALUES ((size_t)1 << 17)

/* Threads for a pass over `values` values: requested > 0: that many; otherwise the caller's
 * OpenMP default (one per core, or OMP_NUM_THREADS; inside rm_mean, the one it had before
 * BLAS was held to one thread, blas.h); one for a small pass, and one when the memory for
 * more threads is not there (reserve.h): results are the same on any number of threads,
 * so only the time differs. */
static inline int rm_threads(int requested, size_t values)
{
    if (values < RM_PARALLEL_MIN_VALUES)
        return 1;
    int held = rm_blas_caller_threads();
    int threads = requested > 0 ? requested : held > 0 ? held : omp_get_max_threads();
    return threads > 1 && rm_reserve_team(threads) != 0 ? 1 : threads;
}

#endif
