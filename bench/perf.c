/* The cost of a robust mean, phase by phase, on generated data (variance shell and DKK
 * noise, eps = 0.1): reading CSV and .npy, the robust shift (coordinate-wise medians),
 * the estimate (default method), the output; passes over the data and iterations; the
 * estimate's excess error; the time of a plain sample mean on the same in-memory data and
 * the ratio of the two; a single-threaded strtod loop over the same CSV bytes; and the
 * estimate on one thread against all; the estimate on the data held as float32; and the
 * peak resident memory of a fresh process that reads the .npy (and the CSV) and
 * estimates, against the size of the data. Times are the best of three runs (the sample
 * mean's of ten). Prints a table; never fails on a figure.
 *
 * usage: perf [--quick] [--max-gb G] [--dir DIR] [-n N -d D --model M]
 *   DIR: where the data files go; -n, -d, --model: one case instead of the table.
 * (perf --child FILE is that fresh process: read FILE, estimate, exit.) */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrix_write.h"
#include "robustmean.h"
#include "robustmean_generate.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double distance(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

/* Seconds of rm_mean with the given method and threads (best of `repeat` runs). */
static double timed_mean(const double *X, size_t n, size_t d, const char *method, int threads,
                         double *mean, rm_report *rep, int repeat)
{
    double best = INFINITY;
    for (int r = 0; r < repeat; r++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.method = method;
        opt.eps = 0.1;
        opt.threads = threads;
        double t = now();
        int s = rm_mean(X, n, d, &opt, mean, rep);
        t = now() - t;
        if (s < 0) {
            fprintf(stderr, "perf: %s failed: %s\n", method ? method : "the default method",
                    rm_strerror(s));
            exit(1);
        }
        best = fmin(best, t);
    }
    return best;
}

/* The process `perf --child path`: read the file as the CLI does (a float32 .npy held as
 * float), estimate with the default method, print its own peak resident memory (kB), exit
 * 0 on success. VmHWM, not getrusage: the latter also counts the parent's pages from
 * before the exec (the kernel carries the old address space's peak over). */
static int child(const char *path)
{
    rm_read_options ropt;
    rm_read_options_init(&ropt);
    ropt.storage = RM_STORAGE_AS_FILE;
    rm_data data;
    if (rm_read_file(path, &ropt, &data, NULL) != RM_OK)
        return 1;
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.1;
    double *mean = malloc(data.d * sizeof *mean);
    int s = data.values_float ? rm_mean_float(data.values_float, data.n, data.d, &opt, mean, NULL)
                              : rm_mean(data.values, data.n, data.d, &opt, mean, NULL);
    free(mean);
    rm_data_free(&data);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long peak_kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &peak_kb) == 1)
            break;
    if (f)
        fclose(f);
    printf("%ld\n", peak_kb);
    return s < 0 || peak_kb < 0;
}

/* Peak resident memory (MB) of a fresh process reading path and estimating. */
static double peak_rss_mb(const char *path)
{
    char name[] = "perf", flag[] = "--child", *file = strdup(path);
    char *args[] = {name, flag, file, NULL};
    int fds[2];
    if (!file || pipe(fds) != 0) {
        free(file);
        return NAN;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid;
    extern char **environ;
    int spawned = posix_spawn(&pid, "/proc/self/exe", &actions, NULL, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    free(file);
    close(fds[1]);
    long peak_kb = -1;
    FILE *from = fdopen(fds[0], "r");
    if (spawned == 0 && from && fscanf(from, "%ld", &peak_kb) != 1)
        peak_kb = -1;
    if (from)
        fclose(from);
    else
        close(fds[0]);
    if (spawned != 0)
        return NAN;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        peak_kb < 0)
        return NAN;
    return (double)peak_kb / 1024.0;
}

/* A single-threaded strtod over every number of a CSV file's bytes: the baseline of ingest. */
static double strtod_loop(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NAN;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    size_t got = fread(text, 1, (size_t)len, f);
    fclose(f);
    text[got] = '\0';
    double t = now(), sink = 0;
    size_t k = 0;
    char *p = text, *end;
    while (*p) {
        double v = strtod(p, &end);
        if (end == p) {
            p++;
            continue;
        }
        sink += v;
        k++;
        p = end;
    }
    t = now() - t;
    free(text);
    if (sink == 42.4242)
        fputc(' ', stderr); /* keep the loop */
    *count = k;
    return t;
}

/* The data as CSV with %.17g (every digit strtod needs), as the figures of the issue say. */
static int write_csv_17g(const char *path, const double *X, size_t n, size_t d)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            fprintf(f, "%.17g%c", X[i * d + j], j + 1 < d ? ',' : '\n');
    return fclose(f) == 0 ? 0 : -1;
}

