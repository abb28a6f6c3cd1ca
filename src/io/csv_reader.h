/* The CSV reader: comma, tab, semicolon or white-space separated text, from a source whose first bytes
 * may already have been peeked (rm_read_file, read.c). */
#ifndef RM_IO_CSV_READER_H
#define RM_IO_CSV_READER_H

#include "io/source.h"

/* Read the whole source into out as opt says. Returns RM_OK or a negative code, worded in
 * err with its place; out is left for the caller to free either way. */
int rm_csv_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err);

#endif
