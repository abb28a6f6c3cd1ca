/* See blas.h.
 *
 * The library links OpenBLAS privately (its symbols are not exported, so this copy serves
 * the library alone) and holds it to one thread per call. The library already splits each
 * pass over the data among threads, a block of rows each, and calls BLAS inside: BLAS
 * threads of its own would change the order of sums (results must be the same on any
 * number of threads) and oversubscribe the cores.
 *
 * Which build of OpenBLAS, measured with Debian's 0.3.21:
 *  - the serial build hands out its work buffers without a lock: two threads calling
 *    dsyrk at once got wrong sums now and then;
 *  - the OpenMP build takes its thread count from the caller's OpenMP settings on every
 *    call (omp_get_max_threads), and dgemv outside a parallel region then gave other bits
 *    than inside one, whatever openblas_set_num_threads said;
 *  - the pthread build, held to one thread here, locks its buffers and gives the same bits
 *    everywhere. Its one idle helper thread is the cost. */
#include "blas.h"

#include <cblas.h>
#include <pthread.h>

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;

static void one_thread(void) { openblas_set_num_threads(1); }

void rm_blas_init(void) { pthread_once(&blas_once, one_thread); }
