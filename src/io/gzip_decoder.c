/* See gzip_decoder.h. zlib's inflate checks each member's header, CRC-32 and length. */
#include "io/gzip_decoder.h"

#include <limits.h>
#include <stdlib.h>
#include <zlib.h>

enum { INPUT = 1 << 18, GZIP_WINDOW = 16 + MAX_WBITS };

typedef struct gzip_decoder {
    rm_decoder base;
    z_stream z;
    int in_member; /* inside a member: its end not yet met */
    int input_ended;
    unsigned char in[INPUT];
} gzip_decoder;

int rm_gzip_magic(const unsigned char *head, size_t len)
{
    return len >= 2 && head[0] == 0x1f && head[1] == 0x8b;
}

static size_t gzip_read(rm_decoder *self, rm_source *src, unsigned char *buf, size_t len)
{
    gzip_decoder *g = (gzip_decoder *)self;
    size_t got = 0;
    while (got < len && src->status == RM_OK) {
        if (g->z.avail_in == 0 && !g->input_ended) {
            size_t r = rm_source_read_raw(src, g->in, sizeof g->in);
            if (src->read_errno)
                break; /* worded by rm_source_failure */
            g->z.next_in = g->in;
            g->z.avail_in = (uInt)r;
            g->input_ended = r == 0;
        }
        if (g->z.avail_in == 0) { /* the end of the input */
            if (g->in_member)
                rm_source_fail(src, RM_EFORMAT,
                               "truncated gzip data: the input ends inside a compressed stream");
            break;
        }
        if (!g->in_member) { /* another member follows, or bytes that are none */
            if (g->z.next_in[0] != 0x1f) {
                rm_source_fail(src, RM_EFORMAT, "unexpected bytes after the gzip data");
                break;
            }
            inflateReset(&g->z);
            g->in_member = 1;
        }
        size_t room = len - got < UINT_MAX ? len - got : UINT_MAX;
        g->z.next_out = buf + got;
        g->z.avail_out = (uInt)room;
        int rc = inflate(&g->z, Z_NO_FLUSH);
        got += room - g->z.avail_out;
        if (rc == Z_STREAM_END)
            g->in_member = 0;
        else if (rc == Z_MEM_ERROR)
            rm_source_fail(src, RM_ENOMEM, "out of memory to decompress gzip data");
        else if (rc != Z_OK && !(rc == Z_BUF_ERROR && g->z.avail_in == 0))
            rm_source_fail(src, RM_EFORMAT, "corrupt gzip data: %s",
                           g->z.msg ? g->z.msg : "inflate failed");
    }
    return got;
}

static void gzip_free(rm_decoder *self)
{
    gzip_decoder *g = (gzip_decoder *)self;
    inflateEnd(&g->z);
    free(g);
}

rm_decoder *rm_gzip_decoder_new(void)
{
    gzip_decoder *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (inflateInit2(&g->z, GZIP_WINDOW) != Z_OK) {
        free(g);
        return NULL;
    }
    g->in_member = 1;
    g->base.read = gzip_read;
    g->base.free = gzip_free;
    return &g->base;
}
