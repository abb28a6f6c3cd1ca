/* The BLAS the library is linked with, set up for its use. */
#ifndef RM_BLAS_H
#define RM_BLAS_H

/* Hold every BLAS and LAPACK call to the calling thread. Each module that calls BLAS calls
 * this first (when it allocates its workspace); cheap after the first time; thread-safe. */
void rm_blas_init(void);

#endif
