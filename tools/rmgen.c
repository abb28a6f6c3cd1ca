/* rmgen: write a synthetic corrupted dataset (CSV or .npy) and, on request, its truth:
 * the true mean, the inlier mask and every parameter used. A thin program over
 * rm_generate(); the models and their parameters come from the library's tables. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "matrix_write.h"
#include "robustmean.h"
#include "robustmean_generate.h"

typedef struct settings {
    rm_generate_options gen;
    const char *output, *truth;
    int have_model, have_n, have_d, verbose;
} settings;

enum {
    OPT_MODEL = 256, OPT_INLIERS, OPT_SEED, OPT_TRUTH, OPT_LIST, OPT_SCALE, OPT_DECAY, OPT_NU,
    OPT_SEPARATION, OPT_DISTANCE, OPT_ANGLE, OPT_SPLIT, OPT_SHIFT, OPT_SPREAD, OPT_AXES, OPT_DIRECTION,
    OPT_SPIKES, OPT_SPIKE, OPT_COLUMN_SCALES
};

static void print_help(void)
{
    printf("Usage: rmgen --model NAME -n N -d D [OPTIONS]\n"
           "       rmgen --list\n"
           "Write N rows of D columns: inliers from an inlier model with a known mean, a\n"
           "fraction EPS of them replaced as a corruption model says, rows shuffled.\n\n"
           "Options:\n"
           "      --model NAME       corruption model (see --list)\n"
           "      --inliers NAME     inlier model (default gaussian)\n"
           "  -n N                   rows (the subtractive model deletes floor(EPS*N))\n"
           "  -d D                   columns\n"
           "  -e, --eps EPS          corrupted fraction, 0 <= EPS < 1/3 (default 0.1);\n"
           "                         floor(EPS*N) rows are corrupted\n"
           "      --seed S           seed (default 1): the same seed gives the same bytes\n"
           "  -o, --output FILE      the data: .npy by extension, else CSV (default: CSV\n"
           "                         on standard output); written whole or not at all\n"
           "      --truth FILE       write a JSON object with the true mean, the inlier mask\n"
           "                         (1 inlier, 0 outlier, in row order), the outlier count\n"
           "                         and every parameter used\n"
           "  -v, --verbose          say what was written on standard error\n"
           "  -h, --help             show this help and exit\n"
           "  -V, --version          show the version and exit\n\n"
           "Model parameters (0 or absent: the model's default; --list says which model\n"
           "reads which). Distances are in units of sqrt(tr Sigma), sqrt(d)*sigma for\n"
           "spherical inliers:\n"
           "  --scale S  --decay A  --nu NU  --separation S  --spikes K  --spike S\n"
           "                                                       (inlier models)\n"
           "  --distance R  --angle DEG  --split P  --shift S  --spread S  --axes K\n"
           "  --direction random|top|low  where far-cluster and variance-shell aim\n\n"
           "Mixed units:\n"
           "      --column-scales LO:HI  multiply each column of the finished data (and\n"
           "                         the true mean) by its own factor, log-uniform in\n"
           "                         [LO, HI], 0 < LO <= HI; --truth lists the factors\n\n"
           "Exit status: 0 on success, 1 on a runtime failure, 2 on a usage error.\n");
}

/* text, starting at column `col`, wrapped at 79 with continuation lines indented by
 * `indent`. */
static void print_wrapped(const char *text, size_t col, size_t indent)
{
    int first = 1;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (!first && col + 1 + word > 79) {
            printf("\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            putchar(' ');
            col++;
        }
        printf("%.*s", (int)word, text);
        col += word;
        text += word;
        text += strspn(text, " ");
        first = 0;
    }
    putchar('\n');
}

static void print_models(const char *title, size_t count, const rm_model_info *(*at)(size_t))
{
    printf("%s\n", title);
    for (size_t i = 0; i < count; i++) {
        const rm_model_info *m = at(i);
        printf("  %-15s ", m->name);
        print_wrapped(m->summary, 18, 18);
        if (m->parameters[0]) {
            printf("%18sparameters: ", "");
            print_wrapped(m->parameters, 30, 20);
        }
    }
}

