/* See source.h. */
#include "io/source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* strerror() may share one buffer between threads; strerror_r (XSI form) does not. */
int rm_data_drop_row(rm_data *out, size_t number)
{
    size_t count = out->dropped_rows;
    if ((count & (count - 1)) == 0) { /* 0 or a power of two: the array is full */
        size_t cap = count ? 2 * count : 8;
        size_t *grown = count <= SIZE_MAX / 2 / sizeof *grown
                            ? realloc(out->dropped, cap * sizeof *grown)
                            : NULL;
        if (!grown)
            return RM_ENOMEM;
        out->dropped = grown;
    }
    out->dropped[count] = number;
    out->dropped_rows = count + 1;
    return RM_OK;
}

const char *rm_errno_text(int e, char *buf, size_t len)
{
    if (strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
    return buf;
}

int rm_source_open(rm_source *src, const char *path, rm_read_error *err)
{
    int from_stdin = !path || strcmp(path, "-") == 0;
    src->file = from_stdin ? stdin : fopen(path, "rb");
    if (!src->file) {
        char text[128];
        rm_read_error_set(err, 0, 0, 0, "cannot open: %s", rm_errno_text(errno, text, sizeof text));
        return RM_EIO;
    }
    struct stat sb;
    if (fstat(fileno(src->file), &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            rm_read_error_set(err, 0, 0, 0, "is a directory, not a data file");
            return RM_EIO;
        }
        if (S_ISREG(sb.st_mode) && !from_stdin) {
            src->size_known = 1;
            src->size = (size_t)sb.st_size;
        }
    }
    return RM_OK;
}

/* Up to len bytes of the file into out. */
static size_t read_file(rm_source *src, unsigned char *out, size_t len)
{
    size_t got = 0;
    while (got < len && !src->read_errno) {
        size_t r = fread(out + got, 1, len - got, src->file);
        got += r;
        if (r == 0) {
            if (ferror(src->file))
                src->read_errno = errno ? errno : EIO;
            break;
        }
    }
    return got;
}

size_t rm_source_read(rm_source *src, void *buf, size_t len)
{
    unsigned char *out = buf;
    size_t got = 0;
    while (got < len && src->head_pos < src->head_len)
        out[got++] = src->head[src->head_pos++];
    if (got == len)
        return got;
    if (src->decoder)
        return got + (src->status == RM_OK ? src->decoder->read(src->decoder, src, out + got, len - got) : 0);
    return got + read_file(src, out + got, len - got);
}

size_t rm_source_read_raw(rm_source *src, void *buf, size_t len)
{
    unsigned char *out = buf;
    size_t got = 0;
    while (got < len && src->raw_head_pos < src->raw_head_len)
        out[got++] = src->raw_head[src->raw_head_pos++];
    return got + read_file(src, out + got, len - got);
}

void rm_source_attach(rm_source *src, rm_decoder *decoder)
{
    size_t left = src->head_len - src->head_pos;
    memcpy(src->raw_head, src->head + src->head_pos, left);
    src->raw_head_len = left;
    src->raw_head_pos = 0;
    src->head_len = src->head_pos = 0;
    src->decoder = decoder;
    src->size_known = 0;
}

void rm_source_fail(rm_source *src, int status, const char *fmt, ...)
{
    if (src->status != RM_OK)
        return;
    src->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(src->message, sizeof src->message, fmt, ap);
    va_end(ap);
}

int rm_source_failure(const rm_source *src, rm_read_error *err, size_t line)
{
    if (src->status != RM_OK) {
        rm_read_error_set(err, line, 0, 0, "%s", src->message);
        return src->status;
    }
    if (src->read_errno) {
        char text[128];
        rm_read_error_set(err, line, 0, 0, "read failed: %s",
                          rm_errno_text(src->read_errno, text, sizeof text));
        return RM_EIO;
    }
    return RM_OK;
}

void rm_source_close(rm_source *src)
{
    if (src->decoder)
        src->decoder->free(src->decoder);
    src->decoder = NULL;
    if (src->file && src->file != stdin)
        fclose(src->file);
    src->file = NULL;
}

/* The place words start with: "line L (data row R), column C: " and its parts. */
static void place_text(char *place, size_t size, size_t line, size_t row, size_t column)
{
    place[0] = '\0';
    if (line && row && column)
        snprintf(place, size, "line %zu (data row %zu), column %zu: ", line, row, column);
    else if (line && row)
        snprintf(place, size, "line %zu (data row %zu): ", line, row);
    else if (line && column)
        snprintf(place, size, "line %zu, column %zu: ", line, column);
    else if (line)
        snprintf(place, size, "line %zu: ", line);
    else if (row && column)
        snprintf(place, size, "row %zu, column %zu: ", row, column);
    else if (row)
        snprintf(place, size, "row %zu: ", row);
}

void rm_read_error_set(rm_read_error *err, size_t line, size_t row, size_t column,
                       const char *fmt, ...)
{
    if (!err)
        return;
    err->line = line;
    err->row = row;
    err->column = column;
    char place[96];
    place_text(place, sizeof place, line, row, column);
    size_t used = strlen(place);
    memcpy(err->message, place, used + 1);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
}

void rm_read_error_move(rm_read_error *err, size_t row, size_t column)
{
    if (!err || (row == err->row && column == err->column))
        return;
    char place[96], words[sizeof err->message];
    place_text(place, sizeof place, err->line, err->row, err->column);
    size_t used = strlen(place);
    snprintf(words, sizeof words, "%s",
             strncmp(err->message, place, used) == 0 ? err->message + used : err->message);
    rm_read_error_set(err, err->line, row, column, "%s", words);
}

void rm_quote_text(char *out, size_t outsz, const char *text, size_t len)
{
    const size_t shown = 32;
    size_t o = 0;
    if (outsz < 8)
        return;
    out[o++] = '\'';
    for (size_t i = 0; i < len && i < shown && o + 6 < outsz; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f && c != '\'')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
    }
    if (len > shown && o + 4 < outsz) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o++] = '\'';
    out[o] = '\0';
}

void rm_quote_list(char *out, size_t outsz, const char *const *names, size_t count)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < count && used + 8 < outsz; k++) {
        char quoted[48];
        rm_quote_text(quoted, sizeof quoted, names[k], strlen(names[k]));
        size_t need = strlen(quoted) + (k ? 2 : 0);
        if (used + need + 5 >= outsz) {
            memcpy(out + used, ", ...", 6);
            return;
        }
        used += (size_t)snprintf(out + used, outsz - used, "%s%s", k ? ", " : "", quoted);
    }
}
