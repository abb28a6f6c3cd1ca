/* What the readers share, below them all: a byte source with a peeked prefix, and the
 * wording of a failure with its place. */
#ifndef RM_IO_SOURCE_H
#define RM_IO_SOURCE_H

#include <stdio.h>

#include "robustmean.h"

typedef struct rm_decoder rm_decoder;

/* Bytes from a stream, after first handing back `head` (bytes already peeked); through a
 * decoder (decompressing) when one is attached. */
typedef struct rm_source {
    FILE *file;
    unsigned char head[8];
    size_t head_len, head_pos;
    unsigned char raw_head[8]; /* bytes peeked before a decoder was attached: its input */
    size_t raw_head_len, raw_head_pos;
    int read_errno; /* errno of a failed read, 0 if none */
    int size_known; /* a regular file read as it is: size is its length in bytes */
    size_t size;
    rm_decoder *decoder; /* NULL: the file's bytes as they are */
    int status;          /* RM_OK, or why the decoder stopped early (rm_source_fail) */
    char message[192];   /* its words */
} rm_source;

/* A filter between the file and the readers: decompressed bytes out of compressed ones. */
struct rm_decoder {
    /* Up to len decoded bytes into buf; fewer only at the end of the data or when it fails
     * (then rm_source_fail has said why). Its input: rm_source_read_raw(src). */
    size_t (*read)(rm_decoder *self, rm_source *src, unsigned char *buf, size_t len);
    void (*free)(rm_decoder *self);
};

/* What backs the values of an rm_data read from a mapped file (rm_data_free unmaps it). */
struct rm_data_mapping {
    void *base;
    size_t bytes;
};

/* Open path ("-" or NULL: standard input) into a zeroed src, noting the size of a
 * regular file. Returns RM_OK, or RM_EIO worded in err (cannot open, a directory). */
int rm_source_open(rm_source *src, const char *path, rm_read_error *err);

/* Up to len bytes into buf; fewer only at the end of the input, on a read error (then
 * read_errno is set) or when the decoder failed (status). */
size_t rm_source_read(rm_source *src, void *buf, size_t len);

/* The file's own bytes (the decoder's input): what was peeked before the decoder came,
 * then the file. As rm_source_read otherwise. */
size_t rm_source_read_raw(rm_source *src, void *buf, size_t len);

/* Read through decoder from now on (the bytes peeked so far are its first input); the
 * source owns it. The size of the decoded data is unknown. */
void rm_source_attach(rm_source *src, rm_decoder *decoder);

/* Note why reading stopped early (the first reason is kept): a status and its words. */
void rm_source_fail(rm_source *src, int status, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* RM_OK when every read so far went well; else the status, worded in err (if not NULL)
 * at line (0: none). */
int rm_source_failure(const rm_source *src, rm_read_error *err, size_t line);

/* Free the decoder and close the file (not standard input). */
void rm_source_close(rm_source *src);

/* Fill err (if not NULL) with the place and a printf-style message. */
void rm_read_error_set(rm_read_error *err, size_t line, size_t row, size_t column,
                       const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The place of err moved to data row `row` and column `column` (0: none), its words kept:
 * a reader of a part of the rows numbers them in the whole file. */
void rm_read_error_move(rm_read_error *err, size_t row, size_t column);

/* Write text[0..len) into out (size outsz) for a message: quoted, with non-printable
 * bytes escaped and long text shortened. */
void rm_quote_text(char *out, size_t outsz, const char *text, size_t len);

/* The count names, each quoted, into out (size outsz) for a message: "'a', 'b', 'c'",
 * shortened with ", ..." when they do not fit. */
void rm_quote_list(char *out, size_t outsz, const char *const *names, size_t count);

/* Note that the file's data row `number` (1-based) was dropped: appended to
 * out->dropped (numbers come in ascending order) and counted. RM_OK or RM_ENOMEM. */
int rm_data_drop_row(rm_data *out, size_t number);

/* The text of errno value e, into buf (strerror() may share one buffer between threads;
 * strerror_r does not). Returns buf. */
const char *rm_errno_text(int e, char *buf, size_t len);

#endif
