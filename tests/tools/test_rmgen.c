/* rmgen end to end, spawned as a process: its files read back bit-exactly (by the
 * library and by robustmean) as the data rm_generate() draws in process, its truth file,
 * determinism, and its refusals. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "robustmean.h"
#include "robustmean_generate.h"
#include "test_util.h"

#define GEN(...) ((const char *const[]){RM_GEN, __VA_ARGS__, NULL})

static rm_sample in_process(const char *model, size_t n, size_t d, double eps, uint64_t seed)
{
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = model;
    o.n = n;
    o.d = d;
    o.eps = eps;
    o.seed = seed;
    rm_sample s;
    cr_assert_eq(rm_generate(&o, &s), RM_OK);
    return s;
}

static void expect_ok(tu_run_result r)
{
    cr_assert_eq(r.status, 0, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.err, "");
}

static void expect_usage(tu_run_result r, const char *fragment)
{
    cr_assert_eq(r.status, 2, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, fragment), "stderr '%s' lacks '%s'", r.err, fragment);
    cr_assert_eq(strncmp(r.err, "rmgen: ", 7), 0, "%s", r.err);
    tu_run_free(&r);
}

Test(rmgen, list_names_every_model_from_the_library)
{
    tu_run_result r = tu_run(GEN("--list"), NULL);
    expect_ok(r);
    for (size_t i = 0; i < rm_corruption_count(); i++)
        cr_assert_not_null(strstr(r.out, rm_corruption_at(i)->name), "%s", rm_corruption_at(i)->name);
    for (size_t i = 0; i < rm_inlier_model_count(); i++)
        cr_assert_not_null(strstr(r.out, rm_inlier_model_at(i)->name));
    cr_assert_not_null(strstr(r.out, "angle"));
    tu_run_free(&r);
}

/* The numbers of the JSON array after "key": [ into v (at most max); returns how many. */
static size_t json_array(const char *text, const char *key, double *v, size_t max)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": [", key);
    const char *p = strstr(text, pattern);
    cr_assert_not_null(p, "no %s in %s", key, text);
    p += strlen(pattern);
    size_t m = 0;
    while (*p != ']') {
        char *end;
        double x = strtod(p, &end);
        cr_assert_neq(end, p, "bad number at %.20s", p);
        if (m < max)
            v[m] = x;
        m++;
        p = end + strspn(end, ", ");
    }
    return m;
}

Test(rmgen, csv_npy_and_truth_read_back_exactly)
{
    rm_sample s = in_process("dkk", 301, 7, 0.2, 42);
    const char *suffix[] = {".csv", ".npy"};
    for (int f = 0; f < 2; f++) {
        char *data = tu_temp_path(suffix[f]), *truth = tu_temp_path(".json");
        tu_run_result r = tu_run(GEN("--model", "dkk", "-n", "301", "-d", "7", "-e", "0.2",
                                     "--seed", "42", "-o", data, "--truth", truth),
                                 NULL);
        expect_ok(r);
        cr_assert_str_eq(r.out, "");
        rm_data back;
        rm_read_error err;
        cr_assert_eq(rm_read_file(data, NULL, &back, &err), RM_OK, "%s", err.message);
        cr_assert_eq(back.n, s.n);
        cr_assert_eq(back.d, 7);
        cr_assert_eq(memcmp(back.values, s.X, s.n * 7 * sizeof(double)), 0, "%s", suffix[f]);
        rm_data_free(&back);

        char *json = tu_read_file(truth, NULL);
        cr_assert_not_null(json);
        double mu[7], mask[301];
        cr_assert_eq(json_array(json, "mean", mu, 7), 7);
        cr_assert_eq(memcmp(mu, s.mu, sizeof mu), 0);
        cr_assert_eq(json_array(json, "inlier", mask, 301), 301);
        for (size_t i = 0; i < 301; i++)
            cr_assert_eq(mask[i], s.inlier[i], "row %zu", i);
        cr_assert_not_null(strstr(json, "\"outliers\": 60,"), "%s", json);
        free(json);
        tu_run_free(&r);
        tu_remove(data);
        tu_remove(truth);
    }
    rm_sample_free(&s);
}

