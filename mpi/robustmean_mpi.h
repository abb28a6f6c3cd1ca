/*
 * librobustmean_mpi: the estimate of rows spread over the processes of an MPI
 * communicator, each process holding its own rows (DESIGN.md, section 8).
 *
 * Every process of comm calls the same function at once, with the same d and the same
 * options; process p holds the rows that follow those of processes 0..p-1 (the order of
 * the ranks is the order of the rows), any number of them, none included. Each receives
 * the same status, estimate and report: the estimate of all the rows, the same as
 * rm_mean() on the rows put together one process after the other, to 1e-12 relative, and
 * to the bit when each process's first row is a boundary of the fixed row chunks the
 * library sums (then it does not depend on the number of processes). No process ever
 * holds another's rows: each reduction gathers a few partial sums per chunk.
 *
 * Errors reach every process with the same status and words (report->message): bad data
 * on one process, a d or options differing between processes, a method that cannot yet
 * run so (RM_EUNSUPPORTED). Methods that run so: rm_method_spreads() says which.
 *
 * Thread rule: as MPI's for comm (MPI_THREAD_FUNNELED at least: the library's threads
 * never call MPI). The library never calls MPI_Init, MPI_Finalize or MPI_Abort.
 */
#ifndef ROBUSTMEAN_MPI_H
#define ROBUSTMEAN_MPI_H

#include <mpi.h>

#include "robustmean.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RM_BUILDING_MPI_LIBRARY) && defined(__GNUC__)
#define RM_MPI_API __attribute__((visibility("default")))
#else
#define RM_MPI_API
#endif

/* What a call sent between the processes, as this process counts it. */
typedef struct rm_mpi_traffic {
    size_t collectives;    /* collective calls */
    size_t reductions;     /* of them, gathers of partial sums (the others agree on a
                              status, the sizes, the options) */
    size_t bytes_sent;     /* bytes this process contributed to the collectives */
    size_t bytes_received; /* bytes it received from them */
} rm_mpi_traffic;

/**
 * The estimate of the rows of every process of comm: rm_mean() over them all.
 * @param comm     the processes (an intracommunicator); every one calls.
 * @param X_local  this process's n_local rows (row-major, or column-major with
 *                 rm_options.layout), NULL when n_local is 0.
 * @param d        columns, the same on every process.
 * @param opt, mean, report  as rm_mean(); report->n is the total of rows, report->seconds
 *                 the slowest process's.
 * @return as rm_mean(), the same on every process; besides, RM_EUNSUPPORTED for a method
 *         that does not run on spread rows yet, RM_EINVAL when d or the options differ
 *         between processes (report->message says which), RM_EIO when MPI fails.
 */
RM_MPI_API int rm_mean_mpi(MPI_Comm comm, const double *X_local, size_t n_local, size_t d,
                           const rm_options *opt, double *mean, rm_report *report);

/** rm_mean_mpi() on rows stored as float, as rm_mean_float() is to rm_mean(). */
RM_MPI_API int rm_mean_mpi_float(MPI_Comm comm, const float *X_local, size_t n_local,
                                 size_t d, const rm_options *opt, double *mean,
                                 rm_report *report);

/**
 * rm_mean_mpi() (X_local of doubles, or, when X_float is not NULL, of floats and X_local
 * NULL) that also gives this process's rows' weights (weights_local: n_local doubles, as
 * rm_mean_weights(), the weights of all processes summing to 1) when weights_local is not
 * NULL, and counts its traffic into *traffic (zeroed first) when traffic is not NULL.
 */
RM_MPI_API int rm_mean_mpi_counted(MPI_Comm comm, const double *X_local, const float *X_float,
                                   size_t n_local, size_t d, const rm_options *opt,
                                   double *mean, double *weights_local, rm_report *report,
                                   rm_mpi_traffic *traffic);

/**
 * The status every process of comm goes on with, from each one's own: the failure of the
 * lowest-ranked process that failed (RM_OK when none did), and its words, copied into
 * message (message_size bytes, the same on every process) on every process. For programs
 * that read their rows themselves: a process that cannot read its rows must not leave
 * the others waiting. Collective. @return the shared status (RM_EIO when MPI fails).
 */
RM_MPI_API int rm_mpi_agree(MPI_Comm comm, int status, char *message, size_t message_size);

/**
 * Part `part` (0-based; usually the rank) of `parts` (usually the size of the
 * communicator) of the rows of the .npy file at path, as rm_read_file() reads the whole:
 * its rows [floor(part*N/parts), floor((part+1)*N/parts)), mapped where they lie when they
 * are stored as the library holds them. No other row is read. *first receives the global
 * number (0-based) of the part's first row and *total N; a part may hold no rows
 * (out->n 0). Places in err and out->dropped count the whole file's rows. C or Fortran
 * order (a Fortran-order part is read a column's stretch at a time); opt's columns and
 * skip_columns by number (a .npy has no names). Not collective. @return as rm_read_file();
 * RM_EFORMAT for a file that is not an uncompressed .npy.
 */
RM_MPI_API int rm_mpi_read_part(const char *path, const rm_read_options *opt, size_t part,
                                size_t parts, rm_data *out, size_t *first, size_t *total,
                                rm_read_error *err);

/** 1 when the method called name (NULL: the default) runs on rows spread over processes,
 * else 0. */
RM_MPI_API int rm_method_spreads(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* ROBUSTMEAN_MPI_H */
