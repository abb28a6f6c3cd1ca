/* See zip_member.h. */
#include "io/zip_member.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { INPUT = 1 << 16, RAW_DEFLATE = -MAX_WBITS };

typedef struct member_decoder {
    rm_decoder base;
    rm_zip_member member; /* its name is not kept: */
    char name[64];        /* quoted and shortened, for messages */
    z_stream z;
    int deflated, ended;
    uint64_t compressed_left, produced;
    uLong crc;
    unsigned char in[INPUT];
} member_decoder;

/* At the end of the member's data: its size and CRC-32 must be the directory's. */
static void check_end(member_decoder *d, rm_source *src)
{
    d->ended = 1;
    if (d->produced != d->member.size)
        rm_source_fail(src, RM_EFORMAT,
                       "corrupt zip archive: member %s holds %llu bytes, its directory "
                       "says %llu",
                       d->name, (unsigned long long)d->produced,
                       (unsigned long long)d->member.size);
    else if (d->crc != d->member.crc32)
        rm_source_fail(src, RM_EFORMAT,
                       "corrupt zip archive: member %s fails its CRC-32 check", d->name);
}

static void truncated(member_decoder *d, rm_source *src)
{
    if (!src->read_errno) /* a read error is worded by rm_source_failure */
        rm_source_fail(src, RM_EFORMAT,
                       "truncated zip archive: the file ends inside member %s", d->name);
}

/* Compressed bytes of the member into d->in; 0 at its end or on a failure. */
static size_t refill(member_decoder *d, rm_source *src)
{
    size_t want = d->compressed_left < INPUT ? (size_t)d->compressed_left : INPUT;
    size_t r = rm_source_read_raw(src, d->in, want);
    d->compressed_left -= r;
    if (r < want)
        truncated(d, src);
    return r;
}

static size_t member_read(rm_decoder *self, rm_source *src, unsigned char *buf, size_t len)
{
    member_decoder *d = (member_decoder *)self;
    size_t got = 0;
    while (got < len && !d->ended && src->status == RM_OK && !src->read_errno) {
        size_t room = len - got < UINT_MAX ? len - got : UINT_MAX, made;
        if (!d->deflated) {
            if (d->compressed_left < room)
                room = (size_t)d->compressed_left;
            made = rm_source_read_raw(src, buf + got, room);
            d->compressed_left -= made;
            if (made < room)
                truncated(d, src);
        } else {
            if (d->z.avail_in == 0 && d->compressed_left > 0) {
                d->z.next_in = d->in;
                d->z.avail_in = (uInt)refill(d, src);
            }
            d->z.next_out = buf + got;
            d->z.avail_out = (uInt)room;
            int rc = inflate(&d->z, Z_NO_FLUSH);
            made = room - d->z.avail_out;
            if (rc == Z_MEM_ERROR)
                rm_source_fail(src, RM_ENOMEM, "out of memory to inflate member %s", d->name);
            else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR)
                rm_source_fail(src, RM_EFORMAT, "corrupt zip archive: member %s: %s",
                               d->name, d->z.msg ? d->z.msg : "inflate failed");
            else if (rc != Z_STREAM_END && made == 0 && d->z.avail_in == 0 &&
                     d->compressed_left == 0)
                rm_source_fail(src, RM_EFORMAT,
                               "corrupt zip archive: member %s ends inside its deflated data",
                               d->name);
            if (rc == Z_STREAM_END)
                d->ended = 1; /* checked below, once its bytes are counted */
        }
        d->crc = crc32(d->crc, buf + got, (uInt)made);
        d->produced += made;
        got += made;
        if (d->ended || (!d->deflated && d->compressed_left == 0))
            check_end(d, src);
    }
    return got;
}

static void member_free(rm_decoder *self)
{
    member_decoder *d = (member_decoder *)self;
    if (d->deflated)
        inflateEnd(&d->z);
    free(d);
}

rm_decoder *rm_zip_member_decoder_new(const rm_zip_member *m)
{
    member_decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->member = *m;
    d->member.name = NULL;
    rm_quote_text(d->name, sizeof d->name, m->name, strlen(m->name));
    d->deflated = m->method == 8;
    d->compressed_left = m->compressed_size;
    d->crc = crc32(0L, Z_NULL, 0);
    if (d->deflated && inflateInit2(&d->z, RAW_DEFLATE) != Z_OK) {
        free(d);
        return NULL;
    }
    d->base.read = member_read;
    d->base.free = member_free;
    return &d->base;
}
