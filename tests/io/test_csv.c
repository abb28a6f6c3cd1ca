/* The CSV reader: every feature it promises, and every bad input it must name. */
#include <criterion/criterion.h>
#include <grp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "robustmean.h"
#include "test_util.h"

/* Read text as a .csv file with the given options (NULL: defaults). */
static int read_text(const char *text, const rm_read_options *opt, rm_data *data,
                     rm_read_error *err)
{
    char *path = tu_temp_text(".csv", text);
    int status = rm_read_file(path, opt, data, err);
    tu_remove(path);
    return status;
}

static void expect_matrix(const rm_data *data, size_t n, size_t d, const double *want)
{
    cr_assert_eq(data->n, n, "n = %zu, want %zu", data->n, n);
    cr_assert_eq(data->d, d, "d = %zu, want %zu", data->d, d);
    for (size_t k = 0; k < n * d; k++)
        cr_assert_eq(data->values[k], want[k], "value %zu: %.17g, want %.17g", k,
                     data->values[k], want[k]);
}

static void expect_read(const char *text, const rm_read_options *opt, size_t n, size_t d,
                        const double *want)
{
    rm_data data;
    rm_read_error err;
    int status = read_text(text, opt, &data, &err);
    cr_assert_eq(status, RM_OK, "status %d: %s", status, err.message);
    expect_matrix(&data, n, d, want);
    rm_data_free(&data);
}

/* A read that fails with status, and a message that contains `fragment`. */
static void expect_failure(const char *text, const rm_read_options *opt, int status,
                           size_t line, size_t column, const char *fragment)
{
    rm_data data;
    rm_read_error err;
    int got = read_text(text, opt, &data, &err);
    cr_assert_eq(got, status, "status %d, want %d (%s)", got, status, err.message);
    cr_assert_eq(err.line, line, "line %zu, want %zu: %s", err.line, line, err.message);
    cr_assert_eq(err.column, column, "column %zu, want %zu: %s", err.column, column, err.message);
    cr_assert_not_null(strstr(err.message, fragment), "message '%s' lacks '%s'", err.message,
                       fragment);
    cr_assert_null(data.values);
    cr_assert_eq(data.n, 0);
}

static const double m23[] = {1, 2, 3, 4.5, -5, 6e-3};

Test(csv, delimiters_are_detected)
{
    expect_read("1,2,3\n4.5,-5,6e-3\n", NULL, 2, 3, m23);
    expect_read("1\t2\t3\n4.5\t-5\t6e-3\n", NULL, 2, 3, m23);
    expect_read("1;2;3\n4.5;-5;6e-3\n", NULL, 2, 3, m23);
    expect_read("1 2 3\n4.5   -5\t 6e-3\n", NULL, 2, 3, m23);
    expect_read("  1  2  3  \n 4.5 -5 6e-3\n", NULL, 2, 3, m23);
    expect_read("1 , 2 , 3\n4.5, -5 ,6e-3\n", NULL, 2, 3, m23);
}

Test(csv, delimiter_can_be_forced)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.delimiter = ';';
    static const double one_col[] = {1, 2};
    /* With ';' forced, "1" and "2" lines are single columns. */
    expect_read("1\n2\n", &opt, 2, 1, one_col);
    opt.delimiter = ',';
    opt.header = RM_HEADER_NO;
    expect_failure("1;2\n", &opt, RM_EPARSE, 1, 1, "'1;2' is not a number");
    opt.delimiter = 'x';
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1\n", &opt, &data, &err), RM_EINVAL);
}

