/* rm_read_file(): open the input, recognise its format, and hand it to a reader. Also the
 * helpers the readers share (reader.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "reader.h"

void rm_read_options_init(rm_read_options *opt)
{
    if (!opt)
        return;
    opt->format = RM_FORMAT_AUTO;
    opt->delimiter = 0;
    opt->header = RM_HEADER_AUTO;
    opt->drop_nonfinite = 0;
    opt->storage = RM_STORAGE_DOUBLE;
    opt->threads = 0;
}

void rm_data_free(rm_data *data)
{
    if (!data)
        return;
    if (data->mapping)
        munmap(data->mapping, data->mapping_bytes);
    else {
        free(data->values);
        free(data->values_float);
    }
    memset(data, 0, sizeof *data);
}

size_t rm_source_read(rm_source *src, void *buf, size_t len)
{
    unsigned char *out = buf;
    size_t got = 0;
    while (got < len && src->head_pos < src->head_len)
        out[got++] = src->head[src->head_pos++];
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

void rm_read_error_set(rm_read_error *err, size_t line, size_t row, size_t column,
                       const char *fmt, ...)
{
    if (!err)
        return;
    err->line = line;
    err->row = row;
    err->column = column;
    char place[96] = "";
    if (line && row && column)
        snprintf(place, sizeof place, "line %zu (data row %zu), column %zu: ", line, row, column);
    else if (line && row)
        snprintf(place, sizeof place, "line %zu (data row %zu): ", line, row);
    else if (line && column)
        snprintf(place, sizeof place, "line %zu, column %zu: ", line, column);
    else if (line)
        snprintf(place, sizeof place, "line %zu: ", line);
    else if (row && column)
        snprintf(place, sizeof place, "row %zu, column %zu: ", row, column);
    else if (row)
        snprintf(place, sizeof place, "row %zu: ", row);
    size_t used = strlen(place);
    memcpy(err->message, place, used + 1);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + used, sizeof err->message - used, fmt, ap);
    va_end(ap);
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

/* strerror() may share one buffer between threads; strerror_r (XSI form) does not. */
static const char *errno_text(int e, char *buf, size_t len)
{
    if (strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
    return buf;
}

static int has_npy_extension(const char *path)
{
    size_t len = strlen(path);
    if (len < 4)
        return 0;
    const char *ext = path + len - 4;
    return ext[0] == '.' && tolower((unsigned char)ext[1]) == 'n' &&
           tolower((unsigned char)ext[2]) == 'p' && tolower((unsigned char)ext[3]) == 'y';
}

static int valid_options(const rm_read_options *opt, rm_read_error *err)
{
    if (opt->format < RM_FORMAT_AUTO || opt->format > RM_FORMAT_NPY) {
        rm_read_error_set(err, 0, 0, 0, "unknown format code %d", opt->format);
        return 0;
    }
    if (opt->delimiter && !strchr(",\t; ", opt->delimiter)) {
        rm_read_error_set(err, 0, 0, 0,
                          "unsupported delimiter (use ',', ';', a tab, or ' ' for white space)");
        return 0;
    }
    if (opt->header < RM_HEADER_AUTO || opt->header > RM_HEADER_YES) {
        rm_read_error_set(err, 0, 0, 0, "unknown header mode %d", opt->header);
        return 0;
    }
    if (opt->threads < 0) {
        rm_read_error_set(err, 0, 0, 0, "threads must be 0 (one per core) or more, not %d",
                          opt->threads);
        return 0;
    }
    if (opt->storage < RM_STORAGE_DOUBLE || opt->storage > RM_STORAGE_AS_FILE) {
        rm_read_error_set(err, 0, 0, 0, "unknown storage code %d", opt->storage);
        return 0;
    }
    return 1;
}

static int open_source(const char *path, rm_source *src, rm_read_error *err)
{
    int from_stdin = !path || strcmp(path, "-") == 0;
    src->file = from_stdin ? stdin : fopen(path, "rb");
    if (!src->file) {
        char text[128];
        rm_read_error_set(err, 0, 0, 0, "cannot open: %s", errno_text(errno, text, sizeof text));
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

int rm_read_file(const char *path, const rm_read_options *opt, rm_data *out,
                 rm_read_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!out) {
        rm_read_error_set(err, 0, 0, 0, "no rm_data to read into");
        return RM_EINVAL;
    }
    memset(out, 0, sizeof *out);
    rm_read_options defaults;
    if (!opt) {
        rm_read_options_init(&defaults);
        opt = &defaults;
    }
    if (!valid_options(opt, err))
        return RM_EINVAL;

    rm_source src;
    memset(&src, 0, sizeof src);
    int status = open_source(path, &src, err);
    if (status == RM_OK) {
        src.head_len = rm_source_read(&src, src.head, 6);
        if (src.read_errno) {
            char text[128];
            rm_read_error_set(err, 0, 0, 0, "read failed: %s",
                              errno_text(src.read_errno, text, sizeof text));
            status = RM_EIO;
        }
    }
    if (status == RM_OK) {
        int npy = opt->format == RM_FORMAT_NPY ||
                  (opt->format == RM_FORMAT_AUTO &&
                   ((path && has_npy_extension(path)) ||
                    (src.head_len == 6 && memcmp(src.head, "\x93NUMPY", 6) == 0)));
        status = npy ? rm_npy_read(&src, opt, out, err) : rm_csv_read(&src, opt, out, err);
    }
    if (src.file && src.file != stdin)
        fclose(src.file);
    if (status != RM_OK)
        rm_data_free(out);
    if (status != RM_OK && err && !err->message[0]) /* a failure the reader did not word */
        rm_read_error_set(err, 0, 0, 0, "%s", rm_strerror(status));
    return status;
}
