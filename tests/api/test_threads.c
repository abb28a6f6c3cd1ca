/* The thread rule of robustmean.h: calls may run at once from several threads. Four
 * threads each read their own file and run every method on their own data, at the same
 * time; each result must be bit for bit the one a serial run gave (the library's results
 * do not depend on the number of threads, nor on what other threads do).
 *
 * tools/test.sh also runs this test built with ThreadSanitizer, with OMP_NUM_THREADS=1:
 * libgomp is not instrumented, so the synchronisation inside an OpenMP team is invisible
 * to TSan and would be reported as races; with teams of one thread, the races TSan can
 * see are those between the callers' threads, which is what the rule is about. The
 * plain build runs it with OpenMP teams, each caller's team beside the others.
 *
 * A plain program, not a Criterion test: Criterion's process arena cannot be set up under
 * ThreadSanitizer. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>
#include <unistd.h>

#include "robustmean.h"

/* A failed check ends the program with a message (exit status 1). */
#define CHECK(cond, ...)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "test_threads: %s:%d: ", __FILE__, __LINE__);                  \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

enum { THREADS = 4, N = 12000, D = 12, MAX_METHODS = 16 };

typedef struct work {
    int id;
    double *X;        /* N x D */
    char *path;       /* a CSV file of the same data */
    double mean[MAX_METHODS][D];
    double *weights[MAX_METHODS];
    int status[MAX_METHODS];
    rm_report report[MAX_METHODS];
    double read_back[D]; /* the file's first row */
    size_t read_n;
    int read_status;
} work;

static void run_all(work *w)
{
    size_t methods = rm_method_count();
    for (size_t k = 0; k < methods; k++) {
        size_t m = (k + (size_t)w->id) % methods; /* each thread in another order */
        rm_options opt;
        rm_options_init(&opt);
        opt.method = rm_method_at(m)->name;
        opt.eps = 0.1;
        opt.seed = (uint64_t)w->id;
        w->status[m] = rm_method_at(m)->weights_rows
                           ? rm_mean_weights(w->X, N, D, &opt, w->mean[m], w->weights[m],
                                             &w->report[m])
                           : rm_mean(w->X, N, D, &opt, w->mean[m], &w->report[m]);
    }
    rm_data data;
    w->read_status = rm_read_file(w->path, NULL, &data, NULL);
    if (w->read_status == RM_OK) {
        w->read_n = data.n;
        memcpy(w->read_back, data.values, D * sizeof(double));
    }
    rm_data_free(&data);
}

static void *thread_main(void *arg)
{
    run_all(arg);
    return NULL;
}

/* Gaussian data (splitmix64 and Box-Muller): test_util.h is for Criterion tests. */
static double *gaussian_matrix(size_t count, double offset, uint64_t state)
{
    double *X = malloc(count * sizeof *X);
    CHECK(X != NULL, "out of memory");
    for (size_t k = 0; k < count; k++) {
        double u[2];
        for (int h = 0; h < 2; h++) {
            uint64_t z = (state += 0x9e3779b97f4a7c15u);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
            u[h] = (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
        }
        X[k] = offset + sqrt(-2.0 * log(1.0 - u[0])) * cos(6.283185307179586 * u[1]);
    }
    return X;
}

static void setup(work *w, int id)
{
    memset(w, 0, sizeof *w);
    w->id = id;
    w->X = gaussian_matrix((size_t)N * D, 3.0 * id, 100 + (uint64_t)id);
    for (size_t i = 0; i < N; i += 9) /* outliers, so the solvers have work */
        for (size_t j = 0; j < D; j++)
            w->X[i * D + j] += 20.0 + id;
    for (size_t m = 0; m < rm_method_count(); m++)
        w->weights[m] = malloc(N * sizeof(double));
    char *text = malloc((size_t)N * D * 26 + 1), *p = text;
    for (size_t k = 0; k < (size_t)N * D; k++)
        p += sprintf(p, "%.17g%c", w->X[k], k % D == D - 1 ? '\n' : ',');
    const char *dir = getenv("TMPDIR");
    w->path = malloc(4096);
    snprintf(w->path, 4096, "%s/rmthreads-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(w->path);
    CHECK(fd >= 0, "cannot create %s", w->path);
    size_t len = (size_t)(p - text);
    CHECK(write(fd, text, len) == (ssize_t)len && close(fd) == 0, "cannot write %s", w->path);
    free(text);
}

static void teardown(work *w)
{
    free(w->X);
    unlink(w->path);
    free(w->path);
    for (size_t m = 0; m < rm_method_count(); m++)
        free(w->weights[m]);
}

int main(void)
{
    CHECK(rm_method_count() <= MAX_METHODS, "too many methods");
    static work serial[THREADS], parallel[THREADS];
    for (int t = 0; t < THREADS; t++) {
        setup(&serial[t], t);
        run_all(&serial[t]);
        setup(&parallel[t], t);
    }
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        CHECK(pthread_create(&threads[t], NULL, thread_main, &parallel[t]) == 0, "pthread_create");
    for (int t = 0; t < THREADS; t++)
        CHECK(pthread_join(threads[t], NULL) == 0, "pthread_join");
    for (int t = 0; t < THREADS; t++) {
        const work *a = &serial[t], *b = &parallel[t];
        for (size_t m = 0; m < rm_method_count(); m++) {
            const char *name = rm_method_at(m)->name;
            CHECK(a->status[m] >= 0, "%s: %s", name, rm_strerror(a->status[m]));
            CHECK(b->status[m] == a->status[m], "thread %d, %s: status %d, serial %d", t, name,
                  b->status[m], a->status[m]);
            CHECK(memcmp(a->mean[m], b->mean[m], sizeof a->mean[m]) == 0,
                  "thread %d, %s: the estimate differs from the serial one", t, name);
            CHECK(a->report[m].iterations == b->report[m].iterations,
                  "thread %d, %s: %zu iterations, serial %zu", t, name, b->report[m].iterations,
                  a->report[m].iterations);
            if (rm_method_at(m)->weights_rows)
                CHECK(memcmp(a->weights[m], b->weights[m], N * sizeof(double)) == 0,
                      "thread %d, %s: the weights differ", t, name);
        }
        CHECK(b->read_status == RM_OK && b->read_n == (size_t)N, "thread %d: read %s", t,
              rm_strerror(b->read_status));
        CHECK(memcmp(b->read_back, a->X, sizeof b->read_back) == 0, "thread %d: read back", t);
    }
    for (int t = 0; t < THREADS; t++) {
        teardown(&serial[t]);
        teardown(&parallel[t]);
    }
    printf("%d threads x %zu methods: the serial results\n", THREADS, rm_method_count());
    return 0;
}