Test(csv, header_is_detected_or_forced)
{
    expect_read("a,b,c\n1,2,3\n4.5,-5,6e-3\n", NULL, 2, 3, m23);
    expect_read("\"x 1\",\"y, 2\",z\n1,2,3\n4.5,-5,6e-3\n", NULL, 2, 3, m23);
    /* pandas' unnamed columns; but 1,2,3 is data */
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("0,1,2\n1,2,3\n4.5,-5,6e-3\n", NULL, &data, &err), RM_OK);
    expect_matrix(&data, 2, 3, m23);
    cr_assert_eq(data.header_is_index, 1);
    rm_data_free(&data);
    static const double two_rows[] = {1, 2, 3, 4, 5, 6};
    expect_read("1,2,3\n4,5,6\n", NULL, 2, 3, two_rows);
    expect_read("0,1\n4,5\n", NULL, 2, 2, (const double[]){0, 1, 4, 5});
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.header = RM_HEADER_YES;
    expect_read("7,8,9\n1,2,3\n4.5,-5,6e-3\n", &opt, 2, 3, m23);
    opt.header = RM_HEADER_NO;
    static const double with_first[] = {0, 1, 2, 1, 2, 3, 4.5, -5, 6e-3};
    expect_read("0,1,2\n1,2,3\n4.5,-5,6e-3\n", &opt, 3, 3, with_first);
    expect_failure("a,b,c\n1,2,3\n", &opt, RM_EPARSE, 1, 1, "'a' is not a number");

    cr_assert_eq(read_text("a,b\n1,2\n", NULL, &data, &err), RM_OK);
    cr_assert_eq(data.had_header, 1);
    rm_data_free(&data);
}

Test(csv, crlf_bom_comments_blank_lines_quotes)
{
    expect_read("\xEF\xBB\xBFx,y,z\r\n# a comment\r\n\r\n1,2,3\r\n   \r\n  # indented comment\n"
                "\"4.5\",-5,\"6e-3\"\r\n",
                NULL, 2, 3, m23);
    /* no final newline */
    expect_read("1,2,3\n4.5,-5,6e-3", NULL, 2, 3, m23);
    /* BOM before data */
    expect_read("\xEF\xBB\xBF" "1,2,3\n4.5,-5,6e-3\n", NULL, 2, 3, m23);
}

Test(csv, single_column_and_single_row)
{
    static const double col[] = {1.5, -2, 3};
    expect_read("1.5\n-2\n3\n", NULL, 3, 1, col);
    expect_read("value\n1.5\n-2\n3\n", NULL, 3, 1, col);
    expect_read("1.5,-2,3\n", NULL, 1, 3, col);
}

Test(csv, numbers_are_read_exactly_as_strtod)
{
    /* Random doubles of every magnitude, printed with %.17g, %.6e, %.3g, and as integers:
     * each must come back as the very double strtod gives. */
    tu_rng r = {99};
    size_t n = 3000, len = 0, cap = n * 40 + 64;
    char *text = malloc(cap);
    double *want = malloc(n * sizeof *want);
    for (size_t i = 0; i < n; i++) {
        uint64_t bits = tu_next(&r);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            v = (double)(bits >> 12);
        char field[64];
        switch (i % 4) {
        case 0: snprintf(field, sizeof field, "%.17g", v); break;
        case 1: snprintf(field, sizeof field, "%.6e", v); break;
        case 2: snprintf(field, sizeof field, "%.3g", v); break;
        default: snprintf(field, sizeof field, "%lld", (long long)(bits >> 20) - (1LL << 42)); break;
        }
        want[i] = strtod(field, NULL);
        len += (size_t)snprintf(text + len, cap - len, "%s\n", field);
    }
    expect_read(text, NULL, n, 1, want);
    free(text);
    free(want);

    /* Halfway cases and long digit strings, where a naive converter rounds wrongly. */
    const char *hard[] = {"9007199254740993", "2.2250738585072011e-308",
                          "4.9406564584124654e-324", "1.7976931348623157e308",
                          "0.1000000000000000055511151231257827021181583404541015625",
                          "123456789012345678901234567890e-10", "1e-400", "+3.5", "-0"};
    for (size_t k = 0; k < sizeof hard / sizeof hard[0]; k++) {
        char line[128];
        snprintf(line, sizeof line, "%s\n", hard[k]);
        double w = strtod(hard[k], NULL);
        rm_data data;
        rm_read_error err;
        cr_assert_eq(read_text(line, NULL, &data, &err), RM_OK, "%s: %s", hard[k], err.message);
        cr_assert_eq(memcmp(&data.values[0], &w, sizeof w), 0, "%s", hard[k]);
        rm_data_free(&data);
    }
}

