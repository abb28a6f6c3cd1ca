/* rm_read_file(): open the input, decompress it if it is compressed, recognise its format,
 * and hand it to a reader. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "io/csv_reader.h"
#include "io/gzip_decoder.h"
#include "io/hdf5_reader.h"
#include "io/npy_reader.h"
#include "io/npz_reader.h"
#include "io/read_part.h"
#include "io/source.h"
#include "io/zstd_decoder.h"

void rm_read_options_init(rm_read_options *opt)
{
    if (!opt)
        return;
    opt->format = RM_FORMAT_AUTO;
    opt->delimiter = 0;
    opt->header = RM_HEADER_AUTO;
    opt->drop_nonfinite = 0;
    opt->storage = RM_STORAGE_DOUBLE;
    opt->threads = 0;
    opt->columns = NULL;
    opt->skip_columns = NULL;
    opt->decimal = '.';
    opt->dataset = NULL;
}

void rm_data_free(rm_data *data)
{
    if (!data)
        return;
    free(data->dropped);
    free(data->column_numbers);
    for (size_t k = 0; data->column_names && k < data->d; k++)
        free(data->column_names[k]);
    free(data->column_names);
    if (data->mapping) {
        munmap(data->mapping->base, data->mapping->bytes);
        free(data->mapping);
    } else {
        free(data->values);
        free(data->values_float);
    }
    memset(data, 0, sizeof *data);
}

/* 1 when path ends with ext (".npy"), in any case. */
static int has_extension(const char *path, const char *ext)
{
    size_t len = path ? strlen(path) : 0, elen = strlen(ext);
    if (len < elen)
        return 0;
    for (size_t k = 0; k < elen; k++)
        if (tolower((unsigned char)path[len - elen + k]) != ext[k])
            return 0;
    return 1;
}

/* The first bytes of what rm_source_read will give, peeked into src->head. */
static int peek(rm_source *src, rm_read_error *err)
{
    src->head_len = rm_source_read(src, src->head, sizeof src->head);
    src->head_pos = 0;
    return rm_source_failure(src, err, 0);
}

/* Compressed input, known by its magic bytes, is read through its decoder; a name that
 * says .gz or .zst must hold such data. */
static int attach_decoder(rm_source *src, const char *path, rm_read_error *err)
{
    rm_decoder *decoder = NULL;
    if (rm_gzip_magic(src->head, src->head_len))
        decoder = rm_gzip_decoder_new();
    else if (rm_zstd_magic(src->head, src->head_len))
        decoder = rm_zstd_decoder_new();
    else if (has_extension(path, ".gz") || has_extension(path, ".zst")) {
        int gz = has_extension(path, ".gz");
        rm_read_error_set(err, 0, 0, 0,
                          "the name says %s data, but the file does not start with %s's magic "
                          "bytes (%s)",
                          gz ? "gzip" : "zstd", gz ? "gzip" : "zstd",
                          gz ? "1f 8b" : "28 b5 2f fd");
        return RM_EFORMAT;
    } else
        return RM_OK;
    if (!decoder) {
        rm_read_error_set(err, 0, 0, 0, "out of memory for a decompressor");
        return RM_ENOMEM;
    }
    rm_source_attach(src, decoder);
    return peek(src, err);
}

/* The format of the input (peeked, decompressed), by its name or its first bytes. */
static rm_format detect(const rm_source *src, const char *path)
{
    if (rm_hdf5_magic(src->head, src->head_len) ||
        (!src->decoder && (has_extension(path, ".h5") || has_extension(path, ".hdf5"))))
        return RM_FORMAT_HDF5;
    if (rm_zip_magic(src->head, src->head_len) || (!src->decoder && has_extension(path, ".npz")))
        return RM_FORMAT_NPZ;
    if ((src->head_len >= 6 && memcmp(src->head, "\x93NUMPY", 6) == 0) ||
        (!src->decoder && has_extension(path, ".npy")))
        return RM_FORMAT_NPY;
    return RM_FORMAT_CSV;
}

const char *rm_read_formats(void)
{
    return rm_hdf5_available() ? "csv csv.gz csv.zst npy npy.gz npy.zst npz h5"
                               : "csv csv.gz csv.zst npy npy.gz npy.zst npz";
}

static int valid_options(const rm_read_options *opt, rm_read_error *err)
{
    if (opt->format < RM_FORMAT_AUTO || opt->format > RM_FORMAT_HDF5) {
        rm_read_error_set(err, 0, 0, 0, "unknown format code %d", opt->format);
        return 0;
    }
    if (opt->delimiter && !strchr(",\t; ", opt->delimiter)) {
        rm_read_error_set(err, 0, 0, 0,
                          "unsupported delimiter (use ',', ';', a tab, or ' ' for white space)");
        return 0;
    }
    if (opt->decimal && opt->decimal != '.' && opt->decimal != ',') {
        rm_read_error_set(err, 0, 0, 0, "unsupported decimal mark (use '.' or ',')");
        return 0;
    }
    if (opt->decimal == ',' && opt->delimiter == ',') {
        rm_read_error_set(err, 0, 0, 0,
                          "a decimal comma needs another delimiter than ',' (';', a tab or "
                          "white space)");
        return 0;
    }
    if (opt->header < RM_HEADER_AUTO || opt->header > RM_HEADER_YES) {
        rm_read_error_set(err, 0, 0, 0, "unknown header mode %d", opt->header);
        return 0;
    }
    if (opt->threads < 0) {
        rm_read_error_set(err, 0, 0, 0, "threads must be 0 (one per core) or more, not %d",
                          opt->threads);
        return 0;
    }
    if (opt->storage < RM_STORAGE_DOUBLE || opt->storage > RM_STORAGE_AS_FILE) {
        rm_read_error_set(err, 0, 0, 0, "unknown storage code %d", opt->storage);
        return 0;
    }
    return 1;
}

