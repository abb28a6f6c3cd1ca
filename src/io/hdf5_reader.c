/* See hdf5_reader.h. HDF5 converts each element to the type held (double, or float when
 * nothing is lost or float storage is asked for), except 64-bit integers, read as they are
 * and converted here, so that one beyond 2^53 is refused as in .npy, not rounded. Rows
 * are read a block at a time straight into their place in the matrix (through a block of
 * scratch when columns are chosen, or 64-bit integers converted), so a chunked dataset is
 * decompressed chunk row by chunk row and memory stays near the matrix itself.
 *
 * HDF5 keeps global state and prints its error stack unless told not to: its calls run
 * under one lock, with printing turned off for their duration. */
#include "io/hdf5_reader.h"

#include <stdio.h>
#include <string.h>

#include "io/source.h"

int rm_hdf5_magic(const unsigned char *head, size_t len)
{
    return len >= 8 && memcmp(head, "\x89HDF\r\n\x1a\n", 8) == 0;
}

#ifndef RM_HAVE_HDF5

int rm_hdf5_available(void) { return 0; }

int rm_hdf5_read(const char *path, const rm_read_options *opt, rm_data *out,
                 rm_read_error *err)
{
    (void)path;
    (void)opt;
    (void)out;
    rm_read_error_set(err, 0, 0, 0,
                      "an HDF5 file, but this librobustmean was built without HDF5 "
                      "(libhdf5-dev): convert it to .npy, or rebuild");
    return RM_EFORMAT;
}

#else

#include <hdf5.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "io/columns.h"
#include "io/finite_check.h"
#include "io/hdf5_names.h"

enum { BLOCK_BYTES = 8 << 20, MAX_LISTED = 16 };

static pthread_mutex_t hdf5_lock = PTHREAD_MUTEX_INITIALIZER;

int rm_hdf5_available(void) { return 1; }

/* The datasets of a file, by path, for the choice and for messages. */
typedef struct dataset_list {
    char *names[MAX_LISTED];
    size_t count; /* all of them, listed or not */
} dataset_list;

static herr_t note_dataset(hid_t obj, const char *name, const H5O_info_t *info, void *data)
{
    (void)obj;
    dataset_list *list = data;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    if (list->count < MAX_LISTED) {
        size_t len = strlen(name);
        list->names[list->count] = malloc(len + 2);
        if (!list->names[list->count])
            return -1;
        list->names[list->count][0] = '/';
        memcpy(list->names[list->count] + 1, name, len + 1);
    }
    list->count++;
    return 0;
}

static void list_free(dataset_list *list)
{
    for (size_t k = 0; k < list->count && k < MAX_LISTED; k++)
        free(list->names[k]);
}

static void list_text(const dataset_list *list, char *out, size_t outsz)
{
    size_t listed = list->count < MAX_LISTED ? list->count : MAX_LISTED;
    rm_quote_list(out, outsz, (const char *const *)list->names, listed);
    if (list->count > listed) {
        size_t used = strlen(out);
        snprintf(out + used, outsz - used, " and %zu more", list->count - listed);
    }
}

/* Open the dataset opt->dataset names, or the file's only one. */
static hid_t open_dataset(hid_t file, const rm_read_options *opt, int *status,
                          rm_read_error *err)
{
    if (opt->dataset && H5Lexists(file, opt->dataset, H5P_DEFAULT) > 0) {
        hid_t set = H5Dopen2(file, opt->dataset, H5P_DEFAULT);
        if (set >= 0)
            return set;
    }
    dataset_list list = {.count = 0};
    char text[192];
    if (H5Ovisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, note_dataset, &list) < 0) {
        rm_read_error_set(err, 0, 0, 0, "cannot list the datasets of the HDF5 file");
        *status = RM_EFORMAT;
    } else if (list.count == 1 && !opt->dataset) {
        hid_t set = H5Dopen2(file, list.names[0], H5P_DEFAULT);
        list_free(&list);
        return set;
    } else if (list.count == 0) {
        rm_read_error_set(err, 0, 0, 0, "the HDF5 file holds no datasets");
        *status = RM_EEMPTY;
    } else {
        list_text(&list, text, sizeof text);
        char shown[64];
        if (opt->dataset)
            rm_quote_text(shown, sizeof shown, opt->dataset, strlen(opt->dataset));
        if (opt->dataset)
            rm_read_error_set(err, 0, 0, 0, "no dataset %s in the HDF5 file; it holds %s",
                              shown, text);
        else
            rm_read_error_set(err, 0, 0, 0,
                              "the HDF5 file holds %zu datasets (%s): name the one to read",
                              list.count, text);
        if (err && !opt->dataset)
            err->needs_dataset = 1;
        *status = RM_EINVAL;
    }
    list_free(&list);
    return -1;
}