Test(csv, integers_with_thousands_of_digits)
{
    /* 300 digits: a finite double; 400 digits: beyond the double range. */
    char text[1024];
    memset(text, '7', 300);
    memcpy(text + 300, "\n", 2);
    double w = strtod(text, NULL);
    expect_read(text, NULL, 1, 1, &w);
    memset(text, '7', 400);
    memcpy(text + 400, "\n", 2);
    expect_failure(text, NULL, RM_ERANGE, 1, 1, "outside the range of double");
}

Test(csv, a_line_longer_than_the_read_buffer)
{
    size_t d = 200000, cap = d * 4 + 16, len = 0;
    char *text = malloc(cap);
    double *want = malloc(2 * d * sizeof *want);
    for (size_t row = 0; row < 2; row++)
        for (size_t j = 0; j < d; j++) {
            len += (size_t)snprintf(text + len, cap - len, "%zu%c", j % 10, j + 1 < d ? ',' : '\n');
            want[row * d + j] = (double)(j % 10);
        }
    expect_read(text, NULL, 2, d, want);
    free(text);
    free(want);
}

Test(csv, ragged_rows_are_named)
{
    expect_failure("1,2,3\n4,5\n", NULL, RM_EPARSE, 2, 0, "2 fields, but line 1 has 3");
    expect_failure("a,b\n1,2\n3,4,5\n", NULL, RM_EPARSE, 3, 0, "3 fields, but line 1 has 2");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("# c\n1,2\n\n3\n", NULL, &data, &err), RM_EPARSE);
    cr_assert_eq(err.row, 2);
    cr_assert_eq(err.line, 4);
    cr_assert_eq(err.column, 0, "a row's field count names no column: %zu", err.column);
}

Test(csv, non_numeric_fields_are_named)
{
    expect_failure("1,2\n3,abc\n", NULL, RM_EPARSE, 2, 2, "'abc' is not a number");
    expect_failure("1,2\n3,1.5.5\n", NULL, RM_EPARSE, 2, 2, "'1.5.5' is not a number");
    expect_failure("1;2\n3;1,5\n", NULL, RM_EPARSE, 2, 2, "'1,5' is not a number");
    expect_failure("1,2\n3,\"4\n", NULL, RM_EPARSE, 2, 2, "unterminated quoted field");
    expect_failure("1,2\n3,\x01\xff\n", NULL, RM_EPARSE, 2, 2, "'\\x01\\xff' is not a number");
}

Test(csv, nan_inf_and_missing_values_fail_or_are_dropped)
{
    expect_failure("1,2\n3,nan\n", NULL, RM_ENONFINITE, 2, 2, "'nan' is a missing or non-finite");
    expect_failure("1,2\n-inf,2\n", NULL, RM_ENONFINITE, 2, 1, "'-inf'");
    expect_failure("1,2\n3,NA\n", NULL, RM_ENONFINITE, 2, 2, "'NA'");
    expect_failure("1,2\n3,\n", NULL, RM_ENONFINITE, 2, 2, "empty field");
    expect_failure("1,2\n1e999,2\n", NULL, RM_ERANGE, 2, 1, "'1e999' is outside the range");

    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.drop_nonfinite = 1;
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1,2\nnan,1\n3,4\n5,Infinity\n,7\n", &opt, &data, &err), RM_OK);
    static const double kept[] = {1, 2, 3, 4};
    expect_matrix(&data, 2, 2, kept);
    cr_assert_eq(data.dropped_rows, 3);
    rm_data_free(&data);
    expect_failure("nan,1\n", &opt, RM_EEMPTY, 0, 0, "all 1 data rows");
}

