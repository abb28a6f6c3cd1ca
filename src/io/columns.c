/* See columns.h. A choice is a comma-separated list of items: a column number, a range of
 * them (lo-hi) or a header name. */
#include "io/columns.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "io/source.h"

/* One item of a choice, blanks around it removed. */
typedef struct item {
    const char *text;
    size_t len;
} item;

/* The item starting at *at in spec (advancing *at past it and its comma); 0 at the end. */
static int next_item(const char *spec, size_t *at, item *it)
{
    size_t i = *at, len = strlen(spec);
    if (i > len)
        return 0;
    const char *comma = strchr(spec + i, ',');
    size_t end = comma ? (size_t)(comma - spec) : len;
    *at = end + 1;
    while (i < end && (spec[i] == ' ' || spec[i] == '\t'))
        i++;
    while (end > i && (spec[end - 1] == ' ' || spec[end - 1] == '\t'))
        end--;
    it->text = spec + i;
    it->len = end - i;
    return 1;
}

static int all_digits(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t k = 0; k < len; k++)
        if (s[k] < '0' || s[k] > '9')
            return 0;
    return 1;
}

/* The number in s[0..len) (all digits); SIZE_MAX when it does not fit. */
static size_t number_of(const char *s, size_t len)
{
    size_t v = 0;
    for (size_t k = 0; k < len; k++) {
        size_t digit = (size_t)(s[k] - '0');
        if (v > (SIZE_MAX - 1 - digit) / 10)
            return SIZE_MAX;
        v = 10 * v + digit;
    }
    return v;
}

/* A number ("8") or a range ("2-5"): its ends in *lo, *hi; else 0 (a name). */
static int numbers_of(const item *it, size_t *lo, size_t *hi)
{
    const char *dash = memchr(it->text, '-', it->len);
    if (!dash) {
        if (!all_digits(it->text, it->len))
            return 0;
        *lo = *hi = number_of(it->text, it->len);
        return 1;
    }
    size_t left = (size_t)(dash - it->text), right = it->len - left - 1;
    if (!all_digits(it->text, left) || !all_digits(dash + 1, right))
        return 0;
    *lo = number_of(it->text, left);
    *hi = number_of(dash + 1, right);
    return 1;
}

static int is_name(const item *it)
{
    size_t lo, hi;
    return it->len > 0 && !numbers_of(it, &lo, &hi);
}

static int spec_has_name(const char *spec)
{
    item it;
    size_t at = 0;
    while (spec && next_item(spec, &at, &it))
        if (is_name(&it))
            return 1;
    return 0;
}

int rm_columns_chosen(const rm_read_options *opt)
{
    return opt->columns || opt->skip_columns;
}

int rm_columns_by_name(const rm_read_options *opt)
{
    return spec_has_name(opt->columns) || spec_has_name(opt->skip_columns);
}

/* The field a header name stands for, into *field; else 0 with err worded. */
static int field_named(const item *it, const char *const *names, size_t width, size_t first,
                       size_t line, size_t *field, rm_read_error *err)
{
    char shown[48];
    rm_quote_text(shown, sizeof shown, it->text, it->len);
    if (!names) {
        rm_read_error_set(err, line, 0, 0,
                          "column %s is chosen by name, but the input names no columns (CSV: "
                          "a header row; HDF5: a 'columns' attribute or a dimension scale of "
                          "strings): choose its columns by number",
                          shown);
        return 0;
    }
    size_t found = 0, where[2] = {0, 0};
    for (size_t k = 0; k < width; k++)
        if (strlen(names[k]) == it->len && memcmp(names[k], it->text, it->len) == 0) {
            if (found < 2)
                where[found] = k;
            found++;
        }
    if (found == 1) {
        *field = where[0];
        return 1;
    }
    if (found > 1) {
        rm_read_error_set(err, line, 0, 0,
                          "%zu columns are named %s (numbers %zu and %zu%s): choose by number",
                          found, shown, where[0] + first, where[1] + first,
                          found > 2 ? " and more" : "");
        return 0;
    }
    char list[192];
    rm_quote_list(list, sizeof list, names, width);
    rm_read_error_set(err, line, 0, 0, "no column is named %s; the header names %s", shown, list);
    return 0;
}

