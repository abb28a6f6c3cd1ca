/* Reading one number from text, exactly as strtod() (or strtof()) does in the C locale,
 * but for hexadecimal, which is not a number here, and with a decimal comma when asked. */
#ifndef RM_NUMBER_H
#define RM_NUMBER_H

#include <stddef.h>

typedef enum rm_number_kind {
    RM_NUMBER_FINITE,   /* a finite double */
    RM_NUMBER_MISSING,  /* empty, NA, N/A, null, None, or NaN / Inf spelled out */
    RM_NUMBER_OVERFLOW, /* a number whose magnitude exceeds the range of double (float) */
    RM_NUMBER_INVALID   /* not a number */
} rm_number_kind;

typedef struct rm_number_parser rm_number_parser;

/* A parser holds a C locale, so that reading never depends on the process locale. With
 * single, numbers are read as the nearest float, as strtof() reads them (the value is
 * still returned as a double, exactly that float). point: the decimal mark, '.' or ','
 * (then a '.' in a number makes it text: it is no thousands separator here). NULL on
 * allocation failure. */
rm_number_parser *rm_number_parser_new(int single, char point);
/* 1 when the parser reads floats. */
int rm_number_parser_single(const rm_number_parser *p);
void rm_number_parser_free(rm_number_parser *p);

/* Read text[0..len) as one whole number into *value. text[len] must be a byte that
 * cannot continue a number (a delimiter, a quote, a space or '\0'). */
rm_number_kind rm_number_parse(const rm_number_parser *p, const char *text, size_t len,
                               double *value);

#endif