Test(csv, empty_inputs_are_named)
{
    expect_failure("", NULL, RM_EEMPTY, 0, 0, "the input is empty");
    expect_failure("a,b,c\n", NULL, RM_EEMPTY, 1, 0, "no data rows after the header on line 1");
    expect_failure("# only\n\n   \n", NULL, RM_EEMPTY, 0, 0, "no data rows");
}

/* What rm_read_file said, passed from a child process to its parent. */
typedef struct read_outcome {
    int status;
    rm_read_error err;
} read_outcome;

/* rm_read_file(path) in a child process that runs as nobody (uid and gid 65534): root may
 * read anything. *dropped: 0 when the child could not drop root's privileges. */
static read_outcome read_as_nobody(const char *path, int *dropped)
{
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(fd[0]);
        read_outcome o;
        memset(&o, 0, sizeof o);
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        rm_data data;
        o.status = rm_read_file(path, NULL, &data, &o.err);
        if (o.status == RM_OK)
            rm_data_free(&data);
        _exit(write(fd[1], &o, sizeof o) == (ssize_t)sizeof o ? 0 : 4);
    }
    close(fd[1]);
    read_outcome o;
    memset(&o, 0, sizeof o);
    ssize_t got = read(fd[0], &o, sizeof o);
    close(fd[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st), "the reading child died (status %d)", st);
    *dropped = WEXITSTATUS(st) != 3;
    if (*dropped) {
        cr_assert_eq(WEXITSTATUS(st), 0, "the reading child failed to report");
        cr_assert_eq(got, (ssize_t)sizeof o);
    }
    return o;
}

Test(csv, missing_and_unreadable_files)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file("/nonexistent/dir/x.csv", NULL, &data, &err), RM_EIO);
    cr_assert_not_null(strstr(err.message, "No such file"), "%s", err.message);
    cr_assert_eq(rm_read_file("/", NULL, &data, &err), RM_EIO);
    cr_assert_not_null(strstr(err.message, "directory"), "%s", err.message);
    cr_assert_eq(rm_read_file("x.csv", NULL, NULL, &err), RM_EINVAL);
    /* a file we may not read */
    char *path = tu_temp_text(".csv", "1\n");
    cr_assert_eq(chmod(path, 0), 0);
    read_outcome o;
    if (geteuid() != 0) {
        o.status = rm_read_file(path, NULL, &data, &o.err);
    } else { /* as root the file is readable: read it as nobody */
        int dropped;
        o = read_as_nobody(path, &dropped);
        if (!dropped) {
            tu_remove(path);
            cr_skip_test("running as root, and a child could not drop to uid 65534");
        }
    }
    tu_remove(path);
    cr_assert_eq(o.status, RM_EIO, "status %d: %s", o.status, o.err.message);
    cr_assert_not_null(strstr(o.err.message, "Permission denied"), "%s", o.err.message);
}

Test(csv, free_is_null_safe)
{
    rm_data_free(NULL);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1,2\n3,4\n", NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert_not_null(data.values);
    rm_data_free(&data);
    cr_assert_null(data.values);
    cr_assert_null(data.values_float);
    cr_assert_null(data.mapping);
    cr_assert_eq(data.n, 0);
    cr_assert_eq(data.d, 0);
    rm_data_free(&data); /* twice: harmless */
    cr_assert_null(data.values);
    cr_assert_eq(data.n, 0);
}

/* Large inputs are parsed by several threads, a piece each: the rows come out in order,
 * dropped rows leave no hole, and the error reported is the first by line. */
