/* rmstudy's figures: excess error against d, against eps and against n, one line per
 * method, drawn as PNG by gnuplot from a script and data files left beside the images
 * (so a figure can be restyled and redrawn with `gnuplot figures.gp` in its folder). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "robustmean.h"
#include "study.h"

extern char **environ;

enum { AXIS_D, AXIS_EPS, AXIS_N, AXIS_COUNT };
static const char *const axis_name[AXIS_COUNT] = {"d", "eps", "n"};

static int on_path(const char *program)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    while (*path) {
        size_t len = strcspn(path, ":");
        char full[4096];
        if (len > 0 && len + strlen(program) + 2 < sizeof full) {
            snprintf(full, sizeof full, "%.*s/%s", (int)len, path, program);
            if (access(full, X_OK) == 0)
                return 1;
        }
        path += len + (path[len] == ':');
    }
    return 0;
}

/* exec's argv type predates const: the strings are only read. */
static char *argument(const char *s)
{
    char *p;
    memcpy(&p, &s, sizeof p);
    return p;
}

/* Run gnuplot with args; its output is discarded when quiet. The exit status, or -1. */
static int run_gnuplot(const char *const args[], int quiet)
{
    char *argv[8] = {argument("gnuplot")};
    size_t k = 1;
    for (; args[k - 1] && k < 7; k++)
        argv[k] = argument(args[k - 1]);
    argv[k] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (quiet) {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    } else {
        /* gnuplot's messages belong on our standard error, never in our output. */
        posix_spawn_file_actions_adddup2(&fa, 2, 1);
    }
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int study_plot_prepare(const char *dir, const char **terminal)
{
    if (!on_path("gnuplot")) {
        cli_error("--plot needs gnuplot, which is not on PATH: install it (on Debian, the "
                  "package gnuplot-nox) or leave out --plot");
        return -1;
    }
    static const char *const terminals[] = {"pngcairo", "png"};
    *terminal = NULL;
    for (size_t i = 0; i < 2 && !*terminal; i++) {
        char cmd[64];
        snprintf(cmd, sizeof cmd, "set terminal %s", terminals[i]);
        const char *args[] = {"-e", cmd, NULL};
        if (run_gnuplot(args, 1) == 0)
            *terminal = terminals[i];
    }
    if (!*terminal) {
        cli_error("--plot: this gnuplot has neither the pngcairo nor the png terminal");
        return -1;
    }
    if (strchr(dir, '\'') || strchr(dir, '\n')) {
        cli_error("--plot: %s: a folder name with a quote or a newline is not supported", dir);
        return -1;
    }
    struct stat st;
    if (mkdir(dir, 0777) != 0 && !(errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))) {
        cli_error("--plot: %s: cannot create the folder: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* A figure: the axis it sweeps and the fixed indices of the other axes. */
typedef struct figure {
    int axis;
    size_t inliers, model, fixed[AXIS_COUNT];
} figure;

static size_t axis_count(const study_grid *g, int axis)
{
    return axis == AXIS_D ? g->d_count : axis == AXIS_EPS ? g->eps_count : g->n_count;
}

static double axis_value(const study_grid *g, int axis, size_t k)
{
    return axis == AXIS_D ? (double)g->ds[k] : axis == AXIS_EPS ? g->epss[k] : (double)g->ns[k];
}

/* "n = 1000", or "n = 100 d" under --n-per-d. */
static void describe_n(const study_grid *g, size_t k, char *buf, size_t size)
{
    if (g->n_per_d > 0)
        snprintf(buf, size, "n = %g d", g->n_per_d);
    else
        snprintf(buf, size, "n = %zu", g->ns[k]);
}

static void figure_name(const study *s, const figure *f, char *buf, size_t size)
{
    const study_grid *g = &s->grid;
    int len = snprintf(buf, size, "%s", g->models.names[f->model]);
    if (g->inliers.count > 1)
        len += snprintf(buf + len, size - (size_t)len, "_%s", g->inliers.names[f->inliers]);
    len += snprintf(buf + len, size - (size_t)len, "_vs_%s", axis_name[f->axis]);
    for (int a = 0; a < AXIS_COUNT; a++)
        if (a != f->axis && axis_count(g, a) > 1)
            len += snprintf(buf + len, size - (size_t)len, "_%s%g", axis_name[a],
                            axis_value(g, a, f->fixed[a]));
}

static void figure_title(const study *s, const figure *f, char *buf, size_t size)
{
    const study_grid *g = &s->grid;
    char n_text[64] = "";
    if (f->axis != AXIS_N)
        describe_n(g, f->fixed[AXIS_N], n_text, sizeof n_text);
    int len = snprintf(buf, size, "%s corruption, %s inliers: ", g->models.names[f->model],
                       g->inliers.names[f->inliers]);
    if (f->axis != AXIS_N)
        len += snprintf(buf + len, size - (size_t)len, "%s, ", n_text);
    if (f->axis != AXIS_D)
        len += snprintf(buf + len, size - (size_t)len, "d = %zu, ", g->ds[f->fixed[AXIS_D]]);
    if (f->axis != AXIS_EPS)
        len += snprintf(buf + len, size - (size_t)len, "eps = %g, ", g->epss[f->fixed[AXIS_EPS]]);
    snprintf(buf + len, size - (size_t)len, "median of %zu seed%s", g->seeds,
             g->seeds == 1 ? "" : "s");
}

/* Median excess per (x, method) into y (count x methods); 0 or -1 after a message. */
static int write_data(const study *s, const figure *f, const char *dir, const char *name,
                      double *y, double *scratch)
{
    const study_grid *g = &s->grid;
    size_t count = axis_count(g, f->axis), m = g->methods.count;
    for (size_t k = 0; k < count; k++) {
        size_t idx[AXIS_COUNT] = {f->fixed[0], f->fixed[1], f->fixed[2]};
        idx[f->axis] = k;
        for (size_t j = 0; j < m; j++)
            y[k * m + j] = study_median_excess(s, scratch, j, f->inliers, f->model,
                                               idx[AXIS_N], idx[AXIS_D], idx[AXIS_EPS]);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    cli_output out;
    if (cli_output_open(&out, path, NULL) != 0)
        return -1;
    char buf[32];
    fprintf(out.file, "# %s", axis_name[f->axis]);
    for (size_t j = 0; j < m; j++)
        fprintf(out.file, " %s", g->methods.names[j]);
    fputc('\n', out.file);
    for (size_t k = 0; k < count; k++) {
        fputs(cli_format_double(buf, axis_value(g, f->axis, k)), out.file);
        for (size_t j = 0; j < m; j++)
            fprintf(out.file, " %s", isnan(y[k * m + j]) ? "NaN" : cli_format_double(buf, y[k * m + j]));
        fputc('\n', out.file);
    }
    return cli_output_commit(&out);
}

/* Log scale where values span a decade or more (and, for y, all are positive). */
static int wants_log(const double *v, size_t count)
{
    double lo = INFINITY, hi = 0;
    for (size_t k = 0; k < count; k++) {
        double x = v[k];
        if (isnan(x))
            continue;
        if (!(x > 0))
            return 0;
        lo = fmin(lo, x);
        hi = fmax(hi, x);
    }
    return hi > 0 && hi >= 10 * lo;
}

static void write_plot(FILE *gp, const study *s, const figure *f, const char *name,
                       const double *y)
{
    const study_grid *g = &s->grid;
    size_t count = axis_count(g, f->axis), m = g->methods.count;
    double xlo = INFINITY, xhi = 0;
    for (size_t k = 0; k < count; k++) {
        xlo = fmin(xlo, axis_value(g, f->axis, k));
        xhi = fmax(xhi, axis_value(g, f->axis, k));
    }
    char title[512];
    figure_title(s, f, title, sizeof title);
    fprintf(gp, "\nset output '%s.png'\nset title \"%s\"\nset xlabel '%s'\n", name, title,
            axis_name[f->axis]);
    fprintf(gp, "%s logscale x\n", xlo > 0 && xhi >= 10 * xlo ? "set" : "unset");
    /* One y scale for every line: log only if every value of every method allows it. */
    int logy = wants_log(y, count * m);
    fprintf(gp, "%s logscale y\n", logy ? "set" : "unset");
    /* On a linear scale from 0, growth reads as it is; negative excess (an estimator
     * beating the oracle) needs the axis to go below. */
    double lo = INFINITY;
    for (size_t k = 0; k < count * m; k++)
        lo = isnan(y[k]) ? lo : fmin(lo, y[k]);
    fprintf(gp, "set yrange [%s:*]\n", !logy && lo >= 0 ? "0" : "*");
    fputs("plot ", gp);
    for (size_t j = 0; j < m; j++)
        fprintf(gp, "%s'%s.dat' using 1:%zu with linespoints lw 2 title '%s'", j ? ", \\\n     " : "",
                name, j + 2, g->methods.names[j]);
    fputc('\n', gp);
}

int study_plot_draw(const study *s, const char *dir, const char *terminal)
{
    const study_grid *g = &s->grid;
    size_t m = g->methods.count, most = g->d_count;
    most = g->eps_count > most ? g->eps_count : most;
    most = g->n_count > most ? g->n_count : most;
    double *y = malloc(most * m * sizeof *y);
    double *scratch = malloc((s->run_count + 1) * sizeof *scratch);
    char gp_path[4096];
    snprintf(gp_path, sizeof gp_path, "%s/figures.gp", dir);
    cli_output gp;
    if (!y || !scratch) {
        cli_error("out of memory");
        free(y);
        free(scratch);
        return -1;
    }
    if (cli_output_open(&gp, gp_path, NULL) != 0) {
        free(y);
        free(scratch);
        return -1;
    }
    fprintf(gp.file,
            "# Drawn by rmstudy %s: run `gnuplot figures.gp` in this folder to redraw.\n"
            "set terminal %s size 900,600 noenhanced\nset datafile missing 'NaN'\n"
            "set key outside right top\nset grid\nset ylabel 'excess error  "
            "||estimate - mu|| - ||oracle - mu||'\n",
            rm_version(), terminal);
    int drawn = 0, failed = 0;
    for (int axis = 0; axis < AXIS_COUNT && !failed; axis++) {
        if (axis_count(g, axis) < 2)
            continue;
        int o1 = (axis + 1) % AXIS_COUNT, o2 = (axis + 2) % AXIS_COUNT;
        for (size_t i = 0; i < g->inliers.count && !failed; i++)
            for (size_t mo = 0; mo < g->models.count && !failed; mo++)
                for (size_t a = 0; a < axis_count(g, o1) && !failed; a++)
                    for (size_t b = 0; b < axis_count(g, o2) && !failed; b++) {
                        figure f = {.axis = axis, .inliers = i, .model = mo, .fixed = {0, 0, 0}};
                        f.fixed[o1] = a;
                        f.fixed[o2] = b;
                        char name[512];
                        figure_name(s, &f, name, sizeof name);
                        if (write_data(s, &f, dir, name, y, scratch) != 0) {
                            failed = 1;
                            break;
                        }
                        write_plot(gp.file, s, &f, name, y);
                        drawn++;
                    }
    }
    free(y);
    free(scratch);
    if (failed) {
        cli_output_abort(&gp);
        return -1;
    }
    if (cli_output_commit(&gp) != 0)
        return -1;
    if (drawn == 0) {
        cli_error("--plot: nothing to draw: give d, eps or n two values or more");
        return 0;
    }
    char cd[4200];
    snprintf(cd, sizeof cd, "cd '%s'", dir);
    const char *args[] = {"-e", cd, "figures.gp", NULL};
    int rc = run_gnuplot(args, 0);
    if (rc != 0) {
        cli_error("gnuplot failed (%s %d) on %s", rc < 0 ? "could not run," : "exit status",
                  rc, gp_path);
        return -1;
    }
    return drawn;
}
