// The one C++ file of the library: a C entry point to fast_float (Debian's
// libfast-float-dev), which converts decimal text to the correctly rounded double, the
// same double as strtod (or float as strtof), several times faster and without consulting the locale.
#include <fast_float/fast_float.h>

#include "io/fast_number.h"

template <typename T> static int parse(const char *first, const char *last, char point, T *value)
{
    fast_float::parse_options options(fast_float::chars_format::general, point);
    fast_float::from_chars_result r = fast_float::from_chars_advanced(first, last, *value, options);
    return r.ec == std::errc() && r.ptr == last;
}

extern "C" int rm_fast_number(const char *first, const char *last, char point, double *value)
{
    return parse(first, last, point, value);
}

extern "C" int rm_fast_number_float(const char *first, const char *last, char point, float *value)
{
    return parse(first, last, point, value);
}
