/* Passes over rows spread over processes (common/row_range.h), the processes simulated by
 * threads of this one whose hooks meet at a barrier: the products, the dense moments and
 * the column means of P = 1..4 parts equal the one-process results, to the bit when the
 * parts begin at chunk boundaries, to 1e-12 otherwise; the centre, the medians and the
 * other order statistics are the same bits for any split; the scores of each part are its
 * rows'; a process holding no rows takes part; a failure on one is every one's. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/centre.h"
#include "numerics/passes.h"
#include "numerics/quantiles.h"
#include "numerics/select.h"
#include "numerics/simplex.h"
#include "numerics/summation.h"
#include "robustmean.h"
#include "test_util.h"

enum { MOST = 4, TRIM = 4000 };

/* What the simulated processes share: a barrier and each one's contribution. */
typedef struct meeting {
    pthread_barrier_t barrier;
    size_t parts;
    const double *mine[MOST];
    size_t counts[MOST];
    int ok[MOST], status[MOST];
    const char *message[MOST];
    void *values[MOST];
} meeting;

typedef struct process {
    meeting *at;
    size_t index;
    int fail_next; /* claim to be out of memory at the next gather */
} process;

static int gather(void *ctx, const double *mine, const size_t *counts, size_t size, double *all)
{
    process *me = ctx;
    meeting *at = me->at;
    int ok = all != NULL && !me->fail_next;
    me->fail_next = 0;
    at->mine[me->index] = mine;
    at->ok[me->index] = ok;
    pthread_barrier_wait(&at->barrier);
    int every = 1;
    for (size_t p = 0; p < at->parts; p++)
        every = every && at->ok[p];
    if (every)
        for (size_t p = 0; p < at->parts; p++) {
            memcpy(all, at->mine[p], counts[p] * size * sizeof *all);
            all += counts[p] * size;
        }
    pthread_barrier_wait(&at->barrier); /* no one frees its parts before all copied */
    return every ? RM_OK : RM_ENOMEM;
}

static int agree(void *ctx, int status, char *message)
{
    process *me = ctx;
    meeting *at = me->at;
    at->status[me->index] = status;
    at->message[me->index] = message;
    pthread_barrier_wait(&at->barrier);
    int verdict = RM_OK;
    char words[192] = "";
    for (size_t p = 0; p < at->parts && verdict == RM_OK; p++)
        if (at->status[p] != RM_OK) {
            verdict = at->status[p];
            memcpy(words, at->message[p], sizeof words);
        }
    pthread_barrier_wait(&at->barrier);
    if (verdict != RM_OK)
        memcpy(message, words, sizeof words);
    return verdict;
}

static int combine(void *ctx, int status, void *values, size_t count, rm_combine op)
{
    process *me = ctx;
    meeting *at = me->at;
    at->ok[me->index] = status == RM_OK;
    at->values[me->index] = values;
    pthread_barrier_wait(&at->barrier);
    int every = 1;
    for (size_t p = 0; p < at->parts; p++)
        every = every && at->ok[p];
    /* Each combines every process's values, in process order, into a copy of its own. */
    double *least = malloc((count ? count : 1) * sizeof *least);
    uint64_t *sums = malloc((count ? count : 1) * sizeof *sums);
    for (size_t t = 0; t < count && every; t++) {
        least[t] = INFINITY;
        sums[t] = 0;
        for (size_t p = 0; p < at->parts; p++) {
            if (op == RM_COMBINE_MIN)
                least[t] = fmin(least[t], ((const double *)at->values[p])[t]);
            else
                sums[t] += ((const uint64_t *)at->values[p])[t];
        }
    }
    pthread_barrier_wait(&at->barrier);
    if (every)
        memcpy(values, op == RM_COMBINE_MIN ? (void *)least : (void *)sums, count * 8);
    free(least);
    free(sums);
    pthread_barrier_wait(&at->barrier);
    return every ? RM_OK : RM_ENOMEM;
}

