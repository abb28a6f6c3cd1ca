/* See hdf5_names.h. The attribute comes before a scale when a dataset has both: it is the
 * dataset's own statement about its columns, where a scale may be shared by several
 * datasets and drawn up to label a plot's axis. A scale of numbers (a netCDF dimension
 * without a coordinate variable, a grid of wavelengths) labels positions, not columns,
 * and such names would read as column numbers in rm_read_options.columns: it is left
 * alone. */
#ifdef RM_HAVE_HDF5

#include "io/hdf5_names.h"

#include <H5DSpublic.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"

/* HDF5's read of the whole of an attribute or of a dataset, in one signature. */
typedef herr_t (*read_all_fn)(hid_t obj, hid_t memory_type, void *buf);

static herr_t attribute_read(hid_t attr, hid_t memory_type, void *buf)
{
    return H5Aread(attr, memory_type, buf);
}

static herr_t dataset_read(hid_t set, hid_t memory_type, void *buf)
{
    return H5Dread(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

static char *copy_text(const char *s, size_t len)
{
    char *t = malloc(len + 1);
    if (t) {
        memcpy(t, s, len);
        t[len] = '\0';
    }
    return t;
}

/* The d variable-length strings of obj into names. */
static int variable_strings(hid_t obj, hid_t type, hid_t space, read_all_fn read_all, size_t d,
                            char **names)
{
    hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char **held = calloc(d, sizeof *held);
    int status = held ? RM_EFORMAT : RM_ENOMEM;
    if (held && read_all(obj, mem, held) >= 0) {
        status = RM_OK;
        for (size_t k = 0; k < d && status == RM_OK; k++) {
            const char *s = held[k] ? held[k] : "";
            if (!(names[k] = copy_text(s, strlen(s))))
                status = RM_ENOMEM;
        }
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, held);
    }
    free(held);
    H5Tclose(mem);
    return status;
}

/* The d fixed-length strings of obj into names. Padding with spaces (Fortran's, MATLAB's)
 * is no part of a name. */
static int fixed_strings(hid_t obj, hid_t type, read_all_fn read_all, size_t d, char **names)
{
    size_t width = H5Tget_size(type);
    int spaces = H5Tget_strpad(type) == H5T_STR_SPACEPAD;
    char *fixed = calloc(d, width ? width : 1);
    hid_t mem = H5Tcopy(type);
    int status = fixed ? RM_EFORMAT : RM_ENOMEM;
    if (fixed && read_all(obj, mem, fixed) >= 0) {
        status = RM_OK;
        for (size_t k = 0; k < d && status == RM_OK; k++) {
            const char *s = fixed + k * width;
            size_t len = strnlen(s, width);
            while (spaces && len > 0 && s[len - 1] == ' ')
                len--;
            if (!(names[k] = copy_text(s, len)))
                status = RM_ENOMEM;
        }
    }
    H5Tclose(mem);
    free(fixed);
    return status;
}

/* The strings of obj (an attribute or a dataset, of type and space) into *out when there
 * are d of them; else *out stays NULL. */
static int names_of(hid_t obj, hid_t type, hid_t space, read_all_fn read_all, size_t d,
                    char ***out)
{
    *out = NULL;
    if (type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space) != (hssize_t)d)
        return RM_OK;
    char **names = calloc(d, sizeof *names);
    if (!names)
        return RM_ENOMEM;
    int status = H5Tis_variable_str(type) > 0
                     ? variable_strings(obj, type, space, read_all, d, names)
                     : fixed_strings(obj, type, read_all, d, names);
    if (status == RM_OK)
        *out = names;
    else
        rm_hdf5_names_free(names, d);
    return status == RM_ENOMEM ? RM_ENOMEM : RM_OK; /* unreadable names: none */
}

static int attribute_names(hid_t set, size_t d, char ***out)
{
    *out = NULL;
    if (H5Aexists(set, "columns") <= 0)
        return RM_OK;
    hid_t attr = H5Aopen(set, "columns", H5P_DEFAULT);
    hid_t type = attr >= 0 ? H5Aget_type(attr) : -1, space = attr >= 0 ? H5Aget_space(attr) : -1;
    int status = names_of(attr, type, space, attribute_read, d, out);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    return status;
}

typedef struct scale_visit {
    size_t d;
    char **names;
    int status;
} scale_visit;

/* H5DSiterate_scales' visitor: the first scale of d strings names the columns. */
static herr_t visit_scale(hid_t set, unsigned dim, hid_t scale, void *data)
{
    (void)set;
    (void)dim;
    scale_visit *visit = data;
    hid_t type = H5Dget_type(scale), space = H5Dget_space(scale);
    visit->status = names_of(scale, type, space, dataset_read, visit->d, &visit->names);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return visit->names || visit->status != RM_OK; /* nonzero stops the iteration */
}

static int scale_names(hid_t set, int ndims, size_t d, char ***out)
{
    *out = NULL;
    if (ndims < 2 || H5DSget_num_scales(set, 1) <= 0)
        return RM_OK;
    scale_visit visit = {.d = d, .names = NULL, .status = RM_OK};
    H5DSiterate_scales(set, 1, NULL, visit_scale, &visit);
    *out = visit.names;
    return visit.status;
}

int rm_hdf5_column_names(hid_t set, int ndims, size_t d, char ***names)
{
    int status = attribute_names(set, d, names);
    if (status == RM_OK && !*names)
        status = scale_names(set, ndims, d, names);
    return status;
}

void rm_hdf5_names_free(char **names, size_t d)
{
    for (size_t k = 0; names && k < d; k++)
        free(names[k]);
    free(names);
}

#else

/* Without HDF5 there is nothing to name (ISO C wants a declaration in every file). */
typedef int rm_hdf5_names_absent;

#endif
