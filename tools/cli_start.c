/* What every program of the toolkit does at start: before the libraries load, and first
 * thing in main(). See cli.h. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "robustmean.h"

/* OpenBLAS (linked into librobustmean) reserves a work buffer of 128 MiB of address space
 * per thread while it loads, for as many threads as OMP_NUM_THREADS says (or one per
 * CPU), and when the address space cannot hold them it retries for ever: under a low
 * `ulimit -v` a program would hang before main(). So it checks first and refuses to
 * start, saying what to change. The buffers the library needs later are checked when
 * they are (src/common/reserve.c). */
#define BLAS_BUFFER_MIB 129 /* 128 MiB and a page, rounded up */
#define LIBRARIES_MIB 64    /* the libraries' mapped code and data, with room (bench/TUNING.md) */

/* The threads OpenBLAS reserves for at load: OMP_NUM_THREADS read as atoi() does (the
 * first number of a list), at most one per CPU; one per CPU without it. Counted high
 * (CPUs configured, not only those this process may use): too high only refuses a limit
 * that was a little short anyway. */
static long blas_load_threads(char **envp)
{
    long cpus = sysconf(_SC_NPROCESSORS_CONF), wanted = 0;
    if (cpus < 1)
        cpus = 1;
    static const char key[] = "OMP_NUM_THREADS=";
    for (char **e = envp; e && *e; e++)
        if (strncmp(*e, key, sizeof key - 1) == 0)
            wanted = atol(*e + sizeof key - 1);
    return wanted > 0 && wanted < cpus ? wanted : cpus;
}

/* Decimal text of v into buf (at least 21 bytes), without stdio. */
static const char *decimal(char *buf, unsigned long v)
{
    char *p = buf + 20;
    *p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

/* Threads that wait for work sleep rather than spin, unless the user chose otherwise:
 * spinning threads take the CPU from the one a busy process on the same core leaves
 * running, and the estimate on two threads took several times as long as on one
 * (bench/TUNING.md, OMP_WAIT_POLICY). libgomp reads its settings as it loads, so they are
 * set here, before it. */
static void prefer_passive_wait(void)
{
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT"))
        setenv("OMP_WAIT_POLICY", "passive", 0);
}

/* Runs from .preinit_array: before any shared library's constructor, so before
 * OpenBLAS's and libgomp's. No stdio: the C library itself is initialised after this. */
static void before_libraries(int argc, char **argv, char **envp)
{
    (void)argc;
    prefer_passive_wait();
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
        return;
    long threads = blas_load_threads(envp);
    unsigned long need_mib = (unsigned long)threads * BLAS_BUFFER_MIB + LIBRARIES_MIB;
    unsigned long have_mib = (unsigned long)(r.rlim_cur >> 20);
    if (have_mib >= need_mib)
        return;
    const char *program = argv && argv[0] ? argv[0] : "robustmean";
    const char *slash = strrchr(program, '/');
    char num[3][21];
    const char *parts[] = {slash ? slash + 1 : program,
                           ": the address-space limit (ulimit -v) of ",
                           decimal(num[0], have_mib),
                           " MiB is below the ",
                           decimal(num[1], need_mib),
                           " MiB that OpenBLAS reserves at start for ",
                           decimal(num[2], (unsigned long)threads),
                           threads == 1 ? " thread" : " threads",
                           threads == 1 ? "; raise it\n"
                                        : "; raise it, or set OMP_NUM_THREADS to fewer "
                                          "threads (--threads still chooses the threads "
                                          "that estimate)\n"};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++)
        if (write(2, parts[k], strlen(parts[k])) < 0)
            break;
    _exit(EXIT_DATA);
}

__attribute__((section(".preinit_array"), used)) static void (*const run_before_libraries)(
    int, char **, char **) = before_libraries;

static void guard_std_fds(void)
{
    /* A closed descriptor 0, 1 or 2 would be taken by the next file opened: the data
     * file, or a temporary output, would then receive what is printed. /dev/null takes
     * the place instead, opened read-only on 1 so that printing the estimate fails (and
     * says so) rather than vanishing. */
    static const int modes[3] = {O_RDONLY, O_RDONLY, O_WRONLY};
    for (int fd = 0; fd < 3; fd++) /* in order: open() takes the lowest free number */
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", modes[fd]) != fd)
            _exit(EXIT_DATA);
}

static void check_library_version(void)
{
    if (strcmp(rm_version(), RM_VERSION_STRING) != 0) {
        cli_error("this program was built with librobustmean %s but loaded version %s; "
                  "reinstall them together",
                  RM_VERSION_STRING, rm_version());
        exit(EXIT_DATA);
    }
}

void cli_start(const char *program)
{
    cli_program = program;
    guard_std_fds();
    check_library_version();
}
