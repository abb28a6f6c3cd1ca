/* Choosing columns (rm_read_options.columns, .skip_columns): by number, range and header
 * name, in CSV files and .npy arrays; the columns read are recorded; every bad choice and
 * a field of text are named. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

static const char table[] = "id,price,age,label\n"
                            "a1,3.5,20,cat\n"
                            "a2,4.25,30,dog\n";

static int read_text(const char *text, const char *columns, const char *skip, rm_data *data,
                     rm_read_error *err)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.columns = columns;
    opt.skip_columns = skip;
    return tu_read_text(".csv", text, &opt, data, err);
}

static const char *shown(const char *spec) { return spec ? spec : "(none)"; }

/* The read gives n x d values `want`, from the file's columns `numbers`, named `names`
 * (NULL: no header). */
static void expect_columns(const char *text, const char *columns, const char *skip, size_t n,
                           size_t d, const double *want, const size_t *numbers,
                           const char *const *names)
{
    rm_data data;
    rm_read_error err;
    int status = read_text(text, columns, skip, &data, &err);
    cr_assert_eq(status, RM_OK, "%s / %s: %s", shown(columns), shown(skip), err.message);
    cr_assert_eq(data.n, n);
    cr_assert_eq(data.d, d, "d = %zu, want %zu", data.d, d);
    for (size_t k = 0; k < n * d; k++)
        cr_assert_eq(data.values[k], want[k], "value %zu: %.17g, want %.17g", k, data.values[k],
                     want[k]);
    for (size_t j = 0; j < d; j++)
        cr_assert_eq(data.column_numbers[j], numbers[j], "column %zu: number %zu, want %zu", j,
                     data.column_numbers[j], numbers[j]);
    if (!names) {
        cr_assert_null(data.column_names);
    } else {
        cr_assert_not_null(data.column_names);
        for (size_t j = 0; j < d; j++)
            cr_assert_str_eq(data.column_names[j], names[j]);
    }
    rm_data_free(&data);
}

static void expect_refused(const char *text, const char *columns, const char *skip, int status,
                           const char *message)
{
    rm_data data;
    rm_read_error err;
    int got = read_text(text, columns, skip, &data, &err);
    cr_assert_eq(got, status, "%s / %s: status %d, want %d (%s)", shown(columns), shown(skip), got,
                 status, err.message);
    cr_assert_str_eq(err.message, message);
    cr_assert_null(data.values);
    cr_assert_null(data.column_numbers);
}

Test(columns, by_header_name_in_the_order_given)
{
    expect_columns(table, "age,price", NULL, 2, 2, (const double[]){20, 3.5, 30, 4.25},
                   (const size_t[]){3, 2}, (const char *const[]){"age", "price"});
}

Test(columns, by_number_and_range)
{
    expect_columns(table, "2-3", NULL, 2, 2, (const double[]){3.5, 20, 4.25, 30},
                   (const size_t[]){2, 3}, (const char *const[]){"price", "age"});
    static const char numbers[] = "1,2,3,4,5\n6,7,8,9,10\n";
    expect_columns(numbers, "2-3,5, 1", NULL, 2, 4, (const double[]){2, 3, 5, 1, 7, 8, 10, 6},
                   (const size_t[]){2, 3, 5, 1}, NULL);
}

Test(columns, skipped_columns_are_never_parsed)
{
    expect_columns(table, NULL, "id,label", 2, 2, (const double[]){3.5, 20, 4.25, 30},
                   (const size_t[]){2, 3}, (const char *const[]){"price", "age"});
    expect_columns(table, "2-4", "4", 2, 2, (const double[]){3.5, 20, 4.25, 30},
                   (const size_t[]){2, 3}, (const char *const[]){"price", "age"});
    /* no header: text in a column left out does not make the first line one */
    expect_columns("a1,3.5,20\na2,4.25,30\n", NULL, "1", 2, 2,
                   (const double[]){3.5, 20, 4.25, 30}, (const size_t[]){2, 3}, NULL);
}

Test(columns, every_column_is_recorded_without_a_choice)
{
    expect_columns("x,y\n1,2\n", NULL, NULL, 1, 2, (const double[]){1, 2},
                   (const size_t[]){1, 2}, (const char *const[]){"x", "y"});
    expect_columns("1,2\n", NULL, NULL, 1, 2, (const double[]){1, 2}, (const size_t[]){1, 2},
                   NULL);
}

Test(columns, a_label_column_keeps_its_number)
{
    static const char labelled[] = ",a,b\nr1,1,2\nr2,3,4\n";
    expect_columns(labelled, "3", NULL, 2, 1, (const double[]){2, 4}, (const size_t[]){3},
                   (const char *const[]){"b"});
    expect_columns(labelled, NULL, "a", 2, 1, (const double[]){2, 4}, (const size_t[]){3},
                   (const char *const[]){"b"});
    expect_refused(labelled, "1", NULL, RM_EINVAL,
                   "line 1: column 1 holds row labels (its header name is empty), not data");
}

Test(columns, a_text_field_names_its_column)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text(table, NULL, "label", &data, &err), RM_EPARSE);
    cr_assert_str_eq(err.message,
                     "line 2 (data row 1), column 1: 'a1' is not a number (column 'id')");
    cr_assert_eq(err.line, 2);
    cr_assert_eq(err.row, 1);
    cr_assert_eq(err.column, 1);
    cr_assert_eq(err.text_field, 1);
    cr_assert_str_eq(err.column_name, "id");
    /* without a header there is no name, only the number */
    cr_assert_eq(read_text("1,2\n3,x\n", NULL, NULL, &data, &err), RM_EPARSE);
    cr_assert_str_eq(err.message, "line 2 (data row 2), column 2: 'x' is not a number");
    cr_assert_eq(err.text_field, 1);
    cr_assert_str_eq(err.column_name, "");
    /* other failures are not text */
    cr_assert_eq(read_text("1,2\n3\n", NULL, NULL, &data, &err), RM_EPARSE);
    cr_assert_eq(err.text_field, 0);
}

