/* The robustmean command on the data users have: chosen columns, decimal commas,
 * compressed CSV and .npz archives, with every refusal's message and exit status. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

#define ARGV(...) ((const char *const[]){RM_CLI, __VA_ARGS__, NULL})

static const char table[] = "id,price,age,label\n"
                            "a1,3.5,20,cat\n"
                            "a2,4.5,30,dog\n";

/* The run succeeded and printed exactly `out`. */
static void expect_out(tu_run_result r, const char *out)
{
    cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
    cr_assert_str_eq(r.out, out, "stderr: %s", r.err);
    tu_run_free(&r);
}

/* The run failed with `status`, nothing on stdout, and exactly `err` on stderr. */
static void expect_err(tu_run_result r, int status, const char *err)
{
    cr_assert_eq(r.status, status, "status %d, want %d: %s", r.status, status, r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.err, err);
    tu_run_free(&r);
}

Test(cli_read, columns_by_name_number_and_skip)
{
    char *path = tu_temp_text(".csv", table);
    expect_out(tu_run(ARGV("-m", "mean", "--columns", "age,price", path), NULL), "25,4\n");
    expect_out(tu_run(ARGV("-m", "mean", "--columns", "2-3", path), NULL), "4,25\n");
    expect_out(tu_run(ARGV("-m", "mean", "--skip-columns", "id,label", path), NULL), "4,25\n");
    tu_remove(path);
}

Test(cli_read, a_text_column_is_named_with_the_way_to_skip_it)
{
    char *path = tu_temp_text(".csv", table);
    char want[512];
    snprintf(want, sizeof want,
             "robustmean: %s: line 2 (data row 1), column 1: 'a1' is not a number (column "
             "'id'); if that column holds text, --skip-columns id leaves it out\n",
             path);
    expect_err(tu_run(ARGV("-m", "mean", path), NULL), 1, want);
    /* a column without a usable name: its number */
    expect_err(tu_run(ARGV("-m", "mean", "-"), "1,2\n3,x\n"), 1,
               "robustmean: <stdin>: line 2 (data row 2), column 2: 'x' is not a number; if "
               "that column holds text, --skip-columns 2 leaves it out\n");
    snprintf(want, sizeof want,
             "robustmean: %s: line 1: no column is named 'prise'; the header names 'id', "
             "'price', 'age', 'label'\n",
             path);
    expect_err(tu_run(ARGV("-m", "mean", "--columns", "prise", path), NULL), 1, want);
    tu_remove(path);
}

Test(cli_read, the_report_names_the_columns_used)
{
    char *path = tu_temp_text(".csv", table);
    tu_run_result r = tu_run(ARGV("-m", "mean", "--format", "json", "--columns", "age,2", path),
                             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"columns\": [3, 2], \"column_names\": [\"age\", \"price\"]"),
                       "%s", r.out);
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean", "-v", "--skip-columns", "1,4", path), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[512];
    snprintf(want, sizeof want,
             "robustmean: read 2 rows x 2 columns from %s (first line taken as a header); "
             "columns: price (2), age (3)\n",
             path);
    cr_assert_not_null(strstr(r.err, want), "%s", r.err);
    tu_run_free(&r);
    r = tu_run(ARGV("-m", "mean", "--format", "json", "-"), "1,2,3\n");
    cr_assert_not_null(strstr(r.out, "\"columns\": [1, 2, 3], \"iterations\""), "%s", r.out);
    tu_run_free(&r);
    tu_remove(path);
}

Test(cli_read, decimal_comma)
{
    expect_out(tu_run(ARGV("-m", "mean", "--decimal", ",", "-"), "a;b\n1,5;2,25\n3,5;-1\n"),
               "2.5,0.625\n");
    expect_out(tu_run(ARGV("-m", "mean", "--decimal", "comma", "-"), "1,5\t2\n2,5\t4\n"), "2,3\n");
    expect_err(tu_run(ARGV("-m", "mean", "--decimal", ",", "--delimiter", ",", "-"), "1\n"), 2,
               "robustmean: --decimal ',' needs another delimiter than ',' (--delimiter ';', "
               "tab or space; by default it is detected among those)\n"
               "Try 'robustmean --help' for more information.\n");
    expect_err(tu_run(ARGV("-m", "mean", "--decimal", "x", "-"), "1\n"), 2,
               "robustmean: --decimal must be '.' or ',', not 'x'\n"
               "Try 'robustmean --help' for more information.\n");
}

Test(cli_read, compressed_files_and_streams)
{
    const char text[] = "x,y\n1,2\n3,4.5\n";
    size_t gz_len, zst_len;
    unsigned char *gz = tu_gzip_bytes(text, strlen(text), &gz_len);
    unsigned char *zst = tu_zstd_bytes(text, strlen(text), &zst_len);
    char *gz_path = tu_temp_file(".csv.gz", gz, gz_len);
    char *zst_path = tu_temp_file(".csv.zst", zst, zst_len);
    expect_out(tu_run(ARGV("-m", "mean", gz_path), NULL), "2,3.25\n");
    expect_out(tu_run(ARGV("-m", "mean", zst_path), NULL), "2,3.25\n");
    expect_out(tu_run_bytes(ARGV("-m", "mean", "-"), gz, gz_len), "2,3.25\n");
    expect_out(tu_run_bytes(ARGV("-m", "mean"), zst, zst_len), "2,3.25\n");
    expect_err(tu_run_bytes(ARGV("-m", "mean", "-"), gz, gz_len - 3), 1,
               "robustmean: <stdin>: truncated gzip data: the input ends inside a compressed "
               "stream\n");
    expect_err(tu_run_bytes(ARGV("-m", "mean", "-"), zst, zst_len - 3), 1,
               "robustmean: <stdin>: truncated zstd data: the input ends inside a compressed "
               "frame\n");
    tu_remove(gz_path);
    tu_remove(zst_path);
    free(gz);
    free(zst);
}
