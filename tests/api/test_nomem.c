/* Allocation failure, everywhere: the program is linked with -Wl,--wrap=malloc (and
 * calloc, realloc, free), so that every allocation of the library's objects (GSL's,
 * LAPACKE's and OpenBLAS's included: the static library carries them) goes through the
 * wrappers below. A run counts its allocations; then, for each k, the run is repeated with
 * only the k-th allocation failing. Each must end in RM_ENOMEM (or the same result, where
 * a fallback absorbs the failure), never a crash or another code, and must free all it
 * allocated: the wrappers count what is still held. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"
#include "test_util.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static atomic_int armed;      /* count and fail only while armed */
static atomic_long countdown; /* the allocation that fails is the one taking it to 0 */
static atomic_long allocations, held;

static int fail_now(void)
{
    if (!atomic_load(&armed))
        return 0;
    atomic_fetch_add(&allocations, 1);
    return atomic_fetch_sub(&countdown, 1) == 1;
}

static void *counted(void *p)
{
    if (p && atomic_load(&armed))
        atomic_fetch_add(&held, 1);
    return p;
}

void *__wrap_malloc(size_t size) { return fail_now() ? NULL : counted(__real_malloc(size)); }

void *__wrap_calloc(size_t count, size_t size)
{
    return fail_now() ? NULL : counted(__real_calloc(count, size));
}

void *__wrap_realloc(void *p, size_t size)
{
    if (fail_now())
        return NULL;
    void *q = __real_realloc(p, size);
    return p ? q : counted(q);
}

void __wrap_free(void *p)
{
    if (p && atomic_load(&armed))
        atomic_fetch_sub(&held, 1);
    __real_free(p);
}

/* What one run does; returns its status and writes its result for comparison. */
typedef int (*job)(const void *ctx, double *result, size_t *len);

static long run_armed(job f, const void *ctx, long fail_at, int *status, double *result,
                      size_t *len)
{
    atomic_store(&allocations, 0);
    atomic_store(&held, 0);
    atomic_store(&countdown, fail_at);
    atomic_store(&armed, 1);
    *status = f(ctx, result, len);
    atomic_store(&armed, 0);
    cr_assert_eq(atomic_load(&held), 0, "%ld allocations not freed (failing allocation %ld)",
                 atomic_load(&held), fail_at);
    return atomic_load(&allocations);
}

/* Every single allocation failing in turn. */
static void fail_each(job f, const void *ctx, const char *what)
{
    double base[64], got[64];
    size_t len = 0, got_len = 0;
    int base_status, status;
    f(ctx, base, &len); /* once unarmed: lazily allocated pools (OpenBLAS's) are set up */
    long total = run_armed(f, ctx, 0, &base_status, base, &len);
    cr_assert(base_status >= 0, "%s: %s without a failure", what, rm_strerror(base_status));
    cr_assert_gt(total, 0, "%s: no allocation seen: is the wrap in place?", what);
    for (long k = 1; k <= total; k++) {
        got_len = 0;
        run_armed(f, ctx, k, &status, got, &got_len);
        cr_assert(status == RM_ENOMEM || status >= 0, "%s, allocation %ld of %ld failing: %s",
                  what, k, total, rm_strerror(status));
        if (status < 0)
            continue;
        /* a fallback took over: the same status, the same answer */
        cr_assert_eq(status, base_status, "%s, allocation %ld failing: %s, not %s", what, k,
                     rm_strerror(status), rm_strerror(base_status));
        cr_assert_eq(got_len, len, "%s, allocation %ld failing: %zu values, not %zu", what, k,
                     got_len, len);
        for (size_t j = 0; j < len; j++)
            cr_assert_float_eq(got[j], base[j], 1e-12 * (1 + fabs(base[j])),
                               "%s, allocation %ld failing: %g vs %g", what, k, got[j], base[j]);
    }
}

typedef struct estimate_job {
    const double *X;
    size_t n, d;
    const char *method;
    int oracle;
} estimate_job;

static int estimate(const void *ctx, double *result, size_t *len)
{
    const estimate_job *e = ctx;
    rm_options opt;
    rm_options_init(&opt);
    opt.method = e->method;
    opt.eps = 0.1;
    opt.oracle = e->oracle;
    opt.threads = 1; /* the same allocations in the same order on every run */
    double weights[400];
    *len = e->d;
    return rm_method_find(e->method)->weights_rows
               ? rm_mean_weights(e->X, e->n, e->d, &opt, result, weights, NULL)
               : rm_mean(e->X, e->n, e->d, &opt, result, NULL);
}

Test(nomem, every_method_returns_enomem_and_frees_everything)
{
    size_t n = 400, d = 6;
    double *X = tu_gaussian_matrix(n, d, 3.0, 1);
    for (size_t i = 0; i < n; i += 10) /* a few far rows, so that the solvers step */
        for (size_t j = 0; j < d; j++)
            X[i * d + j] += 50.0;
    for (size_t m = 0; m < rm_method_count(); m++) {
        estimate_job e = {X, n, d, rm_method_at(m)->name, RM_ORACLE_AUTO};
        fail_each(estimate, &e, e.method);
    }
    estimate_job lanczos = {X, n, d, "lowregret", RM_ORACLE_LANCZOS};
    fail_each(estimate, &lanczos, "lowregret with the Lanczos oracle");
    free(X);
}

static int read_file(const void *ctx, double *result, size_t *len)
{
    rm_data data;
    rm_read_error err;
    int status = rm_read_file(ctx, NULL, &data, &err);
    if (status == RM_OK) {
        *len = data.n * data.d < 64 ? data.n * data.d : 64;
        memcpy(result, data.values, *len * sizeof *result);
        cr_assert_str_eq(err.message, "");
    } else {
        cr_assert_neq(err.message[0], '\0', "no message for %s", rm_strerror(status));
    }
    rm_data_free(&data);
    return status;
}

Test(nomem, readers_return_enomem_with_a_message)
{
    char *csv = tu_temp_text(".csv", "a,b,c\n1,2,3\n4,5,6\n# note\n7,8,9\n");
    fail_each(read_file, csv, "CSV");
    tu_remove(csv);
    float values[6] = {1, 2, 3, 4, 5, 6};
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }",
                                    values, sizeof values, &len);
    char *npy = tu_temp_file(".npy", b, len);
    fail_each(read_file, npy, ".npy");
    tu_remove(npy);
    free(b);
}

static int generate(const void *ctx, double *result, size_t *len)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.corruption = ctx;
    g.inliers = "rotated";
    g.n = 200;
    g.d = 4;
    g.eps = 0.1;
    rm_sample s;
    int status = rm_generate(&g, &s);
    if (status == RM_OK) {
        *len = 8;
        memcpy(result, s.X, 8 * sizeof *result);
    }
    rm_sample_free(&s);
    return status;
}

Test(nomem, generators_return_enomem)
{
    const char *models[] = {"dkk", "variance-shell", "subtractive"};
    for (size_t k = 0; k < 3; k++)
        fail_each(generate, models[k], models[k]);
}
