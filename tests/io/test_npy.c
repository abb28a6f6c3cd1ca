/* The .npy reader: versions, dtypes, orders and shapes, and every malformed header. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
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
    expect_npy_failure(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       6, RM_EFORMAT, "unsupported .npy dtype '|b1'");
    static const unsigned char text[72]; /* 6 strings of 3 UCS-4 characters */
    expect_npy_failure(1, "{'descr': '<U3', 'fortran_order': False, 'shape': (2, 3), }", text,
                       sizeof text, RM_EFORMAT, "float16/32/64, int8/16/32/64 and uint8/16/32/64");
    expect_npy_failure(1, "{'descr': '<i3', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       18, RM_EFORMAT, "unsupported .npy dtype '<i3'");
    expect_npy_failure(1, "{'descr': '|i2', 'fortran_order': False, 'shape': (2, 3), }", m23,
                       12, RM_EFORMAT, "unsupported .npy dtype '|i2'");
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

/* The 2 x 3 values v as a .npy of the dtype (kind, size, byte order): the raw bytes. */
static void store(char kind, int size, int big, const double *v, unsigned char *raw)
{
    for (int k = 0; k < 6; k++) {
        unsigned char b[8];
        uint64_t bits = 0;
        if (kind == 'f' && size == 8)
            memcpy(&bits, &v[k], 8);
        else if (kind == 'f' && size == 4) {
            float f = (float)v[k];
            uint32_t u;
            memcpy(&u, &f, 4);
            bits = u;
        } else if (kind == 'f') {
            bits = (uint64_t)v[k]; /* float16: the caller passes the bit pattern */
        } else {
            bits = kind == 'i' ? (uint64_t)(int64_t)v[k] : (uint64_t)v[k];
        }
        for (int j = 0; j < size; j++)
            b[j] = (unsigned char)(bits >> (8 * j));
        for (int j = 0; j < size; j++)
            raw[k * size + j] = big ? b[size - 1 - j] : b[j];
    }
}

static void expect_dtype(char kind, int size, const double *given, const double *want,
                         rm_storage storage, int as_float)
{
    for (int big = 0; big < 2; big++) {
        char dict[96], descr[8];
        snprintf(descr, sizeof descr, "%c%c%d", size == 1 ? '|' : big ? '>' : '<', kind, size);
        if (size == 1 && big)
            continue;
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (2, 3), }",
                 descr);
        unsigned char raw[48];
        store(kind, size, big, given, raw);
        size_t len;
        unsigned char *b = tu_npy_bytes(1, dict, raw, 6 * (size_t)size, &len);
        char *path = tu_temp_file(".npy", b, len);
        free(b);
        rm_read_options opt;
        rm_read_options_init(&opt);
        opt.storage = storage;
        rm_data data;
        rm_read_error err;
        cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_OK, "%s: %s", descr, err.message);
        tu_remove(path);
        cr_assert_eq(data.values_float != NULL, as_float, "%s: held as float", descr);
        for (int k = 0; k < 6; k++) {
            double got = data.values_float ? data.values_float[k] : data.values[k];
            cr_assert_eq(got, want[k], "%s [%d]: %.17g, not %.17g", descr, k, got, want[k]);
        }
        rm_data_free(&data);
    }
}