Test(columns, every_bad_choice_is_named)
{
    expect_refused(table, "prise", NULL, RM_EINVAL,
                   "line 1: no column is named 'prise'; the header names 'id', 'price', 'age', "
                   "'label'");
    expect_refused(table, NULL, "lable", RM_EINVAL,
                   "line 1: no column is named 'lable'; the header names 'id', 'price', 'age', "
                   "'label'");
    expect_refused("x,y,x\n1,2,3\n", "x", NULL, RM_EINVAL,
                   "line 1: 2 columns are named 'x' (numbers 1 and 3): choose by number");
    expect_refused(table, "2,3,2", NULL, RM_EINVAL, "column 2 is chosen twice");
    expect_refused(table, "2-5", NULL, RM_EINVAL, "column 5 is beyond the last column, 4");
    expect_refused(table, "0", NULL, RM_EINVAL, "column numbers start at 1, not 0");
    expect_refused(table, "3-2", NULL, RM_EINVAL, "the range of columns 3-2 runs backwards");
    expect_refused(table, "2,,3", NULL, RM_EINVAL, "an empty item in a list of columns");
    expect_refused(table, NULL, "1-4", RM_EINVAL, "no column is left to read: all 4 are left out");
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.columns = "price";
    opt.header = RM_HEADER_NO;
    char *path = tu_temp_text(".csv", table);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EINVAL);
    cr_assert_str_eq(err.message,
                     "line 1: columns are chosen by name, but the first line is read as data "
                     "(no header)");
    tu_remove(path);
}

Test(columns, many_rows_in_parallel_pieces)
{
    size_t n = 30000, cap = n * 48, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text, cap, "id,a,b,c\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "row%zu,%zu,%zu.5,-%zu\n", i, i, i, i);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_text(text, "c,a", NULL, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, n);
    cr_assert_eq(data.d, 2);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(data.values[2 * i], -(double)i, "row %zu", i);
        cr_assert_eq(data.values[2 * i + 1], (double)i, "row %zu", i);
    }
    rm_data_free(&data);
    /* a text field deep in the file, met by one of the threads, still names its column */
    char *at = strstr(text, "\nrow29000,29000,29000.5");
    memcpy(at + 16, "abcdefg", 7);
    cr_assert_eq(read_text(text, "b,a", NULL, &data, &err), RM_EPARSE);
    cr_assert_str_eq(err.message,
                     "line 29002 (data row 29001), column 3: 'abcdefg' is not a number (column 'b')");
    free(text);
}

/* .npy arrays have no names; numbers choose their columns, in any order. */
static int read_npy(const char *dict, const void *raw, size_t raw_len, const char *columns,
                    const char *skip, rm_data *data, rm_read_error *err)
{
    size_t len;
    unsigned char *b = tu_npy_bytes(1, dict, raw, raw_len, &len);
    char *path = tu_temp_file(".npy", b, len);
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.columns = columns;
    opt.skip_columns = skip;
    int status = rm_read_file(path, &opt, data, err);
    tu_remove(path);
    free(b);
    return status;
}

Test(columns, of_npy_arrays)
{
    static const double m23[] = {1, 2, 3, 4.5, -5, 6e-3};
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", m23,
                          sizeof m23, "3,1", NULL, &data, &err),
                 RM_OK, "%s", err.message);
    cr_assert_eq(data.d, 2);
    cr_assert_null(data.mapping, "a choice of columns is read, not mapped");
    const double want[] = {3, 1, 6e-3, 4.5};
    for (size_t k = 0; k < 4; k++)
        cr_assert_eq(data.values[k], want[k], "value %zu", k);
    cr_assert_eq(data.column_numbers[0], 3);
    cr_assert_eq(data.column_numbers[1], 1);
    cr_assert_null(data.column_names);
    rm_data_free(&data);
    /* Fortran order, integers: column after column */
    const int16_t f[6] = {1, 4, 2, -5, 3, 6};
    cr_assert_eq(read_npy("{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }", f,
                          sizeof f, NULL, "2", &data, &err),
                 RM_OK, "%s", err.message);
    const double want_f[] = {1, 3, 4, 6};
    for (size_t k = 0; k < 4; k++)
        cr_assert_eq(data.values[k], want_f[k], "value %zu", k);
    rm_data_free(&data);
    /* a NaN in a column left out is no error; in one read, it is named by the file's number */
    const double with_nan[] = {1, NAN, 3, 4, 5, 6};
    cr_assert_eq(read_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                          with_nan, sizeof with_nan, NULL, "2", &data, &err),
                 RM_OK, "%s", err.message);
    rm_data_free(&data);
    cr_assert_eq(read_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                          with_nan, sizeof with_nan, "3,2", NULL, &data, &err),
                 RM_ENONFINITE);
    cr_assert_str_eq(err.message, "row 1, column 2: NaN is not a finite number");
    cr_assert_eq(read_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", m23,
                          sizeof m23, "price", NULL, &data, &err),
                 RM_EINVAL);
    cr_assert_str_eq(err.message, "column 'price' is chosen by name, but the input names no "
                                  "columns (CSV: a header row; HDF5: a 'columns' attribute or a "
                                  "dimension scale of strings): choose its columns by number");
}
