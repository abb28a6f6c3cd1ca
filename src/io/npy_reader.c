/* The NumPy .npy reader (format versions 1.0, 2.0 and 3.0). The header is a Python dict
 * literal, {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }, parsed strictly. */
#define _DEFAULT_SOURCE /* madvise */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/matrix.h"
#include "common/threads.h"
#include "io/columns.h"
#include "io/finite_check.h"
#include "io/npy_reader.h"

enum { MAX_HEADER = 1 << 20, CHUNK = 1 << 16 };

typedef struct npy_header {
    char descr[16];
    int fortran_order;
    size_t shape[2];
    size_t ndim;
    int have_descr, have_order, have_shape;
} npy_header;

typedef struct cursor {
    const char *s, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t' || *c->s == '\n' || *c->s == '\r'))
        c->s++;
}

static int take(cursor *c, char ch)
{
    skip_space(c);
    if (c->s < c->end && *c->s == ch) {
        c->s++;
        return 1;
    }
    return 0;
}

/* A quoted Python string (no escapes: none appear in .npy keys or float dtypes). */
static int parse_string(cursor *c, char *out, size_t outsz)
{
    skip_space(c);
    if (c->s >= c->end || (*c->s != '\'' && *c->s != '"'))
        return 0;
    char q = *c->s++;
    size_t len = 0;
    while (c->s < c->end && *c->s != q) {
        if (*c->s == '\\' || len + 1 >= outsz)
            return 0;
        out[len++] = *c->s++;
    }
    if (c->s >= c->end)
        return 0;
    c->s++;
    out[len] = '\0';
    return 1;
}

static int parse_size(cursor *c, size_t *out)
{
    skip_space(c);
    size_t v = 0;
    const char *start = c->s;
    while (c->s < c->end && *c->s >= '0' && *c->s <= '9') {
        size_t digit = (size_t)(*c->s - '0');
        if (v > (SIZE_MAX - digit) / 10)
            return 0;
        v = 10 * v + digit;
        c->s++;
    }
    if (c->s < c->end && *c->s == 'L') /* Python 2 wrote longs as 3L */
        c->s++;
    *out = v;
    return c->s > start;
}

static int parse_shape(cursor *c, npy_header *h, rm_read_error *err)
{
    if (!take(c, '('))
        return 0;
    size_t dims[32], ndim = 0;
    while (!take(c, ')')) {
        if (ndim == 32 || !parse_size(c, &dims[ndim]))
            return 0;
        ndim++;
        if (!take(c, ',')) {
            if (!take(c, ')'))
                return 0;
            break;
        }
    }
    if (ndim == 0 || ndim > 2) {
        rm_read_error_set(err, 0, 0, 0,
                          "the array has %zu dimensions; robustmean reads 1-D (one column) or 2-D arrays",
                          ndim);
        return -1;
    }
    h->ndim = ndim;
    h->shape[0] = dims[0];
    h->shape[1] = ndim == 2 ? dims[1] : 1;
    return 1;
}