static void print_list(void)
{
    print_models("Corruption models (--model):", rm_corruption_count(), rm_corruption_at);
    printf("\n");
    print_models("Inlier models (--inliers):", rm_inlier_model_count(), rm_inlier_model_at);
}

/* A model parameter: finite and >= 0 (0 keeps the default). */
static double parse_parameter(const char *option, const char *text)
{
    double v = cli_parse_double(option, text);
    if (v < 0.0)
        cli_usage_error("%s must not be negative, not %s", option, text);
    return v;
}

/* --column-scales LO:HI, 0 < LO <= HI, both finite. */
static void parse_column_scales(const char *text, rm_generate_options *g)
{
    const char *colon = strchr(text, ':');
    if (!colon || colon == text || !colon[1])
        cli_usage_error("--column-scales takes LO:HI (for example 1e-3:1e6), not '%s'", text);
    char lo[64];
    size_t len = (size_t)(colon - text);
    if (len >= sizeof lo)
        cli_usage_error("--column-scales: '%s' is not a number", text);
    memcpy(lo, text, len);
    lo[len] = 0;
    g->column_lo = cli_parse_double("--column-scales", lo);
    g->column_hi = cli_parse_double("--column-scales", colon + 1);
    if (!(g->column_lo > 0.0 && g->column_lo <= g->column_hi))
        cli_usage_error("--column-scales needs 0 < LO <= HI, not %s", text);
}