/* What both reads do first: check, zero, open, peek, attach a decoder to compressed
 * input; then the input's format. */
static int open_input(const char *path, const rm_read_options **opt, rm_read_options *defaults,
                      rm_data *out, rm_source *src, rm_format *format, rm_read_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    memset(src, 0, sizeof *src);
    if (!out) {
        rm_read_error_set(err, 0, 0, 0, "no rm_data to read into");
        return RM_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (!*opt) {
        rm_read_options_init(defaults);
        *opt = defaults;
    }
    if (!valid_options(*opt, err))
        return RM_EINVAL;
    int status = rm_source_open(src, path, err);
    if (status == RM_OK)
        status = peek(src, err);
    if (status == RM_OK)
        status = attach_decoder(src, path, err);
    if (status == RM_OK)
        *format = (*opt)->format != RM_FORMAT_AUTO ? (*opt)->format : detect(src, path);
    return status;
}

/* What both reads do last. A decoder may fail after the reader had all it wanted: at the
 * data's checksum. */
static int close_input(rm_source *src, int status, rm_data *out, rm_read_error *err)
{
    if (status == RM_OK)
        status = rm_source_failure(src, err, 0);
    rm_source_close(src);
    if (status != RM_OK)
        rm_data_free(out);
    if (status != RM_OK && err && !err->message[0]) /* a failure the reader did not word */
        rm_read_error_set(err, 0, 0, 0, "%s", rm_strerror(status));
    return status;
}

int rm_read_file(const char *path, const rm_read_options *opt, rm_data *out,
                 rm_read_error *err)
{
    rm_read_options defaults;
    rm_source src;
    rm_format format = RM_FORMAT_CSV;
    int status = open_input(path, &opt, &defaults, out, &src, &format, err);
    if (status == RM_OK) {
        if (format != RM_FORMAT_NPZ && format != RM_FORMAT_HDF5 && opt->dataset) {
            rm_read_error_set(err, 0, 0, 0,
                              "a dataset is named, but the input is no .npz archive or HDF5 file");
            status = RM_EINVAL;
        } else if ((format == RM_FORMAT_NPZ || format == RM_FORMAT_HDF5) && src.decoder) {
            rm_read_error_set(err, 0, 0, 0,
                              "a compressed %s cannot be read (it is read by seeking in it): "
                              "decompress it first",
                              format == RM_FORMAT_NPZ ? ".npz archive" : "HDF5 file");
            status = RM_EFORMAT;
        } else {
            status = format == RM_FORMAT_HDF5  ? rm_hdf5_read(src.size_known ? path : NULL, opt,
                                                              out, err)
                     : format == RM_FORMAT_NPZ ? rm_npz_read(&src, opt, out, err)
                     : format == RM_FORMAT_NPY ? rm_npy_read(&src, opt, out, err)
                                               : rm_csv_read(&src, opt, out, err);
        }
    }
    return close_input(&src, status, out, err);
}

int rm_read_file_part(const char *path, const rm_read_options *opt, size_t part, size_t parts,
                      rm_data *out, size_t *first, size_t *total, rm_read_error *err)
{
    rm_read_options defaults;
    rm_source src;
    rm_format format = RM_FORMAT_CSV;
    int status = open_input(path, &opt, &defaults, out, &src, &format, err);
    if (status == RM_OK && (parts == 0 || part >= parts || !first || !total)) {
        rm_read_error_set(err, 0, 0, 0, "no such part: %zu of %zu", part, parts);
        status = RM_EINVAL;
    }
    if (status == RM_OK && (format != RM_FORMAT_NPY || src.decoder)) {
        rm_read_error_set(err, 0, 0, 0,
                          "only an uncompressed .npy file is read a range of rows at a time "
                          "(text has no fixed row size): split it into shards");
        status = RM_EFORMAT;
    }
    if (status == RM_OK) {
        src.head_len = src.head_pos = 0; /* read the header from its start */
        if (fseeko(src.file, 0, SEEK_SET) != 0) {
            rm_read_error_set(err, 0, 0, 0, "cannot seek in the file");
            status = RM_EIO;
        }
    }
    if (status == RM_OK)
        status = rm_npy_read_part(&src, opt, part, parts, out, first, total, err);
    return close_input(&src, status, out, err);
}
