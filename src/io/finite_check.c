/* See finite_check.h. */
#include "io/finite_check.h"

#include <math.h>
#include <string.h>

#include "common/matrix.h"
#include "io/source.h"

int rm_data_check_finite(const rm_read_options *opt, rm_data *out, rm_read_error *err)
{
    size_t d = out->d, kept = 0, size = out->values_float ? sizeof(float) : sizeof(double);
    rm_matrix X = out->values_float ? rm_matrix_of_floats(out->values_float, out->n, d)
                                    : rm_matrix_of_doubles(out->values, out->n, d);
    if (rm_matrix_all_finite(&X, opt->threads))
        return RM_OK; /* the common case: one fast pass; the slow one below finds the place */
    char *base = out->values_float ? (char *)out->values_float : (char *)out->values;
    for (size_t i = 0; i < out->n; i++) {
        size_t bad = d;
        for (size_t j = 0; j < d && bad == d; j++)
            if (!isfinite(rm_matrix_at(&X, i, j)))
                bad = j;
        if (bad < d && !opt->drop_nonfinite) {
            double v = rm_matrix_at(&X, i, bad);
            rm_read_error_set(err, 0, i + 1, out->column_numbers[bad], "%s is not a finite number",
                              isnan(v) ? "NaN" : v > 0 ? "Inf" : "-Inf");
            return RM_ENONFINITE;
        }
        if (bad < d) {
            if (rm_data_drop_row(out, i + 1) != RM_OK) {
                rm_read_error_set(err, 0, i + 1, 0, "out of memory");
                return RM_ENOMEM;
            }
            continue;
        }
        if (kept != i)
            memmove(base + kept * d * size, base + i * d * size, d * size);
        kept++;
    }
    out->n = kept;
    if (kept == 0) {
        rm_read_error_set(err, 0, 0, 0,
                          "all %zu rows hold non-finite values and were dropped", out->dropped_rows);
        return RM_EEMPTY;
    }
    return RM_OK;
}