/* One simulated process's work: its rows of the whole, and what it computed. */
typedef struct task {
    process self;
    rm_row_range range;
    const double *X;
    const double *q, *V;
    size_t d, p;
    const rm_centre *ctr;
    double *W, *mu, *C, *muc, *mean, *scores, *median, *trimmed;
    rm_centre own; /* the centre found spread: the passes work on it */
    int status;
} task;

static void keep_scores(void *ctx, size_t first, size_t rows, const double *s, size_t k)
{
    memcpy((double *)ctx + first * k, s, rows * k * sizeof *s);
}

static void *work(void *arg)
{
    task *t = arg;
    size_t first = rm_row_range_first(&t->range);
    size_t n = t->range.offsets[t->range.index + 1] - first, d = t->d;
    rm_matrix M = rm_matrix_of_doubles(n ? t->X + first * d : NULL, n, d);
    t->status = rm_centre_init_range(&t->own, &M, &t->range, 2);
    if (t->status != RM_OK)
        return NULL;
    rm_moments m = {.X = M, .n = n, .d = d, .ctr = &t->own, .range = &t->range};
    t->status = rm_pass_product(&m, 2, t->q + first, t->V, t->p, t->W, t->mu);
    if (t->status == RM_OK)
        t->status = rm_pass_dense(&m, 2, t->q + first, t->C, t->muc);
    if (t->status == RM_OK)
        t->status = rm_column_means_range(&M, &t->range, t->mean, 2);
    if (t->status == RM_OK)
        t->status = rm_column_medians_range(&M, &t->range, NULL, t->median, 2);
    if (t->status == RM_OK)
        t->status = rm_column_trimmed_means_range(&M, &t->range, TRIM, t->trimmed, 2);
    rm_scoring sc = {.mu = t->mu, .V = t->V, .k = t->p, .take = keep_scores,
                     .ctx = t->scores + first * t->p};
    if (t->status == RM_OK)
        t->status = rm_pass_scores(&m, 2, &sc);
    return NULL;
}

/* Both ways: all rows here, then split at cut[0..parts]. */
typedef struct results {
    double *W, *mu, *C, *muc, *mean, *scores, *median, *trimmed;
} results;

static results results_alloc(size_t n, size_t d, size_t p)
{
    return (results){.W = calloc(d * p, sizeof(double)), .mu = calloc(d, sizeof(double)),
                     .C = calloc(d * d, sizeof(double)), .muc = calloc(d, sizeof(double)),
                     .mean = calloc(d, sizeof(double)), .scores = calloc(n * p, sizeof(double)),
                     .median = calloc(d, sizeof(double)), .trimmed = calloc(d, sizeof(double))};
}

static void results_free(results *r)
{
    free(r->W);
    free(r->mu);
    free(r->C);
    free(r->muc);
    free(r->mean);
    free(r->scores);
    free(r->median);
    free(r->trimmed);
}

static void assert_close(const double *got, const double *want, size_t count, int same_bits,
                         const char *what, size_t parts)
{
    if (same_bits) {
        cr_assert(memcmp(got, want, count * sizeof *got) == 0, "%s: not the same bits, %zu parts",
                  what, parts);
        return;
    }
    double scale = 0;
    for (size_t t = 0; t < count; t++)
        scale = fmax(scale, fabs(want[t]));
    for (size_t t = 0; t < count; t++)
        cr_assert(fabs(got[t] - want[t]) <= 1e-12 * scale, "%s[%zu]: %.17g vs %.17g, %zu parts",
                  what, t, got[t], want[t], parts);
}