static int parse_header(const char *text, size_t len, npy_header *h, rm_read_error *err)
{
    cursor c = {.s = text, .end = text + len};
    memset(h, 0, sizeof *h);
    if (!take(&c, '{'))
        goto malformed;
    while (!take(&c, '}')) {
        char key[32];
        if (!parse_string(&c, key, sizeof key) || !take(&c, ':'))
            goto malformed;
        if (strcmp(key, "descr") == 0) {
            skip_space(&c);
            if (c.s < c.end && *c.s == '[') {
                rm_read_error_set(err, 0, 0, 0,
                                  "unsupported dtype: a structured array (robustmean reads one numeric dtype: float, int or uint)");
                return RM_EFORMAT;
            }
            if (!parse_string(&c, h->descr, sizeof h->descr))
                goto malformed;
            h->have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            skip_space(&c);
            if ((size_t)(c.end - c.s) >= 4 && memcmp(c.s, "True", 4) == 0) {
                h->fortran_order = 1;
                c.s += 4;
            } else if ((size_t)(c.end - c.s) >= 5 && memcmp(c.s, "False", 5) == 0) {
                c.s += 5;
            } else
                goto malformed;
            h->have_order = 1;
        } else if (strcmp(key, "shape") == 0) {
            int r = parse_shape(&c, h, err);
            if (r < 0)
                return RM_EFORMAT;
            if (r == 0)
                goto malformed;
            h->have_shape = 1;
        } else {
            goto malformed;
        }
        if (!take(&c, ',')) {
            if (!take(&c, '}'))
                goto malformed;
            break;
        }
    }
    skip_space(&c);
    if (c.s != c.end || !h->have_descr || !h->have_order || !h->have_shape)
        goto malformed;
    return RM_OK;
malformed:
    rm_read_error_set(err, 0, 0, 0,
                      "malformed .npy header: expected {'descr': ..., 'fortran_order': ..., 'shape': (...)}");
    return RM_EFORMAT;
}

/* Element conversion: kind, item size and byte order from the dtype string. */
typedef struct dtype {
    char kind;   /* 'f' float, 'i' signed integer, 'u' unsigned integer */
    size_t size; /* bytes: 2, 4, 8 for floats; 1, 2, 4, 8 for integers */
    int swap;    /* stored big-endian */
    int fits_float; /* every value is a float exactly (float16, float32, integers of up to
                       16 bits): held as float when the storage follows the file */
} dtype;

static int parse_dtype(const char *descr, dtype *t)
{
    size_t len = strlen(descr);
    if (len != 3 || !strchr("<>|=", descr[0]) || !strchr("fiu", descr[1]))
        return 0;
    t->kind = descr[1];
    t->size = (size_t)(descr[2] - '0');
    int float_size = t->size == 2 || t->size == 4 || t->size == 8,
        int_size = t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
    if (t->kind == 'f' ? !float_size : !int_size)
        return 0;
    /* '|' (no order) is how NumPy writes one-byte types; '=' is the machine's (little) */
    if (descr[0] == '|' && t->size != 1)
        return 0;
    t->swap = descr[0] == '>';
    t->fits_float = t->kind == 'f' ? t->size <= 4 : t->size <= 2;
    return 1;
}

/* 1 when the file's elements are the values as held (doubles, or floats with single), in
 * this machine's byte order: read or mapped as they lie. */
static int as_held(const dtype *t, int single)
{
    return !t->swap && t->kind == 'f' && t->size == (single ? 4u : 8u);
}

/* IEEE half precision (1 sign, 5 exponent, 10 fraction bits) as a double, exactly. */
static double half_to_double(uint16_t h)
{
    int sign = h >> 15, exponent = (h >> 10) & 0x1f, fraction = h & 0x3ff;
    double v;
    if (exponent == 0)
        v = ldexp(fraction, -24); /* zero and subnormals */
    else if (exponent == 31)
        v = fraction ? NAN : INFINITY;
    else
        v = ldexp(fraction | 0x400, exponent - 25);
    return sign ? -v : v;
}

/* The element at p as a double; 0 when it is an integer beyond 2^53, which a double would
 * round (refused: the place is the caller's). */
static int convert(const unsigned char *p, const dtype *t, double *out)
{
    unsigned char b[8];
    for (size_t k = 0; k < t->size; k++)
        b[k] = t->swap ? p[t->size - 1 - k] : p[k];
    uint64_t bits = 0;
    for (size_t k = 0; k < t->size; k++)
        bits |= (uint64_t)b[k] << (8 * k);
    if (t->kind == 'f') {
        if (t->size == 2) {
            *out = half_to_double((uint16_t)bits);
        } else if (t->size == 4) {
            float f;
            memcpy(&f, b, 4);
            *out = (double)f;
        } else {
            memcpy(out, b, 8);
        }
        return 1;
    }
    if (t->kind == 'u') {
        *out = (double)bits;
        return bits <= (uint64_t)1 << 53;
    }
    /* signed: sign-extend from size bytes */
    int64_t v;
    if (t->size == 8) {
        memcpy(&v, &bits, 8);
    } else {
        uint64_t sign = (uint64_t)1 << (8 * t->size - 1);
        v = (int64_t)((bits ^ sign) - sign);
    }
    *out = (double)v;
    return v <= (int64_t)1 << 53 && v >= -((int64_t)1 << 53);
}

