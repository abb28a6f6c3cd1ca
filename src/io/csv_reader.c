/* The CSV reader. The input streams through a buffer of a few megabytes per thread that
 * holds whole lines: memory is the matrix plus that buffer, whatever the file size. The
 * first lines (until the header, the delimiter and the width are known) are read one by
 * one; then each buffer of lines is cut into one piece per thread at line ends, the
 * pieces' data rows are counted, the matrix grows to hold them all, and the threads parse
 * their pieces straight into their rows. The first error (by line) is the one reported,
 * as a serial reader would. Values are stored as double, or as float when asked (parsed as
 * the nearest float, then held in a row of doubles until stored). */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "io/columns.h"
#include "io/csv_line.h"
#include "io/csv_reader.h"
#include "io/number.h"

enum { BLOCK_PER_THREAD = 8 << 20, MAX_PIECES = 64 };

typedef struct csv_state {
    const rm_read_options *opt;
    rm_read_error *err;
    rm_number_parser *numbers;
    rm_csv_line serial;   /* the parser of the first lines */
    int started;          /* the delimiter is known */
    int header_decided;   /* the first content line has been seen */
    size_t header_line;
    size_t line;          /* lines consumed, 1-based number of the last one */
    size_t rows_seen;     /* data rows met, dropped ones included */
    size_t width;         /* fields per line */
    size_t width_line;    /* the line that fixed the width */
    size_t *pick;         /* the fields read (columns chosen); NULL: all */
    double *row;          /* d values of scratch */
    rm_data *out;
    int single;           /* values stored as float */
    void *store;          /* the matrix being filled: doubles, or floats when single */
    size_t rows_cap;
    int threads;
} csv_state;

static size_t value_size(const csv_state *st) { return st->single ? sizeof(float) : sizeof(double); }

/* Row r of the matrix being filled. */
static void *row_at(const csv_state *st, size_t r)
{
    return (char *)st->store + r * st->out->d * value_size(st);
}

/* Store d values (each exactly a float when single) as row r. */
static void store_row(const csv_state *st, size_t r, const double *values)
{
    size_t d = st->out->d;
    if (!st->single) {
        memcpy(row_at(st, r), values, d * sizeof *values);
        return;
    }
    float *f = row_at(st, r);
    for (size_t j = 0; j < d; j++)
        f[j] = (float)values[j];
}

/* The header's name of the file's column `number`, if it is one read; else NULL. */
static const char *column_name(const csv_state *st, size_t number)
{
    const rm_data *out = st->out;
    for (size_t k = 0; out->column_names && k < out->d; k++)
        if (out->column_numbers[k] == number)
            return out->column_names[k];
    return NULL;
}

static void report(csv_state *st, size_t line, size_t row, const rm_csv_problem *pr)
{
    const char *name = pr->text ? column_name(st, pr->column) : NULL;
    if (name) {
        char shown[48];
        rm_quote_text(shown, sizeof shown, name, strlen(name));
        rm_read_error_set(st->err, line, row, pr->column, "%s (column %s)", pr->message, shown);
    } else {
        rm_read_error_set(st->err, line, row, pr->column, "%s", pr->message);
    }
    if (st->err && pr->text) {
        st->err->text_field = 1;
        if (name && strlen(name) < sizeof st->err->column_name)
            strcpy(st->err->column_name, name);
    }
}

static int grow_rows(csv_state *st, size_t need)
{
    rm_data *out = st->out;
    if (need <= st->rows_cap)
        return RM_OK;
    size_t cap = st->rows_cap + st->rows_cap / 2 + 1024;
    if (cap < need)
        cap = need;
    size_t bytes;
    if (!rm_mul_size(cap, out->d, &bytes) || !rm_mul_size(bytes, value_size(st), &bytes))
        return RM_EOVERFLOW;
    void *v = realloc(st->store, bytes);
    if (!v)
        return RM_ENOMEM;
    st->store = v;
    st->rows_cap = cap;
    return RM_OK;
}

/* The width is fixed by the header (whose fields, from `offset` on, name the columns) or
 * by the first data row (header NULL); then the columns read are known. Their numbers in
 * the file start at `first` (2 after a label column). */
