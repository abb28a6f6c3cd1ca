/* What robustmean tells a user beyond the estimate: a certificate only with its condition
 * and never when the data contradicts it, rows numbered as the file numbers them, notes
 * where the reader had to guess, and options a method cannot use refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

#define ARGV(...) ((const char *const[]){RM_CLI, __VA_ARGS__, NULL})

/* 90 rows near (1, 2, 3) and 10 at (100, 100, 100). */
static char *ninety_and_ten_csv(void)
{
    char text[100 * 40] = "";
    size_t len = 0;
    tu_rng r = {3};
    for (int i = 0; i < 100; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, i < 90 ? "%.4f,%.4f,%.4f\n"
                                                                      : "100,100,100\n",
                                1 + tu_uniform(&r) - 0.5, 2 + tu_uniform(&r) - 0.5,
                                3 + tu_uniform(&r) - 0.5);
    return tu_temp_text(".csv", text);
}

static int contains(const char *text, const char *fragment)
{
    return strstr(text, fragment) != NULL;
}

Test(cli_reports, too_small_an_eps_is_a_warning_not_a_certificate)
{
    char *in = ninety_and_ten_csv();
    const char *small[] = {"0.05", "0.09"};
    for (int k = 0; k < 2; k++) {
        tu_run_result r = tu_run(ARGV("-e", small[k], "-v", in), NULL);
        cr_assert_eq(r.status, 0, "%s", r.err);
        cr_assert(contains(r.err, "warning:") && contains(r.err, "look corrupted"), "%s",
                  r.err);
        cr_assert(contains(r.err, "larger -e"), "the warning says what to do: %s", r.err);
        cr_assert(contains(r.err, "no certificate"), "%s", r.err);
        cr_assert_not(contains(r.err, "certified,"), "%s", r.err);
        tu_run_free(&r);
        r = tu_run(ARGV("-e", small[k], "-q", "--format", "json", in), NULL);
        cr_assert(contains(r.out, "\"consistent\": false") &&
                      contains(r.out, "\"certified\": false"),
                  "%s", r.out);
        cr_assert_str_eq(r.err, "", "-q: no warning");
        tu_run_free(&r);
    }
    tu_run_result r = tu_run(ARGV("-e", "0.1", "-v", in), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not(contains(r.err, "warning"), "%s", r.err);
    cr_assert(contains(r.err, "certified, if at most eps = 0.1 of the rows are corrupted"), "%s",
              r.err);
    tu_run_free(&r);
    /* a sigma the data contradicts */
    r = tu_run(ARGV("-e", "0.1", "--sigma", "0.05", "--format", "json", in), NULL);
    cr_assert(contains(r.err, "warning:") && contains(r.err, "--sigma 0.05"), "%s", r.err);
    cr_assert(contains(r.out, "\"consistent\": false"), "%s", r.out);
    tu_run_free(&r);
    r = tu_run(ARGV("-e", "0.1", "--sigma", "0.5", "--format", "json", in), NULL);
    cr_assert_str_eq(r.err, "");
    cr_assert(contains(r.out, "\"consistent\": true") && contains(r.out, "\"certified\": true"),
              "%s", r.out);
    tu_run_free(&r);
    tu_remove(in);
}

/* With rows dropped, --weights has a line for every data row of the file (0 for a
 * dropped one), and --outliers and the JSON report number rows as the file does. */
Test(cli_reports, row_numbers_are_the_files)
{
    /* data rows 1..8; row 2 dropped (NA), row 6 far off */
    char *in = tu_temp_text(".csv", "a,b\n1,2\nNA,3\n1.1,2.1\n# c\n0.9,1.9\n1,2.2\n"
                                    "100,100\n1.05,2.05\n0.95,1.95\n");
    char *w = tu_temp_path(".txt"), *o = tu_temp_path(".txt");
    tu_run_result r = tu_run(ARGV("-e", "0.2", "--drop-nonfinite", "--weights", w,
                                  "--outliers", o, "--format", "json", in), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(contains(r.out, "\"outliers\": [6]"), "%s", r.out);
    cr_assert(contains(r.out, "\"outlier_count\": 1") && contains(r.out, "\"dropped_rows\": 1"),
              "%s", r.out);
    char *weights = tu_read_file(w, NULL), *outliers = tu_read_file(o, NULL);
    cr_assert_str_eq(outliers, "6\n");
    size_t lines = 0;
    double v[8];
    for (char *p = weights; *p; p = strchr(p, '\n') + 1) {
        if (lines < 8)
            v[lines] = strtod(p, NULL);
        lines++;
    }
    cr_assert_eq(lines, 8, "a weight for each of the file's 8 data rows:\n%s", weights);
    cr_assert_eq(v[1], 0.0, "the dropped row's weight");
    cr_assert_eq(v[5], 0.0, "the far row's weight");
    for (int i = 0; i < 8; i++)
        if (i != 1 && i != 5)
            cr_assert_gt(v[i], 0.0, "row %d", i + 1);
    free(weights);
    free(outliers);
    tu_run_free(&r);
    tu_remove(in);
    tu_remove(w);
    tu_remove(o);
}

/* Exports with row labels, a header that may be a data row, hexadecimal, tabs. */
Test(cli_reports, no_silent_misreads)
{
    struct {
        const char *text, *args, *out, *err;
    } cases[] = {
        {",a,b\n0,1,2\n1,3,4\n", "", "2,3\n", "row labels (pandas' index, R's row names)"},
        {"\"\",\"x\",\"y\"\n\"1\",1,2\n\"2\",3,4\n", "", "2,3\n", "was left out"},
        {"1.2.3,2\n1,2\n3,4\n", "", "2,3\n", "taken as a header, though some of its fields"},
        {"0x10,1\n2,3\n4,5\n", "", "3,4\n", "--no-header reads it"},
        {"1\t\t3\n4\t5\t6\n", "--drop-nonfinite", "4,5,6\n", "dropped 1 row"},
        {"1,2,\n3,4,\n", "", "2,3\n", ""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *in = tu_temp_text(".csv", cases[k].text);
        tu_run_result r = cases[k].args[0] ? tu_run(ARGV("-m", "mean", cases[k].args, in), NULL)
                                           : tu_run(ARGV("-m", "mean", in), NULL);
        cr_assert_eq(r.status, 0, "case %zu: %s", k, r.err);
        cr_assert_str_eq(r.out, cases[k].out, "case %zu", k);
        if (cases[k].err[0])
            cr_assert(contains(r.err, cases[k].err), "case %zu: %s", k, r.err);
        else
            cr_assert_str_eq(r.err, "", "case %zu", k);
        tu_run_free(&r);
        tu_remove(in);
    }
    char *in = tu_temp_text(".csv", "1,2\n0x10,3\n");
    tu_run_result r = tu_run(ARGV("-m", "mean", in), NULL);
    cr_assert_eq(r.status, 1);
    cr_assert(contains(r.err, "'0x10' is not a number"), "%s", r.err);
    tu_run_free(&r);
    tu_remove(in);
}

/* The same rule for every option a method does not use: a usage error naming it; and
 * nothing asked shows how to ask. */
Test(cli_reports, options_a_method_ignores_are_refused)
{
    char *in = tu_temp_text(".csv", "1,2\n3,4\n5,6\n");
    struct {
        const char *method, *option, *value;
    } cases[] = {
        {"median", "--sigma", "1"},      {"mean", "--tol", "0.1"},
        {"trimmed", "--max-iter", "5"},  {"geomedian", "--delta", "0.1"},
        {"mom", "--directions", "4"},    {"lowregret", "--blocks", "3"},
        {"median", "--weights", "w.txt"}, {"mean", "--max-seconds", "1"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        tu_run_result r = tu_run(ARGV("-e", "0.1", "-m", cases[k].method, cases[k].option,
                                      cases[k].value, in),
                                 NULL);
        cr_assert_eq(r.status, 2, "%s %s: %s", cases[k].method, cases[k].option, r.err);
        cr_assert(contains(r.err, cases[k].option) || contains(r.err, "does not weight rows"),
                  "%s", r.err);
        cr_assert(contains(r.err, cases[k].method), "%s", r.err);
        tu_run_free(&r);
    }
    tu_run_result r = tu_run(ARGV("-e", "0.1", "-m", "geomedian", "--tol", "1e-6", in), NULL);
    cr_assert_eq(r.status, 0, "an option the method uses: %s", r.err);
    tu_run_free(&r);
    const char *const bare[] = {RM_CLI, NULL};
    r = tu_run(bare, NULL);
    cr_assert_eq(r.status, 2);
    cr_assert(contains(r.err, "Usage: robustmean -e EPS"), "%s", r.err);
    cr_assert_str_eq(r.out, "");
    tu_run_free(&r);
    tu_remove(in);
}