Test(rmgen, npy_header_is_version_1_little_endian_aligned)
{
    char *data = tu_temp_path(".npy");
    tu_run_result r = tu_run(GEN("--model", "none", "-n", "3", "-d", "2", "-o", data), NULL);
    expect_ok(r);
    size_t len;
    char *b = tu_read_file(data, &len);
    size_t header = (unsigned char)b[8] | (size_t)(unsigned char)b[9] << 8;
    cr_assert_eq(memcmp(b, "\x93NUMPY\x01\x00", 8), 0);
    cr_assert_eq((10 + header) % 64, 0);
    cr_assert_eq(len, 10 + header + 3 * 2 * 8);
    cr_assert_eq(b[10 + header - 1], '\n');
    cr_assert_not_null(strstr(b + 10, "'descr': '<f8', 'fortran_order': False, 'shape': (3, 2)"));
    free(b);
    tu_run_free(&r);
    tu_remove(data);
}

/* eps asked for but floor(eps n) = 0: the data is written, and the user is told that no
 * row was corrupted. */
Test(rmgen, warns_when_no_row_is_corrupted)
{
    tu_run_result r = tu_run(GEN("--model", "dkk", "-n", "10", "-d", "2", "-e", "0.05"), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "floor(0.05 * 10) = 0: no row is corrupted"), "%s", r.err);
    tu_run_free(&r);
    r = tu_run(GEN("--model", "dkk", "-n", "20", "-d", "2", "-e", "0.05"), NULL);
    expect_ok(r); /* one row corrupted: no warning */
    tu_run_free(&r);
}

Test(rmgen, robustmean_reads_what_rmgen_writes)
{
    rm_sample s = in_process("far-cluster", 500, 4, 0.1, 1);
    double want[4];
    rm_options o;
    rm_options_init(&o);
    o.method = "mean";
    cr_assert_eq(rm_mean(s.X, s.n, s.d, &o, want, NULL), RM_OK);
    char *data = tu_temp_path(".csv");
    tu_run_result g = tu_run(GEN("--model", "far-cluster", "-n", "500", "-d", "4", "-o", data), NULL);
    expect_ok(g);
    tu_run_result r = tu_run(((const char *const[]){RM_CLI, "-m", "mean", data, NULL}), NULL);
    expect_ok(r);
    char *p = r.out;
    for (size_t j = 0; j < 4; j++) {
        char *end;
        cr_assert_eq(strtod(p, &end), want[j], "coordinate %zu: %s", j, r.out);
        p = end + 1;
    }
    tu_run_free(&g);
    tu_run_free(&r);
    tu_remove(data);
    rm_sample_free(&s);
}

Test(rmgen, same_seed_same_bytes_on_standard_output)
{
    tu_run_result a = tu_run(GEN("--model", "two-clusters", "-n", "50", "-d", "3", "--seed", "5"), NULL);
    tu_run_result b = tu_run(GEN("--model", "two-clusters", "-n", "50", "-d", "3", "--seed", "5"), NULL);
    tu_run_result c = tu_run(GEN("--model", "two-clusters", "-n", "50", "-d", "3", "--seed", "6"), NULL);
    expect_ok(a);
    expect_ok(b);
    expect_ok(c);
    cr_assert_str_eq(a.out, b.out);
    cr_assert_str_neq(a.out, c.out);
    size_t lines = 0;
    for (const char *p = a.out; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 50);
    tu_run_free(&a);
    tu_run_free(&b);
    tu_run_free(&c);
}

