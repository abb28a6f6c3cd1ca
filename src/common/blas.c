/* See blas.h.
 *
 * The library links OpenBLAS in its OpenMP build, privately (its symbols are not
 * exported, so this copy serves the library alone). The library already splits each pass
 * over the data among threads, a block of rows each, and calls BLAS inside; BLAS threads
 * of its own would change the order of sums (results must be the same on any number of
 * threads) and oversubscribe the cores. The OpenMP build runs a call on one thread inside
 * an active parallel region, and otherwise on as many as the calling thread's OpenMP
 * setting says (omp_get_max_threads, read at every call). So for the length of a call the
 * caller's setting is 1, and the library's parallel regions name their sizes explicitly;
 * the setting is the calling thread's own, and is put back before the call returns.
 *
 * Why this build, measured with Debian's 0.3.21:
 *  - the serial build hands out its work buffers without a lock: two threads calling
 *    dsyrk at once got wrong sums now and then;
 *  - the pthread build starts a helper thread at load that takes a 128 MiB buffer,
 *    retrying for ever when it cannot (a process under a lowered address-space limit hung
 *    at exit, waiting for it);
 *  - the OpenMP build starts no thread of its own, takes buffers only in the calling
 *    threads (checked beforehand, reserve.h), and gave the same bits in every thread. */
#include "common/blas.h"

#include <omp.h>

int rm_blas_enter(void)
{
    int caller = omp_get_max_threads();
    omp_set_num_threads(1);
    return caller;
}

void rm_blas_leave(int caller_threads) { omp_set_num_threads(caller_threads); }