Test(npy, every_numeric_dtype_in_either_byte_order)
{
    const double i1[6] = {-128, 127, 0, 1, -1, 42}, u1[6] = {0, 255, 1, 128, 7, 200};
    const double i2[6] = {-32768, 32767, 0, -1, 1000, -12345}, u2[6] = {0, 65535, 1, 256, 4097, 40000};
    const double i4[6] = {-2147483648.0, 2147483647, 0, -1, 16777217, -99};
    const double u4[6] = {0, 4294967295.0, 1, 16777217, 65536, 3000000000.0};
    const double i8[6] = {-9007199254740992.0, 9007199254740992.0, 0, -1, 123456789012345, -7};
    const double u8[6] = {0, 9007199254740992.0, 1, 18014398509481, 4294967296.0, 5};
    const double f4[6] = {1.5, -0.0, 3.4e38, 1e-45, -2.25, 16777216};
    const double f8[6] = {1e308, -4.9e-324, 0.1, -1, 2.5, 1e-300};
    expect_dtype('i', 1, i1, i1, RM_STORAGE_AS_FILE, 1);
    expect_dtype('u', 1, u1, u1, RM_STORAGE_AS_FILE, 1);
    expect_dtype('i', 2, i2, i2, RM_STORAGE_AS_FILE, 1);
    expect_dtype('u', 2, u2, u2, RM_STORAGE_AS_FILE, 1);
    expect_dtype('i', 4, i4, i4, RM_STORAGE_AS_FILE, 0);
    expect_dtype('u', 4, u4, u4, RM_STORAGE_AS_FILE, 0);
    expect_dtype('i', 8, i8, i8, RM_STORAGE_AS_FILE, 0);
    expect_dtype('u', 8, u8, u8, RM_STORAGE_AS_FILE, 0);
    float f4f[6];
    double f4w[6];
    for (int k = 0; k < 6; k++) {
        f4f[k] = (float)f4[k];
        f4w[k] = f4f[k];
    }
    expect_dtype('f', 4, f4w, f4w, RM_STORAGE_AS_FILE, 1);
    expect_dtype('f', 4, f4w, f4w, RM_STORAGE_DOUBLE, 0);
    expect_dtype('f', 8, f8, f8, RM_STORAGE_DOUBLE, 0);
    /* float16 bit patterns: 1, -2, the largest (65504), the least subnormal, 0.5, -0 */
    const double h[6] = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x3800, 0x8000};
    const double hv[6] = {1, -2, 65504, 0x1p-24, 0.5, -0.0};
    expect_dtype('f', 2, h, hv, RM_STORAGE_AS_FILE, 1);
    expect_dtype('f', 2, h, hv, RM_STORAGE_DOUBLE, 0);
    /* integers as doubles when asked; as floats, rounded as --float32 says */
    expect_dtype('i', 2, i2, i2, RM_STORAGE_DOUBLE, 0);
    const double big[6] = {16777217, 1, 2, 3, 4, 5}, rounded[6] = {16777216, 1, 2, 3, 4, 5};
    expect_dtype('i', 4, big, rounded, RM_STORAGE_FLOAT, 1);
}

Test(npy, integers_a_double_would_round_are_refused_with_their_place)
{
    unsigned char raw[48];
    int64_t exact[6] = {1, 2, 3, 4, 9007199254740993LL, 6};
    memcpy(raw, exact, sizeof exact);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }", raw,
                          48, &data, &err),
                 RM_ERANGE);
    cr_assert_eq(err.row, 2);
    cr_assert_eq(err.column, 2);
    cr_assert_not_null(strstr(err.message, "beyond 2^53"), "%s", err.message);
    uint64_t u[6] = {1, 2, 3, 4, 5, (uint64_t)1 << 63};
    cr_assert_eq(read_npy(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2, 3), }", u, 48,
                          &data, &err),
                 RM_ERANGE);
    cr_assert_eq(err.row, 2);
    cr_assert_eq(err.column, 3);
}

Test(npy, a_float16_infinity_is_not_finite)
{
    uint16_t h[6] = {0x3c00, 0x7c00, 0, 0, 0, 0};
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", h,
                          12, &data, &err),
                 RM_ENONFINITE);
    cr_assert_eq(err.row, 1);
    cr_assert_eq(err.column, 2);
}

Test(npy, integers_in_fortran_order)
{
    int16_t f[6] = {1, 4, 2, -5, 3, 6}; /* column after column of (1 2 3; 4 -5 6) */
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_npy(1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", NULL, 0,
                          &data, &err),
                 RM_EFORMAT); /* no data: truncated */
    unsigned char raw[12];
    for (int k = 0; k < 6; k++) {
        raw[2 * k] = (unsigned char)((uint16_t)f[k] >> 8);
        raw[2 * k + 1] = (unsigned char)f[k];
    }
    cr_assert_eq(read_npy(1, "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", raw, 12,
                          &data, &err),
                 RM_OK, "%s", err.message);
    const double want[6] = {1, 2, 3, 4, -5, 6};
    cr_assert_not_null(data.values);
    for (int k = 0; k < 6; k++)
        cr_assert_eq(data.values[k], want[k]);
    rm_data_free(&data);
}

