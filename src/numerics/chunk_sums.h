/* Sums over the rows in chunks c n / chunks .. (c + 1) n / chunks, added in chunk order, as
 * the projections, the gap and the scores' sweeps take them (each with its own count of
 * chunks, fixed by n alone): the same on any number of threads. Spread over processes
 * (common/row_range.h), n is every process's rows, and the chunks are cut at the
 * processes' boundaries into pieces whose parts are gathered and added in row order: one
 * process's bits when the boundaries are chunk boundaries, else to rounding. */
#ifndef RM_CHUNK_SUMS_H
#define RM_CHUNK_SUMS_H

#include <stddef.h>

#include "common/row_range.h"

/* The most chunks a plan holds. */
#define RM_CHUNK_SUMS_MAX 32

/* This process's pieces of the chunks: piece c is its local rows [piece[c].lo,
 * piece[c].hi). */
typedef struct rm_chunk_plan {
    const rm_row_range *range;
    size_t total, chunks, count;
    rm_piece piece[RM_CHUNK_SUMS_MAX];
} rm_chunk_plan;

/* Where chunk c of `chunks` over n rows starts: c n / chunks. */
size_t rm_chunk_even_start(size_t n, size_t chunks, size_t c);

/* The plan of `chunks` (at most RM_CHUNK_SUMS_MAX) chunks over the rows of every process
 * (range NULL: this process's n rows, which are then all). */
void rm_chunk_plan_init(rm_chunk_plan *p, const rm_row_range *range, size_t n, size_t chunks);

/* out[t] (t < size) = 0 + the parts' t-th values over every process's pieces in row order
 * (parts: this process's, size values a piece, in its pieces' order). out may be parts
 * itself. status: this process's so far (a failure reaches every process). Returns RM_OK
 * or the failure, the same on every process. */
int rm_chunk_plan_add(const rm_chunk_plan *p, int status, const double *parts, size_t size,
                      double *out);

#endif