Test(csv, many_rows_in_parallel_pieces)
{
    size_t n = 200000, cap = n * 40, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "a,b\n");
    for (size_t i = 0; i < n; i++) {
        if (i % 1000 == 7)
            len += (size_t)snprintf(text + len, cap - len, "# comment %zu\n\n", i);
        if (i % 5000 == 11)
            len += (size_t)snprintf(text + len, cap - len, "nan,%zu\n", i); /* dropped */
        len += (size_t)snprintf(text + len, cap - len, "%zu,%.17g\n", i, (double)i / 7.0);
    }
    /* two pieces need 2 MiB: csv_reader.c sizes its team by rm_threads(threads, bytes / 16),
     * one thread below 2^17 */
    cr_assert_geq(len, (size_t)16 << 17, "%zu bytes: too few for two pieces", len);
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.drop_nonfinite = 1;
    opt.threads = 2;
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text(text, &opt, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, n);
    cr_assert_eq(data.dropped_rows, n / 5000);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(data.values[2 * i], (double)i, "row %zu", i);
        char field[32];
        snprintf(field, sizeof field, "%.17g", (double)i / 7.0);
        cr_assert_eq(data.values[2 * i + 1], strtod(field, NULL), "row %zu", i);
    }
    rm_data_free(&data);
    /* two bad rows far apart: the first by line is named */
    char *bad1 = strstr(text, "\n150000,");
    char *bad2 = strstr(text, "\n60000,");
    cr_assert(bad1 && bad2);
    bad1[1] = 'x';
    bad2[1] = 'y';
    opt.drop_nonfinite = 0;
    cr_assert_eq(read_text(text, &opt, &data, &err), RM_ENONFINITE); /* the nan rows come first */
    opt.drop_nonfinite = 1;
    cr_assert_eq(read_text(text, &opt, &data, &err), RM_EPARSE);
    cr_assert_not_null(strstr(err.message, "'y0000' is not a number"), "%s", err.message);
    size_t line = 1; /* the header */
    for (const char *p = text; p <= bad2; p++)
        line += *p == '\n';
    cr_assert_eq(err.line, line, "line %zu, want %zu", err.line, line);
    cr_assert_eq(err.column, 1);
    free(text);
}

/* Hexadecimal is not a number in a data file, though strtod reads it. */
Test(csv, hexadecimal_is_not_a_number)
{
    expect_failure("1,2\n0x10,3\n", NULL, RM_EPARSE, 2, 1, "'0x10' is not a number");
    expect_failure("1,2\n3,-0X1p3\n", NULL, RM_EPARSE, 2, 2, "'-0X1p3' is not a number");
    expect_read("0,2\n10,3\n", NULL, 2, 2, (double[]){0, 2, 10, 3});
}

/* Between two tabs lies an empty field: it is not swallowed with the blanks. */
Test(csv, tab_separated_empty_fields_are_kept)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.delimiter = '\t';
    expect_failure("1\t\t3\n4\t5\t6\n", &opt, RM_ENONFINITE, 1, 2, "empty field");
    expect_failure("1\t\t3\n4\t5\t6\n", NULL, RM_ENONFINITE, 1, 2, "empty field"); /* detected */
    expect_read("\"1\"\t\"2\"\n3\t 4\n", &opt, 2, 2, (double[]){1, 2, 3, 4});
    opt.drop_nonfinite = 1;
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1\t\t3\n4\t5\t6\n", &opt, &data, &err), RM_OK, "%s", err.message);
    expect_matrix(&data, 1, 3, (double[]){4, 5, 6});
    cr_assert_eq(data.dropped_rows, 1);
    cr_assert_eq(data.dropped[0], 1);
    rm_data_free(&data);
}