/* The data as .npy float32. */
static int write_npy_float(const char *path, const float *X, size_t n, size_t d)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    char header[128];
    int len = snprintf(header, sizeof header,
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }", n, d);
    int pad = 63 - (10 + len) % 64; /* header + '\n' ends on a multiple of 64 */
    unsigned short hlen = (unsigned short)(len + pad + 1);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(hlen & 0xff, f);
    fputc(hlen >> 8, f);
    fputs(header, f);
    for (int k = 0; k < pad; k++)
        fputc(' ', f);
    fputc('\n', f);
    size_t wrote = fwrite(X, sizeof *X, n * d, f);
    return fclose(f) == 0 && wrote == n * d ? 0 : -1;
}

/* Seconds of rm_mean_float with the default method (best of `repeat`). */
static double timed_mean_float(const float *X, size_t n, size_t d, double *mean, int repeat)
{
    double best = INFINITY;
    for (int r = 0; r < repeat; r++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.eps = 0.1;
        double t = now();
        int s = rm_mean_float(X, n, d, &opt, mean, NULL);
        t = now() - t;
        if (s < 0) {
            fprintf(stderr, "perf: rm_mean_float failed: %s\n", rm_strerror(s));
            exit(1);
        }
        best = fmin(best, t);
    }
    return best;
}

static int write_npy(const char *path, const double *X, size_t n, size_t d)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int status = matrix_write_npy(f, X, n, d);
    return fclose(f) == 0 && status == 0 ? 0 : -1;
}

static double timed_read(const char *path, rm_data *data)
{
    double t = now();
    rm_read_error err;
    int s = rm_read_file(path, NULL, data, &err);
    t = now() - t;
    if (s != RM_OK) {
        fprintf(stderr, "perf: %s: %s\n", path, err.message);
        exit(1);
    }
    return t;
}