/* Run the simulated processes over the cut and compare with one process. */
static void check_cut(const double *X, size_t n, size_t d, const size_t *cut, size_t parts,
                      int same_bits)
{
    size_t p = 3;
    double *q = malloc(n * sizeof *q), *V = malloc(d * p * sizeof *V), total = 0;
    tu_rng r = {n + parts};
    for (size_t i = 0; i < n; i++)
        total += q[i] = tu_uniform(&r) + 0.1;
    for (size_t i = 0; i < n; i++)
        q[i] /= total;
    for (size_t k = 0; k < d * p; k++)
        V[k] = tu_normal(&r);
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    rm_centre ctr;
    cr_assert_eq(rm_centre_init(&ctr, &M, 0), 0);
    rm_moments whole = {.X = M, .n = n, .d = d, .ctr = &ctr};
    results one = results_alloc(n, d, p), spread = results_alloc(n, d, p);
    cr_assert_eq(rm_pass_product(&whole, 2, q, V, p, one.W, one.mu), RM_OK);
    cr_assert_eq(rm_pass_dense(&whole, 2, q, one.C, one.muc), RM_OK);
    cr_assert_eq(rm_column_means(&M, one.mean, 2), RM_OK);
    cr_assert_eq(rm_column_medians(&M, NULL, one.median, 2), RM_OK);
    cr_assert_eq(rm_column_trimmed_means(&M, TRIM, one.trimmed, 2), RM_OK);
    rm_scoring sc = {.mu = one.mu, .V = V, .k = p, .take = keep_scores, .ctx = one.scores};
    cr_assert_eq(rm_pass_scores(&whole, 2, &sc), RM_OK);

    meeting at = {.parts = parts};
    pthread_barrier_init(&at.barrier, NULL, (unsigned)parts);
    task tasks[MOST];
    results each[MOST];
    pthread_t threads[MOST];
    for (size_t k = 0; k < parts; k++) {
        each[k] = results_alloc(n, d, p);
        tasks[k] = (task){.self = {.at = &at, .index = k},
                          .X = X, .q = q, .V = V, .d = d, .p = p, .ctr = &ctr,
                          .W = each[k].W, .mu = each[k].mu, .C = each[k].C, .muc = each[k].muc,
                          .mean = each[k].mean, .scores = spread.scores,
                          .median = each[k].median, .trimmed = each[k].trimmed};
        tasks[k].range = (rm_row_range){.index = k, .parts = parts, .offsets = cut,
                                        .hooks = {.gather = gather, .agree = agree,
                                                  .combine = combine, .ctx = &tasks[k].self}};
        pthread_create(&threads[k], NULL, work, &tasks[k]);
    }
    for (size_t k = 0; k < parts; k++)
        pthread_join(threads[k], NULL);
    for (size_t k = 0; k < parts; k++) {
        cr_assert_eq(tasks[k].status, RM_OK, "part %zu of %zu", k, parts);
        const rm_centre *own = &tasks[k].own;
        assert_close(own->median, ctr.median, d, 1, "centre", parts);
        assert_close(own->lo, ctr.lo, d, 1, "column minima", parts);
        assert_close(own->hi, ctr.hi, d, 1, "column maxima", parts);
        assert_close(own->col_g1, ctr.col_g1, d, 1, "scales g1", parts);
        assert_close(own->col_g2, ctr.col_g2, d, 1, "scales g2", parts);
        assert_close(own->shifted, ctr.shifted, d, 1, "shifted centre", parts);
        rm_centre_free(&tasks[k].own);
        assert_close(each[k].W, one.W, d * p, same_bits, "product", parts);
        assert_close(each[k].mu, one.mu, d, same_bits, "weighted mean", parts);
        assert_close(each[k].C, one.C, d * d, same_bits, "dense", parts);
        assert_close(each[k].mean, one.mean, d, same_bits, "column means", parts);
        /* order statistics: the same bits for any split */
        assert_close(each[k].median, one.median, d, 1, "medians", parts);
        assert_close(each[k].trimmed, one.trimmed, d, same_bits, "trimmed means", parts);
        /* Every process ends with the same bits as every other. */
        cr_assert(memcmp(each[k].W, each[0].W, d * p * sizeof(double)) == 0, "part %zu", k);
        cr_assert(memcmp(each[k].mean, each[0].mean, d * sizeof(double)) == 0, "part %zu", k);
    }
    for (size_t k = 0; k < parts; k++)
        results_free(&each[k]);
    /* Scores against the one-process mean (the same up to rounding when cut unevenly). */
    assert_close(spread.scores, one.scores, n * p, 0, "scores", parts);
    pthread_barrier_destroy(&at.barrier);
    results_free(&one);
    results_free(&spread);
    rm_centre_free(&ctr);
    free(q);
    free(V);
}

