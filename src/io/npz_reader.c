/* See npz_reader.h. Arrays are named as NumPy names them: the member's name without its
 * ".npy". */
#define _FILE_OFFSET_BITS 64
#include "io/npz_reader.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "io/npy_reader.h"
#include "io/zip_directory.h"
#include "io/zip_member.h"

int rm_zip_magic(const unsigned char *head, size_t len)
{
    return len >= 4 && (memcmp(head, "PK\x03\x04", 4) == 0 || memcmp(head, "PK\x05\x06", 4) == 0);
}

/* The length of name without a ".npy" ending. */
static size_t array_name_len(const char *name)
{
    size_t len = strlen(name);
    return len >= 4 && strcmp(name + len - 4, ".npy") == 0 ? len - 4 : len;
}

/* The arrays' names, for a message: "'a', 'b'". */
static void list_arrays(const rm_zip_directory *dir, char *out, size_t outsz)
{
    out[0] = '\0';
    char **names = calloc(dir->count ? dir->count : 1, sizeof *names);
    size_t made = 0;
    for (; names && made < dir->count; made++) {
        size_t len = array_name_len(dir->members[made].name);
        if (!(names[made] = malloc(len + 1)))
            break;
        memcpy(names[made], dir->members[made].name, len);
        names[made][len] = '\0';
    }
    if (names && made == dir->count)
        rm_quote_list(out, outsz, (const char *const *)names, dir->count);
    for (size_t k = 0; names && k < made; k++)
        free(names[k]);
    free(names);
}

/* The member holding the array opt->dataset names, or the only one; NULL with err worded. */
static const rm_zip_member *choose(const rm_zip_directory *dir, const rm_read_options *opt,
                                   int *status, rm_read_error *err)
{
    char list[192];
    if (dir->count == 0) {
        rm_read_error_set(err, 0, 0, 0, "the archive holds no arrays");
        *status = RM_EEMPTY;
        return NULL;
    }
    if (opt->dataset) {
        size_t want = strlen(opt->dataset);
        for (size_t k = 0; k < dir->count; k++) {
            const char *name = dir->members[k].name;
            if (strcmp(name, opt->dataset) == 0 ||
                (array_name_len(name) == want && memcmp(name, opt->dataset, want) == 0))
                return &dir->members[k];
        }
        char shown[64];
        rm_quote_text(shown, sizeof shown, opt->dataset, want);
        list_arrays(dir, list, sizeof list);
        rm_read_error_set(err, 0, 0, 0, "no array named %s in the archive; it holds %s", shown,
                          list);
        *status = RM_EINVAL;
        return NULL;
    }
    if (dir->count == 1)
        return &dir->members[0];
    list_arrays(dir, list, sizeof list);
    rm_read_error_set(err, 0, 0, 0, "the archive holds %zu arrays (%s): name the one to read",
                      dir->count, list);
    if (err)
        err->needs_dataset = 1;
    *status = RM_EINVAL;
    return NULL;
}

/* A member the .npy reader refused may be one damaged in the archive: its CRC-32, checked
 * at its end, says which, and the damage is the better report. */
static int blame_corruption(rm_source *src, int status, rm_read_error *err)
{
    unsigned char sink[1 << 14];
    while (rm_source_read(src, sink, sizeof sink) == sizeof sink)
        continue;
    return rm_source_failure(src, NULL, 0) != RM_OK ? rm_source_failure(src, err, 0) : status;
}

int rm_npz_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err)
{
    if (!src->size_known) {
        rm_read_error_set(err, 0, 0, 0,
                          "a .npz archive is read by seeking in it: give it as a file, not "
                          "through a pipe");
        return RM_EFORMAT;
    }
    rm_zip_directory dir;
    int status = rm_zip_directory_read(src->file, src->size, &dir, err);
    const rm_zip_member *m = status == RM_OK ? choose(&dir, opt, &status, err) : NULL;
    char shown[64] = "";
    if (m)
        rm_quote_text(shown, sizeof shown, m->name, strlen(m->name));
    if (m && (m->flags & 1)) {
        rm_read_error_set(err, 0, 0, 0, "member %s is encrypted", shown);
        status = RM_EFORMAT;
    } else if (m && m->method != 0 && m->method != 8) {
        rm_read_error_set(err, 0, 0, 0,
                          "member %s is compressed by zip method %u: robustmean reads stored "
                          "and deflated members",
                          shown, m->method);
        status = RM_EFORMAT;
    }
    uint64_t offset = 0;
    if (m && status == RM_OK)
        status = rm_zip_data_offset(src->file, src->size, m, &offset, err);
    if (m && status == RM_OK && fseeko(src->file, (off_t)offset, SEEK_SET) != 0) {
        rm_read_error_set(err, 0, 0, 0, "cannot seek to member %s", shown);
        status = RM_EIO;
    }
    rm_decoder *decoder = m && status == RM_OK ? rm_zip_member_decoder_new(m) : NULL;
    if (m && status == RM_OK && !decoder)
        status = RM_ENOMEM;
    if (decoder) {
        src->head_len = src->head_pos = 0; /* the archive's first bytes: not the member's */
        rm_source_attach(src, decoder);
        status = rm_npy_read(src, opt, out, err);
        if (status == RM_EFORMAT)
            status = blame_corruption(src, status, err);
    }
    rm_zip_directory_free(&dir);
    return status;
}