Test(rmgen, usage_errors_exit_2)
{
    expect_usage(tu_run(GEN("--model", "dkk", "-n", "10", "-d", "2", "-e", "0.34"), NULL), "1/3");
    expect_usage(tu_run(GEN("--model", "dkk", "-n", "10", "-d", "2", "-e", "-0.1"), NULL), "--eps");
    expect_usage(tu_run(GEN("-n", "10", "-d", "2"), NULL), "--model is required");
    expect_usage(tu_run(GEN("--model", "nope", "-n", "10", "-d", "2"), NULL), "unknown corruption");
    expect_usage(tu_run(GEN("--model", "dkk", "--inliers", "nope", "-n", "1", "-d", "2"), NULL),
                 "unknown inlier");
    expect_usage(tu_run(GEN("--model", "dkk", "-n", "0", "-d", "2"), NULL), "at least 1");
    expect_usage(tu_run(GEN("--model", "dkk", "-n", "5", "-d", "0"), NULL), "at least 1");
    expect_usage(tu_run(GEN("--model", "dkk", "--inliers", "student", "--nu", "2", "-n", "5",
                            "-d", "2"),
                        NULL),
                 "invalid argument");
    expect_usage(tu_run(GEN("--model", "axis-noise", "--axes", "3", "-n", "5", "-d", "2"), NULL),
                 "invalid argument");
    expect_usage(tu_run(GEN("--model", "dkk", "-n", "5"), NULL), "-d are required");
    const char *bad_scales[] = {"1", "1:", ":1", "2:1", "0:1", "-1:1", "a:1", "1:inf"};
    for (size_t i = 0; i < sizeof bad_scales / sizeof *bad_scales; i++)
        expect_usage(tu_run(GEN("--model", "dkk", "-n", "5", "-d", "2", "--column-scales",
                                bad_scales[i]),
                            NULL),
                     "--column-scales");
    expect_usage(tu_run(GEN("--model", "population", "--inliers", "spiked", "--spikes", "3",
                            "-n", "5", "-d", "2"),
                        NULL),
                 "invalid argument");
}

/* The truth of a mixed-units sample lists the factors, and the data and mean are the
 * unscaled ones times them, as in process. */
Test(rmgen, column_scales_are_in_the_truth)
{
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = "population";
    o.inliers = "spiked";
    o.n = 200;
    o.d = 6;
    o.eps = 0.1;
    o.seed = 3;
    o.column_lo = 0.001;
    o.column_hi = 1000;
    rm_sample s;
    cr_assert_eq(rm_generate(&o, &s), RM_OK);
    char *data = tu_temp_path(".npy"), *truth = tu_temp_path(".json");
    tu_run_result r = tu_run(GEN("--model", "population", "--inliers", "spiked", "-n", "200",
                                 "-d", "6", "--seed", "3", "--column-scales", "0.001:1000",
                                 "-o", data, "--truth", truth),
                             NULL);
    expect_ok(r);
    rm_data back;
    rm_read_error err;
    cr_assert_eq(rm_read_file(data, NULL, &back, &err), RM_OK, "%s", err.message);
    cr_assert_eq(memcmp(back.values, s.X, 200 * 6 * sizeof(double)), 0);
    char *json = tu_read_file(truth, NULL);
    double f[6], mu[6];
    cr_assert_eq(json_array(json, "column_scales", f, 6), 6);
    cr_assert_eq(memcmp(f, s.column_scales, sizeof f), 0);
    cr_assert_eq(json_array(json, "mean", mu, 6), 6);
    cr_assert_eq(memcmp(mu, s.mu, sizeof mu), 0);
    cr_assert_not_null(strstr(json, "\"spikes\": 3"), "%s", json);
    free(json);
    rm_data_free(&back);
    tu_run_free(&r);
    tu_remove(data);
    tu_remove(truth);
    rm_sample_free(&s);
}

Test(rmgen, unwritable_output_exits_1_and_leaves_nothing)
{
    tu_run_result r = tu_run(GEN("--model", "dkk", "-n", "5", "-d", "2", "-o",
                                 "/nonexistent-dir/x.csv"),
                             NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "x.csv"));
    tu_run_free(&r);
}
