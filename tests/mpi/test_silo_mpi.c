/* The SILO solvers (lowregret, pgd, filter) over rows spread by rm_mean_mpi() against
 * rm_mean() on the rows put together, under mpirun with any number of processes: the
 * estimate and each row's weight to 1e-12 relative, and the same bits as the rows spread
 * over one process (MPI_COMM_SELF: the dense oracle is formed in a pass there, where
 * rm_mean updates it from the rows that moved) when the processes split the rows at every
 * pass's chunk boundaries (n = 2^17: the warm start, the gap's sample, robust units, the
 * shape step, eps chosen on the warm sample); the same status, iterations and stop on
 * every process as on one; a process holding no rows; and what does not run spread yet
 * fails alike on every process with the same words, never hangs. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_check.h"
#include "robustmean.h"
#include "robustmean_mpi.h"

/* The same rows on every process: normal inliers about an offset (round, or with the
 * first column's noise in every other: anisotropic), and a tenth of the rows a far
 * cluster. */
static double *make_shaped_rows(size_t n, size_t d, int anisotropic)
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
            /* the corrupted rows: far along every column, or (anisotropic) shifted along a
             * direction of small variance, hidden below the dominant one */
            double shift = !anisotropic ? 8.0 : j == 1 ? 2.5 : j == 2 ? -2.5 : 0.0;
            X[i * d + j] = 100.0 * (double)(j + 1) + z + (i % 10 == 3 ? shift : 0.0);
            if (anisotropic && j > 0)
                X[i * d + j] += 4.0 * (X[i * d] - 100.0);
        }
    return X;
}

static double *make_rows(size_t n, size_t d) { return make_shaped_rows(n, d, 0); }

/* eps auto, where the estimate chooses it */
static int eps_auto;

/* eps 0.1 (or auto); units and the shape step by default (units 1, shape 1), never (0), or the
 * shape step always (shape 2) */
static void silo_options(rm_options *opt, const char *method, int units, int shape)
{
    rm_options_init(opt);
    opt->method = method;
    opt->eps = eps_auto ? RM_EPS_AUTO : 0.1;
    opt->column_scaling = units ? RM_SCALING_AUTO : RM_SCALING_NONE;
    opt->shaping = shape == 2 ? RM_SHAPING_ALWAYS : shape ? RM_SHAPING_AUTO : RM_SHAPING_NONE;
}

/* Each SILO method on X split at cut against one process (and, same_bits, against the
 * rows spread over this process alone, to the bit). */
