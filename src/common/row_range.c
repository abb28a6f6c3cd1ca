/* See row_range.h. */
#include "common/row_range.h"

#include <stdlib.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "robustmean.h"

size_t rm_row_range_first(const rm_row_range *r) { return r->offsets[r->index]; }

size_t rm_row_range_total(const rm_row_range *r) { return r->offsets[r->parts]; }

size_t rm_pieces_of(size_t first, size_t rows, size_t total, size_t chunks,
                    rm_chunk_start start, rm_piece *out)
{
    size_t count = 0, end = first + rows;
    for (size_t c = 0; c < chunks && rows > 0; c++) {
        size_t lo = start(total, chunks, c), hi = start(total, chunks, c + 1);
        if (hi <= first || lo >= end)
            continue;
        if (out)
            out[count] = (rm_piece){.chunk = c,
                                    .lo = (lo > first ? lo : first) - first,
                                    .hi = (hi < end ? hi : end) - first};
        count++;
    }
    return count;
}

int rm_row_range_gather(const rm_row_range *r, int status, size_t chunks, rm_chunk_start start,
                        const double *mine, size_t count, size_t size, const double **all,
                        double **owned, size_t *all_count)
{
    *owned = NULL;
    if (!r) {
        *all = mine;
        *all_count = count;
        return status;
    }
    size_t *counts = rm_alloc_array(r->parts, sizeof *counts), total = 0;
    double *gathered = NULL;
    if (counts && status == RM_OK) {
        for (size_t p = 0; p < r->parts; p++) {
            counts[p] = rm_pieces_of(r->offsets[p], r->offsets[p + 1] - r->offsets[p],
                                     rm_row_range_total(r), chunks, start, NULL);
            total += counts[p];
        }
        gathered = rm_alloc_array(total, size * sizeof(double));
    }
    status = r->hooks.gather(r->hooks.ctx, mine, counts, size, gathered);
    free(counts);
    if (status != RM_OK) {
        free(gathered);
        return status;
    }
    *all = *owned = gathered;
    *all_count = total;
    return RM_OK;
}

int rm_row_range_agree(const rm_row_range *r, int status, char *message)
{
    return r ? r->hooks.agree(r->hooks.ctx, status, message) : status;
}

int rm_row_range_combine(const rm_row_range *r, int status, void *values, size_t count,
                         rm_combine op)
{
    return r ? r->hooks.combine(r->hooks.ctx, status, values, count, op) : status;
}

int rm_row_range_elapsed(const rm_row_range *r, double start, double *elapsed)
{
    *elapsed = rm_clock_seconds() - start;
    double least = -*elapsed; /* the greatest is the least of the negatives */
    int status = rm_row_range_combine(r, RM_OK, &least, 1, RM_COMBINE_MIN);
    if (status == RM_OK)
        *elapsed = -least;
    return status;
}
