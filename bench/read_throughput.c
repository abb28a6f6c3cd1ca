/* How fast rm_read_file() reads each input format: the same n x d normal matrix written as
 * .npy float64 (mapped), .npy int16 (held as float32), plain CSV, .csv.gz, .csv.zst and,
 * when the library reads HDF5, a chunked and deflated .h5 (written by h5py, when Python
 * has it). Prints, per format, the file's size, the best of `repeat` read times, and the
 * rates in file bytes and in values per second. The files are read from the page cache
 * (they were just written): the figures are the readers' own cost, not the disk's. Never
 * fails on a figure.
 *
 * usage: read_throughput [--quick] [-n N] [-d D] [--repeat R] [--dir DIR] [--keep]
 *   defaults: n = 1000000, d = 100, repeat 3, DIR the temporary folder; --quick: n = 2000,
 *   d = 10, one read each (the ctest smoke test); --keep leaves the files in DIR. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "robustmean.h"

enum { CSV_DIGITS = 6, GZIP_LEVEL = 1, ZSTD_LEVEL = 3, WRITE_BLOCK = 1 << 22 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const char *path)
{
    fprintf(stderr, "read_throughput: %s %s\n", what, path);
    exit(1);
}

/* splitmix64 and Box-Muller: reproducible normal values, independent of the library. */
static double normal(uint64_t *state)
{
    uint64_t z[2];
    for (int k = 0; k < 2; k++) {
        uint64_t x = (*state += 0x9e3779b97f4a7c15u);
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
        z[k] = x ^ (x >> 31);
    }
    double u = ((double)(z[0] >> 11) + 0.5) / 9007199254740992.0;
    double v = (double)(z[1] >> 11) / 9007199254740992.0;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static void write_npy_header(FILE *f, const char *descr, size_t n, size_t d)
{
    char dict[128];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }", descr,
                       n, d);
    size_t header = (size_t)len + 1, pad = (64 - (10 + header) % 64) % 64;
    header += pad;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(header & 0xff),
                             (unsigned char)(header >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(dict, 1, (size_t)len, f);
    for (size_t k = 0; k < pad; k++)
        fputc(' ', f);
    fputc('\n', f);
}

/* The text of X as CSV, one block of rows at a time, through emit. */
typedef void (*emit_fn)(void *ctx, const char *text, size_t len);

static void csv_text(const double *X, size_t n, size_t d, emit_fn emit, void *ctx)
{
    char *block = malloc(WRITE_BLOCK + 4096);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            used += (size_t)snprintf(block + used, 32, "%.*g%c", CSV_DIGITS, X[i * d + j],
                                     j + 1 < d ? ',' : '\n');
        if (used > WRITE_BLOCK - 32 * d) {
            emit(ctx, block, used);
            used = 0;
        }
    }
    emit(ctx, block, used);
    free(block);
}

static void emit_plain(void *ctx, const char *text, size_t len) { fwrite(text, 1, len, ctx); }

static void emit_gzip(void *ctx, const char *text, size_t len)
{
    if (gzwrite(ctx, text, (unsigned)len) != (int)len)
        die("gzwrite failed on", "the .csv.gz");
}

typedef struct zstd_out {
    ZSTD_CStream *stream;
    FILE *file;
    unsigned char *buf;
    size_t cap;
} zstd_out;

static void zstd_push(zstd_out *z, const char *text, size_t len, ZSTD_EndDirective end)
{
    ZSTD_inBuffer in = {.src = text, .size = len, .pos = 0};
    size_t left;
    do {
        ZSTD_outBuffer out = {.dst = z->buf, .size = z->cap, .pos = 0};
        left = ZSTD_compressStream2(z->stream, &out, &in, end);
        if (ZSTD_isError(left))
            die("zstd failed:", ZSTD_getErrorName(left));
        fwrite(z->buf, 1, out.pos, z->file);
    } while (end == ZSTD_e_end ? left != 0 : in.pos < in.size);
}

static void emit_zstd(void *ctx, const char *text, size_t len)
{
    zstd_push(ctx, text, len, ZSTD_e_continue);
}

static FILE *create(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create", path);
    return f;
}

static void write_files(const double *X, size_t n, size_t d, const char *const *paths)
{
    FILE *f = create(paths[0]); /* .npy float64 */
    write_npy_header(f, "<f8", n, d);
    fwrite(X, sizeof *X, n * d, f);
    fclose(f);
    f = create(paths[1]); /* .npy int16: the values scaled to the int16 range */
    write_npy_header(f, "<i2", n, d);
    int16_t *row = malloc(d * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            row[j] = (int16_t)lrint(fmax(-32767, fmin(32767, 4000 * X[i * d + j])));
        fwrite(row, sizeof *row, d, f);
    }
    free(row);
    fclose(f);
    f = create(paths[2]);
    csv_text(X, n, d, emit_plain, f);
    fclose(f);
    char mode[8];
    snprintf(mode, sizeof mode, "wb%d", GZIP_LEVEL);
    gzFile gz = gzopen(paths[3], mode);
    if (!gz)
        die("cannot create", paths[3]);
    gzbuffer(gz, 1 << 20);
    csv_text(X, n, d, emit_gzip, gz);
    gzclose(gz);
    zstd_out z = {.stream = ZSTD_createCStream(), .file = create(paths[4]),
                  .cap = ZSTD_CStreamOutSize()};
    z.buf = malloc(z.cap);
    ZSTD_CCtx_setParameter(z.stream, ZSTD_c_compressionLevel, ZSTD_LEVEL);
    csv_text(X, n, d, emit_zstd, &z);
    zstd_push(&z, "", 0, ZSTD_e_end);
    fclose(z.file);
    free(z.buf);
    ZSTD_freeCStream(z.stream);
}