/* How the elements are read: as held (double or float, HDF5 converting), or 64-bit
 * integers converted here. */
typedef struct element_plan {
    hid_t memory_type;
    size_t size;   /* bytes per element in memory */
    int integer64; /* 0, or 's' / 'u' */
} element_plan;

/* Element e of an int64 / uint64 block as a double; 0 beyond 2^53, with its text in
 * shown (a double would round it). */
static int exact_integer(const void *block, size_t e, int kind, double *v, char *shown,
                         size_t len)
{
    if (kind == 'u') {
        uint64_t x = ((const uint64_t *)block)[e];
        *v = (double)x;
        snprintf(shown, len, "%llu", (unsigned long long)x);
        return x <= (uint64_t)1 << 53;
    }
    int64_t x = ((const int64_t *)block)[e];
    *v = (double)x;
    snprintf(shown, len, "%lld", (long long)x);
    return x <= (int64_t)1 << 53 && x >= -((int64_t)1 << 53);
}

/* Rows [r, r + rows) of the dataset (width columns) into out's rows r..., through
 * scratch when the columns are chosen (slot) or the elements need converting. */
static int read_rows(hid_t set, hid_t file_space, const element_plan *plan, size_t width,
                     const size_t *slot, size_t r, size_t rows, void *scratch, rm_data *out,
                     rm_read_error *err)
{
    int single = out->values_float != NULL;
    size_t d = out->d;
    hsize_t start[2] = {r, 0}, count[2] = {rows, width};
    int ndims = H5Sget_simple_extent_ndims(file_space);
    hid_t memory_space = H5Screate_simple(ndims, count, NULL);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, count, NULL);
    char *target = single ? (char *)(out->values_float + r * d) : (char *)(out->values + r * d);
    void *into = slot || plan->integer64 ? scratch : target;
    herr_t ok = H5Dread(set, plan->memory_type, memory_space, file_space, H5P_DEFAULT, into);
    H5Sclose(memory_space);
    if (ok < 0) {
        rm_read_error_set(err, 0, 0, 0,
                          "the HDF5 library could not read rows %zu to %zu (a damaged file, "
                          "or a compression filter it lacks)",
                          r + 1, r + rows);
        return RM_EFORMAT;
    }
    if (into == target)
        return RM_OK;
    for (size_t i = 0; i < rows; i++)
        for (size_t c = 0; c < width; c++) {
            size_t to = slot ? slot[c] : c;
            if (to == SIZE_MAX)
                continue;
            double v;
            size_t e = i * width + c;
            if (plan->integer64) {
                char shown[24];
                if (!exact_integer(scratch, e, plan->integer64, &v, shown, sizeof shown)) {
                    rm_read_error_set(err, 0, r + i + 1, c + 1,
                                      "the integer %s is beyond 2^53: a double would round it "
                                      "(store such counts as float64 if rounding is "
                                      "acceptable)",
                                      shown);
                    return RM_ERANGE;
                }
            } else {
                v = single ? (double)((const float *)scratch)[e] : ((const double *)scratch)[e];
            }
            if (single)
                out->values_float[(r + i) * d + to] = (float)v;
            else
                out->values[(r + i) * d + to] = v;
        }
    return RM_OK;
}

