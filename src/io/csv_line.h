/* The syntax of one CSV line: which lines hold data, the delimiter, fields (quotes
 * removed), and a data row's values. No state beyond the line: threads parse lines of a
 * file side by side, each with its own rm_csv_line. */
#ifndef RM_CSV_LINE_H
#define RM_CSV_LINE_H

#include <stddef.h>

#include "io/number.h"

typedef struct rm_csv_span {
    char *text;
    size_t len;
} rm_csv_span;

typedef struct rm_csv_line {
    char delimiter; /* ',', ';', '\t', or ' ' for runs of white space */
    const rm_number_parser *numbers;
    int skip_first;          /* the first field of every line is left out (row labels) */
    int drop_trailing_empty; /* an unquoted empty last field is left out (every line
                                ends with the delimiter) */
    const size_t *pick; /* the fields that are values, in the order stored (columns
                           chosen); NULL: every field in order */
    size_t picked;      /* how many pick holds */
    rm_csv_span *fields;
    size_t count, cap; /* fields of the last split line */
} rm_csv_line;

/* Why a line cannot be read: a status and a message without the place (the caller
 * knows the line and row; column is 0 when the whole line is at fault). */
typedef struct rm_csv_problem {
    int status;
    size_t column;
    int text; /* a field of text where a number was expected */
    char message[160];
} rm_csv_problem;

/* Strip a trailing '\r'; 1 when the line holds data (not blank, not a '#' comment). */
int rm_csv_content(char *s, size_t *len);
/* The same answer without changing the line: what rm_csv_content() will say of it. */
int rm_csv_has_content(const char *s, size_t len);

/* The delimiter a first content line suggests (see csv_line.c); with decimal_comma, not
 * ','. */
char rm_csv_detect_delimiter(const char *s, size_t len, int decimal_comma);

/* Split s[0..len) into p->fields (p->count of them); each field is then NUL-terminated
 * in place. Returns RM_OK, RM_ENOMEM, or RM_EPARSE with pr filled (a bad quote). */
int rm_csv_split(rm_csv_line *p, char *s, size_t len, rm_csv_problem *pr);

/* 1 when no value field (pick) of the split line is text (missing values count as
 * numbers). */
int rm_csv_numeric(const rm_csv_line *p);
/* 1 when some field of the split line is a number. */
int rm_csv_any_number(const rm_csv_line *p);

/* 1 when the split line reads 0,1,...,d-1 (d >= 3): pandas' names for unnamed columns. */
int rm_csv_index_header(const rm_csv_line *p);

/* The values of the split line, which must have width fields, into row (its value
 * fields, pick). With drop, a missing or non-finite value sets *dropped instead of failing.
 * Returns RM_OK, or RM_EPARSE (ragged, text), RM_ERANGE, RM_ENONFINITE with pr filled. */
int rm_csv_values(const rm_csv_line *p, size_t width, int drop, double *row, int *dropped,
                  rm_csv_problem *pr);

void rm_csv_line_free(rm_csv_line *p);

#endif
