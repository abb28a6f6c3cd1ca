/* The CSV reader: streams the input through a buffer that holds whole lines, so memory is
 * the matrix plus one buffer, whatever the file size. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "number.h"
#include "reader.h"

enum { CHUNK = 1 << 20 };

/* One field of a line: its text (quotes removed) and its 1-based column. */
typedef struct span {
    char *text;
    size_t len;
} span;

typedef struct csv_state {
    const rm_read_options *opt;
    rm_read_error *err;
    rm_number_parser *parser;
    char delimiter;     /* 0 until the first content line decides it */
    int header_decided; /* the first content line has been seen */
    size_t header_line;
    size_t line;        /* current physical line, 1-based */
    size_t rows_seen;   /* data rows met, dropped ones included */
    size_t width_line;  /* the line that fixed d */
    span *fields;
    size_t fields_cap;
    double *row;        /* the row being parsed */
    rm_data *out;
    size_t rows_cap;
} csv_state;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Pick the delimiter from the first content line: a semicolon wins over a comma (files
 * with ';' often write decimal commas), a comma over a tab, and a line with none of them
 * is split on runs of white space (which also reads single-column files). */
static char detect_delimiter(const char *s, size_t len)
{
    size_t semicolons = 0, commas = 0, tabs = 0;
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted) {
            semicolons += s[i] == ';';
            commas += s[i] == ',';
            tabs += s[i] == '\t';
        }
    }
    if (semicolons)
        return ';';
    if (commas)
        return ',';
    if (tabs) {
        /* Tab-separated only if no field holds inner spaces; otherwise the file is
         * aligned with a mix of spaces and tabs. */
        for (size_t i = 1; i + 1 < len; i++)
            if (s[i] == ' ' && !is_blank(s[i - 1]) && !is_blank(s[i + 1]))
                return ' ';
        return '\t';
    }
    return ' ';
}

static int push_field(csv_state *st, char *text, size_t len, size_t *count)
{
    if (*count == st->fields_cap) {
        size_t cap = st->fields_cap ? 2 * st->fields_cap : 64;
        span *f = realloc(st->fields, cap * sizeof *f);
        if (!f)
            return RM_ENOMEM;
        st->fields = f;
        st->fields_cap = cap;
    }
    st->fields[*count].text = text;
    st->fields[*count].len = len;
    (*count)++;
    return RM_OK;
}

/* Split line s[0..len) into fields. Fields are trimmed of spaces and tabs; a field in
 * double quotes loses them ("" inside stands for one quote). Each field's text is
 * followed by a byte that cannot continue a number. */
static int split_fields(csv_state *st, char *s, size_t len, size_t *count)
{
    char delim = st->delimiter;
    int whitespace = delim == ' ';
    size_t i = 0;
    *count = 0;
    for (;;) {
        while (i < len && is_blank(s[i]))
            i++;
        if (whitespace && i == len)
            return RM_OK;
        char *text = s + i;
        size_t tlen;
        if (i < len && s[i] == '"') {
            size_t start = ++i;
            while (i < len && !(s[i] == '"' && (i + 1 >= len || s[i + 1] != '"')))
                i += s[i] == '"' ? 2 : 1;
            if (i >= len) {
                rm_read_error_set(st->err, st->line, 0, *count + 1,
                                  "unterminated quoted field");
                return RM_EPARSE;
            }
            text = s + start;
            tlen = i - start;
            i++; /* past the closing quote */
            if (!whitespace)
                while (i < len && is_blank(s[i]))
                    i++;
            if (i < len && !(whitespace ? is_blank(s[i]) : s[i] == delim)) {
                rm_read_error_set(st->err, st->line, 0, *count + 1,
                                  "unexpected text after a quoted field");
                return RM_EPARSE;
            }
        } else {
            size_t start = i;
            while (i < len && !(whitespace ? is_blank(s[i]) : s[i] == delim))
                i++;
            size_t end = i;
            while (end > start && is_blank(s[end - 1]))
                end--;
            tlen = end - start;
        }
        int status = push_field(st, text, tlen, count);
        if (status != RM_OK)
            return status;
        if (i >= len)
            return RM_OK;
        i++; /* past the delimiter (or the first blank of a run) */
    }
}

