/* The table of methods: each lives in its own file and is listed once, here. Adding a
 * method is one file and one row of `methods`. */
#include "method_table.h"

#include <string.h>

static const rm_method *const methods[] = {
    &rm_method_lowregret,
    &rm_method_pgd,
    &rm_method_filter,
    &rm_method_mean,
    &rm_method_median,
    &rm_method_trimmed,
    &rm_method_geomedian,
    &rm_method_mom,
};

enum { METHOD_COUNT = sizeof methods / sizeof methods[0] };

static const char default_method[] = "lowregret";

size_t rm_method_count(void) { return METHOD_COUNT; }

const rm_method_info *rm_method_at(size_t i)
{
    return i < METHOD_COUNT ? &methods[i]->info : NULL;
}

const rm_method *rm_method_lookup(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < METHOD_COUNT; i++)
        if (strcmp(methods[i]->info.name, name) == 0)
            return methods[i];
    return NULL;
}

const rm_method_info *rm_method_find(const char *name)
{
    const rm_method *m = rm_method_lookup(name);
    return m ? &m->info : NULL;
}

const char *rm_method_default(void) { return default_method; }
