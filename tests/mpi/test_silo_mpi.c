/* The SILO solvers (lowregret, pgd, filter) over rows spread by rm_mean_mpi() against
 * rm_mean() on the rows put together, under mpirun with any number of processes: the
 * estimate and each row's weight to 1e-12 relative (the passes' single chunk at these
 * sizes is cut at the processes' boundaries: rounding), the same status, iterations and
 * stop on every process as on one; a process holding no rows; and what does not run
 * spread yet fails alike on every process with the same words, never hangs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_mpi.h"

static int rank, size, failures;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "process %d of %d, line %d: ", rank, size, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
            failures++;                                                                      \
        }                                                                                    \
    } while (0)

/* The same rows on every process: normal inliers about an offset, and a tenth of the rows
 * a far cluster. */
static double *make_rows(size_t n, size_t d)
{
    double *X = malloc(n * d * sizeof *X);
    uint64_t s = 23;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double z = 0.0;
            for (int t = 0; t < 4; t++) { /* near normal: a sum of uniforms */
                s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
                z += (double)(s >> 11) / 9007199254740992.0 - 0.5;
            }
            X[i * d + j] = 100.0 * (double)(j + 1) + z + (i % 10 == 3 ? 8.0 : 0.0);
        }
    return X;
}

static double relative_error(const double *a, const double *b, size_t count)
{
    double worst = 0.0;
    for (size_t j = 0; j < count; j++)
        worst = fmax(worst, fabs(a[j] - b[j]) / fmax(fabs(b[j]), 1e-300));
    return worst;
}

static void silo_options(rm_options *opt, const char *method)
{
    rm_options_init(opt);
    opt->method = method;
    opt->eps = 0.1;
    opt->column_scaling = RM_SCALING_NONE;
    opt->shaping = RM_SHAPING_NONE;
}

/* Each SILO method on X split at cut against one process. */
static void check_split(const char *what, const double *X, size_t n, size_t d,
                        const size_t *cut)
{
    const char *methods[] = {"lowregret", "pgd", "filter"};
    size_t lo = cut[rank], n_local = cut[rank + 1] - cut[rank];
    double *want_w = malloc(n * sizeof *want_w), *got_w = malloc((n_local + 1) * sizeof *got_w);
    double want[200], got[200];
    for (int t = 0; t < 3; t++) {
        rm_options opt;
        silo_options(&opt, methods[t]);
        rm_report one, rep;
        int want_status = rm_mean_weights(X, n, d, &opt, want, want_w, &one);
        int status = rm_mean_mpi_counted(MPI_COMM_WORLD, n_local ? X + lo * d : NULL, NULL,
                                         n_local, d, &opt, got, got_w, &rep, NULL);
        CHECK(status == want_status, "%s %s: status %d, one process %d (%s)", what, methods[t],
              status, want_status, rep.message);
        if (status < 0 || want_status < 0)
            continue;
        CHECK(relative_error(got, want, d) <= 1e-12, "%s %s: relative error %.3g", what,
              methods[t], relative_error(got, want, d));
        double worst = 0.0;
        for (size_t i = 0; i < n_local; i++)
            worst = fmax(worst, fabs(got_w[i] - want_w[lo + i]) * (double)n);
        CHECK(worst <= 1e-10, "%s %s: weights differ by %.3g of 1/n", what, methods[t], worst);
        CHECK(rep.iterations == one.iterations && rep.stop == one.stop &&
                  rep.outliers == one.outliers && rep.certified == one.certified,
              "%s %s: %zu iterations (stop %d, %zu outliers), one process %zu (stop %d, %zu)",
              what, methods[t], rep.iterations, (int)rep.stop, rep.outliers, one.iterations,
              (int)one.stop, one.outliers);
        CHECK(strcmp(rep.oracle, one.oracle) == 0, "%s %s: oracle %s, one process %s", what,
              methods[t], rep.oracle, one.oracle);
        /* the same on every process */
        double first[200];
        memcpy(first, got, d * sizeof *got);
        MPI_Bcast(first, (int)d, MPI_DOUBLE, 0, MPI_COMM_WORLD);
        CHECK(memcmp(first, got, d * sizeof *got) == 0, "%s %s: differs from process 0's", what,
              methods[t]);
    }
    free(want_w);
    free(got_w);
}

/* Even cuts, uneven ones with process 0 holding none; the dense oracle (d = 6) and the
 * Lanczos one (d = 140). */
static void check_methods(void)
{
    size_t ds[2] = {6, 140}, ns[2] = {3000, 1200};
    size_t *cut = malloc((size_t)(size + 1) * sizeof *cut);
    for (int k = 0; k < 2; k++) {
        size_t n = ns[k], d = ds[k];
        double *X = make_rows(n, d);
        for (int p = 0; p <= size; p++)
            cut[p] = (size_t)p * n / (size_t)size;
        check_split(d > 128 ? "even, Lanczos" : "even, dense", X, n, d, cut);
        for (int p = 0; p <= size; p++)
            cut[p] = p == 0 ? 0 : p == size ? n : (size_t)p * n / (size_t)size + 37;
        if (size > 1)
            cut[1] = 0;
        check_split(d > 128 ? "process 0 empty, Lanczos" : "process 0 empty, dense", X, n, d,
                    cut);
        free(X);
    }
    free(cut);
}

