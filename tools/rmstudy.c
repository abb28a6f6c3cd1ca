/* rmstudy: sweep estimators over generated corruptions and report how far each lands
 * from the true mean, beyond what the oracle (the mean of the remaining inliers) misses.
 * Methods and models come from the library's tables, so new ones appear here unchanged. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "robustmean.h"
#include "robustmean_generate.h"
#include "study.h"

typedef struct settings {
    study_grid grid;
    const char *csv, *plot_dir;
    int quiet;
} settings;

enum { OPT_METHODS = 256, OPT_MODELS, OPT_INLIERS, OPT_SEEDS, OPT_SEED, OPT_N_PER_D, OPT_PLOT };

static void print_help(void)
{
    printf("Usage: rmstudy [OPTIONS]\n"
           "Run estimators on generated corrupted data over a grid of methods x models x\n"
           "(n, d, eps) x seeds. Each grid point's data is generated once and given to every\n"
           "method. Prints the median excess error per method and model on standard output.\n\n"
           "Options (LIST: comma-separated; sizes also as FIRST:LAST:STEP):\n"
           "  -m, --methods LIST     estimators (default all); 'all' adds every method of\n"
           "                         the library, '-NAME' removes one: all,-trimmed\n"
           "      --models LIST      corruption models (default all; see rmgen --list)\n"
           "      --inliers LIST     inlier models (default gaussian)\n"
           "  -n LIST                rows (default 2000)\n"
           "      --n-per-d C        rows = ceil(C * d) instead of -n\n"
           "  -d LIST                columns (default 20)\n"
           "  -e, --eps LIST         corrupted fractions, each in [0, 1/3) (default 0.1);\n"
           "                         each method is also told eps\n"
           "      --seeds K          seeds per grid point (default 3)\n"
           "      --seed S           the first seed (default 1): seeds S .. S+K-1\n"
           "  -o, --output FILE      the tidy CSV, one row per run ('-': standard output,\n"
           "                         and the summary goes to standard error)\n"
           "      --plot DIR         draw PNG figures with gnuplot into DIR: excess error\n"
           "                         against d, eps and n (each that has two values or\n"
           "                         more), one line per method\n"
           "  -q, --quiet            no progress line\n"
           "  -h, --help             show this help and exit\n"
           "  -V, --version          show the version and exit\n\n"
           "CSV columns: method, model, inliers, n, d, eps, seed, error (||estimate - mu||),\n"
           "oracle_error (||mean of the remaining inliers - mu||), excess_error (their\n"
           "difference), seconds, iterations, status (ok, not_converged, skipped: eps\n"
           "outside the method's range, failed).\n\n"
           "Exit status: 0 on success, 1 when a run or a figure failed, 2 on a usage error.\n");
}

/* ---- option values ---------------------------------------------------------------- */

/* Split text at commas into a malloc'd array of malloc'd strings. */
static char **split(const char *text, size_t *count)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    char **items = malloc(cap * sizeof *items);
    if (!items)
        cli_usage_error("out of memory");
    *count = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            cli_usage_error("empty item in the list '%s'", text);
        items[*count] = strndup(p, len);
        if (!items[(*count)++])
            cli_usage_error("out of memory");
        if (!p[len])
            break;
        p += len + 1;
    }
    return items;
}