/* Every line ending with the delimiter adds no column. */
Test(csv, a_trailing_delimiter_is_not_a_column)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1,2,\n3,4,\n", NULL, &data, &err), RM_OK, "%s", err.message);
    expect_matrix(&data, 2, 2, (double[]){1, 2, 3, 4});
    cr_assert(data.trailing_delimiter);
    rm_data_free(&data);
    cr_assert_eq(read_text("a;b;\n1;2;\n3;4\n", NULL, &data, &err), RM_OK, "%s", err.message);
    expect_matrix(&data, 2, 2, (double[]){1, 2, 3, 4});
    rm_data_free(&data);
    cr_assert_eq(read_text("1,2\n3,4\n", NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert_not(data.trailing_delimiter);
    rm_data_free(&data);
    /* when the first line does not end so, an empty last field is a missing value */
    expect_failure("1,2\n3,\n", NULL, RM_ENONFINITE, 2, 2, "empty field");
}

/* The row labels of pandas' to_csv (an unnamed index column) and of R's write.csv (a ""
 * column of row names) are left out, and errors name the file's columns. */
Test(csv, row_labels_of_pandas_and_r_are_left_out)
{
    const char *texts[] = {
        ",a,b\n0,1,2\n1,3,4\n",                           /* pandas */
        "\"\",\"x\",\"y\"\n\"1\",1,2\n\"2\",3,4\n",       /* R, numbered rows */
        "\"\",\"x\",\"y\"\n\"r1\",1,2\n\"r2\",3,4\n",     /* R, named rows */
    };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        rm_data data;
        rm_read_error err;
        cr_assert_eq(read_text(texts[k], NULL, &data, &err), RM_OK, "%zu: %s", k, err.message);
        expect_matrix(&data, 2, 2, (double[]){1, 2, 3, 4});
        cr_assert(data.had_header && data.skipped_label_column, "text %zu", k);
        rm_data_free(&data);
    }
    expect_failure(",a,b\n0,1,x\n", NULL, RM_EPARSE, 2, 3, "'x' is not a number");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("a,b\n1,2\n", NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert_not(data.skipped_label_column);
    rm_data_free(&data);
}

/* A first line with numbers beside text is taken as a header, and the caller is told:
 * a data row with a typo looks the same. */
Test(csv, a_header_with_numbers_is_flagged)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text("1.2.3,2\n1,2\n3,4\n", NULL, &data, &err), RM_OK, "%s", err.message);
    expect_matrix(&data, 2, 2, (double[]){1, 2, 3, 4});
    cr_assert(data.had_header && data.header_mixed);
    rm_data_free(&data);
    cr_assert_eq(read_text("x,y\n1,2\n", NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert(data.had_header && !data.header_mixed);
    rm_data_free(&data);
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.header = RM_HEADER_NO;
    expect_failure("1.2.3,2\n1,2\n", &opt, RM_EPARSE, 1, 1, "'1.2.3' is not a number");
}

/* Dropped rows are listed by the file's data-row numbers, from the first lines (read one
 * by one) and from the rest (read by pieces), so that a caller can number the rows it
 * reports as the file does. */
Test(csv, dropped_rows_keep_the_files_numbers)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.drop_nonfinite = 1;
    opt.threads = 2;
    /* the header line and a comment are not data rows */
    const char *text = "a,b\nNA,1\n1,2\n# note\n3,nan\n4,5\n\n,6\n7,8\n";
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text(text, &opt, &data, &err), RM_OK, "%s", err.message);
    expect_matrix(&data, 3, 2, (double[]){1, 2, 4, 5, 7, 8});
    cr_assert_eq(data.dropped_rows, 3);
    size_t want[] = {1, 3, 5};
    for (size_t k = 0; k < 3; k++)
        cr_assert_eq(data.dropped[k], want[k], "dropped %zu: %zu", k, data.dropped[k]);
    rm_data_free(&data);
    /* many, on threads: every fifth row of 200000 */
    size_t n = 200000, len = 0;
    char *big = malloc(n * 8 + 1);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(big + len, i % 5 == 3 ? "NA,%zu\n" : "%zu,1\n", i % 10);
    cr_assert_eq(read_text(big, &opt, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.dropped_rows, n / 5);
    cr_assert_eq(data.n, n - n / 5);
    for (size_t k = 0; k < data.dropped_rows; k++)
        cr_assert_eq(data.dropped[k], 5 * k + 4, "dropped %zu: %zu", k, data.dropped[k]);
    rm_data_free(&data);
    free(big);
}