static void parse_args(int argc, char **argv, settings *s)
{
    static const struct option longopts[] = {
        {.name = "model", .has_arg = required_argument, .val = OPT_MODEL},
        {.name = "inliers", .has_arg = required_argument, .val = OPT_INLIERS},
        {.name = "eps", .has_arg = required_argument, .val = 'e'},
        {.name = "seed", .has_arg = required_argument, .val = OPT_SEED},
        {.name = "output", .has_arg = required_argument, .val = 'o'},
        {.name = "truth", .has_arg = required_argument, .val = OPT_TRUTH},
        {.name = "list", .has_arg = no_argument, .val = OPT_LIST},
        {.name = "scale", .has_arg = required_argument, .val = OPT_SCALE},
        {.name = "decay", .has_arg = required_argument, .val = OPT_DECAY},
        {.name = "nu", .has_arg = required_argument, .val = OPT_NU},
        {.name = "separation", .has_arg = required_argument, .val = OPT_SEPARATION},
        {.name = "distance", .has_arg = required_argument, .val = OPT_DISTANCE},
        {.name = "angle", .has_arg = required_argument, .val = OPT_ANGLE},
        {.name = "split", .has_arg = required_argument, .val = OPT_SPLIT},
        {.name = "shift", .has_arg = required_argument, .val = OPT_SHIFT},
        {.name = "spread", .has_arg = required_argument, .val = OPT_SPREAD},
        {.name = "axes", .has_arg = required_argument, .val = OPT_AXES},
        {.name = "direction", .has_arg = required_argument, .val = OPT_DIRECTION},
        {.name = "spikes", .has_arg = required_argument, .val = OPT_SPIKES},
        {.name = "spike", .has_arg = required_argument, .val = OPT_SPIKE},
        {.name = "column-scales", .has_arg = required_argument, .val = OPT_COLUMN_SCALES},
        {.name = "verbose", .has_arg = no_argument, .val = 'v'},
        {.name = "help", .has_arg = no_argument, .val = 'h'},
        {.name = "version", .has_arg = no_argument, .val = 'V'},
        {0},
    };
    rm_generate_options *g = &s->gen;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":n:d:e:o:vhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_MODEL:
            if (!rm_corruption_find(optarg))
                cli_usage_error("unknown corruption model '%s' (see --list)", optarg);
            g->corruption = optarg;
            s->have_model = 1;
            break;
        case OPT_INLIERS:
            if (!rm_inlier_model_find(optarg))
                cli_usage_error("unknown inlier model '%s' (see --list)", optarg);
            g->inliers = optarg;
            break;
        case 'n': g->n = cli_parse_size("-n", optarg); s->have_n = 1; break;
        case 'd': g->d = cli_parse_size("-d", optarg); s->have_d = 1; break;
        case 'e':
            g->eps = cli_parse_double("--eps", optarg);
            if (!(g->eps >= 0.0 && g->eps < 1.0 / 3.0))
                cli_usage_error("--eps must be in [0, 1/3), not %s: the models are the "
                                "literature's for the range where every stationary point of "
                                "the SILO problem is a good estimate",
                                optarg);
            break;
        case OPT_SEED: g->seed = cli_parse_u64("--seed", optarg); break;
        case 'o': s->output = optarg; break;
        case OPT_TRUTH: s->truth = optarg; break;
        case OPT_LIST: print_list(); exit(0);
        case OPT_SCALE: g->scale = parse_parameter("--scale", optarg); break;
        case OPT_DECAY: g->decay = parse_parameter("--decay", optarg); break;
        case OPT_NU: g->nu = parse_parameter("--nu", optarg); break;
        case OPT_SEPARATION: g->separation = parse_parameter("--separation", optarg); break;
        case OPT_DISTANCE: g->distance = parse_parameter("--distance", optarg); break;
        case OPT_ANGLE: g->angle = parse_parameter("--angle", optarg); break;
        case OPT_SPLIT: g->split = parse_parameter("--split", optarg); break;
        case OPT_SHIFT: g->shift = parse_parameter("--shift", optarg); break;
        case OPT_SPREAD: g->spread = parse_parameter("--spread", optarg); break;
        case OPT_AXES: g->axes = cli_parse_size("--axes", optarg); break;
        case OPT_DIRECTION: {
            static const char *const where[] = {"random", "top", "low"};
            g->direction = where[cli_parse_choice("--direction", optarg, where, 3)];
            break;
        }
        case OPT_SPIKES: g->spikes = cli_parse_size("--spikes", optarg); break;
        case OPT_SPIKE: g->spike = parse_parameter("--spike", optarg); break;
        case OPT_COLUMN_SCALES: parse_column_scales(optarg, g); break;
        case 'v': s->verbose = 1; break;
        case 'h': print_help(); exit(0);
        case 'V': printf("rmgen %s\n", rm_version()); exit(0);
        default: cli_option_error(c, argv);
        }
    }
    if (optind < argc)
        cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!s->have_model)
        cli_usage_error("--model is required (rmgen --list shows the models)");
    if (!s->have_n || !s->have_d)
        cli_usage_error("-n and -d are required");
    if (g->n == 0)
        cli_usage_error("-n must be at least 1: the sample needs room for an inlier");
    if (g->d == 0)
        cli_usage_error("-d must be at least 1");
    if (s->truth && s->output && strcmp(s->truth, s->output) == 0)
        cli_usage_error("--truth and --output name the same file");
}

static void json_number(FILE *f, double v)
{
    char buf[32];
    fputs(isfinite(v) ? cli_format_double(buf, v) : "null", f);
}

