/* The rows one process holds when the rows are spread over several (DESIGN.md, section 8),
 * and how a pass adds up its parts across them.
 *
 * A pass splits the rows into chunks fixed by the total number of rows alone, sums each
 * chunk on its own, and adds the chunks' parts in chunk order (passes.h): that is what
 * makes a result the same on any number of threads. Spread over processes, the same
 * chunks are cut at the processes' boundaries into pieces: each process sums its pieces,
 * the hook gathers every process's pieces in row order, and each process adds them all in
 * that order. The bytes gathered are (chunks + processes - 1) parts at most, whatever the
 * number of rows; when every boundary between processes is a chunk boundary the pieces
 * are the chunks, and the result is the one process's to the bit.
 *
 * A NULL range means every row is here: no piece is cut, nothing is gathered, the pass is
 * the one-process pass. The library holds no communication code: the hooks are the
 * caller's (librobustmean_mpi's are MPI collectives). */
#ifndef RM_ROW_RANGE_H
#define RM_ROW_RANGE_H

#include <stddef.h>
#include <stdint.h>

/* What combine does, element-wise over every process: only what does not depend on the
 * order of the processes. */
typedef enum rm_combine {
    RM_COMBINE_SUM_COUNTS, /* sums of uint64_t whole numbers: exact */
    RM_COMBINE_MIN         /* the least of doubles (the greatest: the least of negatives) */
} rm_combine;

/* What the processes do together; every process calls each hook at the same point, in
 * the same order. Each returns RM_OK or a negative code (the same on every process). */
typedef struct rm_row_hooks {
    /* all receives, in process order, process p's counts[p] parts of `size` doubles each;
     * mine holds this process's counts[index]. A process that failed before (out of
     * memory) calls it with all NULL, and then every process returns that failure: no
     * process is left waiting in a collective the others never reach. */
    int (*gather)(void *ctx, const double *mine, const size_t *counts, size_t size,
                  double *all);
    /* The status every process goes on with, from each one's own: the failure of the
     * lowest-numbered process that failed (RM_OK when none did), its message copied into
     * message (192 bytes, the size of rm_report.message) on every process. */
    int (*agree)(void *ctx, int status, char *message);
    /* values (count of them) replaced, on every process, by their combination over all
     * processes; status as for gather: a process that failed before passes its failure
     * (values then unused) and every process returns a failure. */
    int (*combine)(void *ctx, int status, void *values, size_t count, rm_combine op);
    /* Every process sends process q send_counts[q] whole numbers (those of the processes
     * before q first, in send) and receives recv_counts[p] from each process p, in process
     * order, into *recv (allocated by the hook with malloc; the caller frees it; NULL on
     * failure). What each process receives is about its share of what all send: for what
     * must meet in one place by a key (the copies of a row), never for gathering rows.
     * status as for combine. */
    int (*exchange)(void *ctx, int status, const uint64_t *send, const size_t *send_counts,
                    uint64_t **recv, size_t *recv_counts);
    void *ctx;
} rm_row_hooks;

typedef struct rm_row_range {
    size_t index, parts;   /* this process's number among `parts` processes */
    const size_t *offsets; /* parts + 1 values: process p holds the global rows
                              [offsets[p], offsets[p+1]) */
    rm_row_hooks hooks;
} rm_row_range;

/* The global row number of this process's first row, and the total number of rows. */
size_t rm_row_range_first(const rm_row_range *r);
size_t rm_row_range_total(const rm_row_range *r);

/* Where chunk c of `chunks` over `total` rows starts (at c == chunks: total). Each pass
 * keeps its own rule, so that its one-process bits stay as they were. */
typedef size_t (*rm_chunk_start)(size_t total, size_t chunks, size_t c);

/* A chunk's part held by one process: its local rows [lo, hi). */
typedef struct rm_piece {
    size_t chunk, lo, hi;
} rm_piece;

/* The pieces of the global rows [first, first + rows) under that chunking, into out (at
 * most chunks of them; out may be NULL). Returns their number. */
size_t rm_pieces_of(size_t first, size_t rows, size_t total, size_t chunks,
                    rm_chunk_start start, rm_piece *out);

/* Every process's pieces in row order, after this process's work on them ended with
 * `status`: with r NULL, *all is mine itself (count pieces) and *owned NULL; else *all is
 * *owned, allocated (the caller frees *owned), and *all_count is set. Returns RM_OK, or the
 * failure of some process (RM_ENOMEM, the hook's code), the same on every process. */
int rm_row_range_gather(const rm_row_range *r, int status, size_t chunks, rm_chunk_start start,
                        const double *mine, size_t count, size_t size, const double **all,
                        double **owned, size_t *all_count);

/* The hook's combine (with r NULL: status, values as they are). */
int rm_row_range_combine(const rm_row_range *r, int status, void *values, size_t count,
                         rm_combine op);

/* The status every process goes on with (the hook's agree; with r NULL, status). */
int rm_row_range_agree(const rm_row_range *r, int status, char *message);

/* The seconds since start (rm_clock_seconds()) of the slowest process, into *elapsed,
 * the same on every process (with r NULL: this one's): a time budget checked against it
 * stops every process on the same iteration, where each one's own clock would stop one
 * and leave the others waiting for it. Every process calls it at the same points.
 * Returns RM_OK or the hook's failure (then *elapsed is this process's). */
int rm_row_range_elapsed(const rm_row_range *r, double start, double *elapsed);

#endif
