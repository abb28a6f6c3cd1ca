/* The .npz reader on archives built here byte by byte: stored and deflated members, zip64
 * fields, the choice of an array, and every damaged archive (truncated anywhere, a wrong
 * CRC, size or method) refused with its message and no partial result. NumPy's own files
 * are read in npy_numpy.py. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "robustmean.h"
#include "test_util.h"

typedef struct member {
    const char *name;
    int deflate;
    int zip64;       /* sizes and offset in the zip64 extra field of the directory */
    unsigned flags;  /* general-purpose flags (bit 0: encrypted) */
    unsigned method; /* 0: 8 when deflate, else 0 (stored); else this method */
} member;

typedef struct bytes {
    unsigned char *b;
    size_t len, cap;
} bytes;

static void put(bytes *o, const void *p, size_t len)
{
    if (len == 0)
        return;
    if (o->len + len > o->cap) {
        o->cap = 2 * (o->len + len) + 256;
        o->b = realloc(o->b, o->cap);
    }
    memcpy(o->b + o->len, p, len);
    o->len += len;
}

static void put16(bytes *o, unsigned v) { put(o, (unsigned char[]){v & 0xff, (v >> 8) & 0xff}, 2); }
static void put32(bytes *o, uint32_t v)
{
    put16(o, v & 0xffff);
    put16(o, v >> 16);
}
static void put64(bytes *o, uint64_t v)
{
    put32(o, (uint32_t)v);
    put32(o, (uint32_t)(v >> 32));
}

/* A zip archive of count members, member k holding data[k] (len[k] bytes). */
static bytes zip_archive(const member *m, const unsigned char *const *data, const size_t *len,
                         size_t count)
{
    bytes o = {0}, dir = {0};
    for (size_t k = 0; k < count; k++) {
        size_t packed_len = len[k];
        unsigned char *packed =
            m[k].deflate ? tu_deflate_bytes(data[k], len[k], -MAX_WBITS, &packed_len) : NULL;
        uint32_t crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), data[k], (uInt)len[k]);
        unsigned method = m[k].method ? m[k].method : m[k].deflate ? 8 : 0;
        size_t offset = o.len, name_len = strlen(m[k].name);
        put32(&o, 0x04034b50);
        put16(&o, 20);
        put16(&o, m[k].flags);
        put16(&o, method);
        put32(&o, 0);
        put32(&o, crc);
        put32(&o, (uint32_t)packed_len);
        put32(&o, (uint32_t)len[k]);
        put16(&o, (unsigned)name_len);
        put16(&o, 0);
        put(&o, m[k].name, name_len);
        put(&o, packed ? packed : data[k], packed_len);
        free(packed);
        put32(&dir, 0x02014b50);
        put16(&dir, 45);
        put16(&dir, 20);
        put16(&dir, m[k].flags);
        put16(&dir, method);
        put32(&dir, 0);
        put32(&dir, crc);
        put32(&dir, m[k].zip64 ? 0xffffffffu : (uint32_t)packed_len);
        put32(&dir, m[k].zip64 ? 0xffffffffu : (uint32_t)len[k]);
        put16(&dir, (unsigned)name_len);
        put16(&dir, m[k].zip64 ? 28 : 0);
        put16(&dir, 0);
        put16(&dir, 0);
        put16(&dir, 0);
        put32(&dir, 0);
        put32(&dir, m[k].zip64 ? 0xffffffffu : (uint32_t)offset);
        put(&dir, m[k].name, name_len);
        if (m[k].zip64) {
            put16(&dir, 1);
            put16(&dir, 24);
            put64(&dir, len[k]);
            put64(&dir, packed_len);
            put64(&dir, offset);
        }
    }
    size_t dir_offset = o.len;
    put(&o, dir.b, dir.len);
    put32(&o, 0x06054b50);
    put16(&o, 0);
    put16(&o, 0);
    put16(&o, (unsigned)count);
    put16(&o, (unsigned)count);
    put32(&o, (uint32_t)dir.len);
    put32(&o, (uint32_t)dir_offset);
    put16(&o, 0);
    free(dir.b);
    return o;
}

static const double m23[] = {1, 2, 3, 4.5, -5, 6e-3};
static const char dict23[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

static int read_archive(const bytes *a, const char *dataset, rm_data *data, rm_read_error *err)
{
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.dataset = dataset;
    char *path = tu_temp_file(".npz", a->b, a->len);
    int status = rm_read_file(path, &opt, data, err);
    tu_remove(path);
    return status;
}

static void expect_m23(const bytes *a, const char *dataset)
{
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_archive(a, dataset, &data, &err), RM_OK, "%s", err.message);
    cr_assert_eq(data.n, 2);
    cr_assert_eq(data.d, 3);
    cr_assert_eq(memcmp(data.values, m23, sizeof m23), 0);
    rm_data_free(&data);
}

static void expect_refused(const bytes *a, const char *dataset, int status, const char *message)
{
    rm_data data;
    rm_read_error err;
    int got = read_archive(a, dataset, &data, &err);
    cr_assert_eq(got, status, "%zu bytes: status %d (%s)", a->len, got, err.message);
    cr_assert_str_eq(err.message, message, "%zu bytes: got '%s'", a->len, err.message);
    cr_assert_null(data.values, "no partial result");
    cr_assert_eq(data.n, 0);
}

