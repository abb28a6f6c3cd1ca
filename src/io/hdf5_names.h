/* The names of an HDF5 dataset's columns, for the HDF5 reader: a "columns" attribute, or
 * the strings of a dimension scale attached to the column dimension (netCDF-4 coordinate
 * variables, as xarray writes them; h5py's dims[1].attach_scale). Built only with HDF5. */
#ifndef RM_IO_HDF5_NAMES_H
#define RM_IO_HDF5_NAMES_H

#include <stddef.h>

#include <hdf5.h>

/* The names of the d columns of the dataset set (of ndims dimensions, 1 or 2): d strings
 * into *names (malloc'd, as is each; rm_hdf5_names_free releases them), or NULL when it
 * has none. The "columns" attribute comes first, then the first dimension scale of
 * strings on dimension 1 (a 2-D dataset's columns); names of another count than d, and
 * a scale of numbers, are not names. Call with HDF5's lock held. Returns RM_OK or
 * RM_ENOMEM: names that cannot be read count as none. */
int rm_hdf5_column_names(hid_t set, int ndims, size_t d, char ***names);

/* Release names of d strings (NULL-safe). */
void rm_hdf5_names_free(char **names, size_t d);

#endif
