/* Internals shared by the CSV and .npy readers: a byte source with a peeked prefix,
 * error reporting, and a matrix that grows row by row. */
#ifndef RM_READER_H
#define RM_READER_H

#include <stdio.h>

#include "robustmean.h"

/* Bytes from a stream, after first handing back `head` (bytes already peeked). */
typedef struct rm_source {
    FILE *file;
    unsigned char head[8];
    size_t head_len, head_pos;
    int read_errno; /* errno of a failed read, 0 if none */
    int size_known; /* a regular file: size is its length in bytes */
    size_t size;
} rm_source;

/* Up to len bytes into buf; fewer only at the end of the input or on a read error
 * (then read_errno is set). */
size_t rm_source_read(rm_source *src, void *buf, size_t len);

/* Fill err (if not NULL) with the place and a printf-style message. */
void rm_read_error_set(rm_read_error *err, size_t line, size_t row, size_t column,
                       const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Write text[0..len) into out (size outsz) for a message: quoted, with non-printable
 * bytes escaped and long text shortened. */
void rm_quote_text(char *out, size_t outsz, const char *text, size_t len);

int rm_csv_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err);
int rm_npy_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err);

#endif