/* Every process gets the same failure and the same words; none hangs. */
static void expect_everywhere(const char *what, int status, int want, const char *words,
                              const rm_report *rep)
{
    CHECK(status == want, "%s: status %d, want %d", what, status, want);
    CHECK(strstr(rep->message, words) != NULL, "%s: message '%s' lacks '%s'", what, rep->message,
          words);
    char first[sizeof rep->message];
    memcpy(first, rep->message, sizeof first);
    MPI_Bcast(first, (int)sizeof first, MPI_CHAR, 0, MPI_COMM_WORLD);
    CHECK(strcmp(first, rep->message) == 0, "%s: message differs from process 0's", what);
}

/* What is not spread yet: each sub-step's own words. */
static void check_not_yet(void)
{
    size_t d = 4, n_local = 1100, n = n_local * (size_t)size;
    double *X = make_rows(n, d), mean[4];
    const double *mine = X + (size_t)rank * n_local * d;
    rm_options opt;
    rm_report rep;
    rm_options_init(&opt);
    opt.eps = 0.1;
    int status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("default units", status, RM_EUNSUPPORTED, "robust column units", &rep);
    silo_options(&opt, "pgd");
    opt.shaping = RM_SHAPING_ALWAYS;
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("the shape step", status, RM_EUNSUPPORTED, "the shape step", &rep);
    silo_options(&opt, "pgd");
    opt.eps = RM_EPS_AUTO;
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("eps auto", status, RM_EUNSUPPORTED, "choosing eps", &rep);
    free(X);
    size_t big = 4001; /* more rows than the gap's sample, on 1 to 4 processes */
    X = make_rows(big, d);
    size_t lo = big * (size_t)rank / (size_t)size, hi = big * (size_t)(rank + 1) / (size_t)size;
    silo_options(&opt, "lowregret");
    status = rm_mean_mpi(MPI_COMM_WORLD, X + lo * d, hi - lo, d, &opt, mean, &rep);
    expect_everywhere("the gap's sample", status, RM_EUNSUPPORTED, "the gap's sample", &rep);
    /* eps 0: the sample mean, spread */
    opt.eps = 0.0;
    double want[4];
    CHECK(rm_mean(X, big, d, &opt, want, NULL) == RM_OK, "eps 0: rm_mean");
    status = rm_mean_mpi(MPI_COMM_WORLD, X + lo * d, hi - lo, d, &opt, mean, &rep);
    CHECK(status == RM_OK && relative_error(mean, want, d) <= 1e-12,
          "eps 0: status %d, relative error %.3g", status, relative_error(mean, want, d));
    free(X);
}

/* What an iteration sends: the collectives and bytes of a call, less those of a call that
 * stops after its first evaluation (max_iter 1 against 2), over two sizes of data. */
static void check_traffic(void)
{
    size_t d = 6, sizes[2] = {1000, 3000};
    double per_iter[2][2];
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k], lo = n * (size_t)rank / (size_t)size;
        size_t hi = n * (size_t)(rank + 1) / (size_t)size;
        double *X = make_rows(n, d), mean[6];
        rm_mpi_traffic t[2];
        rm_report rep[2];
        for (int it = 0; it < 2; it++) {
            rm_options opt;
            silo_options(&opt, "lowregret");
            opt.max_iter = (size_t)(20 + 20 * it);
            opt.tol = 1e-9; /* no stop at the gap: every iteration runs */
            rm_mean_mpi_counted(MPI_COMM_WORLD, X + lo * d, NULL, hi - lo, d, &opt, mean, NULL,
                                &rep[it], &t[it]);
        }
        double iters = (double)rep[1].iterations - (double)rep[0].iterations;
        per_iter[k][0] = iters > 0 ? ((double)t[1].collectives - (double)t[0].collectives) / iters : NAN;
        per_iter[k][1] = iters > 0 ? ((double)t[1].bytes_received - (double)t[0].bytes_received) / iters : NAN;
        if (rank == 0)
            printf("lowregret, n = %zu, d = %zu, %d processes: %.1f collectives and %.0f bytes "
                   "received by process 0 an iteration (over %.0f iterations)\n",
                   n, d, size, per_iter[k][0], per_iter[k][1], iters);
        free(X);
    }
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    check_methods();
    check_not_yet();
    check_traffic();
    int all = 0;
    MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        printf("%s: %d processes, %d failures\n", all ? "FAILED" : "passed", size, all);
    MPI_Finalize();
    return all ? 1 : 0;
}
