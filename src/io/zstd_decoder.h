/* Zstandard data (RFC 8878), decompressed as it is read: a decoder for rm_source. */
#ifndef RM_IO_ZSTD_DECODER_H
#define RM_IO_ZSTD_DECODER_H

#include "io/source.h"

/* 1 when the first bytes are a Zstandard frame's magic (28 b5 2f fd). */
int rm_zstd_magic(const unsigned char *head, size_t len);

/* A decoder of Zstandard frames one after the other; NULL when out of memory. Truncated or
 * corrupt data (a wrong checksum, bytes that are no frame) fail the source with
 * RM_EFORMAT. */
rm_decoder *rm_zstd_decoder_new(void);

#endif