/* A part of the rows (io/read_part.h): for every split of 7 rows of 4 columns into 3
 * parts, in C and in Fortran order, converted (int32) or held as stored (float64), with
 * columns chosen: the part's rows of what rm_read_file reads whole; the place of a bad
 * value and the dropped rows numbered in the whole file. */
#include "io/read_part.h"

static void fill_part_file(int fortran, const char *descr, size_t n, size_t d, char **path)
{
    unsigned char raw[7 * 4 * 8];
    size_t size = descr[2] == '8' ? 8 : 4;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double v = (double)(10 * (i + 1) + j + 1);
            size_t at = fortran ? j * n + i : i * d + j;
            if (size == 8)
                memcpy(raw + at * 8, &v, 8);
            else {
                int32_t w = (int32_t)v;
                memcpy(raw + at * 4, &w, 4);
            }
        }
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': (%zu, %zu), }",
             descr, fortran ? "True" : "False", n, d);
    size_t len;
    unsigned char *b = tu_npy_bytes(1, dict, raw, n * d * size, &len);
    *path = tu_temp_file(".npy", b, len);
    free(b);
}

Test(npy, parts_of_the_rows_in_either_order_with_columns)
{
    const char *descrs[] = {"<f8", "<i4"};
    for (int fortran = 0; fortran < 2; fortran++)
        for (int t = 0; t < 2; t++) {
            char *path;
            fill_part_file(fortran, descrs[t], 7, 4, &path);
            rm_read_options opt;
            rm_read_options_init(&opt);
            opt.columns = "4,2";
            rm_data whole, part;
            rm_read_error err;
            cr_assert_eq(rm_read_file(path, &opt, &whole, &err), RM_OK, "%s", err.message);
            size_t seen = 0;
            for (size_t p = 0; p < 3; p++) {
                size_t first, total;
                cr_assert_eq(rm_read_file_part(path, &opt, p, 3, &part, &first, &total, &err),
                             RM_OK, "%s", err.message);
                cr_assert_eq(first, seen);
                cr_assert_eq(total, 7);
                cr_assert_eq(part.d, 2);
                cr_assert_eq(part.column_numbers[0], 4);
                for (size_t k = 0; k < part.n * 2; k++)
                    cr_assert_eq(part.values[k], whole.values[first * 2 + k],
                                 "fortran %d, %s, part %zu, value %zu", fortran, descrs[t], p, k);
                seen += part.n;
                rm_data_free(&part);
            }
            cr_assert_eq(seen, 7);
            rm_data_free(&whole);
            tu_remove(path);
        }
}

Test(npy, a_part_numbers_its_places_in_the_whole_file)
{
    double raw[6 * 2];
    for (int k = 0; k < 12; k++)
        raw[k] = k;
    raw[4 * 2 + 1] = NAN; /* data row 5, column 2 */
    for (int fortran = 0; fortran < 2; fortran++) {
        double stored[12];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 2; j++)
                stored[fortran ? j * 6 + i : i * 2 + j] = raw[i * 2 + j];
        size_t len;
        unsigned char *b = tu_npy_bytes(
            1, fortran ? "{'descr': '<f8', 'fortran_order': True, 'shape': (6, 2), }"
                       : "{'descr': '<f8', 'fortran_order': False, 'shape': (6, 2), }",
            stored, sizeof stored, &len);
        char *path = tu_temp_file(".npy", b, len);
        free(b);
        rm_read_options opt;
        rm_read_options_init(&opt);
        rm_data part;
        rm_read_error err;
        size_t first, total;
        cr_assert_eq(rm_read_file_part(path, &opt, 1, 2, &part, &first, &total, &err),
                     RM_ENONFINITE);
        cr_assert_eq(err.row, 5);
        cr_assert_eq(err.column, 2);
        cr_assert(strncmp(err.message, "row 5, column 2: ", 17) == 0, "%s", err.message);
        rm_data_free(&part);
        opt.drop_nonfinite = 1;
        cr_assert_eq(rm_read_file_part(path, &opt, 1, 2, &part, &first, &total, &err), RM_OK);
        cr_assert_eq(first, 3);
        cr_assert_eq(part.n, 2);
        cr_assert_eq(part.dropped_rows, 1);
        cr_assert_eq(part.dropped[0], 5);
        rm_data_free(&part);
        tu_remove(path);
    }
}
