/* A decimal comma (rm_read_options.decimal = ','): numbers read exactly as strtod reads
 * the same text with a point, by either path of the number parser; the delimiter is never
 * a comma then. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

static int read_comma(const char *text, char delimiter, rm_storage storage, rm_data *data,
                      rm_read_error *err)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.decimal = ',';
    opt.delimiter = delimiter;
    opt.storage = storage;
    return tu_read_text(".csv", text, &opt, data, err);
}

/* n random numbers of every magnitude, written with a point ("%.17g", and some shorter),
 * one per field; the same text with commas reads as strtod (strtof) reads the point's. */
static void expect_exact(rm_storage storage)
{
    size_t n = 3000, cap = n * 40, len = 0;
    char *point = malloc(cap);
    tu_rng r = {11};
    for (size_t i = 0; i < n; i++) {
        double v = tu_normal(&r) * pow(10, (int)(tu_uniform(&r) * 40) - 20);
        int digits = 1 + (int)(tu_uniform(&r) * 17);
        len += (size_t)snprintf(point + len, cap - len, "%.*g%c", digits, v,
                                i % 3 == 2 ? '\n' : ';');
    }
    char *comma = strdup(point);
    for (char *c = comma; *c; c++)
        if (*c == '.')
            *c = ',';
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_comma(comma, 0, storage, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.d, 3);
    cr_assert_eq(data.n, n / 3);
    const char *s = point;
    for (size_t k = 0; k < n; k++) {
        char *end;
        double want = storage == RM_STORAGE_FLOAT ? (double)strtof(s, &end) : strtod(s, &end);
        double got = storage == RM_STORAGE_FLOAT ? (double)data.values_float[k] : data.values[k];
        cr_assert_eq(got, want, "value %zu ('%.20s'): %.17g, want %.17g", k, s, got, want);
        s = end + 1;
    }
    rm_data_free(&data);
    free(point);
    free(comma);
}

Test(decimal, comma_numbers_are_read_exactly)
{
    expect_exact(RM_STORAGE_DOUBLE);
    expect_exact(RM_STORAGE_FLOAT);
}

Test(decimal, the_slow_path_reads_a_comma_too)
{
    /* a leading '+', and a number longer than the parser's short copy */
    char text[512] = "+1,5;-2,25e-3\n0,";
    size_t len = strlen(text);
    memset(text + len, '0', 120);
    strcpy(text + len + 120, "125;+7\n");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_comma(text, 0, RM_STORAGE_DOUBLE, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 2);
    cr_assert_eq(data.d, 2);
    cr_assert_eq(data.values[0], 1.5);
    cr_assert_eq(data.values[1], -2.25e-3);
    cr_assert_eq(data.values[2], 1.25e-121);
    cr_assert_eq(data.values[3], 7);
    rm_data_free(&data);
}

Test(decimal, delimiters_are_detected_without_the_comma)
{
    static const char *const texts[] = {"1,5;2\n3;4,5\n", "1,5\t2\n3\t4,5\n", "1,5 2\n3   4,5\n"};
    for (size_t k = 0; k < 3; k++) {
        rm_data data;
        rm_read_error err;
        cr_assert_eq(read_comma(texts[k], 0, RM_STORAGE_DOUBLE, &data, &err), RM_OK, "%s",
                     err.message);
        cr_assert_eq(data.d, 2, "text %zu", k);
        const double want[] = {1.5, 2, 3, 4.5};
        for (size_t j = 0; j < 4; j++)
            cr_assert_eq(data.values[j], want[j], "text %zu, value %zu", k, j);
        rm_data_free(&data);
    }
}

Test(decimal, a_point_is_text_and_a_comma_delimiter_is_refused)
{
    rm_data data;
    rm_read_error err;
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.decimal = ',';
    opt.header = RM_HEADER_NO;
    char *path = tu_temp_text(".csv", "1,5;2.5\n");
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EPARSE);
    cr_assert_str_eq(err.message, "line 1 (data row 1), column 2: '2.5' is not a number");
    opt.delimiter = ',';
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EINVAL);
    cr_assert_str_eq(err.message, "a decimal comma needs another delimiter than ',' (';', a tab "
                                  "or white space)");
    opt.delimiter = 0;
    opt.decimal = '/';
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EINVAL);
    cr_assert_str_eq(err.message, "unsupported decimal mark (use '.' or ',')");
    /* the default reads a comma as no part of a number */
    rm_read_options_init(&opt);
    opt.delimiter = ';';
    opt.header = RM_HEADER_NO;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EPARSE);
    cr_assert_str_eq(err.message, "line 1 (data row 1), column 1: '1,5' is not a number");
    tu_remove(path);
}
