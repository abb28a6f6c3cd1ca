/* See zstd_decoder.h. */
#include "io/zstd_decoder.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

typedef struct zstd_decoder {
    rm_decoder base;
    ZSTD_DStream *stream;
    ZSTD_inBuffer in;
    size_t frame_left; /* ZSTD_decompressStream's last hint: 0 once a frame is whole */
    int drained;       /* nothing is held back: the last call left room in its output or
                          ended a frame (called again on no input, it would start another) */
    int input_ended;
    unsigned char *buffer; /* ZSTD_DStreamInSize() bytes of input */
} zstd_decoder;

int rm_zstd_magic(const unsigned char *head, size_t len)
{
    return len >= 4 && memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0;
}

static size_t zstd_read(rm_decoder *self, rm_source *src, unsigned char *buf, size_t len)
{
    zstd_decoder *z = (zstd_decoder *)self;
    size_t got = 0;
    while (got < len && src->status == RM_OK) {
        if (z->in.pos == z->in.size && !z->input_ended) {
            size_t r = rm_source_read_raw(src, z->buffer, ZSTD_DStreamInSize());
            if (src->read_errno)
                break; /* worded by rm_source_failure */
            z->in = (ZSTD_inBuffer){.src = z->buffer, .size = r, .pos = 0};
            z->input_ended = r == 0;
        }
        if (z->input_ended && z->in.pos == z->in.size && z->drained) {
            if (z->frame_left != 0)
                rm_source_fail(src, RM_EFORMAT,
                               "truncated zstd data: the input ends inside a compressed frame");
            break;
        }
        ZSTD_outBuffer out = {.dst = buf + got, .size = len - got, .pos = 0};
        size_t hint = ZSTD_decompressStream(z->stream, &out, &z->in);
        if (ZSTD_isError(hint)) {
            rm_source_fail(src, RM_EFORMAT, "corrupt zstd data: %s", ZSTD_getErrorName(hint));
            break;
        }
        got += out.pos;
        z->frame_left = hint;
        z->drained = out.pos < out.size || hint == 0; /* 0: a whole frame, all given out */
    }
    return got;
}

static void zstd_free(rm_decoder *self)
{
    zstd_decoder *z = (zstd_decoder *)self;
    ZSTD_freeDStream(z->stream);
    free(z->buffer);
    free(z);
}

rm_decoder *rm_zstd_decoder_new(void)
{
    zstd_decoder *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->stream = ZSTD_createDStream();
    z->buffer = malloc(ZSTD_DStreamInSize());
    if (!z->stream || !z->buffer || ZSTD_isError(ZSTD_initDStream(z->stream))) {
        ZSTD_freeDStream(z->stream);
        free(z->buffer);
        free(z);
        return NULL;
    }
    z->frame_left = 1; /* no frame read yet */
    z->base.read = zstd_read;
    z->base.free = zstd_free;
    return &z->base;
}
