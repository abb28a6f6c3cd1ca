/*
 * robustmean: estimate the mean of high-dimensional data when a fraction eps of the rows
 * has been corrupted by an adversary.
 *
 * Thread rule: the library holds no global state. Every function may be called from
 * several threads at once, as long as no two threads write the same object (the same
 * rm_report, the same output buffer, the same rm_data). Inputs are only read.
 *
 * Errors: functions return an int status, RM_OK (0) on success, a negative RM_E* code on
 * failure, and RM_NOT_CONVERGED (positive) when a result was written but an iterative
 * method stopped before its tolerance was met. rm_strerror() names each code. The library
 * never prints, never exits and never aborts.
 */
#ifndef ROBUSTMEAN_H
#define ROBUSTMEAN_H

#include <stddef.h>
#include <stdint.h>

#include "robustmean_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RM_BUILDING_LIBRARY) && defined(__GNUC__)
#define RM_API __attribute__((visibility("default")))
#else
#define RM_API
#endif

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */
enum {
    RM_OK = 0,
    RM_NOT_CONVERGED = 1, /* result written: the best iterate, tolerance not reached */
    RM_EINVAL = -1,       /* invalid argument: NULL pointer, n or d zero, bad option */
    RM_ENOMEM = -2,       /* memory allocation failed */
    RM_EMETHOD = -3,      /* unknown method name */
    RM_EEPS = -4,         /* eps missing or outside the method's valid range */
    RM_ETOOFEW = -5,      /* too few rows for the method */
    RM_ENONFINITE = -6,   /* NaN or infinity in the data */
    RM_EOVERFLOW = -7,    /* n*d (or a byte count) does not fit in size_t */
    RM_EIO = -8,          /* a file could not be opened, read or written */
    RM_EPARSE = -9,       /* malformed text input: ragged row, non-numeric field */
    RM_EFORMAT = -10,     /* malformed or unsupported binary input (.npy header, dtype) */
    RM_ERANGE = -11,      /* a number in the input is outside the range of double */
    RM_EEMPTY = -12,      /* the input holds no data rows */
    RM_ENUMERIC = -13     /* a numerical routine failed (e.g. the eigensolver) */
};

/**
 * A short English description of a status code (RM_OK, RM_NOT_CONVERGED or an RM_E* code).
 * Thread-safe. @return a static string, never NULL (a generic text for unknown codes);
 * the caller must not free it.
 */
RM_API const char *rm_strerror(int status);

/* ---------------------------------------------------------------------------------------
 * Version: RM_VERSION_STRING is the header's version, rm_version() the loaded library's.
 * ------------------------------------------------------------------------------------- */

/**
 * The version of the library actually loaded, "MAJOR.MINOR.PATCH", to compare with the
 * header's RM_VERSION_STRING. Thread-safe. @return a static string, never NULL; not freed.
 */
RM_API const char *rm_version(void);
/** The loaded library's version as MAJOR*10000 + MINOR*100 + PATCH (compare with
 * RM_VERSION_NUMBER). Thread-safe; cannot fail. */
RM_API unsigned rm_version_number(void);

/* ---------------------------------------------------------------------------------------
 * Methods
 * ------------------------------------------------------------------------------------- */

/* What a method is and accepts. Static storage, read-only. */
typedef struct rm_method_info {
    const char *name;    /* the value for rm_options.method and the CLI's -m */
    const char *summary; /* one line: what the estimate guarantees */
    int needs_eps;       /* 1 if rm_options.eps must be set */
    double eps_min;      /* valid eps: eps_min <= eps < eps_max */
    double eps_max;
    int weights_rows;    /* 1 if the method gives each row a weight (rm_options.weights) */
} rm_method_info;

/* The method table is static and read-only: these four functions are thread-safe, cannot
 * fail other than as stated, and return pointers the caller must not free or modify. */

/** The number of methods rm_mean() knows (at least 1). */
RM_API size_t rm_method_count(void);
/** The i-th method (0 <= i < rm_method_count()), or NULL when i is out of range. */
RM_API const rm_method_info *rm_method_at(size_t i);
/** The method called name (case-sensitive), or NULL when there is none or name is NULL. */
RM_API const rm_method_info *rm_method_find(const char *name);
/** The name of the method rm_mean() uses when rm_options.method is NULL; never NULL. */
RM_API const char *rm_method_default(void);

/* ---------------------------------------------------------------------------------------
 * Options and report
 * ------------------------------------------------------------------------------------- */

/* Options for rm_mean(). Fill with rm_options_init(), then set fields. The struct is only
 * read by rm_mean(); the buffer behind `weights` is written. */
typedef struct rm_options {
    const char *method; /* NULL: rm_method_default() */
    double eps;         /* fraction of corrupted rows; NAN (the default) means not given */
    uint64_t seed;      /* for methods that draw random numbers (mom); echoed in reports */
    size_t max_iter;    /* iteration cap of iterative methods; 0: the method's default */
    double tol;         /* convergence tolerance; 0: the method's default */
    size_t blocks;      /* mom: number of blocks; 0: 2*floor(eps*n) + 1 */
    double *weights;    /* NULL, or a caller-owned buffer of n doubles that receives the
                           per-row weights of methods with weights_rows (they sum to 1) */
} rm_options;

/** Fill opt with the defaults: default method, eps not given, seed 1, method defaults,
 * no weights buffer. Does nothing when opt is NULL; no allocation, cannot fail. */
RM_API void rm_options_init(rm_options *opt);

