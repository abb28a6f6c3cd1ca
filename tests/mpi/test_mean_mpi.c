/* rm_mean_mpi() against rm_mean() on the rows put together, run under mpirun with any
 * number of processes: every process builds the same whole matrix, hands its own rows to
 * rm_mean_mpi() and checks what comes back (the mean: the same bits when the processes
 * split the rows at its chunk boundaries, 1e-12 relative otherwise; the median: the same
 * bits for any split; the trimmed mean: 1e-12; the geometric median as the mean), then the
 * faults: bad data on one process, a different d or different options, a method or a step
 * not spread yet; and a time budget, which stops every process on the same iteration
 * (geomedian, lowregret). */
#define _GNU_SOURCE /* syscall */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mpi_check.h"
#include "robustmean.h"
#include "robustmean_mpi.h"

/* The same rows on every process: a far offset (so the sums run on differences), normal
 * noise and a few far rows. */
static double *make_rows(size_t n, size_t d)
{
    double *X = malloc(n * d * sizeof *X);
    uint64_t s = 19;
    for (size_t i = 0; i < n * d; i++) {
        s = s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        double u = (double)(s >> 11) / 9007199254740992.0;
        X[i] = 1e6 * (double)(i % d + 1) + (u - 0.5) + (i / d % 97 == 0 ? 1e3 : 0.0);
    }
    return X;
}

/* Process p's rows [cut[p], cut[p+1]). */
static void my_rows(const size_t *cut, size_t *lo, size_t *n_local)
{
    *lo = cut[rank];
    *n_local = cut[rank + 1] - cut[rank];
}

/* The mean of X split at cut, as doubles and as floats, with weights. */
static void check_split(const char *what, const double *X, size_t n, size_t d,
                        const size_t *cut, int same_bits)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    double want[8], got[8];
    CHECK(rm_mean(X, n, d, &opt, want, NULL) == RM_OK, "%s: rm_mean failed", what);
    size_t lo, n_local;
    my_rows(cut, &lo, &n_local);
    rm_report rep;
    double *w = malloc((n_local ? n_local : 1) * sizeof *w);
    rm_mpi_traffic traffic;
    int status = rm_mean_mpi_counted(MPI_COMM_WORLD, n_local ? X + lo * d : NULL, NULL, n_local,
                                     d, &opt, got, w, &rep, &traffic);
    CHECK(status == RM_OK, "%s: status %d (%s)", what, status, rep.message);
    CHECK(rep.n == n && rep.d == d, "%s: report says %zu x %zu", what, rep.n, rep.d);
    if (same_bits)
        CHECK(memcmp(want, got, d * sizeof *got) == 0, "%s: not the same bits (%.3g)", what,
              relative_error(got, want, d));
    else
        CHECK(relative_error(got, want, d) <= 1e-12, "%s: relative error %.3g", what,
              relative_error(got, want, d));
    for (size_t i = 0; i < n_local; i++)
        CHECK(w[i] == 1.0 / (double)n, "%s: weight of row %zu", what, lo + i);
    /* Float storage: as rm_mean_float on the same floats. */
    float *F = malloc(n * d * sizeof *F);
    for (size_t i = 0; i < n * d; i++)
        F[i] = (float)(X[i] - 1e6 * (double)(i % d + 1));
    CHECK(rm_mean_float(F, n, d, &opt, want, NULL) == RM_OK, "%s: rm_mean_float", what);
    status = rm_mean_mpi_float(MPI_COMM_WORLD, n_local ? F + lo * d : NULL, n_local, d, &opt,
                               got, NULL);
    CHECK(status == RM_OK, "%s: float status %d", what, status);
    if (same_bits)
        CHECK(memcmp(want, got, d * sizeof *got) == 0, "%s: float: not the same bits", what);
    else
        CHECK(relative_error(got, want, d) <= 1e-12, "%s: float: relative error %.3g", what,
              relative_error(got, want, d));
    free(F);
    free(w);
}

/* The other methods that run spread, over the cut: the medians are one process's bits for
 * any cut; the geometric median's at its chunk boundaries (its chunks of 4096 rows hold
 * the mean's), aligned; the trimmed means to 1e-12 (their chunks are not the mean's);
 * else to 1e-12. */
static void check_methods(const char *what, const double *X, size_t n, size_t d,
                          const size_t *cut, int aligned)
{
    const struct {
        const char *name;
        double eps;
        int same_bits;
    } methods[] = {{"median", NAN, 1}, {"trimmed", 0.1, size == 1}, {"geomedian", NAN, aligned}};
    for (size_t t = 0; t < sizeof methods / sizeof methods[0]; t++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.method = methods[t].name;
        opt.eps = methods[t].eps;
        double want[8], got[8];
        CHECK(rm_mean(X, n, d, &opt, want, NULL) == RM_OK, "%s: rm_mean %s", what, opt.method);
        size_t lo, n_local;
        my_rows(cut, &lo, &n_local);
        rm_report rep;
        int status = rm_mean_mpi(MPI_COMM_WORLD, n_local ? X + lo * d : NULL, n_local, d, &opt,
                                 got, &rep);
        CHECK(status == RM_OK, "%s %s: status %d (%s)", what, opt.method, status, rep.message);
        if (methods[t].same_bits)
            CHECK(memcmp(want, got, d * sizeof *got) == 0, "%s %s: not the same bits (%.3g)",
                  what, opt.method, relative_error(got, want, d));
        else
            CHECK(relative_error(got, want, d) <= 1e-12, "%s %s: relative error %.3g", what,
                  opt.method, relative_error(got, want, d));
    }
}