int main(int argc, char **argv)
{
    int quick = 0;
    double max_gb = 6.0;
    size_t one_n = 0, one_d = 0;
    const char *one_model = NULL;
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    if (argc == 3 && strcmp(argv[1], "--child") == 0)
        return child(argv[2]);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--max-gb") == 0 && i + 1 < argc)
            max_gb = atof(argv[++i]);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            one_n = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            one_d = (size_t)atol(argv[++i]);
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            one_model = argv[++i];
        else {
            fprintf(stderr, "usage: perf [--quick] [--max-gb G] [--dir DIR] [-n N -d D --model M]\n");
            return 2;
        }
    }
    const size_t ns_full[] = {10000, 100000, 1000000}, ds_full[] = {10, 100, 1000};
    const size_t ns_quick[] = {2000}, ds_quick[] = {10};
    const size_t *ns = quick ? ns_quick : ns_full, *ds = quick ? ds_quick : ds_full;
    size_t n_count = quick ? 1 : 3, d_count = quick ? 1 : 3, model_count = 2;
    const char *models[] = {"variance-shell", "dkk"};
    if (one_n && one_d) {
        ns = &one_n;
        ds = &one_d;
        n_count = d_count = 1;
    }
    if (one_model) {
        models[0] = one_model;
        model_count = 1;
    }
    char csv[4096], npy[4096], npy32[4096];
    snprintf(csv, sizeof csv, "%s/rm-perf-%d.csv", dir, (int)getpid());
    snprintf(npy, sizeof npy, "%s/rm-perf-%d.npy", dir, (int)getpid());
    snprintf(npy32, sizeof npy32, "%s/rm-perf-%d-f4.npy", dir, (int)getpid());

    printf("%-15s %8s %5s | %8s %8s %8s | %8s %8s %8s %6s %5s %7s | %8s %6s | %8s %7s | %8s %7s "
           "| %8s %7s %7s %7s\n",
           "model", "n", "d", "csv s", "npy s", "strtod s", "shift s", "estim s", "output s",
           "passes", "iter", "excess", "mean s", "ratio", "1 thr s", "speedup", "f32 s",
           "excess", "data MB", "npy rss", "f32 rss", "csv rss");
    for (size_t a = 0; a < n_count; a++)
        for (size_t b = 0; b < d_count; b++)
            for (size_t m = 0; m < model_count; m++) {
                size_t n = ns[a], d = ds[b];
                if ((double)n * (double)d * 8.0 > max_gb * 1e9)
                    continue;
                rm_generate_options g;
                rm_generate_options_init(&g);
                g.corruption = models[m];
                g.n = n;
                g.d = d;
                g.eps = 0.1;
                g.seed = 1;
                rm_sample s;
                if (rm_generate(&g, &s) != RM_OK) {
                    fprintf(stderr, "perf: cannot generate\n");
                    return 1;
                }
                double *oracle = malloc(d * sizeof *oracle), *mean = malloc(d * sizeof *mean);
                rm_sample_inlier_mean(&s, oracle);
                if (write_csv_17g(csv, s.X, s.n, s.d) != 0 || write_npy(npy, s.X, s.n, s.d) != 0) {
                    fprintf(stderr, "perf: cannot write the data files in %s\n", dir);
                    return 1;
                }
                rm_data data;
                double t_csv = timed_read(csv, &data);
                rm_data_free(&data);
                double t_npy = timed_read(npy, &data);
                rm_data_free(&data);
                size_t numbers;
                double t_strtod = strtod_loop(csv, &numbers);
                float *Xf = malloc(n * d * sizeof *Xf);
                for (size_t k = 0; k < n * d; k++)
                    Xf[k] = (float)s.X[k];
                double rss_npy = NAN, rss_f32 = NAN, rss_csv = NAN;
                if (!quick) {
                    rss_npy = peak_rss_mb(npy);
                    rss_csv = peak_rss_mb(csv);
                    if (write_npy_float(npy32, Xf, n, d) == 0)
                        rss_f32 = peak_rss_mb(npy32);
                    unlink(npy32);
                }
                unlink(csv);
                unlink(npy);

                rm_report rep;
                /* best of three: one run varies with the machine's load (TUNING.md,
                 * PERF_REPEAT) */
                int repeat = 3;
                double t_shift = timed_mean(s.X, n, d, "median", 0, mean, NULL, repeat);
                double *plain = malloc(d * sizeof *plain);
                double t_mean = timed_mean(s.X, n, d, "mean", 0, plain, NULL, 5);
                /* one thread and all of them in turn: the machine's load drifts over
                 * seconds (TUNING.md, PERF_INTERLEAVED_THREADS) */
                double t_one = INFINITY, t_est = INFINITY;
                for (int r = 0; r < repeat; r++) {
                    t_one = fmin(t_one, timed_mean(s.X, n, d, NULL, 1, mean, &rep, 1));
                    t_est = fmin(t_est, timed_mean(s.X, n, d, NULL, 0, mean, &rep, 1));
                }
                /* the sample mean again after the estimate: the ratio divides by its best
                 * time (TUNING.md, PERF_MEAN_TWICE) */
                t_mean = fmin(t_mean, timed_mean(s.X, n, d, "mean", 0, plain, NULL, 5));
                free(plain);
                double *mean32 = malloc(d * sizeof *mean32);
                double t_f32 = timed_mean_float(Xf, n, d, mean32, repeat);
                double excess32 = distance(mean32, s.mu, d) - distance(oracle, s.mu, d);
                free(mean32);
                free(Xf);
                double t_out = now();
                FILE *devnull = fopen("/dev/null", "w");
                for (size_t j = 0; j < d; j++)
                    fprintf(devnull, "%.17g%c", mean[j], j + 1 < d ? ',' : '\n');
                fclose(devnull);
                t_out = now() - t_out;
                double excess = distance(mean, s.mu, d) - distance(oracle, s.mu, d);
                double data_mb = (double)n * (double)d * 8.0 / 1048576.0;
                printf("%-15s %8zu %5zu | %8.3f %8.3f %8.3f | %8.3f %8.3f %8.5f %6zu %5zu %7.4f | %8.4f %6.1f | %8.3f %7.2f | %8.3f %7.4f | %8.1f %7.2f %7.2f %7.2f\n",
                       models[m], n, d, t_csv, t_npy, t_strtod, t_shift, t_est, t_out, rep.passes,
                       rep.iterations, excess, t_mean, t_est / t_mean, t_one, t_one / t_est, t_f32,
                       excess32, data_mb, rss_npy / data_mb, rss_f32 / data_mb,
                       rss_csv / data_mb);
                fflush(stdout);
                free(oracle);
                free(mean);
                rm_sample_free(&s);
            }
    return 0;
}
