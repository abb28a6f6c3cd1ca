/* What the robustmean command leaves behind when things go wrong around it: a closed or
 * broken standard output, a full disk, a file size limit, SIGINT while it solves or
 * writes, too little memory. Every case ends with a non-zero status and a clear message
 * (or, for a reader that went away, quietly), and no partial or temporary file: an old
 * output file is either intact or replaced whole. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "robustmean.h"
#include "test_util.h"

#define ARGV(...) ((const char *const[]){RM_CLI, __VA_ARGS__, NULL})

/* execv() takes char *const[]: argv's strings are not written. */
static void exec_argv(const char *const argv[])
{
    char *const *args;
    memcpy(&args, &argv, sizeof args);
    execv(argv[0], args);
    _exit(121);
}

/* A child that runs longer is ended by SIGALRM (the alarm survives exec): a hang fails
 * its test instead of stalling the suite. */
enum { CHILD_SECONDS = 120 };

/* Run argv with stdout and stderr into files (stdout onto out_fd instead when out is
 * NULL), after setup(ctx) in the child; returns the pid. */
typedef void (*child_setup)(void *ctx);

static pid_t spawn(const char *const argv[], int out_fd, const char *out, const char *err,
                   child_setup setup, void *ctx)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int o = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600) : out_fd;
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(120);
        if (setup)
            setup(ctx);
        alarm(CHILD_SECONDS);
        exec_argv(argv);
    }
    return pid;
}