/* count elements of chunk, in this machine's byte order, into to (doubles, or floats with
 * single) by a loop over their type: the common conversions, without convert()'s byte
 * by byte assembly. 0 when the type is not one of them (int64 and uint64, which need the
 * 2^53 check; float64 into float, which needs the range check; swapped bytes). */
static int convert_native(const unsigned char *chunk, const dtype *t, size_t count, int single,
                          void *to)
{
#define RM_CONVERT(type)                                                                   \
    do {                                                                                   \
        const type *in = (const type *)(const void *)chunk;                                \
        if (single)                                                                        \
            for (size_t k = 0; k < count; k++)                                             \
                ((float *)to)[k] = (float)in[k];                                           \
        else                                                                               \
            for (size_t k = 0; k < count; k++)                                             \
                ((double *)to)[k] = (double)in[k];                                         \
        return 1;                                                                          \
    } while (0)
    if (t->swap)
        return 0;
    if (t->kind == 'i' && t->size == 1)
        RM_CONVERT(int8_t);
    if (t->kind == 'i' && t->size == 2)
        RM_CONVERT(int16_t);
    if (t->kind == 'i' && t->size == 4)
        RM_CONVERT(int32_t);
    if (t->kind == 'u' && t->size == 1)
        RM_CONVERT(uint8_t);
    if (t->kind == 'u' && t->size == 2)
        RM_CONVERT(uint16_t);
    if (t->kind == 'u' && t->size == 4)
        RM_CONVERT(uint32_t);
    if (t->kind == 'f' && t->size == 4)
        RM_CONVERT(float);
    if (t->kind == 'f' && t->size == 8 && !single)
        RM_CONVERT(double);
#undef RM_CONVERT
    return 0;
}

/* A read that came short of `promised` bytes, after `got`: the source's failure if it
 * had one (a read error, corrupt compressed data), else the data is truncated. */
static int came_short(const rm_source *src, size_t promised, size_t got, rm_read_error *err)
{
    int status = rm_source_failure(src, err, 0);
    if (status != RM_OK)
        return status;
    rm_read_error_set(err, 0, 0, 0,
                      "truncated .npy data: the header promises %zu bytes, only %zu follow",
                      promised, got);
    return RM_EFORMAT;
}

/* Read the n x width elements of the file into out (row-major n x d, doubles or, with
 * single, floats) converting and reordering as needed; slot: NULL when every column is
 * read, else where each column of the file goes in a row of out (SIZE_MAX: left out). */
