/* The robustmean command end to end, spawned as a process: good files in every form, and
 * every bad input with its message and exit status. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "robustmean.h"
#include "robustmean_generate.h"
#include "test_util.h"

#define ARGV(...) ((const char *const[]){RM_CLI, __VA_ARGS__, NULL})

/* 400 rows near (1, 2, 3) and 40 at (50, 50, 50). */
static char *contaminated_csv(void)
{
    size_t cap = 440 * 64, len = 0;
    char *text = malloc(cap);
    tu_rng r = {5};
    for (int i = 0; i < 440; i++) {
        if (i % 11 == 3)
            len += (size_t)snprintf(text + len, cap - len, "50,50,50\n");
        else
            len += (size_t)snprintf(text + len, cap - len, "%.6f,%.6f,%.6f\n",
                                    1 + 0.3 * tu_normal(&r), 2 + 0.3 * tu_normal(&r),
                                    3 + 0.3 * tu_normal(&r));
    }
    char *path = tu_temp_text(".csv", text);
    free(text);
    return path;
}

static void parse_line(const char *line, double *v, size_t d)
{
    char *end;
    for (size_t j = 0; j < d; j++) {
        v[j] = strtod(line, &end);
        cr_assert_neq(end, line, "not a number at '%s'", line);
        line = end + (*end == ',');
    }
    cr_assert(*end == '\n', "the line does not end after %zu values", d);
}

static void expect_fail(tu_run_result r, int status, const char *fragment)
{
    cr_assert_eq(r.status, status, "status %d, want %d; stderr: %s", r.status, status, r.err);
    cr_assert_str_eq(r.out, "", "stdout not empty on failure: %s", r.out);
    cr_assert_not_null(strstr(r.err, fragment), "stderr '%s' lacks '%s'", r.err, fragment);
    cr_assert_eq(strncmp(r.err, "robustmean: ", 12), 0, "%s", r.err);
}

Test(cli, default_output_is_one_line_near_the_truth)
{
    char *path = contaminated_csv();
    tu_run_result r = tu_run(ARGV("-e", "0.1", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.err, "");
    double v[3];
    parse_line(r.out, v, 3);
    cr_assert_lt(fabs(v[0] - 1) + fabs(v[1] - 2) + fabs(v[2] - 3), 0.3, "%s", r.out);
    tu_run_free(&r);
    tu_remove(path);
}

/* Each method prints, to the last digit (%.17g), what rm_mean gives in this process. */
Test(cli, every_method_runs)
{
    char *path = contaminated_csv();
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, NULL, &data, &err), RM_OK, "%s", err.message);
    for (size_t i = 0; i < rm_method_count(); i++) {
        const char *name = rm_method_at(i)->name;
        tu_run_result r = tu_run(ARGV("-e", "0.1", "-m", name, path), NULL);
        cr_assert_eq(r.status, 0, "%s: %s", name, r.err);
        double v[3], want[3];
        parse_line(r.out, v, 3);
        rm_options opt;
        rm_options_init(&opt);
        opt.method = name;
        opt.eps = 0.1;
        int status = rm_mean(data.values, data.n, data.d, &opt, want, NULL);
        cr_assert(status == RM_OK || status == RM_NOT_CONVERGED, "%s: %s", name,
                  rm_strerror(status));
        for (size_t j = 0; j < 3; j++)
            cr_assert_eq(v[j], want[j], "%s, column %zu: printed %.17g, rm_mean %.17g", name, j,
                         v[j], want[j]);
        tu_run_free(&r);
    }
    rm_data_free(&data);
    tu_remove(path);
}

