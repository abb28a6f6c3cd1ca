/* See test_util.h. */
#include "test_util.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

extern char **environ;

static const char *temp_dir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

char *tu_temp_path(const char *suffix)
{
    static unsigned counter;
    char *path = malloc(4096);
    cr_assert_not_null(path);
    snprintf(path, 4096, "%s/rmtest-%ld-%u-%u%s", temp_dir(), (long)getpid(), counter++,
             (unsigned)rand(), suffix);
    return path;
}

char *tu_temp_file(const char *suffix, const void *bytes, size_t len)
{
    char *path = tu_temp_path(suffix);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s", path);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
    return path;
}

char *tu_temp_text(const char *suffix, const char *text)
{
    return tu_temp_file(suffix, text, strlen(text));
}

void tu_remove(char *path)
{
    if (path)
        unlink(path);
    free(path);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (used + 1 >= cap)
            buf = realloc(buf, cap *= 2);
        size_t r = fread(buf + used, 1, cap - used - 1, f);
        used += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[used] = '\0';
    if (len)
        *len = used;
    return buf;
}

uint64_t tu_next(tu_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

double tu_uniform(tu_rng *r) { return (double)(tu_next(r) >> 11) * 0x1p-53; }

size_t *tu_permutation(size_t n, uint64_t seed)
{
    size_t *perm = malloc(n * sizeof *perm);
    tu_rng r = {seed};
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = tu_next(&r) % i, t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    return perm;
}

double tu_normal(tu_rng *r)
{
    double u = tu_uniform(r), v = tu_uniform(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

double *tu_gaussian_matrix(size_t n, size_t d, double offset, uint64_t seed)
{
    tu_rng r = {seed};
    double *X = malloc(n * d * sizeof *X);
    cr_assert_not_null(X);
    for (size_t k = 0; k < n * d; k++)
        X[k] = offset + tu_normal(&r);
    return X;
}

unsigned char *tu_npy_bytes(int version, const char *dict, const void *data, size_t data_len,
                            size_t *len)
{
    size_t prefix = version == 1 ? 10 : 12;
    size_t dlen = strlen(dict);
    size_t header = dlen + 1; /* + '\n' */
    size_t pad = (64 - (prefix + header) % 64) % 64;
    header += pad;
    *len = prefix + header + data_len;
    unsigned char *b = malloc(*len);
    cr_assert_not_null(b);
    memcpy(b, "\x93NUMPY", 6);
    b[6] = (unsigned char)version;
    b[7] = 0;
    if (version == 1) {
        b[8] = (unsigned char)(header & 0xff);
        b[9] = (unsigned char)(header >> 8);
    } else {
        for (int k = 0; k < 4; k++)
            b[8 + k] = (unsigned char)(header >> (8 * k));
    }
    memcpy(b + prefix, dict, dlen);
    memset(b + prefix + dlen, ' ', pad);
    b[prefix + header - 1] = '\n';
    if (data_len)
        memcpy(b + prefix + header, data, data_len);
    return b;
}

tu_run_result tu_run(const char *const argv[], const char *stdin_text)
{
    return tu_run_bytes(argv, stdin_text ? stdin_text : "", stdin_text ? strlen(stdin_text) : 0);
}

tu_run_result tu_run_bytes(const char *const argv[], const void *stdin_bytes, size_t len)
{
    tu_run_result res = {0, NULL, NULL};
    char *in = tu_temp_file(".in", stdin_bytes, len);
    char *out = tu_temp_path(".out"), *err = tu_temp_path(".err");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    cr_assert_eq(rc, 0, "cannot run %s", argv[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    res.out = tu_read_file(out, NULL);
    res.err = tu_read_file(err, NULL);
    tu_remove(in);
    tu_remove(out);
    tu_remove(err);
    return res;
}

void tu_run_free(tu_run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

double tu_distance(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

unsigned char *tu_deflate_bytes(const void *text, size_t text_len, int window_bits,
                                size_t *len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)text_len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)text;
    z.avail_in = (uInt)text_len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    *len = z.total_out;
    deflateEnd(&z);
    return out;
}

unsigned char *tu_gzip_bytes(const void *text, size_t text_len, size_t *len)
{
    return tu_deflate_bytes(text, text_len, 16 + MAX_WBITS, len);
}

/* text compressed as one Zstandard frame, with its checksum. */
unsigned char *tu_zstd_bytes(const void *text, size_t text_len, size_t *len)
{
    size_t cap = ZSTD_compressBound(text_len);
    unsigned char *out = malloc(cap);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    *len = ZSTD_compress2(c, out, cap, text, text_len);
    cr_assert(!ZSTD_isError(*len));
    ZSTD_freeCCtx(c);
    return out;
}
