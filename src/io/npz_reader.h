/* The .npz reader: NumPy's zip archives of .npy arrays (np.savez, np.savez_compressed),
 * one array of which is read. */
#ifndef RM_IO_NPZ_READER_H
#define RM_IO_NPZ_READER_H

#include "io/source.h"

/* 1 when the first bytes are a zip archive's (a local header, or an empty archive's end). */
int rm_zip_magic(const unsigned char *head, size_t len);

/* Read the array opt->dataset names (or the archive's only one) from src, a regular file:
 * its member is decompressed as it is read, into the .npy reader. Returns RM_OK or a
 * negative code worded in err; out is left for the caller to free either way. */
int rm_npz_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err);

#endif
