/* Writing a matrix for other programs: CSV with the shortest decimals that read back
 * bit-exactly, or NumPy .npy (format 1.0, little-endian float64, C order). */
#ifndef RM_MATRIX_WRITE_H
#define RM_MATRIX_WRITE_H

#include <stddef.h>
#include <stdio.h>

enum { MATRIX_CSV, MATRIX_NPY };

/* MATRIX_NPY when path ends in ".npy" (any case), else MATRIX_CSV. */
int matrix_format_of(const char *path);

/* Write the n x d row-major X to f. Returns 0, or -1 when a write failed (the stream's
 * error flag is set; the caller reports it when committing the file). */
int matrix_write_csv(FILE *f, const double *X, size_t n, size_t d);
int matrix_write_npy(FILE *f, const double *X, size_t n, size_t d);
int matrix_write(FILE *f, int format, const double *X, size_t n, size_t d);

#endif