Test(cli, stdin_csv_and_npy)
{
    tu_run_result r = tu_run(ARGV("-m", "mean", "-"), "1,2\n3,4\n");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2,3\n");
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean"), "x y\n1 2\n3 4\n"); /* no file: standard input */
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2,3\n");
    tu_run_free(&r);
    /* .npy bytes, known by their magic: as double, and as float32 in Fortran order */
    double m[4] = {1, 2, 3, 5};
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                                    m, sizeof m, &len);
    r = tu_run_bytes(ARGV("-m", "mean", "-"), b, len);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2,3.5\n");
    tu_run_free(&r);
    free(b);
    float f[4] = {1, 3, 2, 5}; /* columns (1, 3) and (2, 5) */
    b = tu_npy_bytes(2, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f, sizeof f,
                     &len);
    r = tu_run_bytes(ARGV("-m", "mean"), b, len);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2,3.5\n");
    tu_run_free(&r);
    free(b);
}

Test(cli, npy_file)
{
    double m[4] = {1, 2, 3, 5};
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                                    m, sizeof m, &len);
    char *path = tu_temp_file(".npy", b, len);
    tu_run_result r = tu_run(ARGV("-m", "mean", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "2,3.5\n");
    tu_run_free(&r);
    tu_remove(path);
    free(b);
}

Test(cli, json_output)
{
    char *path = contaminated_csv();
    tu_run_result r = tu_run(ARGV("-e", "0.1", "--format", "json", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *keys[] = {"\"method\": ", "\"eps\": 0.1", "\"n\": 440", "\"d\": 3", "\"mean\": [",
                          "\"iterations\": ", "\"converged\": true", "\"objective\": ",
                          "\"columns_scaled\": true", "\"anisotropy\": ",
                          "\"shape_gain\": ", "\"shape_refined\": ", "\"shape_shift\": ",
                          "\"shape_radius\": ",
                          "\"version\": \"" RM_VERSION_STRING "\""};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cr_assert_not_null(strstr(r.out, keys[k]), "JSON lacks %s: %s", keys[k], r.out);
    cr_assert_eq(r.out[0], '{');
    tu_run_free(&r);
    tu_remove(path);
}

/* The shape step: taken on a population hidden below a spike, said in -v and the JSON;
 * --shape none leaves it out. */
Test(cli, shape_step_reports_what_it_did)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.inliers = "spiked";
    g.corruption = "population";
    g.n = 2000;
    g.d = 20;
    g.eps = 0.1;
    g.spread = 0.1;
    g.seed = 5;
    rm_sample s;
    cr_assert_eq(rm_generate(&g, &s), RM_OK);
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
             s.n, s.d);
    size_t len;
    unsigned char *b = tu_npy_bytes(1, dict, s.X, s.n * s.d * sizeof *s.X, &len);
    char *path = tu_temp_file(".npy", b, len);
    tu_run_result r = tu_run(ARGV("-e", "0.1", "-v", "--format", "json", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"shape_refined\": true"), "%s", r.out);
    cr_assert_not_null(strstr(r.err, "shape step: the kept rows' anisotropy"), "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-e", "0.1", "--shape", "none", "--format", "json", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"shape_refined\": false"), "%s", r.out);
    tu_run_free(&r);
    tu_remove(path);
    free(b);
    rm_sample_free(&s);
}