/* The dataset's shape and element plan; out's n and d, columns and values allocated. */
static int read_dataset(hid_t set, const rm_read_options *opt, rm_data *out,
                        rm_read_error *err)
{
    hid_t space = H5Dget_space(set), type = H5Dget_type(set);
    int status = RM_OK, ndims = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dims[H5S_MAX_RANK];
    H5T_class_t kind = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    size_t type_size = type >= 0 ? H5Tget_size(type) : 0;
    size_t *pick = NULL, *slot = NULL;
    char **names = NULL;
    void *scratch = NULL;
    if (ndims < 1 || ndims > 2) {
        rm_read_error_set(err, 0, 0, 0,
                          "the dataset has %d dimensions; robustmean reads 1-D (one column) or "
                          "2-D datasets",
                          ndims);
        status = RM_EFORMAT;
    } else if (kind != H5T_INTEGER && kind != H5T_FLOAT) {
        rm_read_error_set(err, 0, 0, 0,
                          "the dataset's elements are not numbers (HDF5 class %d): robustmean "
                          "reads integer and floating-point datasets",
                          (int)kind);
        status = RM_EFORMAT;
    }
    if (status == RM_OK) {
        H5Sget_simple_extent_dims(space, dims, NULL);
        if (ndims == 1)
            dims[1] = 1;
        if (dims[0] == 0 || dims[1] == 0) {
            rm_read_error_set(err, 0, 0, 0, "the dataset is empty (shape %llu x %llu)",
                              (unsigned long long)dims[0], (unsigned long long)dims[1]);
            status = RM_EEMPTY;
        }
    }
    size_t n = 0, width = 0;
    if (status == RM_OK) {
        n = (size_t)dims[0];
        width = (size_t)dims[1];
        out->n = n;
        out->d = width;
        status = rm_hdf5_column_names(set, ndims, width, &names);
    }
    if (status == RM_OK && rm_columns_chosen(opt)) {
        status = rm_columns_resolve(opt, width, 1, (const char *const *)names, 0, &pick,
                                    &out->d, err);
        slot = status == RM_OK ? rm_alloc_array(width, sizeof *slot) : NULL;
        if (status == RM_OK && !slot)
            status = RM_ENOMEM;
        for (size_t c = 0; slot && c < width; c++)
            slot[c] = SIZE_MAX;
        for (size_t k = 0; slot && k < out->d; k++)
            slot[pick[k]] = k;
    }
    if (status == RM_OK)
        status = rm_columns_record(out, pick, 1, (const char *const *)names);
    int is_signed = type >= 0 && H5Tget_sign(type) == H5T_SGN_2;
    int fits_float = kind == H5T_FLOAT ? type_size <= 4 : type_size <= 2;
    int single = opt->storage == RM_STORAGE_FLOAT || (opt->storage == RM_STORAGE_AS_FILE && fits_float);
    element_plan plan = {.memory_type = single ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE,
                         .size = single ? sizeof(float) : sizeof(double)};
    if (kind == H5T_INTEGER && type_size == 8) {
        plan.memory_type = is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
        plan.size = 8;
        plan.integer64 = is_signed ? 's' : 'u';
    }
    size_t row_bytes = width * plan.size, rows = row_bytes ? BLOCK_BYTES / row_bytes : 1;
    if (rows == 0)
        rows = 1;
    if (rows > n)
        rows = n;
    if (status == RM_OK) {
        if (single)
            out->values_float = rm_alloc_array(n * out->d, sizeof(float));
        else
            out->values = rm_alloc_array(n * out->d, sizeof(double));
        if ((slot || plan.integer64) && !(scratch = rm_alloc_array(rows, row_bytes)))
            status = RM_ENOMEM;
        if (!out->values && !out->values_float)
            status = RM_ENOMEM;
        if (status == RM_ENOMEM)
            rm_read_error_set(err, 0, 0, 0, "out of memory for %zu x %zu values", n, out->d);
    }
    for (size_t r = 0; status == RM_OK && r < n; r += rows)
        status = read_rows(set, space, &plan, width, slot, r, r + rows <= n ? rows : n - r,
                           scratch, out, err);
    rm_hdf5_names_free(names, width);
    free(pick);
    free(slot);
    free(scratch);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return status;
}

int rm_hdf5_read(const char *path, const rm_read_options *opt, rm_data *out,
                 rm_read_error *err)
{
    if (!path || strcmp(path, "-") == 0) {
        rm_read_error_set(err, 0, 0, 0,
                          "an HDF5 file is read by seeking in it: give it as a file, not "
                          "through a pipe");
        return RM_EFORMAT;
    }
    pthread_mutex_lock(&hdf5_lock);
    H5E_auto2_t printer;
    void *printer_data;
    H5Eget_auto2(H5E_DEFAULT, &printer, &printer_data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int status = RM_OK;
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        rm_read_error_set(err, 0, 0, 0, "the HDF5 library cannot open it as an HDF5 file");
        status = RM_EFORMAT;
    }
    hid_t set = status == RM_OK ? open_dataset(file, opt, &status, err) : -1;
    if (status == RM_OK && set < 0) {
        rm_read_error_set(err, 0, 0, 0, "the HDF5 library cannot open the dataset");
        status = RM_EFORMAT;
    }
    if (status == RM_OK)
        status = read_dataset(set, opt, out, err);
    if (set >= 0)
        H5Dclose(set);
    if (file >= 0)
        H5Fclose(file);
    H5Eset_auto2(H5E_DEFAULT, printer, printer_data);
    pthread_mutex_unlock(&hdf5_lock);
    if (status == RM_OK)
        status = rm_data_check_finite(opt, out, err);
    return status;
}

#endif
