/* Compressed input (.gz, .zst): read as the same data uncompressed, to the bit, through
 * buffers of every size; truncated or corrupt archives fail with a clear message and no
 * partial result. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

typedef unsigned char *(*compressor)(const void *, size_t, size_t *);

static int read_bytes(const unsigned char *b, size_t len, const char *suffix, rm_data *data,
                      rm_read_error *err)
{
    char *path = tu_temp_file(suffix, b, len);
    int status = rm_read_file(path, NULL, data, err);
    tu_remove(path);
    return status;
}

/* A CSV text of n rows x 4 columns of numbers in every form. */
static char *table_text(size_t n, size_t *len)
{
    size_t cap = n * 100 + 32;
    char *text = malloc(cap);
    tu_rng r = {3};
    *len = (size_t)snprintf(text, cap, "a,b,c,d\n");
    for (size_t i = 0; i < n; i++)
        *len += (size_t)snprintf(text + *len, cap - *len, "%.17g,%.6g,%zu,%.3e\n",
                                 tu_normal(&r), tu_normal(&r) * 1e6, i, tu_uniform(&r));
    return text;
}

static void expect_same_as_plain(compressor compress, const char *suffix)
{
    size_t text_len, len;
    char *text = table_text(40000, &text_len); /* a few MB: many decoder buffers */
    rm_data plain, packed;
    rm_read_error err;
    cr_assert_eq(read_bytes((unsigned char *)text, text_len, ".csv", &plain, &err), RM_OK, "%s",
                 err.message);
    unsigned char *b = compress(text, text_len, &len);
    cr_assert_eq(read_bytes(b, len, suffix, &packed, &err), RM_OK, "%s", err.message);
    cr_assert_eq(packed.n, plain.n);
    cr_assert_eq(packed.d, plain.d);
    cr_assert_eq(memcmp(packed.values, plain.values, plain.n * plain.d * sizeof(double)), 0);
    cr_assert_str_eq(packed.column_names[3], "d");
    rm_data_free(&packed);
    /* the magic bytes decide, whatever the name */
    cr_assert_eq(read_bytes(b, len, ".csv", &packed, &err), RM_OK, "%s", err.message);
    cr_assert_eq(packed.n, plain.n);
    rm_data_free(&packed);
    rm_data_free(&plain);
    free(b);
    free(text);
}

Test(compressed, gzip_reads_as_the_plain_file)
{
    expect_same_as_plain(tu_gzip_bytes, ".csv.gz");
}

Test(compressed, zstd_reads_as_the_plain_file)
{
    expect_same_as_plain(tu_zstd_bytes, ".csv.zst");
}

/* Members (frames) one after the other are one text. */
static void expect_concatenated(compressor compress, const char *suffix)
{
    size_t la, lb;
    unsigned char *a = compress("1,2\n", 4, &la), *b = compress("3,4.5\n", 6, &lb);
    unsigned char *both = malloc(la + lb);
    memcpy(both, a, la);
    memcpy(both + la, b, lb);
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_bytes(both, la + lb, suffix, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 2);
    cr_assert_eq(data.values[3], 4.5);
    rm_data_free(&data);
    free(a);
    free(b);
    free(both);
}

Test(compressed, members_and_frames_follow_one_another)
{
    expect_concatenated(tu_gzip_bytes, ".csv.gz");
    expect_concatenated(tu_zstd_bytes, ".csv.zst");
}

static void expect_refused(const unsigned char *b, size_t len, const char *suffix, int status,
                           const char *message)
{
    rm_data data;
    rm_read_error err;
    int got = read_bytes(b, len, suffix, &data, &err);
    cr_assert_eq(got, status, "%zu bytes: status %d (%s)", len, got, err.message);
    cr_assert_str_eq(err.message, message, "%zu bytes", len);
    cr_assert_null(data.values, "no partial result");
    cr_assert_eq(data.n, 0);
}

/* Cut after `first` bytes (the magic), and on every byte of the first 64 and the last, and
 * every 997th between. */
