/* See chunk_sums.h. */
#include "numerics/chunk_sums.h"

#include <stdlib.h>

#include "robustmean.h"

size_t rm_chunk_even_start(size_t n, size_t chunks, size_t c) { return c * n / chunks; }

void rm_chunk_plan_init(rm_chunk_plan *p, const rm_row_range *range, size_t n, size_t chunks)
{
    p->range = range;
    p->total = range ? rm_row_range_total(range) : n;
    p->chunks = chunks;
    p->count = rm_pieces_of(range ? rm_row_range_first(range) : 0, n, p->total, chunks,
                            rm_chunk_even_start, p->piece);
}

int rm_chunk_plan_add(const rm_chunk_plan *p, int status, const double *parts, size_t size,
                      double *out)
{
    const double *all;
    double *owned;
    size_t count;
    status = rm_row_range_gather(p->range, status, p->chunks, rm_chunk_even_start, parts,
                                 p->count, size, &all, &owned, &count);
    /* out[t] is written after the last read of the t-th values: out may alias all */
    if (status == RM_OK)
        for (size_t t = 0; t < size; t++) {
            double sum = 0.0;
            for (size_t c = 0; c < count; c++)
                sum += all[c * size + t];
            out[t] = sum;
        }
    free(owned);
    return status;
}
