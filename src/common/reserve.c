/* See reserve.h. */
#include "common/reserve.h"

#include <stdlib.h>
#include <sys/resource.h>

#include "robustmean.h"

/* OpenBLAS 0.3.21 asks for its buffer size (128 MiB) plus a page; some slack on top. */
#define BLAS_BUFFER_BYTES (((size_t)128 << 20) + ((size_t)64 << 10))
/* A thread's stack when RLIMIT_STACK does not say (glibc's default), and its guard. */
#define DEFAULT_STACK_BYTES ((size_t)8 << 20)
#define GUARD_BYTES ((size_t)64 << 10)

/* What this thread holds: a team of that many threads (itself included), and a BLAS
 * buffer. Thread-local, so no lock and no shared state. */
static _Thread_local int team_size = 1;
static _Thread_local int has_blas_buffer = 0;

/* 1 when count blocks of bytes each can be had at once (then given back). */
static int memory_for(size_t count, size_t bytes)
{
    if (count == 0)
        return 1;
    void **blocks = calloc(count, sizeof *blocks);
    if (!blocks)
        return 0;
    int ok = 1;
    for (size_t k = 0; k < count && ok; k++)
        ok = (blocks[k] = malloc(bytes)) != NULL;
    for (size_t k = 0; k < count; k++)
        free(blocks[k]);
    free(blocks);
    return ok;
}

static size_t stack_bytes(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 0)
        return (size_t)rl.rlim_cur + GUARD_BYTES;
    return DEFAULT_STACK_BYTES + GUARD_BYTES;
}

int rm_reserve_team(int threads)
{
    if (threads <= team_size)
        return RM_OK;
    /* The new threads need their stacks, and later their BLAS buffers. */
    if (!memory_for((size_t)(threads - team_size), stack_bytes() + BLAS_BUFFER_BYTES))
        return RM_ENOMEM;
    team_size = threads;
    return RM_OK;
}

int rm_reserve_blas_here(void)
{
    if (has_blas_buffer)
        return RM_OK;
    if (!memory_for(1, BLAS_BUFFER_BYTES))
        return RM_ENOMEM;
    has_blas_buffer = 1;
    return RM_OK;
}

int rm_reserve_blas_team(rm_team_reserve *team)
{
    int need = !has_blas_buffer;
    if (need) {
#pragma omp atomic
        team->need++;
    }
#pragma omp barrier
#pragma omp single
    team->ok = memory_for(team->need, BLAS_BUFFER_BYTES);
    /* the end of single is a barrier: every thread sees ok */
    if (team->ok && need)
        has_blas_buffer = 1;
    return team->ok;
}
