/* Reading into float storage (rm_read_options.storage): CSV numbers become the float
 * strtof gives (not the float of strtod's double: that rounds twice), .npy float32 is
 * kept bit for bit (mapped in place when it can be), float64 is rounded, and values
 * beyond the float range are named errors. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

static rm_read_options storage(int how)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.storage = how;
    return opt;
}

static int read_path(const char *path, int how, rm_data *data, rm_read_error *err)
{
    rm_read_options opt = storage(how);
    return rm_read_file(path, &opt, data, err);
}

Test(read_float, csv_numbers_are_read_as_strtof_reads_them)
{
    /* The first number lies just above the midpoint of two floats but rounds to that
     * midpoint as a double, so rounding strtod's double to float would give 1.0. */
    const char *fields[] = {"1.0000000596046447763", "0.1", "-3.4028234e38", "1e-45",
                            "123456789", "2.5e-310", "7", "-0"};
    size_t count = sizeof fields / sizeof fields[0];
    char text[512] = "";
    for (size_t k = 0; k < count; k++) {
        strcat(text, fields[k]);
        strcat(text, k % 2 ? "\n" : ",");
    }
    char *path = tu_temp_text(".csv", text);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, RM_STORAGE_FLOAT, &data, &err), RM_OK, "%s", err.message);
    cr_assert_null(data.values);
    cr_assert_not_null(data.values_float);
    cr_assert_eq(data.n, count / 2);
    cr_assert_eq(data.d, 2);
    for (size_t k = 0; k < count; k++) {
        float want = strtof(fields[k], NULL);
        cr_assert_eq(memcmp(&data.values_float[k], &want, sizeof want), 0,
                     "%s: %.9g, want %.9g", fields[k], (double)data.values_float[k], (double)want);
    }
    cr_assert_eq(data.values_float[0], 1.00000011920928955078125f, "rounded once, up");
    rm_data_free(&data);
    /* the same file as doubles is unchanged by the option's existence */
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_OK);
    cr_assert_not_null(data.values);
    cr_assert_null(data.values_float);
    cr_assert_eq(data.values[1], 0.1);
    rm_data_free(&data);
    tu_remove(path);
}

Test(read_float, csv_beyond_float_range_is_a_named_error)
{
    char *path = tu_temp_text(".csv", "1,2\n3,4e38\n");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, RM_STORAGE_FLOAT, &data, &err), RM_ERANGE);
    cr_assert_eq(err.line, 2);
    cr_assert_eq(err.column, 2);
    cr_assert_not_null(strstr(err.message, "range of float"), "%s", err.message);
    cr_assert_null(data.values_float);
    /* as doubles it is fine */
    cr_assert_eq(read_path(path, RM_STORAGE_DOUBLE, &data, &err), RM_OK);
    cr_assert_eq(data.values[3], 4e38);
    rm_data_free(&data);
    tu_remove(path);
}

Test(read_float, csv_float_storage_in_parallel_pieces_matches_serial_parse)
{
    /* Large enough that the reader cuts it into pieces per thread; rows dropped for
     * missing values close their holes in float storage too. */
    size_t n = 60000, d = 3;
    char *text = malloc(n * 80);
    size_t used = 0;
    tu_rng r = {42};
    for (size_t i = 0; i < n; i++) {
        if (i % 9973 == 5)
            used += (size_t)sprintf(text + used, "1,NA,3\n");
        else
            used += (size_t)sprintf(text + used, "%.17g,%.9g,%d\n", tu_normal(&r) * 1e3,
                                    tu_uniform(&r), (int)i);
    }
    /* two pieces need 2 MiB: csv_reader.c sizes its team by rm_threads(threads, bytes / 16),
     * one thread below 2^17 */
    cr_assert_geq(used, (size_t)16 << 17, "%zu bytes: too few for two pieces", used);
    char *path = tu_temp_text(".csv", text);
    rm_read_options opt = storage(RM_STORAGE_FLOAT);
    opt.drop_nonfinite = 1;
    opt.threads = 2;
    rm_data f, serial, dbl;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, &opt, &f, &err), RM_OK, "%s", err.message);
    opt.threads = 1;
    cr_assert_eq(rm_read_file(path, &opt, &serial, &err), RM_OK, "%s", err.message);
    cr_assert_eq(serial.n, f.n);
    cr_assert_eq(memcmp(serial.values_float, f.values_float, f.n * d * sizeof(float)), 0,
                 "two pieces and one disagree");
    rm_data_free(&serial);
    opt.threads = 2;
    opt.storage = RM_STORAGE_DOUBLE;
    cr_assert_eq(rm_read_file(path, &opt, &dbl, &err), RM_OK, "%s", err.message);
    cr_assert_eq(f.n, dbl.n);
    cr_assert_eq(f.dropped_rows, dbl.dropped_rows);
    cr_assert(f.dropped_rows > 0);
    /* every value is the nearest float to its text; the third column (integers below
     * 2^24) is exact, and names the row, so the order is right */
    size_t line = 0;
    char *s = text;
    for (size_t i = 0; i < f.n; i++, line++) {
        while (strncmp(s, "1,NA,3", 6) == 0) {
            s = strchr(s, '\n') + 1;
            line++;
        }
        for (size_t j = 0; j < d; j++) {
            char *end;
            float want = strtof(s, &end);
            cr_assert_eq(f.values_float[i * d + j], want, "row %zu col %zu", i, j);
            s = end + 1;
        }
        cr_assert_eq(f.values_float[i * d + 2], (float)line);
    }
    rm_data_free(&f);
    rm_data_free(&dbl);
    tu_remove(path);
    free(text);
}