static int read_elements(rm_source *src, const npy_header *h, const dtype *t, int single,
                         size_t width, const size_t *slot, rm_data *out, rm_read_error *err)
{
    size_t n = out->n, d = out->d, count = n * width;
    int direct = !slot && as_held(t, single) && (!h->fortran_order || d == 1 || n == 1);
    if (direct) {
        void *to = single ? (void *)out->values_float : (void *)out->values;
        size_t got = rm_source_read(src, to, count * t->size);
        return got < count * t->size ? came_short(src, count * t->size, got, err) : RM_OK;
    }
    unsigned char *chunk = malloc(CHUNK);
    if (!chunk)
        return RM_ENOMEM;
    size_t per_chunk = CHUNK / t->size, done = 0;
    size_t row = 0, col = 0; /* of element `done` in the file */
    int status = RM_OK, in_order = !slot && !h->fortran_order;
    while (done < count) {
        size_t want = count - done < per_chunk ? count - done : per_chunk;
        size_t got = rm_source_read(src, chunk, want * t->size);
        if (got < want * t->size) {
            status = came_short(src, count * t->size, done * t->size + got, err);
            break;
        }
        if (in_order && convert_native(chunk, t, want, single,
                                       single ? (void *)(out->values_float + done)
                                              : (void *)(out->values + done))) {
            done += want;
            continue;
        }
        for (size_t k = 0; k < want; k++) {
            size_t r = row, c = col;
            /* the next element's place: Fortran order stores column after column */
            if (h->fortran_order ? ++row == n : ++col == width) {
                if (h->fortran_order) {
                    row = 0;
                    col++;
                } else {
                    col = 0;
                    row++;
                }
            }
            size_t to = slot ? slot[c] : c;
            if (to == SIZE_MAX)
                continue;
            size_t dest = r * d + to;
            double v;
            if (!convert(chunk + k * t->size, t, &v)) {
                rm_read_error_set(err, 0, r + 1, c + 1,
                                  "the integer %.17g is beyond 2^53: a double would round it "
                                  "(store such counts as float64 if rounding is acceptable)",
                                  v);
                free(chunk);
                return RM_ERANGE;
            }
            if (!single) {
                out->values[dest] = v;
                continue;
            }
            out->values_float[dest] = (float)v;
            if (isfinite(v) && !isfinite(out->values_float[dest])) {
                rm_read_error_set(err, 0, r + 1, c + 1,
                                  "%.17g is outside the range of float (about 3.4e38), the storage asked for",
                                  v);
                free(chunk);
                return RM_ERANGE;
            }
        }
        done += want;
    }
    free(chunk);
    return status;
}

/* bytes of data from file offset start, as the library holds them, mapped: from the page
 * that holds their first byte (a part of the rows: no other process's rows are read
 * ahead). The pages asked for ahead and faulted in by the (parallel) finiteness check,
 * not set up on one thread by MAP_POPULATE (bench/TUNING.md, NPY_WILLNEED). Returns 0
 * when the file cannot be mapped: the caller reads it instead. */
static int map_part(rm_source *src, int single, size_t start, size_t bytes, rm_data *out)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), skip = start % page;
    struct rm_data_mapping *mapping = malloc(sizeof *mapping);
    if (!mapping)
        return 0;
    void *base = mmap(NULL, skip + bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE,
                      fileno(src->file), (off_t)(start - skip));
    if (base == MAP_FAILED) {
        free(mapping);
        return 0;
    }
    madvise(base, skip + bytes, MADV_WILLNEED);
    *mapping = (struct rm_data_mapping){.base = base, .bytes = skip + bytes};
    out->mapping = mapping;
    if (single)
        out->values_float = (float *)(void *)((char *)base + skip);
    else
        out->values = (double *)(void *)((char *)base + skip);
    return 1;
}

/* Allocate out's values (n x d) and read the file's elements into them (read_elements). */
static int read_into_memory(rm_source *src, const npy_header *h, const dtype *t, int single,
                            const size_t *slot, rm_data *out, rm_read_error *err)
{
    if (single)
        out->values_float = rm_alloc_array(out->n * out->d, sizeof(float));
    else
        out->values = rm_alloc_array(out->n * out->d, sizeof(double));
    if (!out->values && !out->values_float) {
        rm_read_error_set(err, 0, 0, 0, "out of memory for %zu x %zu values", out->n, out->d);
        return RM_ENOMEM;
    }
    return read_elements(src, h, t, single, h->shape[1], slot, out, err);
}

/* Data already as the library holds it (little-endian, float64 or with single float32, C
 * order, aligned) in a regular file is mapped, not read: no copy, no parse, and the pages
 * are shared with the page cache. Private and writable: a change (dropping a row) never
 * reaches the file. */
