/* Memory that others allocate for the library, checked before they try. Two of them do
 * not fail gracefully: libgomp ends the process when it cannot create a thread (each
 * needs a stack, 8 MiB by default), and OpenBLAS retries for ever when it cannot get a
 * thread's work buffer (128 MiB of address space in 0.3.21, kept for the thread's life;
 * measured: a hang under a lowered address-space limit). So before either can happen the
 * library checks that the memory is there (allocates it and gives it back) and returns
 * RM_ENOMEM when it is not. Thread-local flags remember what a thread already holds, so
 * the checks cost nothing once the threads exist. */
#ifndef RM_RESERVE_H
#define RM_RESERVE_H

/* Before a parallel region of up to `threads` threads started by this thread (its
 * OpenMP team, kept between regions). Returns RM_OK or RM_ENOMEM. */
int rm_reserve_team(int threads); /* RM_OK (0) or RM_ENOMEM */

/* Before this thread calls BLAS or LAPACK. Returns RM_OK or RM_ENOMEM. */
int rm_reserve_blas_here(void);

/* The same for every thread of a parallel region at once (several buffers may be needed
 * together): each thread of the team calls rm_reserve_blas_team at the same point with
 * the same zeroed struct (shared), and all get the same answer, 1 when each may call BLAS.
 * A barrier. */
typedef struct rm_team_reserve {
    unsigned long need; /* threads of the team without a buffer */
    int ok;
} rm_team_reserve;
int rm_reserve_blas_team(rm_team_reserve *team);

#endif