static int set_width(csv_state *st, size_t width, size_t first, const rm_csv_line *header,
                     size_t offset)
{
    st->width = width;
    st->width_line = st->line;
    const char **names = header ? rm_alloc_array(width, sizeof *names) : NULL;
    if (header && !names)
        return RM_ENOMEM;
    for (size_t k = 0; names && k < width; k++)
        names[k] = header->fields[k + offset].text;
    size_t d = width;
    int status = RM_OK;
    if (rm_columns_chosen(st->opt)) {
        status = rm_columns_resolve(st->opt, width, first, names, header ? st->line : 0,
                                    &st->pick, &d, st->err);
        st->serial.pick = st->pick;
        st->serial.picked = d;
    }
    st->out->d = d;
    if (status == RM_OK)
        status = rm_columns_record(st->out, st->pick, first, names);
    free(names);
    if (status != RM_OK)
        return status;
    st->row = rm_alloc_array(d, sizeof(double));
    return st->row ? RM_OK : RM_ENOMEM;
}

static int ragged(csv_state *st, size_t line, size_t row, size_t count)
{
    rm_read_error_set(st->err, line, row, 0, "%zu field%s, but line %zu has %zu", count,
                      count == 1 ? "" : "s", st->width_line, st->width);
    return RM_EPARSE;
}

/* Whether the first content line (split) is a header, as opt->header says or, when it
 * says AUTO, as the line's fields say: when columns are chosen by number, those fields
 * only (text in a column left out does not make a header). Returns 1, 0, or -1 with
 * *status set. */
static int is_header(csv_state *st, rm_csv_line *first, int *status)
{
    int header = st->opt->header;
    if (rm_columns_by_name(st->opt)) {
        if (header == RM_HEADER_NO) {
            rm_read_error_set(st->err, st->line, 0, 0,
                              "columns are chosen by name, but the first line is read as "
                              "data (no header)");
            *status = RM_EINVAL;
            return -1;
        }
        return 1;
    }
    if (header != RM_HEADER_AUTO)
        return header;
    size_t *pick = NULL, picked = 0;
    if (rm_columns_chosen(st->opt) &&
        (*status = rm_columns_resolve(st->opt, first->count, 1, NULL, 0, &pick, &picked,
                                      st->err)) != RM_OK)
        return -1;
    first->pick = pick;
    first->picked = picked;
    /* a header only when the line cannot be data; when some of its fields read as numbers,
     * the caller is told (a typo in a data row looks the same) */
    header = !rm_csv_numeric(first);
    first->pick = NULL;
    free(pick);
    /* an empty first name beside text is the label column's header (below), chosen or not */
    if (!header && first->count > 1 && first->fields[0].len == 0 && !rm_csv_numeric(first))
        header = 1;
    if (header && rm_csv_any_number(first))
        st->out->header_mixed = 1;
    if (!header && rm_csv_index_header(first))
        header = st->out->header_is_index = 1;
    return header;
}