static int map_in_place(rm_source *src, const npy_header *h, const dtype *t, int single,
                        size_t offset, size_t bytes, rm_data *out)
{
    if (!src->size_known || !as_held(t, single) || offset % t->size != 0 || bytes == 0 ||
        (h->fortran_order && out->d > 1 && out->n > 1))
        return 0;
    return map_part(src, single, offset, bytes, out);
}

/* The header, up to the data: its dict, its dtype, where the data starts and how many
 * bytes it holds (checked against the file's size when known). */
static int read_header(rm_source *src, npy_header *hp, dtype *tp, size_t *data_offset,
                       size_t *data_bytes, rm_read_error *err)
{
    unsigned char pre[12];
    size_t got = rm_source_read(src, pre, 10);
    int status = rm_source_failure(src, err, 0);
    if (status != RM_OK)
        return status;
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        rm_read_error_set(err, 0, 0, 0,
                          got < 6 || memcmp(pre, "\x93NUMPY", 6) != 0
                              ? "not a .npy file: it does not start with \\x93NUMPY"
                              : "truncated .npy header");
        return RM_EFORMAT;
    }
    unsigned major = pre[6], minor = pre[7];
    size_t header_len, prefix = 10;
    if (major == 1) {
        header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (major == 2 || major == 3) {
        if (rm_source_read(src, pre + 10, 2) < 2) {
            if ((status = rm_source_failure(src, err, 0)) != RM_OK)
                return status;
            rm_read_error_set(err, 0, 0, 0, "truncated .npy header");
            return RM_EFORMAT;
        }
        header_len = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
                     (size_t)pre[11] << 24;
        prefix = 12;
    } else {
        rm_read_error_set(err, 0, 0, 0, "unsupported .npy format version %u.%u (1.0 to 3.0 are read)",
                          major, minor);
        return RM_EFORMAT;
    }
    if (header_len > MAX_HEADER) {
        rm_read_error_set(err, 0, 0, 0, "malformed .npy header: it claims %zu bytes", header_len);
        return RM_EFORMAT;
    }
    char *text = malloc(header_len + 1);
    if (!text)
        return RM_ENOMEM;
    got = rm_source_read(src, text, header_len);
    if (got < header_len) {
        status = rm_source_failure(src, err, 0);
        if (status == RM_OK) {
            rm_read_error_set(err, 0, 0, 0, "truncated .npy header: %zu of %zu bytes", got,
                              header_len);
            status = RM_EFORMAT;
        }
    } else {
        status = parse_header(text, header_len, hp, err);
    }
    free(text);
    if (status != RM_OK)
        return status;

    const npy_header h = *hp;
    if (!parse_dtype(h.descr, tp)) {
        char shown[64];
        rm_quote_text(shown, sizeof shown, h.descr, strlen(h.descr));
        rm_read_error_set(err, 0, 0, 0,
                          "unsupported .npy dtype %s: robustmean reads the numeric dtypes "
                          "float16/32/64, int8/16/32/64 and uint8/16/32/64, in either byte order",
                          shown);
        return RM_EFORMAT;
    }
    if (h.shape[0] == 0) {
        rm_read_error_set(err, 0, 0, 0, "the array has no rows (shape[0] is 0)");
        return RM_EEMPTY;
    }
    if (h.shape[1] == 0) {
        rm_read_error_set(err, 0, 0, 0, "the array has no columns (shape[1] is 0)");
        return RM_EEMPTY;
    }
    size_t count, bytes, in_bytes;
    if (!rm_mul_size(h.shape[0], h.shape[1], &count) ||
        !rm_mul_size(count, sizeof(double), &bytes) || !rm_mul_size(count, tp->size, &in_bytes)) {
        rm_read_error_set(err, 0, 0, 0, "the array shape (%zu, %zu) is too large", h.shape[0],
                          h.shape[1]);
        return RM_EOVERFLOW;
    }
    size_t expected = prefix + header_len + in_bytes;
    if (src->size_known && src->size != expected) {
        if (src->size < expected)
            rm_read_error_set(err, 0, 0, 0,
                              "truncated .npy data: shape (%zu, %zu) needs %zu bytes of data, the file holds %zu",
                              h.shape[0], h.shape[1], in_bytes,
                              src->size > prefix + header_len ? src->size - prefix - header_len : 0);
        else
            rm_read_error_set(err, 0, 0, 0, "%zu unexpected bytes after the .npy data",
                              src->size - expected);
        return RM_EFORMAT;
    }
    *data_offset = prefix + header_len;
    *data_bytes = in_bytes;
    return RM_OK;
}

