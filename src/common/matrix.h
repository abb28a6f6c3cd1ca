/* The data matrix as the methods read it: n x d, row-major or column-major, stored as
 * double or as float.
 * Float storage halves the bytes every pass reads; every value is widened to double as it
 * is read, and all arithmetic is in double, so a float matrix gives exactly the result of
 * the same values stored as double. */
#ifndef RM_MATRIX_H
#define RM_MATRIX_H

#include <stddef.h>
#include <string.h>

typedef struct rm_matrix {
    const double *f64; /* exactly one of f64 and f32 is not NULL */
    const float *f32;
    size_t n, d;
    int by_columns; /* 0: row-major, X[i][j] at [i*d + j]; 1: column-major (R, Fortran),
                       at [j*n + i], read in place */
} rm_matrix;

static inline rm_matrix rm_matrix_of_doubles(const double *X, size_t n, size_t d)
{
    return (rm_matrix){.f64 = X, .n = n, .d = d};
}

static inline rm_matrix rm_matrix_of_floats(const float *X, size_t n, size_t d)
{
    return (rm_matrix){.f32 = X, .n = n, .d = d};
}

/* Where X[i][0] is, and how far apart a row's values are. */
static inline size_t rm_matrix_row_start(const rm_matrix *X, size_t i)
{
    return X->by_columns ? i : i * X->d;
}

static inline size_t rm_matrix_row_step(const rm_matrix *X) { return X->by_columns ? X->n : 1; }

/* X[i][j] as a double. */
static inline double rm_matrix_at(const rm_matrix *X, size_t i, size_t j)
{
    size_t k = rm_matrix_row_start(X, i) + j * rm_matrix_row_step(X);
    return X->f32 ? (double)X->f32[k] : X->f64[k];
}

/* Row i as doubles: a pointer into the data (row-major doubles), or the row gathered and
 * widened into buf (d doubles). For loops that read a row more than once or hand it to
 * BLAS. */
static inline const double *rm_matrix_row(const rm_matrix *X, size_t i, double *buf)
{
    if (X->f64 && !X->by_columns)
        return X->f64 + i * X->d;
    for (size_t j = 0; j < X->d; j++)
        buf[j] = rm_matrix_at(X, i, j);
    return buf;
}

/* Row i as doubles copied into dst (d doubles), whatever the storage. */
static inline void rm_matrix_copy_row(const rm_matrix *X, size_t i, double *dst)
{
    const double *x = rm_matrix_row(X, i, dst);
    if (x != dst)
        memcpy(dst, x, X->d * sizeof *dst);
}

/* Runs the statements that follow with `x` naming row i of X, as const float * or as
 * const double *, its values RM_ROW_AT(x, j): the statements are compiled once for each
 * storage and layout, so a scan over the row stays a tight loop (a vector one, row-major,
 * where the step is the constant 1). Every expression on a value must also involve a
 * double (or go to a double parameter), so that a float is widened before any
 * arithmetic. */
#define RM_MATRIX_WITH_ROW(X, i, x, ...)                                                      \
    do {                                                                                      \
        if ((X)->by_columns) {                                                                \
            const size_t x##_step = (X)->n;                                                   \
            if ((X)->f32) {                                                                   \
                const float *x = (X)->f32 + (i);                                              \
                __VA_ARGS__                                                                   \
            } else {                                                                          \
                const double *x = (X)->f64 + (i);                                             \
                __VA_ARGS__                                                                   \
            }                                                                                 \
        } else {                                                                              \
            const size_t x##_step = 1;                                                        \
            if ((X)->f32) {                                                                   \
                const float *x = (X)->f32 + (i) * (X)->d;                                     \
                __VA_ARGS__                                                                   \
            } else {                                                                          \
                const double *x = (X)->f64 + (i) * (X)->d;                                    \
                __VA_ARGS__                                                                   \
            }                                                                                 \
        }                                                                                     \
    } while (0)
#define RM_ROW_AT(x, j) ((x)[(j) * x##_step])

/* 1 when every value of X is finite (one pass; threads: 0 for OpenMP's default). */
int rm_matrix_all_finite(const rm_matrix *X, int threads);

#endif
