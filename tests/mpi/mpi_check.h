/* What the MPI test programs share: each process counts its own failed checks (printed
 * with its number), and a failure every process must give alike. One program includes
 * it once: rank, size and failures are that program's. */
#ifndef RM_MPI_CHECK_H
#define RM_MPI_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_mpi.h"

static int rank, size, failures;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "process %d of %d, line %d: ", rank, size, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
            failures++;                                                                      \
        }                                                                                    \
    } while (0)

/* The largest |a - b| / |b| over count values. */
static inline double relative_error(const double *a, const double *b, size_t count)
{
    double worst = 0.0;
    for (size_t j = 0; j < count; j++)
        worst = fmax(worst, fabs(a[j] - b[j]) / fmax(fabs(b[j]), 1e-300));
    return worst;
}

/* Every process gets the same failure and the same words; none hangs. */
static inline void expect_everywhere(const char *what, int status, int want, const char *words,
                                     const rm_report *rep)
{
    CHECK(status == want, "%s: status %d, want %d", what, status, want);
    CHECK(strstr(rep->message, words) != NULL, "%s: message '%s' lacks '%s'", what, rep->message,
          words);
    char first[sizeof rep->message];
    memcpy(first, rep->message, sizeof first);
    MPI_Bcast(first, (int)sizeof first, MPI_CHAR, 0, MPI_COMM_WORLD);
    CHECK(strcmp(first, rep->message) == 0, "%s: message differs from process 0's", what);
}

/* MPI started, this process's rank and the size known. */
static inline void check_start(int *argc, char ***argv)
{
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
}

/* Every process's failures added, process 0's verdict printed, MPI finished: the exit
 * status (1 when any process failed a check). */
static inline int check_finish(void)
{
    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s: %d processes, %d failures\n", all ? "FAILED" : "passed", size, all);
    MPI_Finalize();
    return all ? 1 : 0;
}

#endif
