/* Names of the status codes of robustmean.h. */
#include "robustmean.h"

const char *rm_strerror(int status)
{
    switch (status) {
    case RM_OK: return "success";
    case RM_NOT_CONVERGED: return "iteration cap reached before convergence (best result returned)";
    case RM_EINVAL: return "invalid argument";
    case RM_ENOMEM: return "out of memory";
    case RM_EMETHOD: return "unknown method";
    case RM_EEPS: return "eps missing or outside the method's valid range";
    case RM_ETOOFEW: return "too few rows for the method";
    case RM_ENONFINITE: return "NaN or infinite value in the data";
    case RM_EOVERFLOW: return "size overflow: the data is too large";
    case RM_EIO: return "input/output error";
    case RM_EPARSE: return "malformed text input";
    case RM_EFORMAT: return "malformed or unsupported file format";
    case RM_ERANGE: return "number outside the range of double (or of float, when stored as float)";
    case RM_EEMPTY: return "no data rows";
    case RM_ENUMERIC: return "numerical failure";
    default: return "unknown status code";
    }
}
