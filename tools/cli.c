/* See cli.h. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_program = "robustmean";
int cli_silent;

void cli_error(const char *fmt, ...)
{
    if (cli_silent)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli_program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_usage_error(const char *fmt, ...)
{
    if (cli_silent)
        exit(EXIT_USAGE);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli_program);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", cli_program);
    va_end(ap);
    exit(EXIT_USAGE);
}

void cli_option_error(int c, char *const argv[])
{
    if (c == ':')
        cli_usage_error("option '%s' needs a value", argv[optind - 1]);
    if (optopt)
        cli_usage_error("unknown option '-%c'", optopt);
    cli_usage_error("unknown option '%s'", argv[optind - 1]);
}

double cli_parse_double(const char *option, const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        cli_usage_error("%s needs a finite number, not '%s'", option, text);
    return v;
}

uint64_t cli_parse_u64(const char *option, const char *text)
{
    char *end;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        cli_usage_error("%s needs a non-negative integer, not '%s'", option, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        cli_usage_error("%s needs a non-negative integer, not '%s'", option, text);
    return (uint64_t)v;
}

size_t cli_parse_size(const char *option, const char *text)
{
    uint64_t v = cli_parse_u64(option, text);
    if (v > SIZE_MAX)
        cli_usage_error("%s is too large: %s", option, text);
    return (size_t)v;
}

size_t cli_parse_choice(const char *option, const char *text, const char *const *names,
                        size_t count)
{
    char list[256] = "";
    for (size_t k = 0; k < count; k++) {
        if (strcmp(text, names[k]) == 0)
            return k;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", k == 0 ? "" : k + 1 < count ? ", " : " or ",
                 names[k]);
    }
    cli_usage_error("%s must be %s, not '%s'", option, list, text);
}

static int round_trips(char *buf, int digits, double v)
{
    snprintf(buf, 32, "%.*g", digits, v);
    return strtod(buf, NULL) == v;
}

const char *cli_format_double(char *buf, double v)
{
    /* Most data needs 15 to 17 digits: try those first, and search below 15 by
     * bisection (a value that round-trips with p digits does with p + 1), so a value
     * costs a few conversions, not up to 17: rmgen writes millions of them. */
    if (!round_trips(buf, 15, v)) {
        if (!round_trips(buf, 16, v))
            round_trips(buf, 17, v);
        return buf;
    }
    int lo = 1, hi = 15;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (round_trips(buf, mid, v))
            hi = mid;
        else
            lo = mid + 1;
    }
    round_trips(buf, lo, v);
    /* %g writes an exponent once it reaches the precision: 50 with one digit is "5e+01".
     * Numbers below 1e17 read better written out, and read back the same. */
    const char *e = strchr(buf, 'e');
    if (e) {
        int x = atoi(e + 1);
        if (x >= 0 && x < 17)
            round_trips(buf, x + 1, v);
    }
    return buf;
}

/* Temporary files being written, removed by a fatal signal (SIGINT, SIGTERM, SIGHUP)
 * before the program dies of it: an interrupted run leaves no partial file. The handler
 * may run on any thread (the library's OpenMP threads too) and reads only this table; a
 * slot's path is complete whenever it is marked active. */
enum { PENDING_SLOTS = 16, PENDING_PATH = 4096 };
static struct {
    atomic_int active;
    char path[PENDING_PATH];
} pending[PENDING_SLOTS];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void remove_pending(int sig)
{
    for (int k = 0; k < PENDING_SLOTS; k++)
        if (atomic_load(&pending[k].active))
            unlink(pending[k].path);
    raise(sig); /* SA_RESETHAND: the default action, once this handler returns */
}