static void write_truth(FILE *f, const rm_sample *s)
{
    const rm_generate_options *u = &s->used;
    fprintf(f, "{\"model\": \"%s\", \"inliers\": \"%s\", \"n\": %zu, \"d\": %zu, \"eps\": ",
            u->corruption, u->inliers, s->n, s->d);
    json_number(f, u->eps);
    fprintf(f, ", \"seed\": %llu, \"n_asked\": %zu, \"outliers\": %zu, \"removed\": %zu,",
            (unsigned long long)u->seed, u->n, s->outliers, s->removed);
    fputs("\n \"sigma\": ", f);
    json_number(f, s->sigma);
    fputs(", \"trace\": ", f);
    json_number(f, s->trace);
    const struct {
        const char *name;
        double value;
    } p[] = {{.name = "scale", .value = u->scale},
             {.name = "decay", .value = u->decay},
             {.name = "nu", .value = u->nu},
             {.name = "separation", .value = u->separation},
             {.name = "distance", .value = u->distance},
             {.name = "angle", .value = u->angle},
             {.name = "split", .value = u->split},
             {.name = "shift", .value = u->shift},
             {.name = "spread", .value = u->spread},
             {.name = "axes", .value = (double)u->axes},
             {.name = "spikes", .value = (double)u->spikes},
             {.name = "spike", .value = u->spike}};
    fputs(",\n \"parameters\": {", f);
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++) {
        fprintf(f, "%s\"%s\": ", k ? ", " : "", p[k].name);
        json_number(f, p[k].value);
    }
    fputs("}", f);
    if (u->direction)
        fprintf(f, ", \"direction\": \"%s\"", u->direction);
    fputs(",\n \"mean\": [", f);
    for (size_t j = 0; j < s->d; j++) {
        if (j)
            fputs(", ", f);
        json_number(f, s->mu[j]);
    }
    if (s->column_scales) {
        fputs("],\n \"column_scales\": [", f);
        for (size_t j = 0; j < s->d; j++) {
            if (j)
                fputs(", ", f);
            json_number(f, s->column_scales[j]);
        }
    }
    fputs("],\n \"inlier\": [", f);
    for (size_t i = 0; i < s->n; i++)
        fputs(i ? (s->inlier[i] ? ",1" : ",0") : (s->inlier[i] ? "1" : "0"), f);
    fprintf(f, "],\n \"version\": \"%s\"}\n", rm_version());
}

/* Usage errors the options could not catch alone (a parameter out of its model's range,
 * n*d too large) come back from the library: they exit with 2. */
static int generate(const settings *s, rm_sample *sample)
{
    int status = rm_generate(&s->gen, sample);
    if (status == RM_EINVAL || status == RM_EEPS || status == RM_ETOOFEW ||
        status == RM_EOVERFLOW)
        cli_usage_error("model %s with inliers %s: %s (see --list for each parameter's range)",
                        s->gen.corruption, s->gen.inliers, rm_strerror(status));
    if (status != RM_OK)
        cli_error("generating failed: %s", rm_strerror(status));
    return status;
}

int main(int argc, char **argv)
{
    cli_start("rmgen");
    settings s;
    memset(&s, 0, sizeof s);
    rm_generate_options_init(&s.gen);
    s.gen.eps = 0.1;
    parse_args(argc, argv, &s);

    rm_sample sample;
    if (generate(&s, &sample) != RM_OK)
        return EXIT_DATA;
    if (s.gen.eps > 0.0 && (size_t)(s.gen.eps * (double)s.gen.n) == 0 &&
        strcmp(sample.used.corruption, "none") != 0)
        cli_error("warning: floor(eps * n) = floor(%g * %zu) = 0: no row is corrupted", s.gen.eps,
                  s.gen.n);
    int code = 0;
    cli_output out, truth;
    /* The truth first: if it cannot be written, no data appears either. */
    if (s.truth) {
        if (cli_output_open(&truth, s.truth, NULL) != 0)
            code = EXIT_DATA;
        else {
            write_truth(truth.file, &sample);
            if (cli_output_commit(&truth) != 0)
                code = EXIT_DATA;
        }
    }
    if (code == 0 && cli_output_open(&out, s.output, NULL) != 0)
        code = EXIT_DATA;
    else if (code == 0) {
        matrix_write(out.file, matrix_format_of(s.output), sample.X, sample.n, sample.d);
        if (cli_output_commit(&out) != 0)
            code = EXIT_DATA;
    }
    if (code == 0 && s.verbose)
        cli_error("%zu rows x %zu columns, %zu outliers (%s, inliers %s, eps %g, seed %llu)%s%s",
                  sample.n, sample.d, sample.outliers, sample.used.corruption,
                  sample.used.inliers, sample.used.eps, (unsigned long long)sample.used.seed,
                  s.output ? " to " : "", s.output ? s.output : "");
    rm_sample_free(&sample);
    return code;
}