static char *npy_file(const char *descr, const char *order, const void *v, size_t bytes)
{
    char dict[128];
    snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': %s, 'shape': (2, 3), }", descr,
             order);
    size_t len;
    unsigned char *b = tu_npy_bytes(1, dict, v, bytes, &len);
    char *path = tu_temp_file(".npy", b, len);
    free(b);
    return path;
}

Test(read_float, npy_float32_is_kept_as_float_and_mapped)
{
    const float v[6] = {1.5f, -2.25f, 0.1f, 3e38f, 1e-40f, 7.0f};
    char *path = npy_file("<f4", "False", v, sizeof v);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_OK, "%s", err.message);
    cr_assert_not_null(data.values_float);
    cr_assert_not_null(data.mapping, "little-endian C-order float32 is mapped, not copied");
    cr_assert_eq(memcmp(data.values_float, v, sizeof v), 0);
    rm_data_free(&data);
    /* as doubles (the default), each float widened exactly */
    cr_assert_eq(read_path(path, RM_STORAGE_DOUBLE, &data, &err), RM_OK);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(data.values[k], (double)v[k]);
    rm_data_free(&data);
    tu_remove(path);

    /* Fortran order and big-endian are converted into C-order float storage */
    const float colmajor[6] = {1, 4, 2, 5, 3, 6};
    path = npy_file("<f4", "True", colmajor, sizeof colmajor);
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_OK);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(data.values_float[k], (float)(k + 1));
    rm_data_free(&data);
    tu_remove(path);
    unsigned char be[24];
    for (size_t k = 0; k < 6; k++) {
        float f = (float)k - 2.5f;
        unsigned char b[4];
        memcpy(b, &f, 4);
        for (size_t t = 0; t < 4; t++)
            be[k * 4 + t] = b[3 - t];
    }
    path = npy_file(">f4", "False", be, sizeof be);
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_OK);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(data.values_float[k], (float)k - 2.5f);
    rm_data_free(&data);
    tu_remove(path);
}

Test(read_float, npy_float64_into_float_storage_rounds_or_refuses)
{
    const double v[6] = {0.1, 1.0 + 1e-12, -7.0, 1e-50, 2.0, 3.0};
    char *path = npy_file("<f8", "False", v, sizeof v);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_OK);
    cr_assert_not_null(data.values, "float64 stays double unless float is asked for");
    rm_data_free(&data);
    cr_assert_eq(read_path(path, RM_STORAGE_FLOAT, &data, &err), RM_OK, "%s", err.message);
    cr_assert_null(data.mapping);
    for (size_t k = 0; k < 6; k++)
        cr_assert_eq(data.values_float[k], (float)v[k]);
    rm_data_free(&data);
    tu_remove(path);

    const double big[6] = {1, 2, 3, 4, 5e38, 6};
    path = npy_file("<f8", "False", big, sizeof big);
    cr_assert_eq(read_path(path, RM_STORAGE_FLOAT, &data, &err), RM_ERANGE);
    cr_assert_eq(err.row, 2);
    cr_assert_eq(err.column, 2);
    cr_assert_not_null(strstr(err.message, "range of float"), "%s", err.message);
    cr_assert_null(data.values_float);
    tu_remove(path);
}

Test(read_float, nonfinite_floats_are_refused_or_dropped)
{
    const float v[6] = {1, 2, 3, NAN, 5, 6};
    char *path = npy_file("<f4", "False", v, sizeof v);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, RM_STORAGE_AS_FILE, &data, &err), RM_ENONFINITE);
    cr_assert_not_null(strstr(err.message, "row 2, column 1: NaN"), "%s", err.message);
    rm_read_options opt = storage(RM_STORAGE_AS_FILE);
    opt.drop_nonfinite = 1;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_OK);
    cr_assert_eq(data.n, 1);
    cr_assert_eq(data.values_float[2], 3.0f);
    rm_data_free(&data);
    tu_remove(path);
}

Test(read_float, bad_storage_and_threads_are_refused)
{
    char *path = tu_temp_text(".csv", "1,2\n");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_path(path, 7, &data, &err), RM_EINVAL);
    cr_assert_not_null(strstr(err.message, "storage"));
    rm_read_options opt = storage(RM_STORAGE_FLOAT);
    opt.threads = -1;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EINVAL);
    opt.threads = 1;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_OK);
    cr_assert_eq(data.values_float[1], 2.0f);
    rm_data_free(&data);
    tu_remove(path);
}
