/* What the readers share, below them all: a byte source with a peeked prefix, and the
 * wording of a failure with its place. */
#ifndef RM_IO_SOURCE_H
#define RM_IO_SOURCE_H

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

/* What backs the values of an rm_data read from a mapped file (rm_data_free unmaps it). */
struct rm_data_mapping {
    void *base;
    size_t bytes;
};

/* Open path ("-" or NULL: standard input) into a zeroed src, noting the size of a
 * regular file. Returns RM_OK, or RM_EIO worded in err (cannot open, a directory). */
int rm_source_open(rm_source *src, const char *path, rm_read_error *err);

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

/* Note that the file's data row `number` (1-based) was dropped: appended to
 * out->dropped (numbers come in ascending order) and counted. RM_OK or RM_ENOMEM. */
int rm_data_drop_row(rm_data *out, size_t number);

/* The text of errno value e, into buf (strerror() may share one buffer between threads;
 * strerror_r does not). Returns buf. */
const char *rm_errno_text(int e, char *buf, size_t len);

#endif
