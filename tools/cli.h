/* What the command-line tools share: messages, number options, number formatting, and
 * output files that appear whole or not at all. */
#ifndef RM_CLI_H
#define RM_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

/* The program name used in messages ("robustmean"). */
extern const char *cli_program;

/* 1: cli_error and cli_usage_error print nothing (the exit status stays): the processes
 * of robustmean-mpi but the first, which speaks for all. */
extern int cli_silent;

/* "program: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error with a hint to --help and exit with EXIT_USAGE. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The usage error for getopt_long's ':' (missing value) or '?' (unknown option), with
 * opterr = 0 and an optstring starting with ':'. */
void cli_option_error(int c, char *const argv[]) __attribute__((noreturn));

/* Parse option values; on a bad value, a usage error naming the option. */
double cli_parse_double(const char *option, const char *text);
uint64_t cli_parse_u64(const char *option, const char *text);
size_t cli_parse_size(const char *option, const char *text);
/* The index of text among the count names, or a usage error listing them. */
size_t cli_parse_choice(const char *option, const char *text, const char *const *names,
                        size_t count);

/* The shortest decimal text that reads back as exactly v (at most 17 significant
 * digits), into buf (at least 32 bytes). */
const char *cli_format_double(char *buf, double v);

/* Call first in main(): sets cli_program; opens a closed standard descriptor (0, 1 or 2)
 * on /dev/null, so that no file the program opens takes its number; exits if the loaded
 * library is not the version this program was built with. (Before main, cli_start.c also
 * refuses an address-space limit too low for OpenBLAS to load.) */
void cli_start(const char *program);

/* An output that is either stdout or a file written under a temporary name in the same
 * folder and renamed over the target only when complete; SIGINT, SIGTERM or SIGHUP while
 * it is open remove the temporary file before the program dies. A target that exists and
 * is not a regular file (/dev/null, a FIFO) is written in place: a rename would replace
 * it. On standard output, a reader that went away (EPIPE) fails the commit silently. */
typedef struct cli_output {
    FILE *file;
    char *path;      /* target, NULL for stdout */
    char *temp_path; /* temporary name while writing; NULL when written in place */
    int slot;        /* where the signal handler finds temp_path; -1 for none */
} cli_output;

/* Open path ("-" or NULL: stdout). Refuses a path that names the same file as
 * protected (the input), when protected is not NULL. Returns 0 or prints and returns -1. */
int cli_output_open(cli_output *out, const char *path, const char *protected_path);
/* Flush, close and rename into place. Returns 0 or prints and returns -1. */
int cli_output_commit(cli_output *out);
/* Remove the partial file, if any. Safe to call after commit. */
void cli_output_abort(cli_output *out);

#endif
