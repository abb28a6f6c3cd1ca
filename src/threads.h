/* How many threads a parallel pass uses. */
#ifndef RM_THREADS_H
#define RM_THREADS_H

#include <omp.h>

#include <stddef.h>

/* Below this many values a pass is a matter of microseconds: a team of threads would cost
 * more (waking threads, the barrier, a core busy elsewhere) than it saves. */
#define RM_PARALLEL_MIN_VALUES ((size_t)1 << 17)

/* Threads for a pass over `values` values: requested > 0: that many; otherwise OpenMP's
 * default (one per core, or OMP_NUM_THREADS); one for a small pass. */
static inline int rm_threads(int requested, size_t values)
{
    if (values < RM_PARALLEL_MIN_VALUES)
        return 1;
    return requested > 0 ? requested : omp_get_max_threads();
}

#endif