static void expect_refused_when_cut(const unsigned char *b, size_t len, size_t first,
                                    const char *suffix, const char *message)
{
    for (size_t cut = first; cut < len; cut += cut < 64 ? 1 : 997)
        expect_refused(b, cut, suffix, RM_EFORMAT, message);
    expect_refused(b, len - 1, suffix, RM_EFORMAT, message);
}

Test(compressed, a_truncated_archive_is_refused_wherever_it_is_cut)
{
    size_t text_len, len;
    char *text = table_text(3000, &text_len);
    unsigned char *gz = tu_gzip_bytes(text, text_len, &len);
    expect_refused_when_cut(gz, len, 2, ".csv.gz",
                            "truncated gzip data: the input ends inside a compressed stream");
    free(gz);
    unsigned char *zst = tu_zstd_bytes(text, text_len, &len);
    expect_refused_when_cut(zst, len, 4, ".csv.zst",
                            "truncated zstd data: the input ends inside a compressed frame");
    free(zst);
    free(text);
}

Test(compressed, corrupt_data_and_trailing_bytes_are_refused)
{
    size_t len;
    const char text[] = "1,2\n3,4\n5,6\n";
    unsigned char *gz = tu_gzip_bytes(text, strlen(text), &len);
    gz[len - 6] ^= 0x40; /* the CRC-32 of the data */
    expect_refused(gz, len, ".csv.gz", RM_EFORMAT, "corrupt gzip data: incorrect data check");
    gz[len - 6] ^= 0x40;
    unsigned char *longer = malloc(len + 4);
    memcpy(longer, gz, len);
    memcpy(longer + len, "junk", 4);
    expect_refused(longer, len + 4, ".csv.gz", RM_EFORMAT, "unexpected bytes after the gzip data");
    free(longer);
    free(gz);
    unsigned char *zst = tu_zstd_bytes(text, strlen(text), &len);
    zst[len - 1] ^= 0x40; /* the frame's checksum */
    expect_refused(zst, len, ".csv.zst", RM_EFORMAT,
                   "corrupt zstd data: Restored data doesn't match checksum");
    free(zst);
    expect_refused((const unsigned char *)text, strlen(text), ".csv.gz", RM_EFORMAT,
                   "the name says gzip data, but the file does not start with gzip's magic "
                   "bytes (1f 8b)");
    expect_refused((const unsigned char *)text, strlen(text), ".csv.zst", RM_EFORMAT,
                   "the name says zstd data, but the file does not start with zstd's magic "
                   "bytes (28 b5 2f fd)");
    unsigned char *empty = tu_gzip_bytes("", 0, &len);
    expect_refused(empty, len, ".csv.gz", RM_EEMPTY, "the input is empty");
    free(empty);
}

Test(compressed, a_compressed_npy_is_read)
{
    const double m[4] = {1, 2.5, -3, 4};
    size_t npy_len, len;
    unsigned char *npy = tu_npy_bytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
                                      m, sizeof m, &npy_len);
    compressor compress[2] = {tu_gzip_bytes, tu_zstd_bytes};
    for (int k = 0; k < 2; k++) {
        unsigned char *b = compress[k](npy, npy_len, &len);
        rm_data data;
        rm_read_error err;
        cr_assert_eq(read_bytes(b, len, k ? ".npy.zst" : ".npy.gz", &data, &err), RM_OK, "%s",
                     err.message);
        cr_assert_eq(data.n, 2);
        cr_assert_eq(data.d, 2);
        cr_assert_eq(memcmp(data.values, m, sizeof m), 0);
        rm_data_free(&data);
        /* cut inside the data: the decoder's failure, not the .npy reader's guess */
        expect_refused(b, len - 12, k ? ".npy.zst" : ".npy.gz", RM_EFORMAT,
                       k ? "truncated zstd data: the input ends inside a compressed frame"
                         : "truncated gzip data: the input ends inside a compressed stream");
        free(b);
    }
    free(npy);
}