/* Cuts: at the mean's chunk boundaries (n = 8 chunks of 8192 rows: process p starts at
 * chunk floor(8p/P)), at uneven rows, and with process 0 holding none. */
static void check_means(void)
{
    size_t d = 5, n = 8 * 8192;
    double *X = make_rows(n, d);
    size_t *cut = malloc((size_t)(size + 1) * sizeof *cut);
    for (int p = 0; p <= size; p++)
        cut[p] = (size_t)p * 8 / (size_t)size * 8192;
    check_split("chunk-aligned", X, n, d, cut, 1);
    check_methods("chunk-aligned", X, n, d, cut, 1);
    for (int p = 0; p <= size; p++)
        cut[p] = p == size ? n : (size_t)p * n / (size_t)size + (p ? 1237 : 0);
    check_split("uneven", X, n, d, cut, size == 1);
    check_methods("uneven", X, n, d, cut, size == 1);
    for (int p = 0; p <= size; p++)
        cut[p] = p == 0 ? 0 : p == size ? n : 8192 * (size_t)p;
    if (size > 1) /* process 0 holds no rows */
        cut[1] = 0;
    check_split("process 0 empty", X, n, d, cut, 1);
    check_methods("process 0 empty", X, n, d, cut, 1);
    size_t small = 3; /* fewer rows than processes */
    for (int p = 0; p <= size; p++)
        cut[p] = (size_t)p * small / (size_t)size;
    check_split("three rows", X, small, d, cut, 1);
    check_methods("three rows", X, small, d, cut, size == 1);
    free(cut);
    free(X);
}

static void check_faults(void)
{
    size_t d = 3, n_local = 100, n = n_local * (size_t)size;
    double *X = make_rows(n, d);
    double *mine = X + (size_t)rank * n_local * d, mean[4];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    rm_report rep;

    int last = rank == size - 1;
    double keep = mine[7 * d + 1];
    if (last)
        mine[7 * d + 1] = NAN;
    int status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    char where[64];
    snprintf(where, sizeof where, "data row %zu, column 2 holds NaN", (size_t)(size - 1) * n_local + 8);
    expect_everywhere("NaN on the last process", status, RM_ENONFINITE, where, &rep);
    if (last)
        mine[7 * d + 1] = keep;

    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, last ? d - 1 : d, &opt, mean, &rep);
    if (size > 1)
        expect_everywhere("a different d", status, RM_EINVAL, "disagree on d", &rep);

    rm_options other = opt;
    other.seed = last ? 2 : 1;
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &other, mean, &rep);
    if (size > 1)
        expect_everywhere("different options", status, RM_EINVAL, "disagree on the options", &rep);

    opt.method = "lowregret";
    opt.eps = RM_EPS_AUTO;
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("a step not spread yet", status, RM_EUNSUPPORTED,
                      "does not run on rows spread", &rep);

    opt.method = "no-such";
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("an unknown method", status, RM_EMETHOD, "no-such", &rep);
    free(X);
}

/* The clock the library reads: its calls to clock_gettime() come here (a definition in
 * the program takes the place of the C library's), and CLOCK_MONOTONIC runs `pace` times
 * as fast from the moment pace_clock() set it. */
static double pace = 1.0, paced_from;

static double real_seconds(void)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void pace_clock(double p)
{
    paced_from = real_seconds();
    pace = p;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (syscall(SYS_clock_gettime, id, ts) != 0)
        return -1;
    if (id == CLOCK_MONOTONIC && pace != 1.0) {
        double now = (double)ts->tv_sec + 1e-9 * (double)ts->tv_nsec;
        double t = paced_from + pace * (now - paced_from);
        ts->tv_sec = (time_t)t;
        ts->tv_nsec = (long)((t - (double)ts->tv_sec) * 1e9);
    }
    return 0;
}

/* A time budget holds across processes: process p's clock runs 9p + 1 times as fast, so
 * that on its own clock each would stop on another iteration (process 0, whose start
 * takes about the budget, some iterations after the others), and wait for the others in a
 * collective they never reach, or mix collectives; on the slowest clock, which every
 * process agrees on, all stop on the same one. */