/* One line read on its own (the first lines of the input): s[len] == '\0'. */
static int serial_line(csv_state *st, char *s, size_t len)
{
    st->line++;
    if (st->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (!rm_csv_content(s, &len))
        return RM_OK;
    if (!st->started) {
        st->serial.delimiter =
            st->opt->delimiter ? st->opt->delimiter
                               : rm_csv_detect_delimiter(s, len, st->opt->decimal == ',');
        st->started = 1;
    }
    rm_csv_problem pr;
    int status = rm_csv_split(&st->serial, s, len, &pr);
    if (status != RM_OK) {
        report(st, st->line, 0, &pr);
        return status;
    }
    if (!st->header_decided) {
        st->header_decided = 1;
        rm_csv_line *first = &st->serial;
        /* Every line ends with the delimiter when the first does: its empty last field is
         * not a column (a missing value there would make the first line a data row with a
         * missing value, or a header with an unnamed column, both unlikely). */
        if (first->delimiter != ' ' && first->count > 1 && first->fields[first->count - 1].len == 0) {
            first->drop_trailing_empty = 1;
            first->count--;
            st->out->trailing_delimiter = 1;
        }
        int header = is_header(st, first, &status);
        if (header < 0)
            return status;
        if (header) {
            st->out->had_header = 1;
            st->header_line = st->line;
            /* An unnamed first column is the row labels of pandas' to_csv (its index) or
             * R's write.csv (its row names): not data. */
            if (first->count > 1 && first->fields[0].len == 0) {
                first->skip_first = 1;
                st->out->skipped_label_column = 1;
                return set_width(st, first->count - 1, 2, first, 1);
            }
            return set_width(st, first->count, 1, first, 0);
        }
    }
    st->rows_seen++;
    if (st->width == 0 && (status = set_width(st, st->serial.count, 1, NULL, 0)) != RM_OK)
        return status;
    if (st->serial.count != st->width)
        return ragged(st, st->line, st->rows_seen, st->serial.count);
    int dropped;
    status = rm_csv_values(&st->serial, st->width, st->opt->drop_nonfinite, st->row, &dropped,
                           &pr);
    if (status != RM_OK) {
        report(st, st->line, st->rows_seen, &pr);
        return status;
    }
    if (dropped) {
        status = rm_data_drop_row(st->out, st->rows_seen);
        if (status != RM_OK)
            rm_read_error_set(st->err, st->line, st->rows_seen, 0, "out of memory");
        return status;
    }
    if ((status = grow_rows(st, st->out->n + 1)) != RM_OK)
        return status;
    store_row(st, st->out->n, st->row);
    st->out->n++;
    return RM_OK;
}

/* A piece of complete lines for one thread, and what it found there. */
typedef struct piece {
    char *start, *end;
    size_t lines, rows;          /* counted in the first phase */
    size_t line0, row0;          /* numbers of the lines and rows before the piece */
    size_t kept;                 /* rows written */
    int status;                  /* the first problem: */
    size_t bad_line, bad_row, bad_count;
    rm_csv_problem problem;
} piece;

/* Phase 1: lines and data rows in the piece. */
static void count_piece(piece *p)
{
    p->lines = p->rows = 0;
    for (char *s = p->start; s < p->end;) {
        char *nl = memchr(s, '\n', (size_t)(p->end - s));
        char *e = nl ? nl : p->end;
        p->lines++;
        p->rows += rm_csv_has_content(s, (size_t)(e - s)); /* as parse_piece will see it */
        s = e + 1;
    }
}

/* Phase 3: parse the piece's rows into the matrix from row `first` on; keep[r] = 0 marks
 * a dropped row. Doubles are parsed in place; floats through the d doubles of scratch. */
static void parse_piece(const csv_state *st, piece *p, rm_csv_line *lp, size_t first,
                        double *scratch, unsigned char *keep)
{
    size_t line = p->line0, r = 0;
    p->status = RM_OK;
    p->kept = 0;
    for (char *s = p->start; s < p->end;) {
        char *nl = memchr(s, '\n', (size_t)(p->end - s));
        char *e = nl ? nl : p->end;
        size_t len = (size_t)(e - s);
        line++;
        *e = '\0';
        if (rm_csv_content(s, &len)) {
            int status = rm_csv_split(lp, s, len, &p->problem);
            if (status == RM_OK && lp->count != st->width) {
                p->status = RM_EPARSE;
                p->bad_line = line;
                p->bad_row = p->row0 + r + 1;
                p->bad_count = lp->count;
                return;
            }
            int dropped = 0;
            double *values = st->single ? scratch : row_at(st, first + r);
            if (status == RM_OK)
                status = rm_csv_values(lp, st->width, st->opt->drop_nonfinite, values,
                                       &dropped, &p->problem);
            if (status == RM_OK && st->single && !dropped)
                store_row(st, first + r, scratch);
            if (status != RM_OK) {
                p->status = status;
                p->bad_line = line;
                p->bad_row = p->row0 + r + 1;
                p->bad_count = 0;
                return;
            }
            keep[r] = !dropped;
            p->kept += !dropped;
            r++;
        }
        s = e + 1;
    }
}

/* Cut [s, end) into up to `want` pieces at line ends. Returns how many. */
static size_t cut_pieces(char *s, char *end, size_t want, piece *pieces)
{
    size_t count = 0;
    size_t total = (size_t)(end - s);
    char *at = s;
    for (size_t t = 0; t < want && at < end; t++) {
        char *stop = t + 1 == want ? end : s + total * (t + 1) / want;
        if (stop < at)
            stop = at;
        if (stop < end) {
            char *nl = memchr(stop, '\n', (size_t)(end - stop));
            stop = nl ? nl + 1 : end;
        }
        pieces[count].start = at;
        pieces[count].end = stop;
        count++;
        at = stop;
    }
    return count;
}

/* Complete lines [s, end) once the width is known, on the threads. */
static int parallel_lines(csv_state *st, char *s, char *end)
{
    rm_data *out = st->out;
    size_t d = out->d, want = (size_t)rm_threads(st->threads, (size_t)(end - s) / 16);
    if (want > MAX_PIECES)
        want = MAX_PIECES;
    piece pieces[MAX_PIECES];
    size_t count = cut_pieces(s, end, want, pieces);
    size_t lines = st->line, rows = 0;
#pragma omp parallel for schedule(static, 1) num_threads((int)count)
    for (size_t t = 0; t < count; t++)
        count_piece(&pieces[t]);
    for (size_t t = 0; t < count; t++) {
        pieces[t].line0 = lines;
        pieces[t].row0 = st->rows_seen + rows;
        lines += pieces[t].lines;
        rows += pieces[t].rows;
    }
    if (rows == 0) { /* blank and comment lines only */
        st->line = lines;
        return RM_OK;
    }
    int status = grow_rows(st, out->n + rows);
    unsigned char *keep = status == RM_OK ? malloc(rows ? rows : 1) : NULL;
    /* floats are parsed into a row of doubles per piece first */
    double *scratch = status == RM_OK && st->single ? rm_alloc_array(count, d * sizeof(double)) : NULL;
    if (status == RM_OK && (!keep || (st->single && !scratch)))
        status = RM_ENOMEM;
    if (status != RM_OK) {
        free(keep);
        free(scratch);
        rm_read_error_set(st->err, st->line + 1, 0, 0, "out of memory after %zu rows", out->n);
        return status;
    }
    int failed = 0;
#pragma omp parallel num_threads((int)count)
    {
        rm_csv_line lp = {.delimiter = st->serial.delimiter,
                          .numbers = st->numbers,
                          .skip_first = st->serial.skip_first,
                          .pick = st->pick,
                          .picked = d,
                          .drop_trailing_empty = st->serial.drop_trailing_empty};
#pragma omp for schedule(static, 1)
        for (size_t t = 0; t < count; t++) {
            size_t first = pieces[t].row0 - st->rows_seen;
            parse_piece(st, &pieces[t], &lp, out->n + first, scratch ? scratch + t * d : NULL,
                        keep + first);
            if (pieces[t].status != RM_OK) {
#pragma omp atomic write
                failed = 1;
            }
        }
        rm_csv_line_free(&lp);
    }
    free(scratch);
    if (failed) { /* the first problem by line, as reading in order would meet it */
        piece *bad = NULL;
        for (size_t t = 0; t < count && !bad; t++)
            if (pieces[t].status != RM_OK)
                bad = &pieces[t];
        free(keep);
        if (bad->status == RM_EPARSE && bad->bad_count)
            return ragged(st, bad->bad_line, bad->bad_row, bad->bad_count);
        report(st, bad->bad_line, bad->bad_row, &bad->problem);
        return bad->status;
    }
    /* Dropped rows (drop_nonfinite) leave holes: close them, in order. */
    size_t kept = 0;
    for (size_t r = 0; r < rows && status == RM_OK; r++)
        if (keep[r]) {
            if (kept != r)
                memmove(row_at(st, out->n + kept), row_at(st, out->n + r), d * value_size(st));
            kept++;
        } else {
            status = rm_data_drop_row(out, st->rows_seen + r + 1);
        }
    free(keep);
    if (status != RM_OK) {
        rm_read_error_set(st->err, st->line + 1, 0, 0, "out of memory after %zu rows", out->n);
        return status;
    }
    out->n += kept;
    st->rows_seen += rows;
    st->line = lines;
    return RM_OK;
}

/* Complete lines [s, end), each ended by '\n' or (the last) by end: one by one until the
 * width is known, then on the threads. */
static int lines_of(csv_state *st, char *s, char *end)
{
    while (s < end && !(st->header_decided && st->width > 0)) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        char *e = nl ? nl : end;
        *e = '\0';
        int status = serial_line(st, s, (size_t)(e - s));
        if (status != RM_OK)
            return status;
        s = e + 1;
    }
    return s < end ? parallel_lines(st, s, end) : RM_OK;
}

