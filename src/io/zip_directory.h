/* The central directory of a zip archive (what NumPy's savez writes): its members' names,
 * methods, sizes and places, zip64 included. Read from a file by seeking, never whole. */
#ifndef RM_IO_ZIP_DIRECTORY_H
#define RM_IO_ZIP_DIRECTORY_H

#include <stdint.h>
#include <stdio.h>

#include "robustmean.h"

typedef struct rm_zip_member {
    char *name;               /* NUL-terminated (a name holding a NUL byte is refused) */
    unsigned method;          /* 0 stored, 8 deflated (others are refused when read) */
    unsigned flags;           /* bit 0: encrypted */
    uint32_t crc32;
    uint64_t compressed_size;
    uint64_t size;            /* uncompressed */
    uint64_t header_offset;   /* of its local header */
} rm_zip_member;

typedef struct rm_zip_directory {
    rm_zip_member *members;
    size_t count;
} rm_zip_directory;

/* Read the directory of the zip archive in file (file_size bytes). Returns RM_OK, or
 * RM_EFORMAT (not a zip archive, or a malformed one), RM_EIO, RM_ENOMEM, worded in err. */
int rm_zip_directory_read(FILE *file, uint64_t file_size, rm_zip_directory *dir,
                          rm_read_error *err);

/* Where member m's data begins: past its local header. RM_OK, or RM_EFORMAT / RM_EIO
 * worded in err. */
int rm_zip_data_offset(FILE *file, uint64_t file_size, const rm_zip_member *m,
                       uint64_t *offset, rm_read_error *err);

void rm_zip_directory_free(rm_zip_directory *dir);

#endif
