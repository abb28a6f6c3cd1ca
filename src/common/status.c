/* The words for the status codes and stop reasons of robustmean.h. */
#include "robustmean.h"

const char *rm_strerror(int status)
{
    switch (status) {
    case RM_OK: return "success";
    case RM_NOT_CONVERGED:
        return "stopped by the iteration cap or the time budget before convergence (best result "
               "returned)";
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
    case RM_EUNSUPPORTED: return "not supported on rows spread over processes (yet)";
    default: return "unknown status code";
    }
}

const char *rm_stop_text(rm_stop stop)
{
    switch (stop) {
    case RM_STOP_NONE: return "";
    case RM_STOP_GAP: return "stationarity gap below tolerance";
    case RM_STOP_GAP_CAPPED: return "stationarity gap on the capped simplex below tolerance";
    case RM_STOP_SIGMA: return "objective below sigma^2";
    case RM_STOP_STALLED: return "objective stalled";
    case RM_STOP_STEP_RAISED: return "a step raised the objective";
    case RM_STOP_STEP_TOLERANCE: return "step below tolerance";
    case RM_STOP_EPS_ZERO: return "eps = 0: the sample mean";
    case RM_STOP_ITERATION_CAP: return "iteration cap";
    case RM_STOP_TIME_BUDGET: return "time budget";
    case RM_STOP_INTERRUPTED: return "interrupted";
    }
    return "unknown stop reason";
}