/* -e auto: the JSON says so, with the fraction chosen and the outliers' share; -v too. */
Test(cli, eps_auto_reports_its_choice)
{
    char *path = contaminated_csv();
    tu_run_result r = tu_run(ARGV("-e", "auto", "--format", "json", "-v", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *keys[] = {"\"eps\": \"auto\"", "\"eps_chosen\": ", "\"outlier_fraction\": "};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cr_assert_not_null(strstr(r.out, keys[k]), "JSON lacks %s: %s", keys[k], r.out);
    cr_assert_not_null(strstr(r.err, "eps chosen: "), "%s", r.err);
    tu_run_free(&r);
    char *few = tu_temp_text(".csv", "1,2\n3,4\n5,6\n");
    r = tu_run(ARGV("-e", "auto", few), NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "choosing eps needs at least 20 rows"), "%s", r.err);
    tu_run_free(&r);
    tu_remove(few);
    tu_remove(path);
}

Test(cli, output_and_weights_files)
{
    char *in = tu_temp_text(".csv", "1,2\n3,4\n5,6\n6,8\n");
    char *out = tu_temp_path(".txt"), *w = tu_temp_path(".w");
    tu_run_result r = tu_run(ARGV("-m", "mean", "-o", out, "--weights", w, in), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "");
    char *text = tu_read_file(out, NULL);
    cr_assert_str_eq(text, "3.75,5\n");
    free(text);
    text = tu_read_file(w, NULL);
    cr_assert_str_eq(text, "0.25\n0.25\n0.25\n0.25\n");
    free(text);
    tu_run_free(&r);
    /* the output may not replace the input */
    r = tu_run(ARGV("-m", "mean", "-o", in, in), NULL);
    expect_fail(r, 1, "refusing to overwrite the input");
    tu_run_free(&r);
    /* a method without row weights */
    r = tu_run(ARGV("-m", "median", "--weights", w, in), NULL);
    expect_fail(r, 2, "does not weight rows");
    tu_run_free(&r);
    /* an output folder that does not exist: no partial file, exit 1 */
    r = tu_run(ARGV("-m", "mean", "-o", "/nonexistent/dir/out.csv", in), NULL);
    expect_fail(r, 1, "/nonexistent/dir/out.csv: cannot create");
    tu_run_free(&r);
    tu_remove(in);
    tu_remove(out);
    tu_remove(w);
}

Test(cli, reader_options)
{
    tu_run_result r = tu_run(ARGV("-m", "mean", "--no-header", "-"), "0,1,2\n2,3,4\n");
    cr_assert_str_eq(r.out, "1,2,3\n", "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean", "--header", "-"), "7,7\n1,2\n3,4\n");
    cr_assert_str_eq(r.out, "2,3\n", "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean", "--delimiter", "space", "-"), "1 2\n3 4\n");
    cr_assert_str_eq(r.out, "2,3\n", "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean", "--drop-nonfinite", "-"), "1,2\nnan,0\n3,4\n");
    cr_assert_eq(r.status, 0);
    cr_assert_str_eq(r.out, "2,3\n", "%s", r.err);
    cr_assert_not_null(strstr(r.err, "dropped 1 row"), "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-q", "-m", "mean", "--drop-nonfinite", "-"), "1,2\nnan,0\n3,4\n");
    cr_assert_str_eq(r.err, "");
    tu_run_free(&r);
}

Test(cli, help_and_version)
{
    tu_run_result r = tu_run(ARGV("--help"), NULL);
    cr_assert_eq(r.status, 0);
    for (size_t i = 0; i < rm_method_count(); i++)
        cr_assert_not_null(strstr(r.out, rm_method_at(i)->summary), "help lacks %s",
                           rm_method_at(i)->name);
    cr_assert_str_eq(r.err, "");
    tu_run_free(&r);
    r = tu_run(ARGV("-V"), NULL);
    cr_assert_eq(r.status, 0);
    char want[256];
    snprintf(want, sizeof want, "robustmean %s\nreads: %s\n", RM_VERSION_STRING, rm_read_formats());
    cr_assert_str_eq(r.out, want);
    tu_run_free(&r);
}

