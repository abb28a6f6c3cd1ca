/* See csv_line.h. */
#include "io/csv_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/source.h"
#include "robustmean.h"

static int is_blank(char c) { return c == ' ' || c == '\t'; }

int rm_csv_has_content(const char *s, size_t len)
{
    if (len > 0 && s[len - 1] == '\r')
        len--;
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    return i < len && s[i] != '#';
}

int rm_csv_content(char *s, size_t *len)
{
    if (*len > 0 && s[*len - 1] == '\r')
        s[--*len] = '\0';
    return rm_csv_has_content(s, *len);
}

/* A semicolon wins over a comma (files with ';' often write decimal commas), a comma
 * over a tab, and a line with none of them is split on runs of white space (which also
 * reads single-column files). */
char rm_csv_detect_delimiter(const char *s, size_t len, int decimal_comma)
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
    if (commas && !decimal_comma)
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

static int push_field(rm_csv_line *p, char *text, size_t len)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        rm_csv_span *f = realloc(p->fields, cap * sizeof *f);
        if (!f)
            return RM_ENOMEM;
        p->fields = f;
        p->cap = cap;
    }
    p->fields[p->count].text = text;
    p->fields[p->count].len = len;
    p->count++;
    return RM_OK;
}

static void problem(rm_csv_problem *pr, int status, size_t column, const char *what,
                    const char *shown)
{
    pr->status = status;
    pr->column = column;
    pr->text = 0;
    snprintf(pr->message, sizeof pr->message, "%s%s%s", shown ? shown : "", shown ? " " : "",
             what);
}

int rm_csv_split(rm_csv_line *p, char *s, size_t len, rm_csv_problem *pr)
{
    char delim = p->delimiter;
    int whitespace = delim == ' ', quoted = 0;
    size_t i = 0;
    p->count = 0;
    for (;;) {
        /* blanks around a field are not part of it, but a tab that delimits is: between
         * two tabs lies an empty field */
        while (i < len && is_blank(s[i]) && s[i] != delim)
            i++;
        if (whitespace)
            while (i < len && is_blank(s[i]))
                i++;
        if (whitespace && i == len)
            break;
        char *text = s + i;
        size_t tlen;
        if (i < len && s[i] == '"') {
            size_t start = ++i;
            while (i < len && !(s[i] == '"' && (i + 1 >= len || s[i + 1] != '"')))
                i += s[i] == '"' ? 2 : 1;
            if (i >= len) {
                problem(pr, RM_EPARSE, p->count + 1, "unterminated quoted field", NULL);
                return RM_EPARSE;
            }
            text = s + start;
            tlen = i - start;
            quoted = 1;
            i++; /* past the closing quote */
            if (!whitespace)
                while (i < len && is_blank(s[i]) && s[i] != delim)
                    i++;
            if (i < len && !(whitespace ? is_blank(s[i]) : s[i] == delim)) {
                problem(pr, RM_EPARSE, p->count + 1, "unexpected text after a quoted field", NULL);
                return RM_EPARSE;
            }
        } else {
            size_t start = i;
            quoted = 0;
            while (i < len && !(whitespace ? is_blank(s[i]) : s[i] == delim))
                i++;
            size_t end = i;
            while (end > start && is_blank(s[end - 1]))
                end--;
            tlen = end - start;
        }
        if (push_field(p, text, tlen) != RM_OK) {
            problem(pr, RM_ENOMEM, 0, "out of memory", NULL);
            return RM_ENOMEM;
        }
        if (i >= len)
            break;
        i++; /* past the delimiter (or the first blank of a run) */
    }
    /* Terminate every field so the number parser stops at its end. Safe: each field is
     * followed by its delimiter, a quote, a blank, or the line's terminating '\0'. */
    for (size_t k = 0; k < p->count; k++)
        p->fields[k].text[p->fields[k].len] = '\0';
    if (p->drop_trailing_empty && p->count > 0 && p->fields[p->count - 1].len == 0 && !quoted)
        p->count--;
    if (p->skip_first && p->count > 0) {
        memmove(p->fields, p->fields + 1, (p->count - 1) * sizeof *p->fields);
        p->count--;
    }
    return RM_OK;
}

/* The k-th value field of the split line. */
static const rm_csv_span *value_field(const rm_csv_line *p, size_t k)
{
    return &p->fields[p->pick ? p->pick[k] : k];
}

int rm_csv_numeric(const rm_csv_line *p)
{
    size_t values = p->pick ? p->picked : p->count;
    for (size_t k = 0; k < values; k++) {
        const rm_csv_span *f = value_field(p, k);
        double v;
        if (rm_number_parse(p->numbers, f->text, f->len, &v) == RM_NUMBER_INVALID)
            return 0;
    }
    return 1;
}

int rm_csv_any_number(const rm_csv_line *p)
{
    for (size_t k = 0; k < p->count; k++) {
        double v;
        if (p->fields[k].len > 0 &&
            rm_number_parse(p->numbers, p->fields[k].text, p->fields[k].len, &v) ==
                RM_NUMBER_FINITE)
            return 1;
    }
    return 0;
}

int rm_csv_index_header(const rm_csv_line *p)
{
    if (p->count < 3)
        return 0;
    for (size_t k = 0; k < p->count; k++) {
        const rm_csv_span *f = &p->fields[k];
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

int rm_csv_values(const rm_csv_line *p, size_t width, int drop, double *row, int *dropped,
                  rm_csv_problem *pr)
{
    *dropped = 0;
    if (p->count != width) {
        problem(pr, RM_EPARSE, 0, "", NULL);
        snprintf(pr->message, sizeof pr->message, "%zu field%s, but %zu column%s", p->count,
                 p->count == 1 ? "" : "s", width, width == 1 ? "" : "s");
        return RM_EPARSE;
    }
    size_t first = p->skip_first ? 2 : 1; /* the file's number of field 0 */
    size_t values = p->pick ? p->picked : width;
    for (size_t k = 0; k < values; k++) {
        const rm_csv_span *f = value_field(p, k);
        size_t column = (size_t)(f - p->fields) + first;
        char shown[64];
        switch (rm_number_parse(p->numbers, f->text, f->len, &row[k])) {
        case RM_NUMBER_FINITE:
            break;
        case RM_NUMBER_MISSING:
            if (drop) {
                *dropped = 1;
                break;
            }
            if (f->len == 0) {
                problem(pr, RM_ENONFINITE, column, "empty field", NULL);
            } else {
                rm_quote_text(shown, sizeof shown, f->text, f->len);
                problem(pr, RM_ENONFINITE, column, "is a missing or non-finite value", shown);
            }
            return RM_ENONFINITE;
        case RM_NUMBER_OVERFLOW:
            rm_quote_text(shown, sizeof shown, f->text, f->len);
            problem(pr, RM_ERANGE, column,
                    rm_number_parser_single(p->numbers)
                        ? "is outside the range of float (about 3.4e38), the storage asked for"
                        : "is outside the range of double (about 1.8e308)",
                    shown);
            return RM_ERANGE;
        case RM_NUMBER_INVALID:
            rm_quote_text(shown, sizeof shown, f->text, f->len);
            problem(pr, RM_EPARSE, column, "is not a number", shown);
            pr->text = 1;
            return RM_EPARSE;
        }
    }
    return RM_OK;
}

void rm_csv_line_free(rm_csv_line *p)
{
    if (!p)
        return;
    free(p->fields);
    p->fields = NULL;
    p->count = p->cap = 0;
}
