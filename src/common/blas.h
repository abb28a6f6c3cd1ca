/* The BLAS the library is linked with, held to one thread per call. */
#ifndef RM_BLAS_H
#define RM_BLAS_H

/* For the length of a call into the library (rm_mean): BLAS and LAPACK called on this
 * thread run on this thread alone. Leave with the value enter returned. */
int rm_blas_enter(void);
void rm_blas_leave(int caller_threads);

#endif