/* Exit status, or 128 + the signal that ended it. */
static int wait_for(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

typedef struct run_result {
    int status;
    char *out, *err;
} run_result;

static run_result run(const char *const argv[], child_setup setup, void *ctx)
{
    char *out = tu_temp_path(".out"), *err = tu_temp_path(".err");
    run_result r = {wait_for(spawn(argv, -1, out, err, setup, ctx)), NULL, NULL};
    r.out = tu_read_file(out, NULL);
    r.err = tu_read_file(err, NULL);
    tu_remove(out);
    tu_remove(err);
    return r;
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* A private folder for outputs, to see every file that appears there. */
static char *make_dir(void)
{
    char *dir = tu_temp_path(".d");
    cr_assert_eq(mkdir(dir, 0700), 0);
    return dir;
}

static char *in_dir(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

/* Files in dir whose name holds ".tmp." (the outputs' temporary names). */
static size_t temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t count = 0;
    for (struct dirent *e; (e = readdir(d));)
        count += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return count;
}

static void remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (e->d_name[0] != '.') {
            char *p = in_dir(dir, e->d_name);
            unlink(p);
            free(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static void expect_file(const char *path, const char *text)
{
    char *got = tu_read_file(path, NULL);
    cr_assert_not_null(got, "%s is gone", path);
    cr_assert_str_eq(got, text, "%s was changed", path);
    free(got);
}

/* n rows, d columns, standard normal with every 10th row far away, as .npy in dir. */
static char *npy_data(const char *dir, size_t n, size_t d)
{
    double *X = tu_gaussian_matrix(n, d, 5.0, 11);
    for (size_t i = 0; i < n; i += 10)
        for (size_t j = 0; j < d; j++)
            X[i * d + j] += 100.0;
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
             n, d);
    size_t len;
    unsigned char *b = tu_npy_bytes(1, dict, X, n * d * sizeof *X, &len);
    char *path = in_dir(dir, "data.npy");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    free(b);
    free(X);
    return path;
}

static const char small_csv[] = "1,2\n3,4\n5,6\n7,9\n";

Test(cli_output, closed_stdout_fails_with_a_message)
{
    char *in = tu_temp_text(".csv", small_csv);
    char *err = tu_temp_path(".err");
    /* descriptor 1 closed: nothing the program opens may take its place */
    const char *const *argv = ARGV("-m", "mean", in);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (e < 0 || dup2(e, 2) < 0)
            _exit(120);
        close(1);
        exec_argv(argv);
    }
    cr_assert_eq(wait_for(pid), 1);
    char *text = tu_read_file(err, NULL);
    cr_assert_not_null(strstr(text, "robustmean: standard output: write failed"), "%s", text);
    expect_file(in, small_csv);
    free(text);
    tu_remove(err);
    tu_remove(in);
}

static void ignore_sigpipe(void *ctx)
{
    (void)ctx;
    signal(SIGPIPE, SIG_IGN);
}

Test(cli_output, a_reader_that_went_away_ends_it_quietly)
{
    char *in = tu_temp_text(".csv", small_csv), *err = tu_temp_path(".err");
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    close(fds[0]); /* like `robustmean ... | head -c0`: nobody reads */
    /* the default action of SIGPIPE, and SIGPIPE ignored (EPIPE) */
    pid_t pid = spawn(ARGV("-m", "mean", in), fds[1], NULL, err, NULL, NULL);
    cr_assert_eq(wait_for(pid), 128 + SIGPIPE);
    char *text = tu_read_file(err, NULL);
    cr_assert_str_eq(text, "");
    free(text);
    pid = spawn(ARGV("-m", "mean", in), fds[1], NULL, err, ignore_sigpipe, NULL);
    cr_assert_eq(wait_for(pid), 1);
    text = tu_read_file(err, NULL);
    cr_assert_str_eq(text, "");
    free(text);
    close(fds[1]);
    tu_remove(err);
    tu_remove(in);
}

Test(cli_output, a_full_disk_fails_every_output_and_keeps_the_others)
{
    char *dir = make_dir(), *in = in_dir(dir, "in.csv"), *out = in_dir(dir, "out.csv"),
         *w = in_dir(dir, "w.txt");
    write_text(in, small_csv);
    write_text(out, "old estimate\n");
    struct {
        const char *const *argv;
        const char *fragment;
    } cases[] = {
        {ARGV("-m", "mean", "-o", "/dev/full", in), "/dev/full: write failed: No space left"},
        {ARGV("-m", "mean", "--weights", "/dev/full", "-o", out, in), "/dev/full: write failed"},
        {ARGV("-e", "0.25", "--outliers", "/dev/full", "-o", out, in), "/dev/full: write failed"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        run_result r = run(cases[k].argv, NULL, NULL);
        cr_assert_eq(r.status, 1, "case %zu: %s", k, r.err);
        cr_assert_not_null(strstr(r.err, cases[k].fragment), "case %zu: %s", k, r.err);
        cr_assert_str_eq(r.out, "");
        expect_file(out, "old estimate\n"); /* not written after a failed output */
        cr_assert_eq(temp_files(dir), 0);
        run_free(&r);
    }
    /* standard output on a full disk */
    char *err = tu_temp_path(".err");
    int full = open("/dev/full", O_WRONLY);
    cr_assert_geq(full, 0);
    cr_assert_eq(wait_for(spawn(ARGV("-m", "mean", in), full, NULL, err, NULL, NULL)), 1);
    close(full);
    char *text = tu_read_file(err, NULL);
    cr_assert_not_null(strstr(text, "standard output: write failed: No space left"), "%s", text);
    free(text);
    tu_remove(err);
    free(in);
    free(out);
    free(w);
    remove_dir(dir);
}

static void limit_file_size(void *ctx)
{
    struct rlimit r = {*(rlim_t *)ctx, *(rlim_t *)ctx};
    setrlimit(RLIMIT_FSIZE, &r);
    signal(SIGXFSZ, SIG_IGN); /* writes past the limit then fail with EFBIG */
}

Test(cli_output, a_write_that_fails_midway_leaves_the_old_file)
{
    char *dir = make_dir(), *out = in_dir(dir, "w.txt");
    char *in = npy_data(dir, 20000, 2);
    write_text(out, "old weights\n");
    rlim_t limit = 100000; /* the data is written already; the weights need 20000 lines */
    run_result r = run(ARGV("-m", "mean", "--weights", out, in), limit_file_size, &limit);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "w.txt: write failed: File too large"), "%s", r.err);
    cr_assert_str_eq(r.out, "", "an estimate printed after its weights failed");
    expect_file(out, "old weights\n");
    cr_assert_eq(temp_files(dir), 0);
    run_free(&r);
    free(in);
    free(out);
    remove_dir(dir);
}

/* Wait until test(ctx) holds, polling every millisecond for up to a minute. */
static void wait_until(int (*test)(const void *), const void *ctx, pid_t pid, const char *what)
{
    for (int k = 0; k < 60000 && !test(ctx); k++) {
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the program ended before %s", what);
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    cr_assert(test(ctx), "timed out waiting for %s", what);
}

static int has_text(const void *path)
{
    char *text = tu_read_file(path, NULL);
    int yes = text && strstr(text, "read ") != NULL;
    free(text);
    return yes;
}

static int has_temp(const void *dir) { return temp_files(dir) > 0; }

Test(cli_output, sigint_while_solving_or_writing_leaves_no_partial_file)
{
    char *dir = make_dir(), *out = in_dir(dir, "est.csv"), *w = in_dir(dir, "w.txt"),
         *stdout_path = in_dir(dir, "stdout"), *err = in_dir(dir, "stderr");
    char *in = npy_data(dir, 1000000, 2);
    /* while solving: -v says when the data has been read */
    write_text(out, "old estimate\n");
    write_text(w, "old weights\n");
    pid_t pid = spawn(ARGV("-v", "-e", "0.1", "-m", "pgd", "-o", out, "--weights", w, in), -1,
                      stdout_path, err, NULL, NULL);
    wait_until(has_text, err, pid, "the data to be read");
    kill(pid, SIGINT);
    cr_assert_eq(wait_for(pid), 128 + SIGINT, "the solve ended before SIGINT came");
    expect_file(out, "old estimate\n");
    expect_file(w, "old weights\n");
    cr_assert_eq(temp_files(dir), 0);
    /* while writing a million weights: once their temporary file exists */
    pid = spawn(ARGV("-m", "mean", "-o", out, "--weights", w, in), -1, stdout_path, err, NULL,
                NULL);
    wait_until(has_temp, dir, pid, "the weights' temporary file");
    kill(pid, SIGINT);
    cr_assert_eq(wait_for(pid), 128 + SIGINT, "the weights were written before SIGINT came");
    expect_file(out, "old estimate\n");
    expect_file(w, "old weights\n");
    cr_assert_eq(temp_files(dir), 0, "a temporary file was left behind");
    free(in);
    free(out);
    free(w);
    free(stdout_path);
    free(err);
    remove_dir(dir);
}

Test(cli_output, caps_return_the_best_iterate_with_a_warning)
{
    char *dir = make_dir(), *in = npy_data(dir, 20000, 20);
    const char *const *cases[] = {
        ARGV("-e", "0.1", "--max-iter", "1", "--format", "json", in),
        ARGV("-e", "0.1", "--max-seconds", "1e-9", "--format", "json", in),
    };
    const char *reasons[] = {"iteration cap", "time budget"};
    for (size_t k = 0; k < 2; k++) {
        run_result r = run(cases[k], NULL, NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        cr_assert_not_null(strstr(r.err, "before meeting its tolerance; the output is its best "
                                         "iterate"), "%s", r.err);
        cr_assert_not_null(strstr(r.err, reasons[k]), "%s", r.err);
        cr_assert_not_null(strstr(r.out, "\"converged\": false"), "%s", r.out);
        /* 20 finite coordinates */
        const char *p = strstr(r.out, "\"mean\": [");
        cr_assert_not_null(p);
        p += 9;
        for (int j = 0; j < 20; j++) {
            char *end;
            double v = strtod(p, &end);
            cr_assert(end != p && isfinite(v), "coordinate %d: %s", j, p);
            p = end + 2;
        }
        run_free(&r);
    }
    free(in);
    remove_dir(dir);
}

static void set_asan_may_return_null(void *ctx)
{
    (void)ctx;
    /* under AddressSanitizer, a failed allocation must return NULL as malloc does */
    const char *old = getenv("ASAN_OPTIONS");
    char buf[1024];
    snprintf(buf, sizeof buf, "%s%sallocator_may_return_null=1", old ? old : "",
             old && *old ? ":" : "");
    setenv("ASAN_OPTIONS", buf, 1);
}

Test(cli_output, out_of_memory_is_a_clear_error)
{
    /* a .npy on a pipe that claims 10^12 rows: the reader cannot check the size first */
    char *npy = tu_temp_path(".npy");
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': "
                                       "(1000000000000, 1), }", NULL, 0, &len);
    FILE *f = fopen(npy, "wb");
    cr_assert_eq(fwrite(b, 1, len, f), len);
    fclose(f);
    free(b);
    char *err = tu_temp_path(".err");
    const char *const *argv = ARGV("-m", "mean", "-");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int in = open(npy, O_RDONLY), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || e < 0 || dup2(in, 0) < 0 || dup2(e, 2) < 0)
            _exit(120);
        set_asan_may_return_null(NULL);
        alarm(CHILD_SECONDS);
        exec_argv(argv);
    }
    cr_assert_eq(wait_for(pid), 1);
    char *text = tu_read_file(err, NULL);
    cr_assert_not_null(strstr(text, "robustmean: <stdin>: out of memory for 1000000000000 x 1 "
                                    "values"), "%s", text);
    free(text);
    tu_remove(err);
    tu_remove(npy);
}