/* 40000 rows: 10 chunks of 4000 for the passes and the trimmed means (40000/4096 + 1),
 * 5 of 8000 for the column means; parts that begin at multiples of 8000 are chunk
 * boundaries of all. */
Test(spread, passes_over_parts_equal_one_process)
{
    size_t n = 40000, d = 6, cut[MOST + 1];
    double *X = tu_gaussian_matrix(n, d, 1e6, 7);
    for (size_t parts = 1; parts <= MOST; parts++) {
        for (size_t k = 0; k <= parts; k++)
            cut[k] = k * 5 / parts * 8000;
        check_cut(X, n, d, cut, parts, 1);
        for (size_t k = 0; k <= parts; k++)
            cut[k] = k == parts ? n : k * n / parts + (k ? 777 : 0);
        check_cut(X, n, d, cut, parts, parts == 1);
        if (parts > 1) { /* the first process holds no rows */
            for (size_t k = 0; k <= parts; k++)
                cut[k] = k <= 1 ? 0 : (k - 1) * 5 / (parts - 1) * 8000;
            check_cut(X, n, d, cut, parts, 1);
        }
    }
    free(X);
}

/* Out of memory on one process: every process returns it from the same pass. */
static void *work_failing(void *arg)
{
    task *t = arg;
    size_t first = rm_row_range_first(&t->range);
    size_t n = t->range.offsets[t->range.index + 1] - first, d = t->d;
    rm_matrix M = rm_matrix_of_doubles(t->X + first * d, n, d);
    rm_moments m = {.X = M, .n = n, .d = d, .ctr = t->ctr, .range = &t->range};
    t->self.fail_next = t->range.index == t->range.parts - 1;
    t->status = rm_pass_product(&m, 1, t->q + first, t->V, 1, t->W, t->mu);
    return NULL;
}

Test(spread, a_failure_on_one_process_is_every_ones)
{
    size_t n = 1000, d = 3, parts = 3, cut[] = {0, 300, 600, 1000};
    double *X = tu_gaussian_matrix(n, d, 1.0, 3), q[1000], V[3] = {1, 0, 0};
    for (size_t i = 0; i < n; i++)
        q[i] = 1.0 / (double)n;
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    rm_centre ctr;
    cr_assert_eq(rm_centre_init(&ctr, &M, 0), 0);
    meeting at = {.parts = parts};
    pthread_barrier_init(&at.barrier, NULL, (unsigned)parts);
    task tasks[3];
    double W[3][3], mu[3][3];
    pthread_t threads[3];
    for (size_t k = 0; k < parts; k++) {
        tasks[k] = (task){.self = {.at = &at, .index = k}, .X = X, .q = q, .V = V, .d = d,
                          .ctr = &ctr, .W = W[k], .mu = mu[k]};
        tasks[k].range = (rm_row_range){.index = k, .parts = parts, .offsets = cut,
                                        .hooks = {.gather = gather, .agree = agree,
                                                  .combine = combine, .ctx = &tasks[k].self}};
        pthread_create(&threads[k], NULL, work_failing, &tasks[k]);
    }
    for (size_t k = 0; k < parts; k++) {
        pthread_join(threads[k], NULL);
        cr_assert_eq(tasks[k].status, RM_ENOMEM, "part %zu", k);
    }
    pthread_barrier_destroy(&at.barrier);
    rm_centre_free(&ctr);
    free(X);
}

/* One simulated process's projections and order statistics of a vector: its entries of
 * y (for the Euclidean projection) and of w (positive, for the KL one). */
typedef struct vector_task {
    process self;
    rm_row_range range;
    const double *y, *w;
    double u, *q_l2, *q_kl, *copy;
    double theta_l2, theta_kl, rank, median;
    size_t k;
    int status;
} vector_task;

