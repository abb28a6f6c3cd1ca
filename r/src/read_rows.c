/* The reader of the R package: librobustmean's rm_read_file() on a path, its row-major
 * matrix copied into R's column-major one. The rm_data is held by an external pointer
 * while R allocates, so an allocation that fails (and jumps out) leaves it to the
 * garbage collector, not leaked. The options, the messages' hints and the condition
 * raised are R's (R/read_rows.R); this file converts and calls. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <R.h>
#include <Rinternals.h>

#include "read_rows.h"
#include "robustmean.h"

static void data_release(SEXP holder)
{
    rm_data *data = R_ExternalPtrAddr(holder);
    if (data) {
        rm_data_free(data);
        free(data);
        R_ClearExternalPtr(holder);
    }
}

/* A single string, or NULL for R's NULL. */
static const char *optional_text(SEXP v)
{
    return Rf_isString(v) && Rf_xlength(v) == 1 ? CHAR(STRING_ELT(v, 0)) : NULL;
}

static SEXP named(const char *const *names, SEXP *values, int k)
{
    SEXP list = PROTECT(Rf_allocVector(VECSXP, k)), keys = PROTECT(Rf_allocVector(STRSXP, k));
    for (int i = 0; i < k; i++) {
        SET_VECTOR_ELT(list, i, values[i]);
        SET_STRING_ELT(keys, i, Rf_mkCharCE(names[i], CE_UTF8));
    }
    Rf_setAttrib(list, R_NamesSymbol, keys);
    UNPROTECT(2);
    return list;
}

/* Why reading failed: list(error = list(status, message, line, row, column, column_name,
 * text_field, needs_dataset, nonfinite)). */
static SEXP error_list(int status, const rm_read_error *err)
{
    const char *message = err->message[0] ? err->message : rm_strerror(status);
    static const char *const names[] = {"status", "message", "line", "row", "column",
                                        "column_name", "text_field", "needs_dataset",
                                        "nonfinite"};
    SEXP values[9];
    int k = 0;
    values[k++] = PROTECT(Rf_ScalarInteger(status));
    values[k++] = PROTECT(Rf_ScalarString(Rf_mkCharCE(message, CE_UTF8)));
    values[k++] = PROTECT(Rf_ScalarReal((double)err->line));
    values[k++] = PROTECT(Rf_ScalarReal((double)err->row));
    values[k++] = PROTECT(Rf_ScalarReal((double)err->column));
    values[k++] = PROTECT(Rf_ScalarString(Rf_mkCharCE(err->column_name, CE_UTF8)));
    values[k++] = PROTECT(Rf_ScalarLogical(err->text_field));
    values[k++] = PROTECT(Rf_ScalarLogical(err->needs_dataset));
    values[k++] = PROTECT(Rf_ScalarLogical(status == RM_ENONFINITE));
    SEXP error = PROTECT(named(names, values, k));
    static const char *const outer[] = {"error"};
    SEXP list = named(outer, &error, 1);
    UNPROTECT(k + 1);
    return list;
}

/* What was read: list(x, column_names or NULL, column_numbers, dropped, had_header,
 * skipped_label_column), x an n x d double matrix. */
static SEXP data_list(const rm_data *data)
{
    size_t n = data->n, d = data->d;
    if (n > (size_t)INT_MAX || d > (size_t)INT_MAX)
        Rf_error("%zu x %zu values: more rows or columns than an R matrix holds", n, d);
    static const char *const names[] = {"x",       "column_names", "column_numbers",
                                        "dropped", "had_header",   "skipped_label_column"};
    SEXP values[6];
    int k = 0;
    values[k++] = PROTECT(Rf_allocMatrix(REALSXP, (int)n, (int)d));
    double *x = REAL(values[0]);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            x[j * n + i] = data->values[i * d + j];
    values[k++] = PROTECT(data->column_names ? Rf_allocVector(STRSXP, (R_xlen_t)d) : R_NilValue);
    values[k++] = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)d));
    for (size_t j = 0; j < d; j++) {
        if (data->column_names)
            SET_STRING_ELT(values[1], (R_xlen_t)j, Rf_mkCharCE(data->column_names[j], CE_UTF8));
        REAL(values[2])[j] = (double)data->column_numbers[j];
    }
    values[k++] = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)data->dropped_rows));
    for (size_t r = 0; r < data->dropped_rows; r++)
        REAL(values[3])[r] = (double)data->dropped[r];
    values[k++] = PROTECT(Rf_ScalarLogical(data->had_header));
    values[k++] = PROTECT(Rf_ScalarLogical(data->skipped_label_column));
    SEXP list = named(names, values, k);
    UNPROTECT(k);
    return list;
}

SEXP rm_r_read(SEXP path, SEXP columns, SEXP skip_columns, SEXP dataset, SEXP delimiter,
               SEXP decimal, SEXP header, SEXP drop_nonfinite, SEXP threads)
{
    const char *file = optional_text(path), *delim = optional_text(delimiter),
               *mark = optional_text(decimal);
    if (!file)
        Rf_error("path must be a single string");
    rm_read_options opt;
    rm_read_options_init(&opt);
    opt.columns = optional_text(columns);
    opt.skip_columns = optional_text(skip_columns);
    opt.dataset = optional_text(dataset);
    opt.delimiter = delim ? delim[0] : 0;
    opt.decimal = mark ? mark[0] : '.';
    opt.header = (rm_header)Rf_asInteger(header);
    opt.drop_nonfinite = Rf_asLogical(drop_nonfinite) == TRUE;
    opt.threads = Rf_asInteger(threads);
    rm_data *data = calloc(1, sizeof *data);
    if (!data)
        Rf_error("out of memory");
    SEXP holder = PROTECT(R_MakeExternalPtr(data, R_NilValue, R_NilValue));
    R_RegisterCFinalizerEx(holder, data_release, TRUE);
    rm_read_error err;
    memset(&err, 0, sizeof err);
    int status = rm_read_file(R_ExpandFileName(file), &opt, data, &err);
    SEXP list = status == RM_OK ? data_list(data) : error_list(status, &err);
    data_release(holder);
    UNPROTECT(1);
    return list;
}
