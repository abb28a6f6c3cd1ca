/* The binary readers' last step: values that are not finite (NaN, infinities) are refused
 * with their row and column, or their rows dropped when asked. (CSV checks each field as
 * it parses it.) */
#ifndef RM_IO_FINITE_CHECK_H
#define RM_IO_FINITE_CHECK_H

#include "robustmean.h"

/* Check out's values (one parallel pass when all are finite, the common case). With
 * opt->drop_nonfinite, rows holding a non-finite value are dropped (rm_data.dropped);
 * else the first is RM_ENONFINITE, its place worded in err (the column as the file
 * numbers it, out->column_numbers). RM_OK, RM_ENONFINITE, RM_EEMPTY or RM_ENOMEM. */
int rm_data_check_finite(const rm_read_options *opt, rm_data *out, rm_read_error *err);

#endif