/* The columns opt chooses of the file's width, when it chooses: *pick (the columns read,
 * in order, recorded in out) and *slot (where each of the file's columns goes in a row of
 * out, SIZE_MAX: left out), both malloc'd; both NULL when every column is read. */
static int choose_columns(const rm_read_options *opt, size_t width, rm_data *out,
                          size_t **slot, rm_read_error *err)
{
    size_t *pick = NULL;
    int status = RM_OK;
    *slot = NULL;
    out->d = width;
    if (rm_columns_chosen(opt)) {
        status = rm_columns_resolve(opt, width, 1, NULL, 0, &pick, &out->d, err);
        *slot = status == RM_OK ? rm_alloc_array(width, sizeof **slot) : NULL;
        if (status == RM_OK && !*slot)
            status = RM_ENOMEM;
        for (size_t c = 0; *slot && c < width; c++)
            (*slot)[c] = SIZE_MAX;
        for (size_t k = 0; *slot && k < out->d; k++)
            (*slot)[pick[k]] = k;
    }
    if (status == RM_OK)
        status = rm_columns_record(out, pick, 1, NULL);
    free(pick);
    return status;
}

int rm_npy_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err)
{
    npy_header h;
    dtype t;
    size_t offset, in_bytes;
    int status = read_header(src, &h, &t, &offset, &in_bytes, err);
    if (status != RM_OK)
        return status;
    out->n = h.shape[0];
    size_t *slot = NULL;
    status = choose_columns(opt, h.shape[1], out, &slot, err);
    int single =
        opt->storage == RM_STORAGE_FLOAT || (opt->storage == RM_STORAGE_AS_FILE && t.fits_float);
    if (status == RM_OK &&
        (slot || !map_in_place(src, &h, &t, single, offset, in_bytes, out)))
        status = read_into_memory(src, &h, &t, single, slot, out, err);
    free(slot);
    if (status == RM_OK && !src->size_known) {
        unsigned char extra;
        if (rm_source_read(src, &extra, 1) == 1) {
            rm_read_error_set(err, 0, 0, 0, "unexpected bytes after the .npy data");
            status = RM_EFORMAT;
        }
    }
    if (status == RM_OK)
        status = rm_data_check_finite(opt, out, err);
    return status;
}

/* Rows [lo, hi) of an array in Fortran order: each chosen column's stretch of them, one
 * after the other (a seek and a read each), into the rows of out. */