Test(cli, usage_errors_exit_2)
{
    char *in = tu_temp_text(".csv", "1,2\n3,4\n");
    struct {
        const char *const *argv;
        const char *fragment;
    } cases[] = {
        {ARGV("-m", "nope", in), "--method: unknown method 'nope'"},
        {ARGV("-e", "0.5", in), "--eps: method lowregret accepts 0 <= eps < 0.5, not 0.5"},
        {ARGV("-e", "abc", in), "--eps needs a finite number, not 'abc'"},
        {ARGV("-e", "nan", in), "--eps needs a finite number"},
        {ARGV("-m", "trimmed", in), "--eps: method trimmed needs the fraction of corrupted rows"},
        {ARGV("-e", "0.1", "--tol", "-1", in), "--tol: must be a finite number >= 0"},
        {ARGV("-e", "0.1", "--delta", "1", in), "--delta: must be in [0, 1)"},
        {ARGV("-e", "0.1", "--sigma", "-2", in), "--sigma: must be a finite number >= 0"},
        {ARGV("-e", "0.1", "--directions", "17", in), "--directions: must be 1 to 16"},
        {ARGV("-e", "0.1", "--threads", "2000", in), "--threads: must be 1 to 1024"},
        {ARGV("-m", "median", "--weights", "w.txt", in), "method median does not weight rows"},
        {ARGV("--format", "xml", in), "--format must be csv or json"},
        {ARGV("--bogus", in), "unknown option '--bogus'"},
        {ARGV("-x", in), "unknown option '-x'"},
        {ARGV("-e"), "option '-e' needs a value"},
        {ARGV(in, in), "one input file at most"},
        {ARGV("--delimiter", "|", in), "--delimiter must be"},
        {ARGV("--seed", "-3", in), "--seed needs a non-negative integer"},
        {ARGV("-e", "0.1", "--column-scaling", "mad", in), "--column-scaling must be auto"},
        {ARGV("-e", "0.1", "--column-scaling", "robust", "--sigma", "1", in),
         "--column-scaling: robust column units cannot be combined with sigma"},
        {ARGV("-e", "auto", "-m", "filter", in), "--eps: method filter cannot choose eps"},
        {ARGV("-m", "median", "--column-scaling", "none", in),
         "--column-scaling: method median does not use it"},
        {ARGV("-e", "0.1", "--shape", "whiten", in), "--shape must be auto, none or always"},
        {ARGV("-e", "0.1", "-m", "filter", "--shape", "always", in),
         "--shape: method filter does not use it"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tu_run_result r = tu_run(cases[k].argv, NULL);
        expect_fail(r, 2, cases[k].fragment);
        cr_assert_not_null(strstr(r.err, "--help"), "no hint to --help: %s", r.err);
        tu_run_free(&r);
    }
    tu_remove(in);
}

Test(cli, bad_data_exits_1_with_file_row_and_column)
{
    struct {
        const char *text;
        const char *fragment;
    } cases[] = {
        {"", "the input is empty"},
        {"a,b\n", "no data rows after the header on line 1"},
        {"1,2\n3\n", "line 2 (data row 2): 1 field, but line 1 has 2"},
        {"1,2\n3,x\n", "line 2 (data row 2), column 2: 'x' is not a number"},
        {"1,2\n3,nan\n", "line 2 (data row 2), column 2: 'nan' is a missing or non-finite value"},
        {"1,2\n3,1e400\n", "column 2: '1e400' is outside the range of double"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *in = tu_temp_text(".csv", cases[k].text);
        tu_run_result r = tu_run(ARGV("-e", "0.1", in), NULL);
        expect_fail(r, 1, cases[k].fragment);
        cr_assert_not_null(strstr(r.err, in), "the message does not name the file: %s", r.err);
        tu_run_free(&r);
        tu_remove(in);
    }
    tu_run_result r = tu_run(ARGV("-e", "0.1", "/nonexistent/file.csv"), NULL);
    expect_fail(r, 1, "/nonexistent/file.csv: cannot open: No such file or directory");
    tu_run_free(&r);
    double m[2] = {1, 2};
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }",
                                    m, sizeof m, &len);
    char *in = tu_temp_file(".npy", b, len);
    r = tu_run(ARGV("-e", "0.1", in), NULL);
    expect_fail(r, 1, "unsupported .npy dtype '<c8'");
    tu_run_free(&r);
    tu_remove(in);
    in = tu_temp_file(".npy", b, 20);
    r = tu_run(ARGV("-e", "0.1", in), NULL);
    expect_fail(r, 1, "truncated .npy header");
    tu_run_free(&r);
    tu_remove(in);
    free(b);
}