#ifndef __SANITIZE_ADDRESS__
/* An address-space limit makes the library's own allocations fail. Not under
 * AddressSanitizer, which reserves terabytes of address space for its shadow memory.
 * OpenBLAS reserves 128 MiB per OpenMP thread as it loads; one thread here, so that the
 * limits below mean the same on a machine with any number of cores. */
typedef struct address_limit {
    rlim_t bytes;
    const char *omp_threads;
} address_limit;

static void limit_address_space(void *ctx)
{
    const address_limit *a = ctx;
    setenv("OMP_NUM_THREADS", a->omp_threads, 1);
    struct rlimit r = {a->bytes, a->bytes};
    setrlimit(RLIMIT_AS, &r);
}

Test(cli_output, the_library_out_of_memory_is_a_clear_error)
{
    char *dir = make_dir(), *in = npy_data(dir, 2000000, 1); /* 16 MB, mapped */
    /* 400 MiB: the program (about 165 MiB with OpenBLAS's buffer), the data and the sample
     * mean fit; lowregret (a second BLAS buffer, and per-row arrays: its scores alone take
     * 128 bytes a row) does not */
    address_limit limit = {(rlim_t)400 << 20, "1"};
    run_result r = run(ARGV("-m", "mean", in), limit_address_space, &limit);
    cr_assert_eq(r.status, 0, "the sample mean fails under the limit: %s", r.err);
    run_free(&r);
    r = run(ARGV("-e", "0.1", in), limit_address_space, &limit);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "lowregret failed: out of memory"), "%s", r.err);
    cr_assert_str_eq(r.out, "");
    run_free(&r);
    free(in);
    remove_dir(dir);
}

Test(cli_output, an_address_space_too_small_to_load_is_refused_not_a_hang)
{
    /* below what OpenBLAS takes while loading, it would retry for ever before main() */
    address_limit one = {(rlim_t)150 << 20, "1"}, two = {(rlim_t)300 << 20, "2"};
    run_result r = run(ARGV("-m", "mean", "-"), limit_address_space, &one);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_str_eq(r.err, "robustmean: the address-space limit (ulimit -v) of 150 MiB is "
                            "below the 193 MiB that OpenBLAS reserves at start for 1 thread; "
                            "raise it\n");
    run_free(&r);
    if (sysconf(_SC_NPROCESSORS_CONF) >= 2) { /* else OpenBLAS reserves for one */
        r = run(ARGV("-m", "mean", "-"), limit_address_space, &two);
        cr_assert_eq(r.status, 1, "%s", r.err);
        cr_assert_not_null(strstr(r.err, "of 300 MiB is below the 322 MiB that OpenBLAS "
                                         "reserves at start for 2 threads; raise it, or "
                                         "set OMP_NUM_THREADS"),
                           "%s", r.err);
        run_free(&r);
    } else {
        cr_log_warn("one CPU: the limit for OpenBLAS's two threads is not tested");
    }
}
#endif