static void *vector_work(void *arg)
{
    vector_task *t = arg;
    size_t first = rm_row_range_first(&t->range);
    size_t n = t->range.offsets[t->range.index + 1] - first;
    t->status = rm_simplex_project_l2_range(t->y + first, n, t->u, t->q_l2 + first, 2, &t->range,
                                            &t->theta_l2);
    if (t->status == RM_OK)
        t->status = rm_simplex_project_kl_range(t->w + first, n, t->u, t->q_kl + first, NULL, 2,
                                                &t->range, &t->theta_kl);
    if (t->status == RM_OK)
        t->status = rm_rank_value_range(t->y + first, n, t->k, &t->range, NULL, 2, &t->rank);
    memcpy(t->copy + first, t->y + first, n * sizeof *t->y);
    if (t->status == RM_OK)
        t->status = rm_median_range(t->copy + first, n, &t->range, 2, &t->median);
    return NULL;
}

/* n = 2^18 entries: the projections' sums run over 8 chunks of n/8 and the KL
 * projection's starting histogram over 4: cuts at multiples of n/8 give one process's
 * bits, others its values to 1e-12; the rank and the median are exact for any cut. */
Test(spread, projections_and_order_statistics_over_parts_equal_one_process)
{
    size_t n = (size_t)1 << 18, k = n / 3, cut[MOST + 1];
    double *y = tu_gaussian_matrix(n, 1, 1.0, 11), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) /* multiplicative weights: positive, some at zero */
        w[i] = i % 13 == 0 ? 0.0 : exp(y[i]);
    double u = 1.0 / (0.9 * (double)n), *work = malloc(n * sizeof *work);
    double *want_l2 = malloc(n * sizeof *want_l2), *want_kl = malloc(n * sizeof *want_kl);
    double theta_l2 = rm_simplex_project_l2(y, n, u, want_l2, 2);
    double theta_kl = rm_simplex_project_kl(w, n, u, want_kl, work, 2);
    double rank = rm_rank_value(y, n, k, work, 2);
    memcpy(work, y, n * sizeof *y);
    double median = rm_median_inplace(work, n);
    double *q_l2 = malloc(n * sizeof *q_l2), *q_kl = malloc(n * sizeof *q_kl);
    double *copy = malloc(n * sizeof *copy);
    for (size_t parts = 1; parts <= MOST; parts++)
        for (int aligned = 1; aligned >= 0; aligned--) {
            for (size_t c = 0; c <= parts; c++)
                cut[c] = aligned ? c * 8 / parts * (n / 8)
                                 : c == parts ? n : c * n / parts + (c ? 999 : 0);
            meeting at = {.parts = parts};
            pthread_barrier_init(&at.barrier, NULL, (unsigned)parts);
            vector_task tasks[MOST];
            pthread_t threads[MOST];
            for (size_t c = 0; c < parts; c++) {
                tasks[c] = (vector_task){.self = {.at = &at, .index = c}, .y = y, .w = w,
                                         .u = u, .q_l2 = q_l2, .q_kl = q_kl, .copy = copy,
                                         .k = k};
                tasks[c].range = (rm_row_range){
                    .index = c, .parts = parts, .offsets = cut,
                    .hooks = {.gather = gather, .agree = agree, .combine = combine,
                              .ctx = &tasks[c].self}};
                pthread_create(&threads[c], NULL, vector_work, &tasks[c]);
            }
            for (size_t c = 0; c < parts; c++)
                pthread_join(threads[c], NULL);
            pthread_barrier_destroy(&at.barrier);
            int same = aligned || parts == 1;
            for (size_t c = 0; c < parts; c++) {
                cr_assert_eq(tasks[c].status, RM_OK, "part %zu of %zu", c, parts);
                assert_close(&tasks[c].theta_l2, &theta_l2, 1, same, "theta (l2)", parts);
                assert_close(&tasks[c].theta_kl, &theta_kl, 1, same, "theta (KL)", parts);
                cr_assert(tasks[c].rank == rank && tasks[c].median == median,
                          "rank or median differ, %zu parts", parts);
            }
            assert_close(q_l2, want_l2, n, same, "q (l2)", parts);
            assert_close(q_kl, want_kl, n, same, "q (KL)", parts);
        }
    free(y);
    free(w);
    free(work);
    free(want_l2);
    free(want_kl);
    free(q_l2);
    free(q_kl);
    free(copy);
}
