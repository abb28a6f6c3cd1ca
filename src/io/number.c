/* See number.h. strtod_l is glibc's (and the BSDs') locale-explicit strtod. */
#define _GNU_SOURCE
#include "io/number.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/fast_number.h"

struct rm_number_parser {
    locale_t c_locale;
    int single;
    char point; /* the decimal mark */
};

enum { SHORT_NUMBER = 64 };

rm_number_parser *rm_number_parser_new(int single, char point)
{
    rm_number_parser *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    p->single = single;
    p->point = point;
    p->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (p->c_locale == (locale_t)0) {
        free(p);
        return NULL;
    }
    return p;
}

int rm_number_parser_single(const rm_number_parser *p) { return p->single; }

void rm_number_parser_free(rm_number_parser *p)
{
    if (!p)
        return;
    freelocale(p->c_locale);
    free(p);
}

static int is_missing_token(const char *s, size_t len)
{
    static const char *const tokens[] = {"NA", "N/A", "na", "n/a", "null", "NULL", "None", "none"};
    if (len == 0)
        return 1;
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        if (strlen(tokens[i]) == len && memcmp(tokens[i], s, len) == 0)
            return 1;
    return 0;
}

/* What strtod makes of text (the C locale's decimal point), for what fast_float did not
 * take: a leading '+', inf, nan, overflow, invalid text. */
static rm_number_kind slow_parse(const rm_number_parser *p, const char *text, size_t len,
                                 double *value)
{
    char *end;
    errno = 0;
    double v = p->single ? (double)strtof_l(text, &end, p->c_locale)
                         : strtod_l(text, &end, p->c_locale);
    if (end != text + len)
        return RM_NUMBER_INVALID;
    if (isnan(v) || isinf(v)) {
        /* An overflowing literal (1e999) sets ERANGE; "inf" and "nan" are spelled out. */
        return errno == ERANGE ? RM_NUMBER_OVERFLOW : RM_NUMBER_MISSING;
    }
    *value = v;
    return RM_NUMBER_FINITE;
}

/* slow_parse on the text with its decimal comma made a point (a point already there makes
 * it text). */
static rm_number_kind slow_parse_comma(const rm_number_parser *p, const char *text, size_t len,
                                       double *value)
{
    if (memchr(text, '.', len))
        return RM_NUMBER_INVALID;
    char short_copy[SHORT_NUMBER];
    char *copy = len < sizeof short_copy ? short_copy : malloc(len + 1);
    if (!copy)
        return RM_NUMBER_INVALID; /* out of memory on a number of 64 digits or more */
    for (size_t k = 0; k < len; k++)
        copy[k] = text[k] == ',' ? '.' : text[k];
    copy[len] = '\0';
    rm_number_kind kind = slow_parse(p, copy, len, value);
    if (copy != short_copy)
        free(copy);
    return kind;
}

rm_number_kind rm_number_parse(const rm_number_parser *p, const char *text, size_t len,
                               double *value)
{
    /* The common case first, a finite decimal number, through fast_float: it neither skips
     * white space nor reads a missing-value token as finite, so those checks below need
     * not run for it. Anything else (a leading '+', hexadecimal, inf, nan, overflow,
     * invalid text) goes through strtod, which decides what it is. Both give the correctly
     * rounded double. */
    double v;
    if (p->single) {
        float f;
        if (rm_fast_number_float(text, text + len, p->point, &f) && isfinite(f)) {
            *value = (double)f;
            return RM_NUMBER_FINITE;
        }
    } else if (rm_fast_number(text, text + len, p->point, &v) && isfinite(v)) {
        *value = v;
        return RM_NUMBER_FINITE;
    }
    if (is_missing_token(text, len))
        return RM_NUMBER_MISSING;
    /* strtod skips leading white space; a field never has any, so refuse it rather than
     * let " 1" and "1" differ in what they mean elsewhere. */
    if (text[0] == ' ' || text[0] == '\t' || (unsigned char)text[0] < 0x20)
        return RM_NUMBER_INVALID;
    /* strtod reads hexadecimal too (0x10 is 16): data files write decimal numbers, and a
     * hexadecimal field is an identifier or a mistake, not a value */
    size_t digits = text[0] == '+' || text[0] == '-';
    if (len > digits + 1 && text[digits] == '0' && (text[digits + 1] | 0x20) == 'x')
        return RM_NUMBER_INVALID;
    return p->point == '.' ? slow_parse(p, text, len, value) : slow_parse_comma(p, text, len, value);
}
