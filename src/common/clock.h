/* A monotonic clock in seconds, for reports and time budgets. */
#ifndef RM_CLOCK_H
#define RM_CLOCK_H

#include <time.h>

static inline double rm_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