static void install_handlers(void)
{
    static int installed;
    if (installed)
        return;
    installed = 1;
    for (size_t k = 0; k < sizeof fatal_signals / sizeof fatal_signals[0]; k++) {
        struct sigaction old, sa;
        if (sigaction(fatal_signals[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue; /* ignored (nohup): stays ignored */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_pending;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(fatal_signals[k], &sa, NULL);
    }
}

/* The slot now holding path, or -1 (too many at once, or too long: then unguarded). */
static int pending_add(const char *path)
{
    install_handlers();
    size_t len = strlen(path);
    for (int k = 0; k < PENDING_SLOTS && len < PENDING_PATH; k++)
        if (!atomic_load(&pending[k].active)) {
            memcpy(pending[k].path, path, len + 1);
            atomic_store(&pending[k].active, 1);
            return k;
        }
    return -1;
}

static void pending_remove(int slot)
{
    if (slot >= 0)
        atomic_store(&pending[slot].active, 0);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int cli_output_open(cli_output *out, const char *path, const char *protected_path)
{
    memset(out, 0, sizeof *out);
    out->slot = -1;
    if (!path || strcmp(path, "-") == 0) {
        out->file = stdout;
        return 0;
    }
    if (protected_path && strcmp(protected_path, "-") != 0 && same_file(path, protected_path)) {
        cli_error("%s: refusing to overwrite the input file", path);
        return -1;
    }
    size_t len = strlen(path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        out->path = malloc(len + 1);
        out->file = out->path ? fopen(path, "w") : NULL;
        if (!out->file) {
            cli_error("%s: cannot open: %s", path, out->path ? strerror(errno) : "out of memory");
            cli_output_abort(out);
            return -1;
        }
        memcpy(out->path, path, len + 1);
        return 0;
    }
    out->path = malloc(len + 1);
    out->temp_path = malloc(len + 48);
    if (!out->path || !out->temp_path) {
        cli_error("%s: out of memory", path);
        cli_output_abort(out);
        return -1;
    }
    memcpy(out->path, path, len + 1);
    /* The name is registered with the signal handler before the file is created, so that
     * no moment exists where the file is there and a SIGINT would leave it (mkstemp
     * creates before it says the name). A name taken already is passed over; the handler
     * may then unlink that file if a signal falls just there, which can only be a stale
     * temporary of this program under a reused process id. */
    static unsigned serial;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(out->temp_path, len + 48, "%s.tmp.%ld.%u", path, (long)getpid(), serial++);
        out->slot = pending_add(out->temp_path);
        fd = open(out->temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0) {
            pending_remove(out->slot); /* an atomic store: errno stays open()'s */
            out->slot = -1;
            if (errno != EEXIST)
                break;
        }
    }
    if (fd < 0) {
        cli_error("%s: cannot create: %s", path, strerror(errno));
        free(out->temp_path);
        out->temp_path = NULL;
        cli_output_abort(out);
        return -1;
    }
    out->file = fdopen(fd, "w");
    if (!out->file) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        close(fd);
        cli_output_abort(out);
        return -1;
    }
    return 0;
}

int cli_output_commit(cli_output *out)
{
    const char *name = out->path ? out->path : "standard output";
    int failed = ferror(out->file);
    int e = failed ? EIO : 0;
    if (fflush(out->file) != 0) {
        failed = 1;
        e = errno;
    }
    if (out->path) {
        if (out->temp_path && fsync(fileno(out->file)) != 0 && !failed) {
            failed = 1;
            e = errno;
        }
        if (fclose(out->file) != 0 && !failed) {
            failed = 1;
            e = errno;
        }
        out->file = NULL;
        if (!failed && out->temp_path && rename(out->temp_path, out->path) != 0) {
            failed = 1;
            e = errno;
        }
    }
    if (failed) {
        /* A reader that went away (a pipe into `head`) is not an error to report: the
         * status says the output is incomplete. */
        if (!(e == EPIPE && !out->path))
            cli_error("%s: write failed: %s", name, strerror(e ? e : EIO));
        cli_output_abort(out);
        return -1;
    }
    pending_remove(out->slot);
    out->slot = -1;
    free(out->temp_path);
    free(out->path);
    out->temp_path = out->path = NULL;
    return 0;
}

void cli_output_abort(cli_output *out)
{
    if (out->file && out->file != stdout)
        fclose(out->file);
    out->file = NULL;
    if (out->temp_path)
        unlink(out->temp_path);
    pending_remove(out->slot);
    out->slot = -1;
    free(out->temp_path);
    free(out->path);
    out->temp_path = out->path = NULL;
}
