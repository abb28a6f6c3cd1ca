/* What robustmean and robustmean-mpi share as programs: their options (one table, one
 * help text, one check), the words on a failed read, the notes on what was read and the
 * warnings on what was computed. Each program adds its own options through an
 * estimate_program. */
#ifndef RM_ESTIMATE_CLI_H
#define RM_ESTIMATE_CLI_H

#include <getopt.h>
#include <stddef.h>

#include "robustmean.h"

enum { FORMAT_CSV, FORMAT_JSON };

typedef struct estimate_settings {
    rm_options opt;
    rm_read_options read;
    const char *input; /* as given: FILE, FILE:NAME or - (NULL: none) */
    char *path;        /* the file to read when input names an array of a .npz: FILE */
    const char *output;
    const char *weights_path;
    const char *outliers_path;
    int format;
    int verbose, quiet;
} estimate_settings;

/* The long options' values a program's own options start from. */
enum { ESTIMATE_OWN_OPTION = 1024 };

/* A program of the toolkit that estimates: its name and what it adds. */
typedef struct estimate_program {
    const char *name;
    const char *usage;      /* --help's opening lines, up to the options */
    const char *own_help;   /* its own options' lines of --help ("" for none) */
    const char *closing;    /* --help's last lines */
    const char *brief;      /* printed (stderr, exit 2) when run without arguments; NULL:
                               parse as usual */
    const struct option *own; /* its own long options ({0}-terminated; values from
                                 ESTIMATE_OWN_OPTION on), or NULL */
    void (*take)(void *ctx, int option, const char *value); /* one of them was given */
    void *ctx;
    int speaks; /* 0: --help and --version print nothing (the other processes of
                   robustmean-mpi; the first one prints) */
} estimate_program;

/* The defaults: those of the library, held as the file holds the values. */
void estimate_settings_init(estimate_settings *s);

/* Parse argv into s: the shared options, the program's own through take(), one input
 * (FILE:NAME splits into path and the array's name), then the library's check of the
 * options. A usage error exits 2; --help and --version exit 0. */
void estimate_parse(int argc, char **argv, estimate_settings *s, const estimate_program *prog);

/* The file to read (NULL: standard input), and its name in messages. */
const char *estimate_input_path(const estimate_settings *s);
const char *estimate_input_name(const estimate_settings *s);

/* 1 when the run needs every row's weight: a file of them, of outliers, or the JSON
 * report's list of outliers. */
int estimate_wants_weights(const estimate_settings *s);

/* A failed read in words, with what to do about it: "NAME: place: what (hint)". */
void estimate_read_failure(const estimate_settings *s, const char *name, int status,
                           const rm_read_error *err, char *message, size_t size);

/* On standard error, what was read (-v) and what the reader decided (notes and warnings
 * unless -q); data may be a summary of every process's rows (n, dropped_rows the
 * totals). */
void estimate_read_notes(const estimate_settings *s, const rm_data *data, const char *where);

/* The estimate failed: say so (status < 0). */
void estimate_failure(const estimate_settings *s, int status, const rm_report *rep);

/* The warnings an estimate deserves (unless -q), then the report (-v). */
void estimate_warnings(const estimate_settings *s, int status, const rm_report *rep);

#endif
