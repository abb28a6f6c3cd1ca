/* See zip_directory.h. The layout is PKWARE's APPNOTE: an end-of-central-directory record
 * in the last 64 KiB, pointing at the directory's file headers (a zip64 end record beside
 * it when counts or offsets outgrow 32 bits). Every count and offset is checked against
 * the file before it is used: the archive is untrusted input. */
#define _FILE_OFFSET_BITS 64
#include "io/zip_directory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "io/source.h"

enum {
    END_RECORD = 22,          /* the end record without its comment */
    MAX_COMMENT = 65535,
    ZIP64_LOCATOR = 20,
    ZIP64_END_RECORD = 56,
    FILE_HEADER = 46,         /* a directory entry without its name, extra field, comment */
    LOCAL_HEADER = 30,
    MAX_MEMBERS = 1 << 20
};
#define SIGNATURE_END 0x06054b50u
#define SIGNATURE_ZIP64_LOCATOR 0x07064b50u
#define SIGNATURE_ZIP64_END 0x06064b50u
#define SIGNATURE_FILE_HEADER 0x02014b50u
#define SIGNATURE_LOCAL 0x04034b50u
#define FIELD_UNKNOWN 0xffffffffu /* a 32-bit field whose value is in the zip64 extra field */

static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return le16(p) | le16(p + 2) << 16; }
static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

/* len bytes at offset into buf; RM_OK or RM_EIO / RM_EFORMAT (beyond the end) worded. */
static int read_at(FILE *file, uint64_t file_size, uint64_t offset, void *buf, size_t len,
                   rm_read_error *err)
{
    if (offset > file_size || len > file_size - offset) {
        rm_read_error_set(err, 0, 0, 0, "malformed zip archive: a record lies beyond its end");
        return RM_EFORMAT;
    }
    if (fseeko(file, (off_t)offset, SEEK_SET) != 0 || fread(buf, 1, len, file) != len) {
        char text[128];
        rm_read_error_set(err, 0, 0, 0, "read failed: %s",
                          rm_errno_text(errno ? errno : EIO, text, sizeof text));
        return RM_EIO;
    }
    return RM_OK;
}

static int malformed(rm_read_error *err, const char *what)
{
    rm_read_error_set(err, 0, 0, 0, "malformed zip archive: %s", what);
    return RM_EFORMAT;
}

/* The end record: where the directory lies and how many entries it holds. */
static int find_directory(FILE *file, uint64_t file_size, uint64_t *offset, uint64_t *size,
                          uint64_t *count, rm_read_error *err)
{
    size_t tail = file_size < END_RECORD + MAX_COMMENT ? (size_t)file_size
                                                        : END_RECORD + MAX_COMMENT;
    if (tail < END_RECORD) {
        rm_read_error_set(err, 0, 0, 0, "not a zip archive: %zu bytes are too few", tail);
        return RM_EFORMAT;
    }
    unsigned char *buf = malloc(tail);
    if (!buf)
        return RM_ENOMEM;
    int status = read_at(file, file_size, file_size - tail, buf, tail, err);
    size_t at = tail - END_RECORD + 1;
    while (status == RM_OK && at-- > 0)
        if (le32(buf + at) == SIGNATURE_END && at + END_RECORD + le16(buf + at + 20) == tail)
            break;
    if (status == RM_OK && at == (size_t)-1) {
        rm_read_error_set(err, 0, 0, 0,
                          "not a zip archive: no end-of-central-directory record");
        status = RM_EFORMAT;
    }
    if (status != RM_OK) {
        free(buf);
        return status;
    }
    const unsigned char *end = buf + at;
    *count = le16(end + 10);
    *size = le32(end + 12);
    *offset = le32(end + 16);
    uint64_t end_offset = file_size - tail + at;
    int zip64 = *count == 0xffff || *size == FIELD_UNKNOWN || *offset == FIELD_UNKNOWN;
    if (le16(end + 4) != 0 || le16(end + 6) != 0)
        status = malformed(err, "it spans several disks");
    free(buf);
    if (status != RM_OK || !zip64)
        return status;
    unsigned char locator[ZIP64_LOCATOR], record[ZIP64_END_RECORD];
    if (end_offset < ZIP64_LOCATOR)
        return malformed(err, "no zip64 end record");
    if ((status = read_at(file, file_size, end_offset - ZIP64_LOCATOR, locator, sizeof locator,
                          err)) != RM_OK)
        return status;
    if (le32(locator) != SIGNATURE_ZIP64_LOCATOR)
        return malformed(err, "no zip64 end record");
    if ((status = read_at(file, file_size, le64(locator + 8), record, sizeof record, err)) !=
        RM_OK)
        return status;
    if (le32(record) != SIGNATURE_ZIP64_END)
        return malformed(err, "a bad zip64 end record");
    *count = le64(record + 32);
    *size = le64(record + 40);
    *offset = le64(record + 48);
    return RM_OK;
}