static int read_lines(csv_state *st, rm_source *src)
{
    size_t threads = (size_t)rm_threads(st->threads, (size_t)1 << 20);
    size_t cap = BLOCK_PER_THREAD * threads, used = 0;
    if (src->size_known && src->size < cap) /* a small file: no more than it needs */
        cap = src->size + 1;                /* (+1: a short read then says "the end") */
    char *buf = malloc(cap + 1);
    if (!buf)
        return RM_ENOMEM;
    int status = RM_OK, eof = 0;
    while (status == RM_OK && !eof) {
        if (used == cap) { /* a line longer than the buffer: grow it */
            char *b = cap > SIZE_MAX / 2 - 1 ? NULL : realloc(buf, 2 * cap + 1);
            if (!b) {
                status = RM_ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = rm_source_read(src, buf + used, cap - used);
        if (got < cap - used) {
            eof = 1;
            /* no line: the failure's place in the decompressed text is not known */
            if ((status = rm_source_failure(src, st->err, 0)) != RM_OK)
                break;
        }
        used += got;
        /* Whole lines: up to the last newline, or everything at the end of the input. */
        size_t whole = used;
        if (!eof)
            while (whole > 0 && buf[whole - 1] != '\n')
                whole--;
        if (whole == 0)
            continue;
        buf[used] = '\0'; /* a last line without a newline ends here */
        status = lines_of(st, buf, buf + whole);
        memmove(buf, buf + whole, used - whole);
        used -= whole;
    }
    free(buf);
    return status;
}

int rm_csv_read(rm_source *src, const rm_read_options *opt, rm_data *out, rm_read_error *err)
{
    csv_state st;
    memset(&st, 0, sizeof st);
    st.opt = opt;
    st.err = err;
    st.out = out;
    st.threads = opt->threads;
    st.single = opt->storage == RM_STORAGE_FLOAT;
    st.numbers = rm_number_parser_new(st.single, opt->decimal ? opt->decimal : '.');
    st.serial.numbers = st.numbers;
    int status = st.numbers ? read_lines(&st, src) : RM_ENOMEM;
    if (status == RM_OK && out->n == 0) {
        status = RM_EEMPTY;
        if (st.line == 0)
            rm_read_error_set(err, 0, 0, 0, "the input is empty");
        else if (out->dropped_rows > 0)
            rm_read_error_set(err, 0, 0, 0,
                              "all %zu data rows hold missing or non-finite values and were dropped",
                              out->dropped_rows);
        else if (out->had_header)
            rm_read_error_set(err, st.header_line, 0, 0,
                              "no data rows after the header on line %zu", st.header_line);
        else
            rm_read_error_set(err, 0, 0, 0, "no data rows (only blank or comment lines)");
    }
    if (status == RM_ENOMEM)
        rm_read_error_set(err, st.line, 0, 0, "out of memory after %zu rows", out->n);
    if (status == RM_OK && out->n < st.rows_cap) {
        void *v = realloc(st.store, out->n * out->d * value_size(&st));
        if (v)
            st.store = v;
    }
    if (st.single)
        out->values_float = st.store;
    else
        out->values = st.store;
    rm_number_parser_free(st.numbers);
    rm_csv_line_free(&st.serial);
    free(st.row);
    free(st.pick);
    return status;
}
