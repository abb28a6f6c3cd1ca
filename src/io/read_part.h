/* Reading one process's share of the rows of a file, for rows spread over processes
 * (librobustmean_mpi's robustmean-mpi): no process reads the others' rows. */
#ifndef RM_IO_READ_PART_H
#define RM_IO_READ_PART_H

#include <stddef.h>

#include "robustmean.h"

/* Part `part` (0-based) of `parts` of the rows of the .npy at path, as rm_read_file()
 * reads the whole: the rows [floor(part*N/parts), floor((part+1)*N/parts)) of its N rows,
 * mapped where the values lie as the library holds them, else read and converted.
 * *first receives the global number (0-based) of the part's first row, *total N. A part
 * may hold no rows (out->n 0, no values). The places in err and out->dropped count the
 * whole file's rows. C or Fortran order; columns chosen as rm_read_file() chooses them.
 * Returns as rm_read_file(), RM_EFORMAT for a file that is not a .npy. */
int rm_read_file_part(const char *path, const rm_read_options *opt, size_t part, size_t parts,
                      rm_data *out, size_t *first, size_t *total, rm_read_error *err);

#endif