/* What rm_mean() did. Plain data (no owned pointers): the strings are static. */
typedef struct rm_report {
    const char *method;      /* the method that ran */
    int status;              /* the value rm_mean() returned */
    int converged;           /* 1 when the method met its tolerance (or is not iterative) */
    const char *stop_reason; /* why an iterative method stopped; "" for direct methods */
    size_t n, d;
    double eps;              /* as given (NAN when not given) */
    uint64_t seed;
    size_t iterations;       /* iterations of an iterative method; 0 for direct ones */
    double objective;        /* the quantity the method minimises (e.g. the sum of
                                distances for geomedian); NAN when it minimises none */
    double seconds;          /* wall-clock time of the call */
} rm_report;

/**
 * Estimate the mean of the n rows of X (n x d, row-major: row i is X[i*d .. i*d+d-1]).
 *
 * @param X      the data; read only. Every value must be finite.
 * @param n,d    rows and columns, both at least 1, n*d must not overflow size_t.
 * @param opt    options (NULL: the defaults of rm_options_init()).
 * @param mean   caller-owned buffer of d doubles; receives the estimate.
 * @param report NULL, or a report to fill (on success and on failure).
 * Ownership: nothing is retained after the call; all memory the method needs is allocated
 * and freed inside it. Threads: calls may run at once on the same X, as long as each has
 * its own mean, report and opt->weights buffers.
 * @return RM_OK; RM_NOT_CONVERGED when an iterative method hit its iteration cap (mean
 *         still holds its best iterate); or a negative RM_E* code, in which case mean is
 *         left untouched: RM_EINVAL (X or mean NULL, n or d zero, bad option), RM_EMETHOD,
 *         RM_EEPS, RM_ETOOFEW, RM_ENONFINITE, RM_EOVERFLOW, RM_ENOMEM, RM_ENUMERIC.
 */
RM_API int rm_mean(const double *X, size_t n, size_t d, const rm_options *opt, double *mean,
                   rm_report *report);

/* ---------------------------------------------------------------------------------------
 * Reading data: CSV and NumPy .npy
 * ------------------------------------------------------------------------------------- */

enum { RM_FORMAT_AUTO = 0, RM_FORMAT_CSV = 1, RM_FORMAT_NPY = 2 };
enum { RM_HEADER_AUTO = -1, RM_HEADER_NO = 0, RM_HEADER_YES = 1 };

typedef struct rm_read_options {
    int format;         /* RM_FORMAT_AUTO: .npy by extension or magic bytes, else CSV */
    char delimiter;     /* 0: detect; ',', '\t', ';', or ' ' (runs of spaces and tabs) */
    int header;         /* RM_HEADER_AUTO: the first row is a header when a field in it is
                           not a number, or when it reads 0,1,...,d-1 (d >= 3) */
    int drop_nonfinite; /* 1: drop rows holding NaN, Inf or an empty field instead of failing */
} rm_read_options;

/** Fill opt with the defaults: detect the format, the delimiter and the header; keep
 * non-finite values an error. Does nothing when opt is NULL; cannot fail. */
RM_API void rm_read_options_init(rm_read_options *opt);

/* A data matrix read from a file. Release with rm_data_free(). */
typedef struct rm_data {
    double *values;      /* n*d, row-major; owned by the rm_data */
    size_t n, d;
    size_t dropped_rows; /* rows dropped under drop_nonfinite */
    int had_header;      /* 1 when a CSV header row was skipped */
    int header_is_index; /* 1 when that header was detected although numeric: the column
                            numbers 0,1,...,d-1 (d >= 3) that pandas writes for unnamed
                            columns; RM_HEADER_NO reads such a line as data */
} rm_data;

/* Where and why reading failed. The message names the place (line, data row, column)
 * but not the file: the caller knows which file it passed. */
typedef struct rm_read_error {
    size_t line;         /* 1-based line in the file (0 when it does not apply) */
    size_t row;          /* 1-based data row, not counting header, comments, blanks */
    size_t column;       /* 1-based column (0 when it does not apply) */
    char message[256];
} rm_read_error;

/**
 * Read a matrix from path ("-" or NULL: standard input).
 *
 * CSV: comma, tab, semicolon or whitespace delimited; an optional header row; CRLF line
 * ends, a UTF-8 byte order mark, '#' comment lines and blank lines are accepted. Numbers
 * are read exactly as strtod() reads them in the C locale, whatever the process locale.
 * .npy: versions 1-3, dtypes <f8, <f4 (and their big-endian forms), C or Fortran order,
 * 1-D (d = 1) or 2-D.
 *
 * @param opt  NULL (the defaults of rm_read_options_init()), or the reading options.
 * @param out  receives the matrix on success (zeroed on failure); the caller owns
 *             out->values and releases it with rm_data_free().
 * @param err  NULL, or receives the place and reason of a failure.
 * Threads: calls may run at once with distinct out and err (standard input is one stream:
 * read it from one thread).
 * @return RM_OK, or RM_EIO, RM_EPARSE, RM_ERANGE, RM_ENONFINITE, RM_EEMPTY, RM_EFORMAT,
 *         RM_EOVERFLOW, RM_ENOMEM, RM_EINVAL.
 */
RM_API int rm_read_file(const char *path, const rm_read_options *opt, rm_data *out,
                        rm_read_error *err);

/** Release what rm_read_file() allocated and zero *data; NULL-safe, safe on a zeroed
 * rm_data, so calling it twice is harmless. Cannot fail. */
RM_API void rm_data_free(rm_data *data);

#ifdef __cplusplus
}
#endif

#endif /* ROBUSTMEAN_H */
