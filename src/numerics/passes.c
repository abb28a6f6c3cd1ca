/* See passes.h. */
#include "numerics/passes.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/reserve.h"
#include "common/row_range.h"
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

/* Chunks of n / chunks rows, the first n % chunks of them one row more. */
static size_t balanced_start(size_t n, size_t chunks, size_t c)
{
    size_t size = n / chunks, extra = n % chunks;
    return c * size + (c < extra ? c : extra);
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
    double *parts; /* piece c's part at parts + c * part_size */
    size_t part_size;
    size_t chunks;       /* of all rows (of every process) */
    rm_piece *pieces;    /* the chunks' parts this process holds, in its local rows */
    size_t piece_count;
} pass;

static void run_chunk(const pass *ps, rm_pass_buffers *buf, size_t c)
{
    size_t lo = ps->pieces[c].lo, hi = ps->pieces[c].hi, d = ps->m->d;
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

/* The pieces of ps->chunks chunks: every chunk of the rows here, or of the list. */
static int plan(pass *ps)
{
    const rm_row_range *r = ps->kind == DENSE_ROWS ? NULL : ps->m->range;
    size_t rows = ps->kind == DENSE_ROWS ? ps->count : ps->m->n;
    ps->pieces = rm_alloc_array(ps->chunks, sizeof *ps->pieces);
    if (!ps->pieces)
        return RM_ENOMEM;
    ps->piece_count = rm_pieces_of(r ? rm_row_range_first(r) : 0, rows,
                                   r ? rm_row_range_total(r) : rows, ps->chunks, balanced_start,
                                   ps->pieces);
    return RM_OK;
}

/* The rows of all processes (this one's alone when it holds every row). */
static size_t total_rows(const rm_moments *m)
{
    return m->range ? rm_row_range_total(m->range) : m->n;
}

static int run(pass *ps, int threads)
{
    int failed = 0;
    size_t rows = ps->kind == DENSE_ROWS ? ps->count : ps->m->n, most = 0;
    for (size_t c = 0; c < ps->piece_count; c++) /* rows of the largest piece */
        if (ps->pieces[c].hi - ps->pieces[c].lo > most)
            most = ps->pieces[c].hi - ps->pieces[c].lo;
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
        for (size_t c = 0; c < ps->piece_count; c++)
            if (buf)
                run_chunk(ps, buf, c);
        rm_pass_buffers_free(buf);
    }
    return failed ? RM_ENOMEM : RM_OK;
}

/* out = the sum of the pieces' parts (all of them: every process's, in row order),
 * added in order; 0 when there are none (an empty list of rows). */
static void add_parts(const double *all, size_t count, size_t part_size, double *out,
                      size_t offset, size_t length)
{
    if (count == 0) {
        memset(out, 0, length * sizeof *out);
        return;
    }
    memcpy(out, all + offset, length * sizeof *out);
    for (size_t c = 1; c < count; c++) {
        const double *part = all + c * part_size + offset;
        for (size_t t = 0; t < length; t++)
            out[t] += part[t];
    }
}

/* Plan, run, gather: ps->parts holds every piece's part of every process (in *all, count
 * of them; *owned to free). */
static int run_and_gather(pass *ps, int threads, const double **all, double **owned,
                          size_t *count)
{
    int status = plan(ps);
    if (status == RM_OK) {
        ps->parts = rm_calloc_array(ps->piece_count, ps->part_size * sizeof(double));
        status = ps->parts ? run(ps, threads) : RM_ENOMEM;
    }
    const rm_row_range *r = ps->kind == DENSE_ROWS ? NULL : ps->m->range;
    return rm_row_range_gather(r, status, ps->chunks, balanced_start, ps->parts, ps->piece_count,
                               ps->part_size, all, owned, count);
}

static void pass_free(pass *ps)
{
    free(ps->parts);
    free(ps->pieces);
}

int rm_pass_product(const rm_moments *m, int threads, const double *q, const double *V,
                    size_t p, double *W, double *mu)
{
    size_t d = m->d, size = d * p + (mu ? d : 0);
    pass ps = {.kind = PRODUCT, .m = m, .q = q, .V = V, .mu = mu, .p = p, .part_size = size};
    ps.chunks = chunk_count(total_rows(m), 0, 0);
    const double *all;
    double *owned;
    size_t count;
    int status = run_and_gather(&ps, threads, &all, &owned, &count);
    if (status == RM_OK) {
        add_parts(all, count, size, W, 0, d * p);
        if (mu)
            add_parts(all, count, size, mu, d * p, d);
    }
    free(owned);
    pass_free(&ps);
    return status;
}

int rm_pass_dense(const rm_moments *m, int threads, const double *q, double *C, double *mu)
{
    size_t d = m->d, size = d * d + d;
    pass ps = {.kind = DENSE, .m = m, .q = q, .part_size = size};
    ps.chunks = chunk_count(total_rows(m), size * sizeof(double), DENSE_PARTS_BYTES);
    const double *all;
    double *owned;
    size_t count;
    int status = run_and_gather(&ps, threads, &all, &owned, &count);
    if (status == RM_OK) {
        add_parts(all, count, size, C, 0, d * d);
        add_parts(all, count, size, mu, d * d, d);
    }
    free(owned);
    pass_free(&ps);
    return status;
}

int rm_pass_dense_rows(const rm_moments *m, int threads, const size_t *rows, const double *w,
                       size_t count, double *C, double *mu)
{
    if (m->range) /* lists of different lengths on each process: not cut into pieces yet */
        return RM_EUNSUPPORTED;
    size_t d = m->d, size = d * d + d;
    pass ps = {.kind = DENSE_ROWS, .m = m, .q = w, .rows = rows, .count = count, .part_size = size};
    ps.chunks = chunk_count(count, size * sizeof(double), DENSE_PARTS_BYTES);
    const double *all;
    double *owned;
    size_t parts;
    int status = run_and_gather(&ps, threads, &all, &owned, &parts);
    if (status == RM_OK) {
        double *sum = rm_alloc_array(size, sizeof(double));
        if (!sum) {
            pass_free(&ps);
            return RM_ENOMEM;
        }
        add_parts(all, parts, size, sum, 0, size);
        for (size_t t = 0; t < d * d; t++)
            C[t] += sum[t];
        for (size_t j = 0; j < d; j++)
            mu[j] += sum[d * d + j];
        free(sum);
    }
    pass_free(&ps);
    return status;
}

int rm_pass_scores(const rm_moments *m, int threads, const rm_scoring *sc)
{
    pass ps = {.kind = SCORES, .m = m, .scoring = sc};
    ps.chunks = chunk_count(total_rows(m), 0, 0);
    int status = plan(&ps);
    if (status == RM_OK)
        status = run(&ps, threads);
    pass_free(&ps);
    /* Nothing is gathered, but a failure here must stop every process alike. */
    char unused[sizeof ((rm_report *)0)->message] = "";
    return rm_row_range_agree(m->range, status, unused);
}