/* The zip64 extra field (id 1) holds, in this order, the 64-bit values of the fields whose
 * 32-bit value is FIELD_UNKNOWN. */
static int apply_zip64(const unsigned char *extra, size_t len, rm_zip_member *m, int want_size,
                       int want_compressed, int want_offset)
{
    for (size_t at = 0; at + 4 <= len;) {
        size_t id = le16(extra + at), field = le16(extra + at + 2);
        if (at + 4 + field > len)
            return 0;
        if (id == 1) {
            const unsigned char *v = extra + at + 4;
            size_t need = 8 * (size_t)(want_size + want_compressed + want_offset);
            if (field < need)
                return 0;
            if (want_size)
                m->size = le64(v), v += 8;
            if (want_compressed)
                m->compressed_size = le64(v), v += 8;
            if (want_offset)
                m->header_offset = le64(v);
            return 1;
        }
        at += 4 + field;
    }
    return !(want_size || want_compressed || want_offset);
}

/* One directory entry at buf[*at..len): into m, *at past it. */
static int parse_entry(const unsigned char *buf, size_t len, size_t *at, rm_zip_member *m,
                       rm_read_error *err)
{
    const unsigned char *h = buf + *at;
    if (len - *at < FILE_HEADER || le32(h) != SIGNATURE_FILE_HEADER)
        return malformed(err, "a bad central directory entry");
    size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
    if (len - *at - FILE_HEADER < name_len + extra_len + comment_len)
        return malformed(err, "a central directory entry runs past the directory");
    const unsigned char *name = h + FILE_HEADER;
    if (memchr(name, '\0', name_len))
        return malformed(err, "a member name holds a NUL byte");
    m->flags = le16(h + 8);
    m->method = le16(h + 10);
    m->crc32 = le32(h + 16);
    m->compressed_size = le32(h + 20);
    m->size = le32(h + 24);
    m->header_offset = le32(h + 42);
    if (!apply_zip64(name + name_len, extra_len, m, m->size == FIELD_UNKNOWN,
                     m->compressed_size == FIELD_UNKNOWN, m->header_offset == FIELD_UNKNOWN))
        return malformed(err, "a bad zip64 extra field");
    m->name = malloc(name_len + 1);
    if (!m->name)
        return RM_ENOMEM;
    memcpy(m->name, name, name_len);
    m->name[name_len] = '\0';
    *at += FILE_HEADER + name_len + extra_len + comment_len;
    return RM_OK;
}

int rm_zip_directory_read(FILE *file, uint64_t file_size, rm_zip_directory *dir,
                          rm_read_error *err)
{
    memset(dir, 0, sizeof *dir);
    uint64_t offset, size, count;
    int status = find_directory(file, file_size, &offset, &size, &count, err);
    if (status != RM_OK)
        return status;
    if (count > MAX_MEMBERS || count > size / FILE_HEADER + 1 || size > file_size)
        return malformed(err, "its directory's size and count do not fit the file");
    unsigned char *buf = malloc(size ? (size_t)size : 1);
    dir->members = calloc(count ? (size_t)count : 1, sizeof *dir->members);
    if (!buf || !dir->members) {
        free(buf);
        return RM_ENOMEM;
    }
    status = read_at(file, file_size, offset, buf, (size_t)size, err);
    size_t at = 0;
    for (; status == RM_OK && dir->count < count; dir->count++)
        status = parse_entry(buf, (size_t)size, &at, &dir->members[dir->count], err);
    free(buf);
    return status;
}

int rm_zip_data_offset(FILE *file, uint64_t file_size, const rm_zip_member *m,
                       uint64_t *offset, rm_read_error *err)
{
    unsigned char h[LOCAL_HEADER];
    int status = read_at(file, file_size, m->header_offset, h, sizeof h, err);
    if (status != RM_OK)
        return status;
    if (le32(h) != SIGNATURE_LOCAL)
        return malformed(err, "a member's local header is missing");
    *offset = m->header_offset + LOCAL_HEADER + le16(h + 26) + le16(h + 28);
    if (*offset > file_size || m->compressed_size > file_size - *offset)
        return malformed(err, "a member's data runs past the end of the archive");
    return RM_OK;
}

void rm_zip_directory_free(rm_zip_directory *dir)
{
    if (!dir)
        return;
    for (size_t k = 0; k < dir->count; k++)
        free(dir->members[k].name);
    free(dir->members);
    memset(dir, 0, sizeof *dir);
}