Test(cli, output_to_a_fifo_writes_in_place)
{
    /* A device or a pipe named by -o is written, never replaced by a renamed file: as
     * root, `-o /dev/null` would otherwise turn /dev/null into a regular file. */
    char *path = contaminated_csv(), *fifo = tu_temp_path(".fifo");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    int fd = open(fifo, O_RDONLY | O_NONBLOCK); /* a reader, so the writer's open returns */
    cr_assert_geq(fd, 0);
    tu_run_result r = tu_run(ARGV("-m", "mean", "-o", fifo, path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char buf[256];
    ssize_t got = read(fd, buf, sizeof buf - 1);
    cr_assert_gt(got, 0);
    buf[got] = '\0';
    cr_assert_not_null(strchr(buf, '\n'), "%s", buf);
    struct stat st;
    cr_assert_eq(stat(fifo, &st), 0);
    cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced");
    close(fd);
    tu_run_free(&r);
    tu_remove(fifo);
    tu_remove(path);
}

/* --float32 holds each value as the nearest float; with values that are floats already
 * the estimate is the same to the last digit. --threads changes no digit either, on data
 * large enough (2^17 rows) that the passes over it take two threads. */
Test(cli, float32_and_threads_keep_the_result)
{
    size_t cap = 2000 * 40, len = 0;
    char *text = malloc(cap);
    tu_rng r = {9};
    for (int i = 0; i < 2000; i++) /* multiples of 1/64: exact in float */
        len += (size_t)snprintf(text + len, cap - len, "%.10g,%.10g\n",
                                i % 10 == 0 ? 40.0 : round(64 * tu_normal(&r)) / 64,
                                round(64 * tu_normal(&r)) / 64 + 5);
    char *path = tu_temp_text(".csv", text);
    free(text);
    tu_run_result a = tu_run(ARGV("-e", "0.1", path), NULL);
    tu_run_result b = tu_run(ARGV("-e", "0.1", "--float32", "-v", path), NULL);
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_eq(b.status, 0, "%s", b.err);
    cr_assert_str_eq(b.out, a.out);
    cr_assert_not_null(strstr(b.err, "held as float32"), "%s", b.err);
    tu_run_free(&a);
    tu_run_free(&b);
    /* one thread and two */
    size_t n = (size_t)1 << 17;
    double *big = malloc(n * 2 * sizeof *big);
    for (size_t i = 0; i < n; i++) {
        big[2 * i] = i % 10 == 0 ? 40.0 : tu_normal(&r);
        big[2 * i + 1] = tu_normal(&r) + 5;
    }
    size_t big_len;
    unsigned char *big_npy = tu_npy_bytes(
        1, "{'descr': '<f8', 'fortran_order': False, 'shape': (131072, 2), }", big,
        n * 2 * sizeof *big, &big_len);
    char *big_path = tu_temp_file(".npy", big_npy, big_len);
    free(big_npy);
    free(big);
    a = tu_run(ARGV("-e", "0.1", "--threads", "1", big_path), NULL);
    b = tu_run(ARGV("-e", "0.1", "--threads", "2", big_path), NULL);
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_eq(b.status, 0, "%s", b.err);
    cr_assert_str_eq(b.out, a.out, "two threads: %s one: %s", b.out, a.out);
    tu_run_free(&a);
    tu_run_free(&b);
    tu_remove(big_path);
    /* a float32 .npy is held as float without the option */
    float f[4] = {1.5f, 2, 3.5f, 4};
    size_t blen;
    unsigned char *bytes = tu_npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
                                        f, sizeof f, &blen);
    char *npy = tu_temp_file(".npy", bytes, blen);
    a = tu_run(ARGV("-m", "mean", "-v", npy), NULL);
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_str_eq(a.out, "2.5,3\n");
    cr_assert_not_null(strstr(a.err, "held as float32"), "%s", a.err);
    tu_run_free(&a);
    a = tu_run(ARGV("-m", "mean", "--threads", "0", npy), NULL); /* 0: one per core */
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_str_eq(a.out, "2.5,3\n");
    tu_run_free(&a);
    a = tu_run(ARGV("-m", "mean", "--float32", "-"), "1,2\n3,1e39\n");
    expect_fail(a, 1, "range of float");
    tu_run_free(&a);
    tu_remove(npy);
    free(bytes);
    tu_remove(path);
}
