/* The R package's file reader (read_rows.c), registered with the other entry points in
 * robustmean_r.c. */
#ifndef RM_R_READ_ROWS_H
#define RM_R_READ_ROWS_H

#include <Rinternals.h>

/* rm_read_file() on path with the options given (NULL: the default; header -1, 0 or 1):
 * list(x, column_names, column_numbers, dropped, had_header, skipped_label_column), or
 * list(error = list(status, message, line, row, column, column_name, text_field,
 * needs_dataset, nonfinite)) when the file cannot be read. */
SEXP rm_r_read(SEXP path, SEXP columns, SEXP skip_columns, SEXP dataset, SEXP delimiter,
               SEXP decimal, SEXP header, SEXP drop_nonfinite, SEXP threads);

#endif