static int grow_rows(csv_state *st)
{
    rm_data *out = st->out;
    size_t cap = st->rows_cap ? st->rows_cap + st->rows_cap / 2 + 1 : 1024;
    size_t bytes;
    if (!rm_mul_size(cap, out->d, &bytes) || !rm_mul_size(bytes, sizeof(double), &bytes))
        return RM_EOVERFLOW;
    double *v = realloc(out->values, bytes);
    if (!v)
        return RM_ENOMEM;
    out->values = v;
    st->rows_cap = cap;
    return RM_OK;
}

static int numeric_line(csv_state *st, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        double v;
        rm_number_kind kind = rm_number_parse(st->parser, st->fields[k].text, st->fields[k].len, &v);
        if (kind == RM_NUMBER_INVALID)
            return 0;
    }
    return 1;
}

/* Column names 0,1,...,d-1 (d >= 3), as pandas writes for a frame whose columns were
 * never named: a header, although every field is a number. */
static int is_index_header(const csv_state *st, size_t count)
{
    if (count < 3)
        return 0;
    for (size_t k = 0; k < count; k++) {
        const span *f = &st->fields[k];
        if (f->len == 0 || f->len > 18)
            return 0;
        size_t v = 0;
        for (size_t c = 0; c < f->len; c++) {
            if (f->text[c] < '0' || f->text[c] > '9')
                return 0;
            v = 10 * v + (size_t)(f->text[c] - '0');
        }
        if (v != k)
            return 0;
    }
    return 1;
}

static int data_row(csv_state *st, size_t count)
{
    rm_data *out = st->out;
    st->rows_seen++;
    size_t row = st->rows_seen;
    if (out->d == 0) {
        out->d = count;
        st->width_line = st->line;
        st->row = rm_alloc_array(count, sizeof(double));
        if (!st->row)
            return RM_ENOMEM;
    }
    if (count != out->d) {
        rm_read_error_set(st->err, st->line, row, 0,
                          "%zu field%s, but line %zu has %zu", count, count == 1 ? "" : "s",
                          st->width_line, out->d);
        return RM_EPARSE;
    }
    int drop = 0;
    for (size_t k = 0; k < count; k++) {
        const span *f = &st->fields[k];
        char shown[64];
        switch (rm_number_parse(st->parser, f->text, f->len, &st->row[k])) {
        case RM_NUMBER_FINITE:
            break;
        case RM_NUMBER_MISSING:
            if (st->opt->drop_nonfinite) {
                drop = 1;
                break;
            }
            if (f->len == 0)
                rm_read_error_set(st->err, st->line, row, k + 1, "empty field");
            else {
                rm_quote_text(shown, sizeof shown, f->text, f->len);
                rm_read_error_set(st->err, st->line, row, k + 1,
                                  "%s is a missing or non-finite value", shown);
            }
            return RM_ENONFINITE;
        case RM_NUMBER_OVERFLOW:
            rm_quote_text(shown, sizeof shown, f->text, f->len);
            rm_read_error_set(st->err, st->line, row, k + 1,
                              "%s is outside the range of double (about 1.8e308)", shown);
            return RM_ERANGE;
        case RM_NUMBER_INVALID:
            rm_quote_text(shown, sizeof shown, f->text, f->len);
            rm_read_error_set(st->err, st->line, row, k + 1, "%s is not a number", shown);
            return RM_EPARSE;
        }
    }
    if (drop) {
        out->dropped_rows++;
        return RM_OK;
    }
    if (out->n == st->rows_cap) {
        int status = grow_rows(st);
        if (status != RM_OK)
            return status;
    }
    memcpy(out->values + out->n * out->d, st->row, out->d * sizeof(double));
    out->n++;
    return RM_OK;
}