static void check_time_budget(void)
{
    size_t d = 4, n = 64 * 4096, lo = n * (size_t)rank / (size_t)size;
    size_t hi = n * (size_t)(rank + 1) / (size_t)size;
    double *X = make_rows(n, d), mean[4];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "geomedian";
    opt.max_seconds = 0.4;
    opt.tol = 1e-300; /* met only at a fixed point: the budget stops it first */
    opt.max_iter = 100000;
    opt.threads = 1;
    rm_report rep;
    pace_clock(1.0 + 9.0 * rank);
    int status = rm_mean_mpi(MPI_COMM_WORLD, X + lo * d, hi - lo, d, &opt, mean, &rep);
    pace_clock(1.0);
    CHECK(status >= 0 && (size == 1 || rep.stop == RM_STOP_TIME_BUDGET),
          "time budget: status %d (%s), %zu iterations, stop '%s'", status, rep.message,
          rep.iterations, rep.stop_reason);
    unsigned long long mine = rep.iterations, first = mine;
    MPI_Bcast(&first, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    CHECK(mine == first, "time budget: stopped after %llu iterations, process 0 after %llu",
          mine, first);
    if (rank == 0)
        printf("time budget over %d processes: every one stopped after %llu iterations\n", size,
               first);
    free(X);
}

/* The same for lowregret, whose solve checks the budget at each iteration and in the steps
 * every process repeats on a copy (the warm sample's solve and check of eps, the units'
 * fit, the shape step's first round): with each process's clock paced as above, all stop
 * on the same iteration with the same estimate, with a warm start (n above 10^5) and
 * without. */
static void check_silo_time_budget(size_t n, double budget)
{
    size_t d = 8, lo = n * (size_t)rank / (size_t)size;
    size_t hi = n * (size_t)(rank + 1) / (size_t)size;
    double *X = make_rows(n, d), mean[8], first[8];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "lowregret";
    opt.eps = 0.1;
    /* spent at `budget` real seconds on the fastest clock, process size - 1's: on its own
     * clock process 0 would go on for 9 (size - 1) times as long */
    opt.max_seconds = budget * (1.0 + 9.0 * (size - 1));
    opt.tol = 1e-300; /* never met: the budget or the stall stops it */
    opt.threads = 1;
    rm_report rep;
    double real = real_seconds();
    pace_clock(1.0 + 9.0 * rank);
    int status = rm_mean_mpi(MPI_COMM_WORLD, X + lo * d, hi - lo, d, &opt, mean, &rep);
    pace_clock(1.0);
    real = real_seconds() - real;
    CHECK(status >= 0 && (size == 1 || rep.stop == RM_STOP_TIME_BUDGET),
          "lowregret time budget, n %zu: status %d (%s), %zu iterations, stop '%s'", n, status,
          rep.message, rep.iterations, rep.stop_reason);
    unsigned long long mine = rep.iterations, iterations = mine;
    MPI_Bcast(&iterations, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    memcpy(first, mean, sizeof mean);
    MPI_Bcast(first, (int)d, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    CHECK(mine == iterations,
          "lowregret time budget, n %zu: stopped after %llu iterations, process 0 after %llu", n,
          mine, iterations);
    CHECK(memcmp(mean, first, d * sizeof *mean) == 0,
          "lowregret time budget, n %zu: an estimate other than process 0's", n);
    if (rank == 0)
        printf("lowregret time budget, n %zu over %d processes: every one stopped after %llu "
               "iterations (%s), the same estimate, %.2f s\n", n, size, iterations,
               rep.stop_reason, real);
    free(X);
}

/* Per call the collectives and the bytes do not grow with n (beyond the chunks' count). */
static void check_traffic(void)
{
    size_t d = 2, sizes[2] = {64 * 8192, 128 * 8192};
    rm_mpi_traffic t[2];
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "mean";
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k], lo = n * (size_t)rank / (size_t)size;
        size_t hi = n * (size_t)(rank + 1) / (size_t)size;
        double *mine = calloc((hi - lo) * d + 1, sizeof *mine);
        double mean[2];
        CHECK(rm_mean_mpi_counted(MPI_COMM_WORLD, mine, NULL, hi - lo, d, &opt, mean, NULL, NULL,
                                  &t[k]) == RM_OK, "traffic run");
        free(mine);
    }
    CHECK(t[0].collectives == t[1].collectives && t[0].bytes_received == t[1].bytes_received,
          "traffic grows with n: %zu -> %zu collectives, %zu -> %zu bytes", t[0].collectives,
          t[1].collectives, t[0].bytes_received, t[1].bytes_received);
    if (rank == 0)
        printf("mean over %d processes: %zu collectives (%zu reductions), %zu bytes sent and "
               "%zu received by process 0\n", size, t[0].collectives, t[0].reductions,
               t[0].bytes_sent, t[0].bytes_received);
}

int main(int argc, char **argv)
{
    check_start(&argc, &argv);
    check_means();
    check_faults();
    check_time_budget();
    check_silo_time_budget(60000, 0.3);
    check_silo_time_budget(150000, 0.5);
    check_traffic();
    return check_finish();
}
