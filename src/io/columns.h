/* Which of a table's columns are read: rm_read_options.columns and .skip_columns, resolved
 * against the table's width and, when it has a header, its names. Every reader uses it,
 * so that "2-5,8" means the same columns of a CSV file and of an array. */
#ifndef RM_IO_COLUMNS_H
#define RM_IO_COLUMNS_H

#include <stddef.h>

#include "robustmean.h"

/* 1 when opt asks for a choice of columns (columns or skip_columns given). */
int rm_columns_chosen(const rm_read_options *opt);

/* 1 when opt names a column by its header name (not only by numbers and ranges). */
int rm_columns_by_name(const rm_read_options *opt);

/* The columns opt chooses of a table of `width` fields, which the file numbers from
 * `first` on (2 when a label column precedes them, else 1); names: the header's width
 * names, or NULL when there is none. *pick receives the 0-based fields to read in the
 * order to read them (malloc'd), *count how many. line: the header's line for messages
 * (0: none). Returns RM_OK, RM_EINVAL (a choice that does not fit the table, worded in
 * err) or RM_ENOMEM. */
int rm_columns_resolve(const rm_read_options *opt, size_t width, size_t first,
                       const char *const *names, size_t line, size_t **pick, size_t *count,
                       rm_read_error *err);

/* Record in out which columns were read: column_numbers (pick[k] + first), and
 * column_names from names (NULL: none). pick NULL means every one of out->d fields in
 * order. Returns RM_OK or RM_ENOMEM. */
int rm_columns_record(rm_data *out, const size_t *pick, size_t first, const char *const *names);

#endif
