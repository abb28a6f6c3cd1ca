/* libFuzzer target for the file readers: the first byte picks the reading options, the
 * rest is the file. Compiled once per reader: fuzz_csv (RM_FUZZ_FORMAT = RM_FORMAT_CSV),
 * fuzz_npy (RM_FORMAT_NPY), fuzz_npz (RM_FORMAT_NPZ), and fuzz_gz and fuzz_zst
 * (RM_FORMAT_AUTO; RM_FUZZ_MAGIC puts gzip's or zstd's magic bytes before the file, so
 * that every input reaches the decoder).
 *
 * The bytes go through rm_read_file() from a memory file (memfd), a regular file of known
 * size as a user's file would be: the .npy reader then checks the size against the
 * header and maps the data, as it does for real files.
 *
 * Beyond "no crash, no leak, no undefined behaviour" (the sanitizers), every input must
 * give either a matrix of finite values or one of the documented errors with a message. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "robustmean.h"

#ifndef RM_FUZZ_FORMAT
#error "define RM_FUZZ_FORMAT (an rm_format)"
#endif
#define RM_FUZZ_GZIP 1
#define RM_FUZZ_ZSTD 2
#if defined(RM_FUZZ_MAGIC) && RM_FUZZ_MAGIC == RM_FUZZ_GZIP
static const char prefix[] = "\x1f\x8b";
#elif defined(RM_FUZZ_MAGIC) && RM_FUZZ_MAGIC == RM_FUZZ_ZSTD
static const char prefix[] = "\x28\xb5\x2f\xfd";
#else
static const char prefix[] = "";
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_read: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char delimiters[] = {0, ',', '\t', ';', ' '};
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.format = RM_FUZZ_FORMAT;
    opt.delimiter = delimiters[(data[0] & 7) % 5];
    opt.header = ((data[0] >> 3) & 3) % 3 - 1; /* AUTO, NO, YES */
    opt.drop_nonfinite = (data[0] >> 5) & 1;
    if ((data[0] >> 6) & 1) { /* a decimal comma, with a delimiter it allows */
        opt.decimal = ',';
        if (opt.delimiter == ',')
            opt.delimiter = ';';
    }
    if (RM_FUZZ_FORMAT == RM_FORMAT_NPZ && ((data[0] >> 6) & 1)) /* an array by name */
        opt.dataset = "y";
    if ((data[0] >> 7) & 1) { /* columns chosen by number; left out by name in CSV */
        opt.columns = "3,1-2";
        opt.skip_columns = RM_FUZZ_FORMAT == RM_FORMAT_CSV ? "b" : "2";
    }
    data++;
    size--;

    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("rmfuzz", 0);
        check(fd >= 0, "memfd_create failed");
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    size_t prefix_len = sizeof prefix - 1;
    check(ftruncate(fd, 0) == 0, "ftruncate failed");
    check(pwrite(fd, prefix, prefix_len, 0) == (ssize_t)prefix_len, "pwrite failed");
    check(pwrite(fd, data, size, (off_t)prefix_len) == (ssize_t)size, "pwrite failed");

    rm_data m;
    rm_read_error err;
    int status = rm_read_file(path, &opt, &m, &err);
    if (status == RM_OK) {
        check(m.n >= 1 && m.d >= 1 && m.values != NULL, "empty matrix returned as success");
        check(m.column_numbers != NULL, "the columns read are not recorded");
        for (size_t k = 0; k < m.n * m.d; k++)
            check(isfinite(m.values[k]), "non-finite value returned");
        check(err.message[0] == '\0', "message on success");
    } else {
        check(status == RM_EPARSE || status == RM_ERANGE || status == RM_ENONFINITE ||
                  status == RM_EEMPTY || status == RM_EFORMAT || status == RM_EOVERFLOW ||
                  status == RM_ENOMEM || status == RM_EIO ||
                  (status == RM_EINVAL && (opt.columns || opt.dataset || err.needs_dataset)),
              "undocumented status");
        check(err.message[0] != '\0', "an error without a message");
        check(memchr(err.message, '\0', sizeof err.message) != NULL, "unterminated message");
        check(m.values == NULL && m.n == 0 && m.d == 0 && m.column_numbers == NULL,
              "failure left data behind");
    }
    rm_data_free(&m);
    return 0;
}
