/* Helpers for the Criterion tests: temporary files, random data, .npy bytes, and running
 * the command-line tools as a user would. */
#ifndef RM_TEST_UTIL_H
#define RM_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "robustmean.h"

/* Write len bytes to a new temporary file whose name ends in suffix; returns its path
 * (malloc'd). Aborts the test on failure. */
char *tu_temp_file(const char *suffix, const void *bytes, size_t len);
/* The same for a NUL-terminated string. */
char *tu_temp_text(const char *suffix, const char *text);
/* A fresh path (nothing created) in the temporary folder. */
char *tu_temp_path(const char *suffix);
/* Remove the file and free the path. */
void tu_remove(char *path);
/* Read a whole file (malloc'd, NUL-terminated); NULL if it cannot be read. */
char *tu_read_file(const char *path, size_t *len);

/* Deterministic pseudo-random numbers (splitmix64), independent of the library. */
typedef struct tu_rng {
    uint64_t state;
} tu_rng;
uint64_t tu_next(tu_rng *r);
double tu_uniform(tu_rng *r); /* [0, 1) */
double tu_normal(tu_rng *r);  /* standard normal */
/* A random permutation of 0 .. n-1 (Fisher-Yates, drawn from seed; malloc'd). */
size_t *tu_permutation(size_t n, uint64_t seed);

/* n x d standard normal matrix plus `offset` (malloc'd). */
double *tu_gaussian_matrix(size_t n, size_t d, double offset, uint64_t seed);

/* The bytes of a .npy file (malloc'd, length in *len) with the given header dict text
 * and raw data, in format version `version` (1, 2 or 3). */
unsigned char *tu_npy_bytes(int version, const char *dict, const void *data, size_t data_len,
                            size_t *len);

/* text_len bytes compressed as one gzip member, or one Zstandard frame with its checksum
 * (malloc'd, length in *len). */
unsigned char *tu_gzip_bytes(const void *text, size_t text_len, size_t *len);
/* deflate's output with zlib's window_bits: 16 + 15 gzip, -15 raw deflate (zip members). */
unsigned char *tu_deflate_bytes(const void *text, size_t text_len, int window_bits,
                                size_t *len);

/* rm_read_file() on text written to a temporary file whose name ends in suffix. (Inline:
 * test_util.c links into tests of either library, and only some read files.) */
static inline int tu_read_text(const char *suffix, const char *text, const rm_read_options *opt,
                               rm_data *data, rm_read_error *err)
{
    char *path = tu_temp_text(suffix, text);
    int status = rm_read_file(path, opt, data, err);
    tu_remove(path);
    return status;
}
unsigned char *tu_zstd_bytes(const void *text, size_t text_len, size_t *len);

/* Run a program: argv[0] is its path. stdin_text (may be NULL) is fed to its standard
 * input. Captures standard output and error (malloc'd, NUL-terminated). */
typedef struct tu_run_result {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
} tu_run_result;
tu_run_result tu_run(const char *const argv[], const char *stdin_text);
/* The same with len bytes of any kind (a .npy file's) as standard input. */
tu_run_result tu_run_bytes(const char *const argv[], const void *stdin_bytes, size_t len);
void tu_run_free(tu_run_result *r);

/* Euclidean distance between a and b (d values). */
double tu_distance(const double *a, const double *b, size_t d);

#endif
