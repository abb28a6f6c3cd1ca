/* See matrix_write.h. */
#include "matrix_write.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int matrix_format_of(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    return len >= 4 && strcasecmp(path + len - 4, ".npy") == 0 ? MATRIX_NPY : MATRIX_CSV;
}

int matrix_write_csv(FILE *f, const double *X, size_t n, size_t d)
{
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            if (j)
                fputc(',', f);
            fputs(cli_format_double(buf, X[i * d + j]), f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

/* The header is padded with spaces so that the data starts at a multiple of 64 bytes,
 * as NumPy writes it (and as readers that map the data expect). */
static void npy_header(FILE *f, size_t n, size_t d)
{
    char dict[128];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }", n, d);
    size_t prefix = 10, header = (size_t)len + 1; /* + '\n' */
    size_t pad = (64 - (prefix + header) % 64) % 64;
    header += pad;
    unsigned char lead[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (unsigned char)(header & 0xff), (unsigned char)(header >> 8)};
    fwrite(lead, 1, sizeof lead, f);
    fwrite(dict, 1, (size_t)len, f);
    for (size_t k = 0; k < pad; k++)
        fputc(' ', f);
    fputc('\n', f);
}

int matrix_write_npy(FILE *f, const double *X, size_t n, size_t d)
{
    npy_header(f, n, d);
    /* Byte by byte from the integer image: little-endian whatever the host's order. */
    unsigned char chunk[8 * 512];
    size_t count = n * d, used = 0;
    for (size_t k = 0; k < count; k++) {
        uint64_t bits;
        memcpy(&bits, X + k, sizeof bits);
        for (int b = 0; b < 8; b++)
            chunk[used++] = (unsigned char)(bits >> (8 * b));
        if (used == sizeof chunk) {
            fwrite(chunk, 1, used, f);
            used = 0;
        }
    }
    fwrite(chunk, 1, used, f);
    return ferror(f) ? -1 : 0;
}

int matrix_write(FILE *f, int format, const double *X, size_t n, size_t d)
{
    return format == MATRIX_NPY ? matrix_write_npy(f, X, n, d) : matrix_write_csv(f, X, n, d);
}