/* An HDF5 copy of the .npy float64, chunked by rows and deflated, written by h5py; 0 when
 * Python or h5py is missing. */
static int write_h5(const char *npy, const char *h5, size_t d)
{
    char cmd[10240];
    static const char *const pythons[] = {"python3", "/usr/bin/python3"}; /* Debian's has h5py */
    for (size_t k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd,
                 "%s -c 'import sys, numpy, h5py; x = numpy.load(sys.argv[1], mmap_mode=\"r\"); "
                 "f = h5py.File(sys.argv[2], \"w\"); f.create_dataset(\"data\", data=x, "
                 "chunks=(min(len(x), max(1, 65536 // %zu)), %zu), compression=\"gzip\", "
                 "compression_opts=1); f.close()' '%s' '%s' 2>/dev/null",
                 pythons[k], d, d, npy, h5);
        if (system(cmd) == 0)
            return 1;
    }
    return 0;
}

static double file_mb(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_size / 1e6 : NAN;
}

/* Best seconds of `repeat` reads of path, or NAN when it fails (said on stderr). */
static double timed_read(const char *path, const char *dataset, rm_storage storage, int repeat,
                         size_t n, size_t d)
{
    double best = INFINITY;
    for (int r = 0; r < repeat; r++) {
        rm_read_options opt;
        rm_read_options_init(&opt);
        opt.storage = storage;
        opt.dataset = dataset;
        rm_data data;
        rm_read_error err;
        double t = now();
        int status = rm_read_file(path, &opt, &data, &err);
        t = now() - t;
        if (status != RM_OK || data.n != n || data.d != d) {
            fprintf(stderr, "read_throughput: %s: %s\n", path,
                    status != RM_OK ? err.message : "the wrong shape");
            rm_data_free(&data);
            return NAN;
        }
        rm_data_free(&data);
        best = fmin(best, t);
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t n = 1000000, d = 100;
    int repeat = 3, keep = 0;
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--quick") == 0)
            n = 2000, d = 10, repeat = 1;
        else if (strcmp(argv[k], "-n") == 0 && k + 1 < argc)
            n = strtoull(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "-d") == 0 && k + 1 < argc)
            d = strtoull(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--repeat") == 0 && k + 1 < argc)
            repeat = atoi(argv[++k]);
        else if (strcmp(argv[k], "--dir") == 0 && k + 1 < argc)
            dir = argv[++k];
        else if (strcmp(argv[k], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: read_throughput [--quick] [-n N] [-d D] [--repeat R] "
                            "[--dir DIR] [--keep]\n");
            return 2;
        }
    }
    if (n == 0 || d == 0 || repeat < 1) {
        fprintf(stderr, "read_throughput: n, d and the repeat count must be positive\n");
        return 2;
    }
    static const char *const names[] = {"npy-f8.npy", "npy-i2.npy", "plain.csv", "gzip.csv.gz",
                                        "zstd.csv.zst", "chunked.h5"};
    enum { FORMATS = sizeof names / sizeof names[0] };
    char paths[FORMATS][4096];
    const char *path_of[FORMATS];
    for (int k = 0; k < FORMATS; k++) {
        snprintf(paths[k], sizeof paths[k], "%s/rm-read-%ld-%s", dir, (long)getpid(), names[k]);
        path_of[k] = paths[k];
    }
    double *X = malloc(n * d * sizeof *X);
    if (!X)
        die("out of memory for", "the matrix");
    uint64_t state = 1;
    for (size_t k = 0; k < n * d; k++)
        X[k] = normal(&state);
    double t = now();
    write_files(X, n, d, path_of);
    free(X);
    int h5 = strstr(rm_read_formats(), "h5") && write_h5(paths[0], paths[5], d);
    fprintf(stderr, "read_throughput: files written in %.1f s\n", now() - t);

    static const struct {
        const char *label;
        rm_storage storage;
    } cases[FORMATS] = {
        {".npy float64 (mapped)", RM_STORAGE_AS_FILE},
        {".npy int16 -> float32", RM_STORAGE_AS_FILE},
        {"CSV (%.6g)", RM_STORAGE_DOUBLE},
        {".csv.gz (level 1)", RM_STORAGE_DOUBLE},
        {".csv.zst (level 3)", RM_STORAGE_DOUBLE},
        {".h5 chunked, gzip 1", RM_STORAGE_DOUBLE},
    };
    printf("n = %zu, d = %zu, best of %d reads, from the page cache\n", n, d, repeat);
    printf("%-24s %10s %9s %10s %12s\n", "format", "file MB", "seconds", "file MB/s",
           "Mvalues/s");
    for (int k = 0; k < FORMATS; k++) {
        if (k == 5 && !h5) {
            printf("%-24s (not read: this library reads no HDF5, or h5py is missing)\n",
                   cases[k].label);
            continue;
        }
        double s = timed_read(paths[k], k == 5 ? "/data" : NULL, cases[k].storage, repeat, n, d);
        double mb = file_mb(paths[k]);
        printf("%-24s %10.1f %9.3f %10.0f %12.1f\n", cases[k].label, mb, s, mb / s,
               (double)n * (double)d / s / 1e6);
    }
    if (!keep)
        for (int k = 0; k < FORMATS; k++)
            unlink(paths[k]);
    return 0;
}
