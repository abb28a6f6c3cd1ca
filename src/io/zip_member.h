/* One member of a zip archive, its data inflated (or copied, when stored) as it is read,
 * and checked against the directory's CRC-32 and size: a decoder for rm_source. */
#ifndef RM_IO_ZIP_MEMBER_H
#define RM_IO_ZIP_MEMBER_H

#include "io/source.h"
#include "io/zip_directory.h"

/* A decoder of member m, whose data the source's file is positioned at; NULL when out of
 * memory. Truncated or corrupt data fails the source with RM_EFORMAT, naming the member. */
rm_decoder *rm_zip_member_decoder_new(const rm_zip_member *m);

#endif
