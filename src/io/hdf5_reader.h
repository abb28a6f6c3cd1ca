/* The HDF5 reader: one numeric dataset of an HDF5 file (h5py, MATLAB v7.3, netCDF-4),
 * read by hyperslabs of rows. Built only with HDF5 (RM_HAVE_HDF5); without it, the
 * reader refuses, saying so. */
#ifndef RM_IO_HDF5_READER_H
#define RM_IO_HDF5_READER_H

#include <stddef.h>

#include "robustmean.h"

/* 1 when the first bytes are an HDF5 file's signature (\x89HDF\r\n\x1a\n). */
int rm_hdf5_magic(const unsigned char *head, size_t len);

/* 1 when this build reads HDF5. */
int rm_hdf5_available(void);

/* Read the dataset opt->dataset names (or the file's only one) from the HDF5 file at path.
 * Returns RM_OK or a negative code worded in err; out is left for the caller to free
 * either way. */
int rm_hdf5_read(const char *path, const rm_read_options *opt, rm_data *out,
                 rm_read_error *err);

#endif
