/* gzip data (RFC 1952), decompressed as it is read: a decoder for rm_source. */
#ifndef RM_IO_GZIP_DECODER_H
#define RM_IO_GZIP_DECODER_H

#include "io/source.h"

/* 1 when the first bytes are gzip's magic (1f 8b). */
int rm_gzip_magic(const unsigned char *head, size_t len);

/* A decoder of gzip members one after the other (as gzip -c a b, or pigz, write them);
 * NULL when out of memory. Truncated or corrupt data (a bad header, a wrong CRC or
 * length) and bytes after the last member fail the source with RM_EFORMAT. */
rm_decoder *rm_gzip_decoder_new(void);

#endif