static void check_split(const char *what, const double *X, size_t n, size_t d,
                        const size_t *cut, int units, int shape, int same_bits)
{
    const char *methods[] = {"lowregret", "pgd", "filter"};
    size_t lo = cut[rank], n_local = cut[rank + 1] - cut[rank];
    double *want_w = malloc(n * sizeof *want_w), *got_w = malloc((n_local + 1) * sizeof *got_w);
    double *self_w = malloc(n * sizeof *self_w);
    double want[200], got[200], self[200];
    for (int t = 0; t < 3; t++) {
        rm_options opt;
        silo_options(&opt, methods[t], units, shape);
        rm_report one, rep;
        int want_status = rm_mean_weights(X, n, d, &opt, want, want_w, &one);
        rm_report alone;
        int self_status = same_bits ? rm_mean_mpi_counted(MPI_COMM_SELF, X, NULL, n, d, &opt,
                                                          self, self_w, &alone, NULL)
                                    : want_status;
        CHECK(self_status == want_status, "%s %s: spread on one process: status %d (%s)", what,
              methods[t], self_status, alone.message);
        int status = rm_mean_mpi_counted(MPI_COMM_WORLD, n_local ? X + lo * d : NULL, NULL,
                                         n_local, d, &opt, got, got_w, &rep, NULL);
        CHECK(status == want_status, "%s %s: status %d, one process %d (%s)", what, methods[t],
              status, want_status, rep.message);
        if (status < 0 || want_status < 0)
            continue;
        CHECK(relative_error(got, want, d) <= 1e-12, "%s %s: relative error %.3g", what,
              methods[t], relative_error(got, want, d));
        double worst = 0.0, bits = 0.0;
        for (size_t i = 0; i < n_local; i++) {
            worst = fmax(worst, fabs(got_w[i] - want_w[lo + i]) * (double)n);
            bits = fmax(bits, same_bits ? fabs(got_w[i] - self_w[lo + i]) : 0.0);
        }
        CHECK(worst <= 1e-10, "%s %s: weights differ by %.3g of 1/n", what, methods[t], worst);
        CHECK(!same_bits || (memcmp(got, self, d * sizeof *got) == 0 && bits == 0.0 &&
                             rep.objective == alone.objective && rep.gap == alone.gap &&
                             rep.passes == alone.passes),
              "%s %s: not the bits of one process spread (%.3g; weights %.3g; objective %.17g "
              "and %.17g, gap %.17g and %.17g, passes %zu and %zu)", what, methods[t],
              relative_error(got, self, d), bits, rep.objective, alone.objective, rep.gap,
              alone.gap, rep.passes, alone.passes);
        CHECK(rep.iterations == one.iterations && rep.stop == one.stop &&
                  rep.outliers == one.outliers && rep.certified == one.certified &&
                  rep.shape_refined == one.shape_refined &&
                  (rep.eps_chosen == one.eps_chosen ||
                   (isnan(rep.eps_chosen) && isnan(one.eps_chosen))) &&
                  rep.eps_check_in_metric == one.eps_check_in_metric,
              "%s %s: %zu iterations (stop %d, %zu outliers), one process %zu (stop %d, %zu)",
              what, methods[t], rep.iterations, (int)rep.stop, rep.outliers, one.iterations,
              (int)one.stop, one.outliers);
        if (rank == 0 && shape)
            printf("%s %s: shape step %s (anisotropy %.3g, gain %.3g)\n", what, methods[t],
                   one.shape_refined ? "moved" : "kept", one.anisotropy, one.shape_gain);
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
    free(self_w);
}

/* n = 2^17 rows: every pass's chunks (at most 32, of n/32 rows; the projections' and the
 * gap's fewer, of multiples of n/32; the KL projection's starting histogram 4, of n/4)
 * begin at multiples of n/4, so cuts there give one process's bits; the warm start, its
 * sample and the gap's sample by keys over all rows, robust units on the warm sample.
 * Then an uneven cut. */
static void check_aligned(void)
{
    size_t d = 6, n = (size_t)1 << 17;
    double *X = make_rows(n, d);
    size_t *cut = malloc((size_t)(size + 1) * sizeof *cut);
    for (int p = 0; p <= size; p++)
        cut[p] = (size_t)p * 4 / (size_t)size * (n / 4);
    check_split("aligned, warm start", X, n, d, cut, 1, 0, 1);
    free(X);
    X = make_shaped_rows(n, d, 1); /* the defaults, the shape step moving the estimate */
    check_split("aligned, the defaults, anisotropic", X, n, d, cut, 1, 1, 1);
    eps_auto = 1; /* chosen on the warm start's sample */
    check_split("aligned, eps auto", X, n, d, cut, 1, 1, 1);
    eps_auto = 0;
    for (int p = 0; p <= size; p++)
        cut[p] = p == 0 ? 0 : p == size ? n : (size_t)p * n / (size_t)size + 1237;
    check_split("uneven, the defaults, anisotropic", X, n, d, cut, 1, 1, size == 1);
    free(cut);
    free(X);
}

/* Even cuts, uneven ones with process 0 holding none; the dense oracle (d = 6) and the
 * Lanczos one (d = 140); 5000 rows: the gap's sample and units on it, no warm start. */
static void check_methods(void)
{
    size_t ds[2] = {6, 140}, ns[2] = {3000, 1200};
    size_t *cut = malloc((size_t)(size + 1) * sizeof *cut);
    for (int k = 0; k < 2; k++) {
        size_t n = ns[k], d = ds[k];
        double *X = make_rows(n, d);
        for (int p = 0; p <= size; p++)
            cut[p] = (size_t)p * n / (size_t)size;
        check_split(d > 128 ? "even, Lanczos" : "even, dense", X, n, d, cut, 0, 0, size == 1);
        for (int p = 0; p <= size; p++)
            cut[p] = p == 0 ? 0 : p == size ? n : (size_t)p * n / (size_t)size + 37;
        if (size > 1)
            cut[1] = 0;
        check_split(d > 128 ? "process 0 empty, Lanczos" : "process 0 empty, dense", X, n, d,
                    cut, 1, 0, size == 1);
        free(X);
    }
    size_t n = 5000, d = 5;
    double *X = make_rows(n, d);
    for (int p = 0; p <= size; p++)
        cut[p] = (size_t)p * n / (size_t)size;
    check_split("the gap's sample", X, n, d, cut, 1, 0, size == 1);
    free(X);
    n = 3000; /* the shape step's rounds on every row (no sample), spread */
    X = make_shaped_rows(n, d, 1);
    for (int p = 0; p <= size; p++)
        cut[p] = (size_t)p * n / (size_t)size;
    check_split("every row, shape step always", X, n, d, cut, 1, 2, size == 1);
    free(X);
    free(cut);
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
    silo_options(&opt, "pgd", 1, 1);
    opt.eps = RM_EPS_AUTO;
    int status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    expect_everywhere("eps auto without a warm start", status, RM_EUNSUPPORTED, "choosing eps",
                      &rep);
    /* eps 0: the sample mean, spread */
    silo_options(&opt, "lowregret", 1, 1);
    opt.eps = 0.0;
    double want[4];
    CHECK(rm_mean(X, n, d, &opt, want, NULL) == RM_OK, "eps 0: rm_mean");
    status = rm_mean_mpi(MPI_COMM_WORLD, mine, n_local, d, &opt, mean, &rep);
    CHECK(status == RM_OK && relative_error(mean, want, d) <= 1e-12,
          "eps 0: status %d, relative error %.3g", status, relative_error(mean, want, d));
    free(X);
}

/* What an iteration sends: the collectives and bytes of a call capped at 16 iterations
 * less those of one capped at 8 (the set-up cancels; the check of eps after them costs
 * about alike), per iteration, on more rows than
 * the gap's sample at two sizes: the bytes do not grow with n (the gap's sample is fixed;
 * the rank searches' rounds depend on the values, not on their number). */
static void check_traffic(void)
{
    size_t d = 6, sizes[2] = {20000, 60000};
    double per_iter[2][2];
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k], lo = n * (size_t)rank / (size_t)size;
        size_t hi = n * (size_t)(rank + 1) / (size_t)size;
        double *X = make_shaped_rows(n, d, 1), mean[6]; /* (a gap that stays open) */
        rm_mpi_traffic t[2];
        rm_report rep[2];
        for (int it = 0; it < 2; it++) {
            rm_options opt;
            silo_options(&opt, "lowregret", 0, 0);
            opt.max_iter = (size_t)(8 + 8 * it); /* the cap stops both, before the endgame */
            opt.tol = 1e-9;
            int status = rm_mean_mpi_counted(MPI_COMM_WORLD, X + lo * d, NULL, hi - lo, d, &opt,
                                             mean, NULL, &rep[it], &t[it]);
            CHECK(status >= 0, "traffic run: status %d (%s)", status, rep[it].message);
        }
        double iters = (double)rep[1].iterations - (double)rep[0].iterations;
        per_iter[k][0] = ((double)t[1].collectives - (double)t[0].collectives) / iters;
        per_iter[k][1] = ((double)t[1].bytes_received - (double)t[0].bytes_received) / iters;
        if (rank == 0)
            printf("lowregret, n = %zu, d = %zu, %d processes: %.1f collectives and %.0f bytes "
                   "received by process 0 an iteration (over %.0f iterations)\n",
                   n, d, size, per_iter[k][0], per_iter[k][1], iters);
        free(X);
    }
    CHECK(per_iter[1][1] <= 1.5 * per_iter[0][1] && per_iter[1][0] <= 1.5 * per_iter[0][0],
          "an iteration's traffic grows with n: %.0f -> %.0f bytes, %.1f -> %.1f collectives",
          per_iter[0][1], per_iter[1][1], per_iter[0][0], per_iter[1][0]);
}

int main(int argc, char **argv)
{
    check_start(&argc, &argv);
    check_methods();
    check_aligned();
    check_not_yet();
    check_traffic();
    return check_finish();
}
