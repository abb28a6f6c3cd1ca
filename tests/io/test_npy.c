/* The .npy reader: versions, dtypes, orders and shapes, and every malformed header. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

static int read_npy_bytes(const unsigned char *b, size_t len, const char *suffix,
                          rm_data *data, rm_read_error *err)
{
    char *path = tu_temp_file(suffix, b, len);
    int status = rm_read_file(path, NULL, data, err);
    tu_remove(path);
    return status;
}

static int read_npy(int version, const char *dict, const void *raw, size_t raw_len,
                    rm_data *data, rm_read_error *err)
{
    size_t len;
    unsigned char *b = tu_npy_bytes(version, dict, raw, raw_len, &len);
    int status = read_npy_bytes(b, len, ".npy", data, err);
    free(b);
    return status;
}

static const double m23[] = {1, 2, 3, 4.5, -5, 6e-3}; /* 2 x 3, row-major */

static void expect_m23(const rm_data *data)
{
    cr_assert_eq(data->n, 2);
    cr_assert_eq(data->d, 3);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(data->values[k], m23[k], "value %zu", k);
}

Test(npy, float64_c_order_every_version)
{
    for (int v = 1; v <= 3; v++) {
        rm_data data;
        rm_read_error err;
        int s = read_npy(v, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", m23,
                         sizeof m23, &data, &err);
        cr_assert_eq(s, RM_OK, "version %d: %s", v, err.message);
        expect_m23(&data);
        rm_data_free(&data);
    }
}

Test(npy, fortran_order_is_transposed)
{
    double f[6] = {1, 4.5, 2, -5, 3, 6e-3}; /* column after column */
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", f,
                          sizeof f, &data, &err),
                 RM_OK, "%s", err.message);
    expect_m23(&data);
    rm_data_free(&data);
}

Test(npy, float32_and_big_endian)
{
    float f[6];
    for (int k = 0; k < 6; k++)
        f[k] = (float)m23[k];
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f,
                          sizeof f, &data, &err),
                 RM_OK, "%s", err.message);
    for (int k = 0; k < 6; k++)
        cr_assert_eq(data.values[k], (double)(float)m23[k]);
    rm_data_free(&data);

    unsigned char be[48];
    for (int k = 0; k < 6; k++) {
        unsigned char b[8];
        memcpy(b, &m23[k], 8);
        for (int i = 0; i < 8; i++)
            be[8 * k + i] = b[7 - i];
    }
    cr_assert_eq(read_npy(2, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }", be,
                          sizeof be, &data, &err),
                 RM_OK, "%s", err.message);
    expect_m23(&data);
    rm_data_free(&data);
}

Test(npy, one_dimensional_is_one_column)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", m23,
                          sizeof m23, &data, &err),
                 RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 6);
    cr_assert_eq(data.d, 1);
    cr_assert_eq(data.values[5], 6e-3);
    rm_data_free(&data);
}

Test(npy, detected_by_magic_without_extension)
{
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                                    m23, sizeof m23, &len);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy_bytes(b, len, ".dat", &data, &err), RM_OK, "%s", err.message);
    expect_m23(&data);
    rm_data_free(&data);
    free(b);
}

static void expect_npy_failure(int version, const char *dict, const void *raw, size_t raw_len,
                               int status, const char *fragment)
{
    rm_data data;
    rm_read_error err;
    int got = read_npy(version, dict, raw, raw_len, &data, &err);
    cr_assert_eq(got, status, "'%s': status %d, want %d (%s)", dict, got, status, err.message);
    cr_assert_not_null(strstr(err.message, fragment), "'%s' lacks '%s'", err.message, fragment);
    cr_assert_null(data.values);
}

Test(npy, malformed_headers_are_refused)
{
    const char *bad[] = {
        "{'descr': '<f8', 'fortran_order': False}",
        "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}",
        "['descr', '<f8']",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3) } trailing",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999, 3), }",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        expect_npy_failure(1, bad[k], m23, sizeof m23, RM_EFORMAT, "malformed .npy header");
}

Test(npy, unsupported_dtypes_and_shapes)
{
    expect_npy_failure(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       24, RM_EFORMAT, "unsupported .npy dtype '<i4'");
    expect_npy_failure(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       sizeof m23, RM_EFORMAT, "unsupported .npy dtype");
    expect_npy_failure(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }",
                       m23, 16, RM_EFORMAT, "structured");
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }", m23,
                       sizeof m23, RM_EFORMAT, "3 dimensions");
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", m23, 8,
                       RM_EFORMAT, "0 dimensions");
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", NULL, 0,
                       RM_EEMPTY, "no rows");
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0), }", NULL, 0,
                       RM_EEMPTY, "no columns");
}

Test(npy, truncated_and_oversized_files)
{
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       40, RM_EFORMAT, "truncated .npy data");
    double more[7] = {1, 2, 3, 4, 5, 6, 7};
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", more,
                       sizeof more, RM_EFORMAT, "8 unexpected bytes");
    expect_npy_failure(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000), }",
                       m23, sizeof m23, RM_EFORMAT, "truncated .npy data");

    /* header cut short, bad magic, unknown version */
    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                                    m23, sizeof m23, &len);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy_bytes(b, 30, ".npy", &data, &err), RM_EFORMAT);
    cr_assert_not_null(strstr(err.message, "truncated .npy header"), "%s", err.message);
    cr_assert_eq(read_npy_bytes(b, 8, ".npy", &data, &err), RM_EFORMAT);
    cr_assert_not_null(strstr(err.message, "truncated .npy header"), "%s", err.message);
    b[6] = 4;
    cr_assert_eq(read_npy_bytes(b, len, ".npy", &data, &err), RM_EFORMAT);
    cr_assert_not_null(strstr(err.message, "version 4.0"), "%s", err.message);
    b[0] = 'X';
    cr_assert_eq(read_npy_bytes(b, len, ".npy", &data, &err), RM_EFORMAT);
    cr_assert_not_null(strstr(err.message, "not a .npy file"), "%s", err.message);
    free(b);
}

Test(npy, non_finite_values_fail_or_are_dropped)
{
    double v[6] = {1, 2, NAN, 4, 5, 6};
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", v,
                       sizeof v, RM_ENONFINITE, "row 2, column 1: NaN");
    v[2] = 3;
    v[5] = -INFINITY;
    expect_npy_failure(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", v,
                       sizeof v, RM_ENONFINITE, "row 3, column 2: -Inf");

    size_t len;
    unsigned char *b = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
                                    v, sizeof v, &len);
    char *path = tu_temp_file(".npy", b, len);
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.drop_nonfinite = 1;
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 2);
    cr_assert_eq(data.dropped_rows, 1);
    cr_assert_eq(data.dropped[0], 3, "the file's row number of the dropped row");
    cr_assert_eq(data.values[3], 4.0);
    rm_data_free(&data);
    cr_assert_null(data.dropped);
    tu_remove(path);
    free(b);
}