/* The 0-based field a column number stands for, into *field; else 0 with err worded. */
static int field_numbered(size_t number, size_t width, size_t first, size_t line,
                          size_t *field, rm_read_error *err)
{
    if (number == 0) {
        rm_read_error_set(err, line, 0, 0, "column numbers start at 1, not 0");
        return 0;
    }
    if (number < first) {
        rm_read_error_set(err, line, 0, 0,
                          "column %zu holds row labels (its header name is empty), not data",
                          number);
        return 0;
    }
    if (number - first >= width) {
        rm_read_error_set(err, line, 0, 0, "column %zu is beyond the last column, %zu", number,
                          width + first - 1);
        return 0;
    }
    *field = number - first;
    return 1;
}

/* The fields of one item, lo..hi (0-based, inclusive); else 0 with err worded. */
static int item_fields(const item *it, size_t width, size_t first, const char *const *names,
                       size_t line, size_t *lo, size_t *hi, rm_read_error *err)
{
    size_t a, b;
    if (it->len == 0) {
        rm_read_error_set(err, line, 0, 0, "an empty item in a list of columns");
        return 0;
    }
    if (!numbers_of(it, &a, &b))
        return field_named(it, names, width, first, line, lo, err) && (*hi = *lo, 1);
    if (a > b) {
        rm_read_error_set(err, line, 0, 0, "the range of columns %zu-%zu runs backwards", a, b);
        return 0;
    }
    return field_numbered(a, width, first, line, lo, err) &&
           field_numbered(b, width, first, line, hi, err);
}

int rm_columns_resolve(const rm_read_options *opt, size_t width, size_t first,
                       const char *const *names, size_t line, size_t **pick, size_t *count,
                       rm_read_error *err)
{
    *pick = NULL;
    *count = 0;
    size_t *chosen = rm_alloc_array(width ? width : 1, sizeof *chosen);
    unsigned char *state = calloc(width ? width : 1, 1); /* 1 chosen, 2 left out */
    if (!chosen || !state) {
        free(chosen);
        free(state);
        return RM_ENOMEM;
    }
    size_t n = 0, at = 0, lo, hi;
    item it;
    int ok = 1;
    if (opt->columns) {
        while (ok && next_item(opt->columns, &at, &it)) {
            ok = item_fields(&it, width, first, names, line, &lo, &hi, err);
            for (size_t f = lo; ok && f <= hi; f++) {
                if (state[f]) {
                    rm_read_error_set(err, line, 0, 0, "column %zu is chosen twice", f + first);
                    ok = 0;
                }
                state[f] = 1;
                chosen[n++] = f;
            }
        }
    } else {
        for (size_t f = 0; f < width; f++)
            chosen[n++] = f;
    }
    at = 0;
    while (ok && opt->skip_columns && next_item(opt->skip_columns, &at, &it)) {
        ok = item_fields(&it, width, first, names, line, &lo, &hi, err);
        for (size_t f = lo; ok && f <= hi; f++)
            state[f] = 2;
    }
    if (ok) {
        size_t kept = 0;
        for (size_t k = 0; k < n; k++)
            if (state[chosen[k]] != 2)
                chosen[kept++] = chosen[k];
        n = kept;
        if (n == 0) {
            rm_read_error_set(err, line, 0, 0, "no column is left to read: all %zu are left out",
                              width);
            ok = 0;
        }
    }
    free(state);
    if (!ok) {
        free(chosen);
        return RM_EINVAL;
    }
    *pick = chosen;
    *count = n;
    return RM_OK;
}

int rm_columns_record(rm_data *out, const size_t *pick, size_t first, const char *const *names)
{
    size_t d = out->d;
    out->column_numbers = rm_alloc_array(d, sizeof *out->column_numbers);
    if (!out->column_numbers)
        return RM_ENOMEM;
    for (size_t k = 0; k < d; k++)
        out->column_numbers[k] = (pick ? pick[k] : k) + first;
    if (!names)
        return RM_OK;
    out->column_names = calloc(d, sizeof *out->column_names);
    if (!out->column_names)
        return RM_ENOMEM;
    for (size_t k = 0; k < d; k++) {
        const char *name = names[pick ? pick[k] : k];
        size_t len = strlen(name);
        out->column_names[k] = malloc(len + 1);
        if (!out->column_names[k])
            return RM_ENOMEM;
        memcpy(out->column_names[k], name, len + 1);
    }
    return RM_OK;
}
