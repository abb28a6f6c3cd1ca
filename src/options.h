/* The check of rm_options (options.c), shared by rm_options_check and rm_mean. */
#ifndef RM_OPTIONS_H
#define RM_OPTIONS_H

#include "common/method.h"

/* Check every field of opt; *method receives the method it names (or NULL when there is
 * none). Returns RM_OK, or RM_EINVAL, RM_EEPS or RM_EMETHOD with rep->invalid_option and
 * rep->message saying which field and why. */
int rm_options_validate(const rm_options *opt, const rm_method **method, rm_report *rep);

#endif