/* One physical line, s[len] == '\0'. */
static int process_line(csv_state *st, char *s, size_t len)
{
    st->line++;
    if (st->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (len > 0 && s[len - 1] == '\r')
        s[--len] = '\0';
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    if (i == len || s[i] == '#')
        return RM_OK;
    if (!st->delimiter)
        st->delimiter = st->opt->delimiter ? st->opt->delimiter : detect_delimiter(s, len);
    size_t count;
    int status = split_fields(st, s, len, &count);
    if (status != RM_OK)
        return status;
    /* Terminate every field so the number parser stops at its end. Safe: each field is
     * followed by its delimiter, a quote, a blank, or the line's terminating '\0'. */
    for (size_t k = 0; k < count; k++)
        st->fields[k].text[st->fields[k].len] = '\0';
    if (!st->header_decided) {
        st->header_decided = 1;
        int header = st->opt->header;
        if (header == RM_HEADER_AUTO) {
            header = !numeric_line(st, count);
            if (!header && is_index_header(st, count))
                header = st->out->header_is_index = 1;
        }
        if (header) {
            st->out->had_header = 1;
            st->header_line = st->line;
            st->out->d = count;
            st->width_line = st->line;
            st->row = rm_alloc_array(count, sizeof(double));
            return st->row ? RM_OK : RM_ENOMEM;
        }
    }
    return data_row(st, count);
}

static int read_lines(csv_state *st, rm_source *src)
{
    size_t cap = CHUNK, used = 0;
    char *buf = malloc(cap + 1);
    if (!buf)
        return RM_ENOMEM;
    int status = RM_OK, eof = 0;
    while (status == RM_OK && !eof) {
        if (used == cap) { /* a line longer than the buffer: grow it */
            char *b = cap > SIZE_MAX / 2 - 1 ? NULL : realloc(buf, 2 * cap + 1);
            if (!b) {
                status = RM_ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = rm_source_read(src, buf + used, cap - used);
        if (got < cap - used) {
            eof = 1;
            if (src->read_errno) {
                rm_read_error_set(st->err, st->line + 1, 0, 0, "read failed");
                status = RM_EIO;
                break;
            }
        }
        size_t scan = used, start = 0;
        used += got;
        for (;;) {
            char *nl = memchr(buf + scan, '\n', used - scan);
            if (!nl)
                break;
            *nl = '\0';
            status = process_line(st, buf + start, (size_t)(nl - (buf + start)));
            if (status != RM_OK)
                break;
            start = scan = (size_t)(nl - buf) + 1;
        }
        if (status != RM_OK)
            break;
        memmove(buf, buf + start, used - start);
        used -= start;
        if (eof && used > 0) {
            buf[used] = '\0';
            status = process_line(st, buf, used);
        }
    }
    free(buf);
    return status;
}

int rm_csv_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err)
{
    csv_state st;
    memset(&st, 0, sizeof st);
    st.opt = opt;
    st.err = err;
    st.out = out;
    st.parser = rm_number_parser_new();
    int status = st.parser ? read_lines(&st, src) : RM_ENOMEM;
    if (status == RM_OK && out->n == 0) {
        status = RM_EEMPTY;
        if (st.line == 0)
            rm_read_error_set(err, 0, 0, 0, "the input is empty");
        else if (out->dropped_rows > 0)
            rm_read_error_set(err, 0, 0, 0,
                              "all %zu data rows hold missing or non-finite values and were dropped",
                              out->dropped_rows);
        else if (out->had_header)
            rm_read_error_set(err, st.header_line, 0, 0,
                              "no data rows after the header on line %zu", st.header_line);
        else
            rm_read_error_set(err, 0, 0, 0, "no data rows (only blank or comment lines)");
    }
    if (status == RM_ENOMEM)
        rm_read_error_set(err, st.line, 0, 0, "out of memory after %zu rows", out->n);
    if (status == RM_OK && out->n < st.rows_cap) {
        double *v = realloc(out->values, out->n * out->d * sizeof(double));
        if (v)
            out->values = v;
    }
    rm_number_parser_free(st.parser);
    free(st.fields);
    free(st.row);
    return status;
}