/* An archive of m23 in each member given. */
static bytes archive_of(const member *m, size_t count)
{
    size_t npy_len;
    unsigned char *npy = tu_npy_bytes(1, dict23, m23, sizeof m23, &npy_len);
    const unsigned char *data[4] = {npy, npy, npy, npy};
    size_t len[4] = {npy_len, npy_len, npy_len, npy_len};
    bytes a = zip_archive(m, data, len, count);
    free(npy);
    return a;
}

Test(npz, stored_deflated_and_zip64_members)
{
    for (int deflate = 0; deflate < 2; deflate++)
        for (int zip64 = 0; zip64 < 2; zip64++) {
            member m = {.name = "x.npy", .deflate = deflate, .zip64 = zip64};
            bytes a = archive_of(&m, 1);
            expect_m23(&a, NULL);
            expect_m23(&a, "x");
            expect_m23(&a, "x.npy");
            free(a.b);
        }
}

Test(npz, an_array_is_chosen_by_name)
{
    member m[3] = {{.name = "first.npy"}, {.name = "second.npy", .deflate = 1}, {.name = "third"}};
    bytes a = archive_of(m, 3);
    expect_m23(&a, "second");
    expect_m23(&a, "third");
    expect_refused(&a, "fourth", RM_EINVAL,
                   "no array named 'fourth' in the archive; it holds 'first', 'second', 'third'");
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_archive(&a, NULL, &data, &err), RM_EINVAL);
    cr_assert_str_eq(err.message,
                     "the archive holds 3 arrays ('first', 'second', 'third'): name the one to read");
    cr_assert_eq(err.needs_dataset, 1);
    free(a.b);
    bytes empty = zip_archive(NULL, NULL, NULL, 0);
    expect_refused(&empty, NULL, RM_EEMPTY, "the archive holds no arrays");
    free(empty.b);
}

Test(npz, a_truncated_archive_is_refused_wherever_it_is_cut)
{
    for (int deflate = 0; deflate < 2; deflate++) {
        member m = {.name = "x.npy", .deflate = deflate};
        bytes a = archive_of(&m, 1);
        size_t whole = a.len;
        for (a.len = 0; a.len < whole; a.len++) {
            rm_data data;
            rm_read_error err;
            int status = read_archive(&a, NULL, &data, &err);
            cr_assert(status == RM_EFORMAT || status == RM_EEMPTY, "%zu bytes: %d (%s)", a.len,
                      status, err.message);
            cr_assert_neq(err.message[0], '\0');
            cr_assert_null(data.values);
        }
        a.len = 21;
        expect_refused(&a, NULL, RM_EFORMAT, "not a zip archive: 21 bytes are too few");
        a.len = whole - 1;
        expect_refused(&a, NULL, RM_EFORMAT, "not a zip archive: no end-of-central-directory record");
        free(a.b);
    }
}

Test(npz, damaged_members_are_refused)
{
    member m = {.name = "x.npy"};
    bytes a = archive_of(&m, 1);
    a.b[30 + 5 + 128 + 8] ^= 1; /* a byte of the array's values, stored */
    expect_refused(&a, NULL, RM_EFORMAT, "corrupt zip archive: member 'x.npy' fails its CRC-32 check");
    free(a.b);
    m.deflate = 1;
    a = archive_of(&m, 1);
    a.b[30 + 5 + 3] ^= 0xff; /* the deflated stream */
    rm_data data;
    rm_read_error err;
    cr_assert_eq(read_archive(&a, NULL, &data, &err), RM_EFORMAT);
    cr_assert(strncmp(err.message, "corrupt zip archive: member 'x.npy'", 35) == 0, "%s",
              err.message);
    cr_assert_null(data.values);
    free(a.b);
    member encrypted = {.name = "x.npy", .flags = 1};
    a = archive_of(&encrypted, 1);
    expect_refused(&a, NULL, RM_EFORMAT, "member 'x.npy' is encrypted");
    free(a.b);
    member bzip2 = {.name = "x.npy", .method = 12};
    a = archive_of(&bzip2, 1);
    expect_refused(&a, NULL, RM_EFORMAT,
                   "member 'x.npy' is compressed by zip method 12: robustmean reads stored and "
                   "deflated members");
    free(a.b);
    /* a member that is no .npy: the .npy reader says so */
    const unsigned char text[] = "1,2\n";
    const unsigned char *data_text[1] = {text};
    size_t len_text[1] = {4};
    member csv = {.name = "x.csv"};
    a = zip_archive(&csv, data_text, len_text, 1);
    expect_refused(&a, NULL, RM_EFORMAT, "not a .npy file: it does not start with \\x93NUMPY");
    free(a.b);
}

Test(npz, a_dataset_needs_an_archive)
{
    char *path = tu_temp_text(".csv", "1,2\n");
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.dataset = "x";
    rm_data data;
    rm_read_error err;
    cr_assert_eq(rm_read_file(path, &opt, &data, &err), RM_EINVAL);
    cr_assert_str_eq(err.message, "a dataset is named, but the input is no .npz archive or HDF5 "
                                  "file");
    tu_remove(path);
}