static int read_fortran_rows(rm_source *src, const npy_header *h, const dtype *t, int single,
                             size_t offset, size_t lo, const size_t *slot, rm_data *out,
                             rm_read_error *err)
{
    size_t rows = out->n, d = out->d;
    npy_header one = *h; /* a column alone is a sequence of values */
    one.fortran_order = 0;
    one.shape[1] = 1;
    rm_data column = {.n = rows, .d = 1};
    if (single)
        column.values_float = rm_alloc_array(rows, sizeof(float));
    else
        column.values = rm_alloc_array(rows, sizeof(double));
    if (!column.values && !column.values_float) {
        rm_read_error_set(err, 0, 0, 0, "out of memory for %zu values", rows);
        return RM_ENOMEM;
    }
    int status = RM_OK;
    for (size_t c = 0; c < h->shape[1] && status == RM_OK; c++) {
        size_t to = slot ? slot[c] : c;
        if (to == SIZE_MAX)
            continue;
        if (fseeko(src->file, (off_t)(offset + (c * h->shape[0] + lo) * t->size), SEEK_SET) != 0) {
            rm_read_error_set(err, 0, 0, 0, "cannot seek to column %zu", c + 1);
            status = RM_EIO;
            break;
        }
        src->head_len = src->head_pos = 0;
        status = read_elements(src, &one, t, single, 1, NULL, &column, err);
        if (status != RM_OK) {
            if (err && err->column)
                rm_read_error_move(err, err->row, c + 1);
            break;
        }
        for (size_t i = 0; i < rows; i++) {
            if (single)
                out->values_float[i * d + to] = column.values_float[i];
            else
                out->values[i * d + to] = column.values[i];
        }
    }
    free(column.values);
    free(column.values_float);
    return status;
}

int rm_npy_read_part(rm_source *src, const rm_read_options *opt, size_t part, size_t parts,
                     rm_data *out, size_t *first, size_t *total, rm_read_error *err)
{
    npy_header h;
    dtype t;
    size_t offset, in_bytes;
    int status = read_header(src, &h, &t, &offset, &in_bytes, err);
    if (status != RM_OK)
        return status;
    size_t n = h.shape[0], width = h.shape[1];
    if (!src->size_known || src->decoder) {
        rm_read_error_set(err, 0, 0, 0, "a range of rows is read from a regular, uncompressed "
                                        "file only");
        return RM_EIO;
    }
    /* n * parts may overflow: split the quotient and the remainder. */
    size_t lo = part * (n / parts) + part * (n % parts) / parts;
    size_t hi = (part + 1) * (n / parts) + (part + 1) * (n % parts) / parts;
    *first = lo;
    *total = n;
    out->n = hi - lo;
    size_t *slot = NULL;
    status = choose_columns(opt, width, out, &slot, err);
    if (status != RM_OK || hi == lo) {
        free(slot);
        return status;
    }
    size_t d = out->d;
    int single =
        opt->storage == RM_STORAGE_FLOAT || (opt->storage == RM_STORAGE_AS_FILE && t.fits_float);
    int fortran = h.fortran_order && n > 1 && width > 1;
    size_t start = offset + lo * width * t.size, bytes = (hi - lo) * width * t.size;
    if (slot || fortran || !as_held(&t, single) || start % t.size != 0 ||
        !map_part(src, single, start, bytes, out)) {
        if (single)
            out->values_float = rm_alloc_array((hi - lo) * d, sizeof(float));
        else
            out->values = rm_alloc_array((hi - lo) * d, sizeof(double));
        if (!out->values && !out->values_float) {
            rm_read_error_set(err, 0, 0, 0, "out of memory for %zu x %zu values", out->n, d);
            free(slot);
            return RM_ENOMEM;
        }
        if (fortran)
            status = read_fortran_rows(src, &h, &t, single, offset, lo, slot, out, err);
        else if (fseeko(src->file, (off_t)start, SEEK_SET) != 0) {
            rm_read_error_set(err, 0, 0, 0, "cannot seek to data row %zu", lo + 1);
            status = RM_EIO;
        } else {
            src->head_len = src->head_pos = 0;
            status = read_elements(src, &h, &t, single, width, slot, out, err);
        }
    }
    free(slot);
    if (status == RM_OK)
        status = rm_data_check_finite(opt, out, err);
    /* The places in words and the dropped rows, numbered in the whole file. */
    if (err && err->row > 0)
        rm_read_error_move(err, err->row + lo, err->column);
    for (size_t i = 0; i < out->dropped_rows; i++)
        out->dropped[i] += lo;
    return status;
}
