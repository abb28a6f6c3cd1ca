/* Overflow-checked allocation: an array whose length comes from the data (n, d, or a
 * product of them) is allocated here, so that count*size is checked once, in one place,
 * before malloc sees it. A struct, or an array whose length a constant bounds, may use
 * malloc directly. */
#ifndef RM_ALLOC_H
#define RM_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* a*b into *out; returns 0 on overflow. */
static inline int rm_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* malloc of count elements of size bytes; NULL on overflow or failure. Never malloc(0). */
static inline void *rm_alloc_array(size_t count, size_t size)
{
    size_t bytes;
    if (!rm_mul_size(count, size, &bytes))
        return NULL;
    return malloc(bytes ? bytes : 1);
}

static inline void *rm_calloc_array(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

#endif
