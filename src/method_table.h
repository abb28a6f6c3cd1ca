/* The table of methods (method_table.c), as the rest of the top layer finds them. */
#ifndef RM_METHOD_TABLE_H
#define RM_METHOD_TABLE_H

#include "common/method.h"

/* The method called name (case-sensitive), or NULL when there is none or name is NULL. */
const rm_method *rm_method_lookup(const char *name);

#endif
