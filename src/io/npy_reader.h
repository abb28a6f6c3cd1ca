/* The .npy reader: NumPy .npy files, from a source whose first bytes
 * may already have been peeked (rm_read_file, read.c). */
#ifndef RM_IO_NPY_READER_H
#define RM_IO_NPY_READER_H

#include "io/source.h"

/* Read the whole source into out as opt says. Returns RM_OK or a negative code, worded in
 * err with its place; out is left for the caller to free either way. */
int rm_npy_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err);

/* Part `part` of `parts` of the rows, from a regular file read from its start (see
 * rm_read_file_part, read_part.h). */
int rm_npy_read_part(rm_source *src, const rm_read_options *opt, size_t part, size_t parts,
                     rm_data *out, size_t *first, size_t *total, rm_read_error *err);

#endif