static void free_items(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

typedef const char *(*name_at_fn)(size_t i);

static const char *method_name_at(size_t i) { return i < rm_method_count() ? rm_method_at(i)->name : NULL; }
static const char *corruption_name_at(size_t i)
{
    return i < rm_corruption_count() ? rm_corruption_at(i)->name : NULL;
}
static const char *inlier_name_at(size_t i)
{
    return i < rm_inlier_model_count() ? rm_inlier_model_at(i)->name : NULL;
}

/* The names of text ('all', NAME, -NAME), in the tables' order for 'all' and in the
 * given order otherwise; every name must be in the table (names point into it). */
static name_list parse_names(const char *option, const char *text, name_at_fn at, size_t total,
                             const char *listed_by)
{
    size_t count;
    char **items = split(text, &count);
    unsigned char *chosen = calloc(total + 1, 1);
    size_t *order = malloc((total + 1) * sizeof *order), used = 0;
    if (!chosen || !order)
        cli_usage_error("out of memory");
    for (size_t k = 0; k < count; k++) {
        const char *name = items[k];
        int remove = name[0] == '-';
        name += remove;
        if (strcmp(name, "all") == 0 && !remove) {
            for (size_t i = 0; i < total; i++)
                if (!chosen[i]) {
                    chosen[i] = 1;
                    order[used++] = i;
                }
            continue;
        }
        size_t i = 0;
        while (i < total && strcmp(at(i), name) != 0)
            i++;
        if (i == total)
            cli_usage_error("%s: unknown name '%s' (known: 'all' and those %s)", option, name,
                            listed_by);
        if (remove)
            chosen[i] = 0;
        else if (!chosen[i]) {
            chosen[i] = 1;
            order[used++] = i;
        }
    }
    name_list list = {.names = malloc((used + 1) * sizeof(const char *)), .count = 0};
    if (!list.names)
        cli_usage_error("out of memory");
    for (size_t k = 0; k < used; k++)
        if (chosen[order[k]])
            list.names[list.count++] = at(order[k]);
    if (list.count == 0)
        cli_usage_error("%s: the list '%s' leaves nothing to run", option, text);
    free(chosen);
    free(order);
    free_items(items, count);
    return list;
}

/* Sizes: N or FIRST:LAST:STEP, each at least 1. */
static size_t *parse_sizes(const char *option, const char *text, size_t *out_count)
{
    size_t count, cap = 16, used = 0;
    char **items = split(text, &count);
    size_t *v = malloc(cap * sizeof *v);
    for (size_t k = 0; k < count && v; k++) {
        size_t first, last, step = 1;
        char *colon = strchr(items[k], ':');
        if (colon) {
            char *second = strchr(colon + 1, ':');
            if (!second)
                cli_usage_error("%s: a range is FIRST:LAST:STEP, not '%s'", option, items[k]);
            *colon = *second = '\0';
            first = cli_parse_size(option, items[k]);
            last = cli_parse_size(option, colon + 1);
            step = cli_parse_size(option, second + 1);
            if (step == 0 || last < first)
                cli_usage_error("%s: the range needs FIRST <= LAST and STEP >= 1", option);
        } else {
            first = last = cli_parse_size(option, items[k]);
        }
        if (first == 0)
            cli_usage_error("%s must be at least 1", option);
        for (size_t x = first; x <= last && v; x += step) {
            if (used == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            if (v)
                v[used++] = x;
            if (last - x < step)
                break;
        }
    }
    if (!v)
        cli_usage_error("out of memory");
    free_items(items, count);
    *out_count = used;
    return v;
}

static double *parse_eps(const char *text, size_t *out_count)
{
    char **items = split(text, out_count);
    double *v = malloc(*out_count * sizeof *v);
    if (!v)
        cli_usage_error("out of memory");
    for (size_t k = 0; k < *out_count; k++) {
        v[k] = cli_parse_double("--eps", items[k]);
        if (!(v[k] >= 0.0 && v[k] < 1.0 / 3.0))
            cli_usage_error("--eps values must be in [0, 1/3), not %s", items[k]);
    }
    free_items(items, *out_count);
    return v;
}

static void parse_args(int argc, char **argv, settings *s)
{
    static const struct option longopts[] = {
        {.name = "methods", .has_arg = required_argument, .val = 'm'},
        {.name = "models", .has_arg = required_argument, .val = OPT_MODELS},
        {.name = "inliers", .has_arg = required_argument, .val = OPT_INLIERS},
        {.name = "n-per-d", .has_arg = required_argument, .val = OPT_N_PER_D},
        {.name = "eps", .has_arg = required_argument, .val = 'e'},
        {.name = "seeds", .has_arg = required_argument, .val = OPT_SEEDS},
        {.name = "seed", .has_arg = required_argument, .val = OPT_SEED},
        {.name = "output", .has_arg = required_argument, .val = 'o'},
        {.name = "plot", .has_arg = required_argument, .val = OPT_PLOT},
        {.name = "quiet", .has_arg = no_argument, .val = 'q'},
        {.name = "help", .has_arg = no_argument, .val = 'h'},
        {.name = "version", .has_arg = no_argument, .val = 'V'},
        {0},
    };
    const char *methods = "all", *models = "all", *inliers = "gaussian", *ns = "2000",
               *ds = "20", *eps = "0.1";
    int n_given = 0;
    study_grid *g = &s->grid;
    g->seeds = 3;
    g->first_seed = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":m:n:d:e:o:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': methods = optarg; break;
        case OPT_MODELS: models = optarg; break;
        case OPT_INLIERS: inliers = optarg; break;
        case 'n': ns = optarg; n_given = 1; break;
        case OPT_N_PER_D:
            g->n_per_d = cli_parse_double("--n-per-d", optarg);
            if (!(g->n_per_d > 0.0 && g->n_per_d < 1e12))
                cli_usage_error("--n-per-d must be positive, not %s", optarg);
            break;
        case 'd': ds = optarg; break;
        case 'e': eps = optarg; break;
        case OPT_SEEDS:
            g->seeds = cli_parse_size("--seeds", optarg);
            if (g->seeds == 0)
                cli_usage_error("--seeds must be at least 1");
            break;
        case OPT_SEED: g->first_seed = cli_parse_u64("--seed", optarg); break;
        case 'o': s->csv = optarg; break;
        case OPT_PLOT: s->plot_dir = optarg; break;
        case 'q': s->quiet = 1; break;
        case 'h': print_help(); exit(0);
        case 'V': printf("rmstudy %s\n", rm_version()); exit(0);
        default: cli_option_error(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (n_given && g->n_per_d > 0)
        cli_usage_error("-n and --n-per-d exclude each other");
    g->methods = parse_names("--methods", methods, method_name_at, rm_method_count(),
                             "that 'robustmean --help' lists under Methods");
    g->models = parse_names("--models", models, corruption_name_at, rm_corruption_count(),
                            "that 'rmgen --list' lists under Corruption models");
    g->inliers = parse_names("--inliers", inliers, inlier_name_at, rm_inlier_model_count(),
                             "that 'rmgen --list' lists under Inlier models");
    if (g->n_per_d > 0) {
        g->ns = NULL;
        g->n_count = 1;
    } else {
        g->ns = parse_sizes("-n", ns, &g->n_count);
    }
    g->ds = parse_sizes("-d", ds, &g->d_count);
    g->epss = parse_eps(eps, &g->eps_count);
    /* a figure draws the excess against an axis of two values or more */
    if (s->plot_dir && g->d_count < 2 && g->eps_count < 2 && g->n_count < 2)
        cli_usage_error("--plot: nothing to draw: give -d, -e or -n two values or more "
                        "(e.g. -d 20,50,100)");
}

static void free_grid(study_grid *g)
{
    free(g->methods.names);
    free(g->models.names);
    free(g->inliers.names);
    free(g->ns);
    free(g->ds);
    free(g->epss);
}

int main(int argc, char **argv)
{
    cli_start("rmstudy");
    settings set;
    memset(&set, 0, sizeof set);
    parse_args(argc, argv, &set);

    /* gnuplot is checked before the study, not after minutes of work. */
    const char *terminal = NULL;
    if (set.plot_dir && study_plot_prepare(set.plot_dir, &terminal) != 0) {
        free_grid(&set.grid);
        return EXIT_DATA;
    }
    cli_output csv;
    int have_csv = set.csv != NULL;
    if (have_csv && cli_output_open(&csv, set.csv, NULL) != 0) {
        free_grid(&set.grid);
        return EXIT_DATA;
    }
    if (have_csv)
        study_csv_header(csv.file);
    study s = {.grid = set.grid};
    int result = study_execute(&s, have_csv ? csv.file : NULL, !set.quiet);
    int code = result == 0 ? 0 : EXIT_DATA;
    if (result >= 0) {
        int to_stdout = have_csv && csv.file == stdout;
        study_print_summary(&s, to_stdout ? stderr : stdout);
    }
    if (have_csv) {
        if (result < 0)
            cli_output_abort(&csv);
        else if (cli_output_commit(&csv) != 0)
            code = EXIT_DATA;
    }
    if (result >= 0 && set.plot_dir) {
        int drawn = study_plot_draw(&s, set.plot_dir, terminal);
        if (drawn < 0)
            code = EXIT_DATA;
        else if (drawn > 0 && !set.quiet)
            cli_error("drew %d figure%s in %s/", drawn, drawn == 1 ? "" : "s", set.plot_dir);
    }
    if (result > 0)
        cli_error("some runs failed: see the messages above and the status column");
    free(s.runs);
    free_grid(&set.grid);
    return code;
}
