/* See passes.h. */
#include "numerics/passes.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/reserve.h"
#include "common/threads.h"
#include "robustmean.h"

/* Chunks of at least this many rows, at most this many chunks: enough for two or more
 * threads to share the work evenly, few enough that the parts stay small. */
enum { CHUNK_ROWS = 4096, MAX_CHUNKS = 32 };
/* The dense pass keeps a d x d part per chunk: at most this many bytes of them. */
#define DENSE_PARTS_BYTES ((size_t)64 << 20)

static size_t chunk_count(size_t n, size_t part_bytes, size_t budget)
{
    size_t c = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
    if (c > MAX_CHUNKS)
        c = MAX_CHUNKS;
    if (part_bytes > 0 && c > budget / part_bytes)
        c = budget / part_bytes;
    return c < 1 ? 1 : c;
}

static void chunk_rows(size_t n, size_t chunks, size_t c, size_t *lo, size_t *hi)
{
    size_t size = n / chunks, extra = n % chunks;
    *lo = c * size + (c < extra ? c : extra);
    *hi = *lo + size + (c < extra);
}

/* What a chunk computes. */
typedef enum { PRODUCT, DENSE, DENSE_ROWS, SCORES } pass_kind;

typedef struct pass {
    pass_kind kind;
    const rm_moments *m;
    const double *q, *V, *mu;
    size_t p;
    const rm_scoring *scoring;
    const size_t *rows; /* DENSE_ROWS: the rows, their weights in q, count of them in n */
    size_t count;
    double *parts; /* chunk c's part at parts + c * part_size */
    size_t part_size;
    size_t chunks;
} pass;

static void run_chunk(const pass *ps, rm_pass_buffers *buf, size_t c)
{
    size_t lo, hi, d = ps->m->d;
    chunk_rows(ps->kind == DENSE_ROWS ? ps->count : ps->m->n, ps->chunks, c, &lo, &hi);
    double *part = ps->parts ? ps->parts + c * ps->part_size : NULL;
    switch (ps->kind) {
    case PRODUCT:
        rm_moments_accumulate_product(ps->m, buf, lo, hi, ps->q, ps->V, ps->p, part,
                                      ps->mu ? part + d * ps->p : NULL);
        break;
    case DENSE:
        rm_moments_accumulate_dense(ps->m, buf, lo, hi, ps->q, part, part + d * d);
        break;
    case DENSE_ROWS:
        rm_moments_accumulate_dense_rows(ps->m, buf, ps->rows + lo, ps->q + lo, hi - lo, part,
                                         part + d * d);
        break;
    case SCORES:
        rm_moments_scores(ps->m, buf, lo, hi, ps->scoring);
        break;
    }
}

static int run(pass *ps, int threads)
{
    int failed = 0;
    size_t rows = ps->kind == DENSE_ROWS ? ps->count : ps->m->n;
    size_t most = (rows + ps->chunks - 1) / ps->chunks; /* rows of the largest chunk */
    int team = rm_threads(threads, rows * ps->m->d);
    rm_team_reserve blas = {.need = 0, .ok = 0};
#pragma omp parallel num_threads(team)
    {
        rm_pass_buffers *buf = rm_pass_buffers_alloc(ps->m->d, most);
        if (!rm_reserve_blas_team(&blas)) {
            rm_pass_buffers_free(buf);
            buf = NULL;
        }
        if (!buf) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < ps->chunks; c++)
            if (buf)
                run_chunk(ps, buf, c);
        rm_pass_buffers_free(buf);
    }
    return failed ? RM_ENOMEM : RM_OK;
}

/* out = the sum of the chunks' parts, added in chunk order. */
static void add_parts(const pass *ps, double *out, size_t offset, size_t count)
{
    memcpy(out, ps->parts + offset, count * sizeof *out);
    for (size_t c = 1; c < ps->chunks; c++) {
        const double *part = ps->parts + c * ps->part_size + offset;
        for (size_t t = 0; t < count; t++)
            out[t] += part[t];
    }
}

int rm_pass_product(const rm_moments *m, int threads, const double *q, const double *V,
                    size_t p, double *W, double *mu)
{
    size_t d = m->d, size = d * p + (mu ? d : 0);
    pass ps = {.kind = PRODUCT, .m = m, .q = q, .V = V, .mu = mu, .p = p, .part_size = size};
    ps.chunks = chunk_count(m->n, 0, 0);
    ps.parts = rm_calloc_array(ps.chunks, size * sizeof(double));
    if (!ps.parts)
        return RM_ENOMEM;
    int status = run(&ps, threads);
    if (status == RM_OK) {
        add_parts(&ps, W, 0, d * p);
        if (mu)
            add_parts(&ps, mu, d * p, d);
    }
    free(ps.parts);
    return status;
}

int rm_pass_dense(const rm_moments *m, int threads, const double *q, double *C, double *mu)
{
    size_t d = m->d, size = d * d + d;
    pass ps = {.kind = DENSE, .m = m, .q = q, .part_size = size};
    ps.chunks = chunk_count(m->n, size * sizeof(double), DENSE_PARTS_BYTES);
    ps.parts = rm_calloc_array(ps.chunks, size * sizeof(double));
    if (!ps.parts)
        return RM_ENOMEM;
    int status = run(&ps, threads);
    if (status == RM_OK) {
        add_parts(&ps, C, 0, d * d);
        add_parts(&ps, mu, d * d, d);
    }
    free(ps.parts);
    return status;
}

int rm_pass_dense_rows(const rm_moments *m, int threads, const size_t *rows, const double *w,
                       size_t count, double *C, double *mu)
{
    size_t d = m->d, size = d * d + d;
    pass ps = {.kind = DENSE_ROWS, .m = m, .q = w, .rows = rows, .count = count, .part_size = size};
    ps.chunks = chunk_count(count, size * sizeof(double), DENSE_PARTS_BYTES);
    ps.parts = rm_calloc_array(ps.chunks, size * sizeof(double));
    if (!ps.parts)
        return RM_ENOMEM;
    int status = run(&ps, threads);
    if (status == RM_OK) {
        double *sum = rm_alloc_array(size, sizeof(double));
        if (!sum) {
            free(ps.parts);
            return RM_ENOMEM;
        }
        add_parts(&ps, sum, 0, size);
        for (size_t t = 0; t < d * d; t++)
            C[t] += sum[t];
        for (size_t j = 0; j < d; j++)
            mu[j] += sum[d * d + j];
        free(sum);
    }
    free(ps.parts);
    return status;
}

int rm_pass_scores(const rm_moments *m, int threads, const rm_scoring *sc)
{
    pass ps = {.kind = SCORES, .m = m, .scoring = sc};
    ps.chunks = chunk_count(m->n, 0, 0);
    return run(&ps, threads);
}
