/* See estimate_cli.h. */
#include "estimate_cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "estimate_output.h"

enum {
    OPT_FORMAT = 256, OPT_WEIGHTS, OPT_DELIMITER, OPT_HEADER, OPT_NO_HEADER, OPT_SEED,
    OPT_DROP_NONFINITE, OPT_MAX_ITER, OPT_TOL, OPT_BLOCKS, OPT_OUTLIERS, OPT_SIGMA, OPT_DELTA,
    OPT_MAX_SECONDS, OPT_DIRECTIONS, OPT_ORACLE, OPT_FLOAT32, OPT_THREADS,
    OPT_COLUMN_SCALING, OPT_SHAPE, OPT_COLUMNS, OPT_SKIP_COLUMNS, OPT_DECIMAL
};

void estimate_settings_init(estimate_settings *s)
{
    memset(s, 0, sizeof *s);
    rm_options_init(&s->opt);
    rm_read_options_init(&s->read);
    s->read.storage = RM_STORAGE_AS_FILE;
    s->format = FORMAT_CSV;
}

static void print_help(const estimate_program *prog)
{
    fputs(prog->usage, stdout);
    printf("  -e, --eps EPS          fraction of corrupted rows, 0 <= EPS < 0.5; auto:\n"
           "                         lowregret and pgd choose it (say it when you know it)\n"
           "                         (required by methods that use it)\n"
           "  -m, --method NAME      estimator (default: %s); see below\n"
           "      --format csv|json  output: the estimate alone (csv, default) or a JSON\n"
           "                         object with the estimate and the method's report\n"
           "  -o, --output FILE      write the output to FILE (written whole or not at all)\n"
           "      --weights FILE     write each data row's weight, one per line, in the\n"
           "                         file's order (methods that weight rows; a dropped row: 0)\n"
           "      --outliers FILE    write the file's data-row numbers (1-based) of the rows\n"
           "                         the SILO methods flag: weight below half the cap\n"
           "                         1/((1-eps)n)\n"
           "      --delimiter D      CSV delimiter: ',' ';' tab or space (runs of white\n"
           "                         space); default: detected from the first line\n"
           "      --decimal C        CSV decimal mark: '.' (default) or ',' (1,5 is 1.5; the\n"
           "                         delimiter is then ';', tab or space)\n"
           "      --header           the first CSV line is a header\n"
           "      --no-header        the first CSV line is data (default: detected)\n"
           "      --drop-nonfinite   drop rows holding NaN, Inf or empty fields instead of\n"
           "                         failing\n"
           "      --columns LIST     read only these columns, in this order: numbers (from 1),\n"
           "                         ranges and header names, e.g. 2-5,8 or price,age\n"
           "      --skip-columns LIST\n"
           "                         leave these columns out (an id, a label), as --columns\n"
           "                         names them\n"
           "      --float32          hold the data as float32 (each number rounded to the\n"
           "                         nearest float): half the memory and faster passes,\n"
           "                         arithmetic still in double. A float32 .npy is held so\n"
           "                         without this option\n"
           "      --threads N        threads to read and estimate with (default: one per\n"
           "                         core); the result is the same on any number\n"
           "      --seed N           seed for methods that draw random numbers (default 1)\n"
           "      --max-iter N       iteration cap of iterative methods\n"
           "      --tol T            convergence tolerance of iterative methods\n"
           "      --blocks K         mom: number of blocks (default 2*floor(eps*n)+1)\n",
           rm_method_default());
    printf("SILO methods (lowregret, pgd, filter):\n"
           "      --sigma S          the inliers' scale, if known (S^2 = largest eigenvalue of\n"
           "                         their covariance): adds a certified error radius and\n"
           "                         stops once the objective is below S^2\n"
           "      --delta D          eigenvalues within (1-D) of the top count as top\n"
           "                         (default 0.05)\n"
           "      --directions K     top eigenvectors used, 1 to 16 (default 16; 1 is the\n"
           "                         classical single direction)\n"
           "      --oracle auto|lanczos|dense\n"
           "                         how to find the top eigenvectors (default auto: by cost)\n"
           "      --column-scaling auto|none|robust\n"
           "                         measure each column in its own robust unit (its\n"
           "                         median absolute deviation), so the estimate does not\n"
           "                         depend on the columns' units; auto (default): robust\n"
           "                         for lowregret and pgd unless --sigma is given\n"
           "      --shape auto|none|always\n"
           "                         adapt to the inliers' shape: solve again in a metric\n"
           "                         where the kept rows are round, and move towards that\n"
           "                         estimate within the certified radius when it gains;\n"
           "                         auto (default): lowregret and pgd, when the kept rows\n"
           "                         are far from round\n"
           "      --max-seconds T    time budget: return the best iterate after T seconds\n"
           "                         (also geomedian and mom: the last iterate)\n");
    fputs(prog->own_help, stdout);
    printf("  -v, --verbose          report on standard error what was read and done\n"
           "  -q, --quiet            no warnings\n"
           "  -h, --help             show this help and exit\n"
           "  -V, --version          show the version and the inputs this build reads, and\n"
           "                         exit\n\n"
           "Methods:\n");
    for (size_t i = 0; i < rm_method_count(); i++) {
        const rm_method_info *m = rm_method_at(i);
        printf("  %-10s %s\n", m->name, m->summary);
    }
    fputs(prog->closing, stdout);
}

static char parse_delimiter(const char *text)
{
    if (strcmp(text, ",") == 0 || strcmp(text, "comma") == 0)
        return ',';
    if (strcmp(text, ";") == 0 || strcmp(text, "semicolon") == 0)
        return ';';
    if (strcmp(text, "\t") == 0 || strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0)
        return '\t';
    if (strcmp(text, " ") == 0 || strcmp(text, "space") == 0 || strcmp(text, "whitespace") == 0)
        return ' ';
    cli_usage_error("--delimiter must be ',', ';', tab or space, not '%s'", text);
}

static char parse_decimal(const char *text)
{
    if (strcmp(text, ".") == 0 || strcmp(text, "point") == 0)
        return '.';
    if (strcmp(text, ",") == 0 || strcmp(text, "comma") == 0)
        return ',';
    cli_usage_error("--decimal must be '.' or ',', not '%s'", text);
}

/* The flag that sets an rm_options field. */
static const char *flag_of(const char *field)
{
    static const char *const flags[][2] = {
        {"method", "--method"},        {"eps", "--eps"},       {"tol", "--tol"},
        {"delta", "--delta"},          {"sigma", "--sigma"},   {"max_seconds", "--max-seconds"},
        {"max_directions", "--directions"}, {"oracle", "--oracle"}, {"threads", "--threads"},
        {"column_scaling", "--column-scaling"}, {"shaping", "--shape"},
        {"max_iter", "--max-iter"},    {"blocks", "--blocks"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (field && strcmp(flags[i][0], field) == 0)
            return flags[i][1];
    return field ? field : "an option";
}

/* FILE:NAME names an array of a .npz archive: when the input names no file but a prefix
 * up to one of its colons does, that is the file and the rest the array. */
static void split_dataset(estimate_settings *s)
{
    struct stat st;
    if (!s->input || strcmp(s->input, "-") == 0 || stat(s->input, &st) == 0)
        return;
    for (const char *colon = strchr(s->input, ':'); colon; colon = strchr(colon + 1, ':')) {
        char *file = strndup(s->input, (size_t)(colon - s->input));
        if (!file)
            return; /* out of memory: read the input as given, and fail there */
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
            s->path = file;
            s->read.dataset = colon + 1;
            return;
        }
        free(file);
    }
}

/* The shared long options and the program's own, in one table (malloc'd). */
static struct option *options_of(const estimate_program *prog)
{
    static const struct option shared[] = {
        {.name = "eps", .has_arg = required_argument, .val = 'e'},
        {.name = "method", .has_arg = required_argument, .val = 'm'},
        {.name = "format", .has_arg = required_argument, .val = OPT_FORMAT},
        {.name = "output", .has_arg = required_argument, .val = 'o'},
        {.name = "weights", .has_arg = required_argument, .val = OPT_WEIGHTS},
        {.name = "delimiter", .has_arg = required_argument, .val = OPT_DELIMITER},
        {.name = "header", .has_arg = no_argument, .val = OPT_HEADER},
        {.name = "no-header", .has_arg = no_argument, .val = OPT_NO_HEADER},
        {.name = "drop-nonfinite", .has_arg = no_argument, .val = OPT_DROP_NONFINITE},
        {.name = "decimal", .has_arg = required_argument, .val = OPT_DECIMAL},
        {.name = "columns", .has_arg = required_argument, .val = OPT_COLUMNS},
        {.name = "skip-columns", .has_arg = required_argument, .val = OPT_SKIP_COLUMNS},
        {.name = "seed", .has_arg = required_argument, .val = OPT_SEED},
        {.name = "max-iter", .has_arg = required_argument, .val = OPT_MAX_ITER},
        {.name = "tol", .has_arg = required_argument, .val = OPT_TOL},
        {.name = "blocks", .has_arg = required_argument, .val = OPT_BLOCKS},
        {.name = "outliers", .has_arg = required_argument, .val = OPT_OUTLIERS},
        {.name = "sigma", .has_arg = required_argument, .val = OPT_SIGMA},
        {.name = "delta", .has_arg = required_argument, .val = OPT_DELTA},
        {.name = "max-seconds", .has_arg = required_argument, .val = OPT_MAX_SECONDS},
        {.name = "directions", .has_arg = required_argument, .val = OPT_DIRECTIONS},
        {.name = "oracle", .has_arg = required_argument, .val = OPT_ORACLE},
        {.name = "column-scaling", .has_arg = required_argument, .val = OPT_COLUMN_SCALING},
        {.name = "shape", .has_arg = required_argument, .val = OPT_SHAPE},
        {.name = "float32", .has_arg = no_argument, .val = OPT_FLOAT32},
        {.name = "threads", .has_arg = required_argument, .val = OPT_THREADS},
        {.name = "verbose", .has_arg = no_argument, .val = 'v'},
        {.name = "quiet", .has_arg = no_argument, .val = 'q'},
        {.name = "help", .has_arg = no_argument, .val = 'h'},
        {.name = "version", .has_arg = no_argument, .val = 'V'},
        {0},
    };
    size_t shared_count = sizeof shared / sizeof shared[0] - 1, own_count = 0;
    while (prog->own && prog->own[own_count].name)
        own_count++;
    struct option *all = calloc(shared_count + own_count + 1, sizeof *all);
    if (!all) {
        cli_error("out of memory");
        exit(EXIT_DATA);
    }
    memcpy(all, shared, shared_count * sizeof *all);
    if (own_count)
        memcpy(all + shared_count, prog->own, own_count * sizeof *all);
    return all;
}

void estimate_parse(int argc, char **argv, estimate_settings *s, const estimate_program *prog)
{
    if (argc == 1 && prog->brief) { /* nothing asked: how to ask */
        fputs(prog->brief, stderr);
        exit(EXIT_USAGE);
    }
    struct option *longopts = options_of(prog);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":e:m:o:vqhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            s->opt.eps = strcmp(optarg, "auto") == 0 ? RM_EPS_AUTO
                                                      : cli_parse_double("--eps", optarg);
            break;
        case 'm': s->opt.method = optarg; break;
        case OPT_FORMAT: /* in the order of the FORMAT_ values */
            s->format = (int)cli_parse_choice("--format", optarg,
                                              (const char *const[]){"csv", "json"}, 2);
            break;
        case 'o': s->output = optarg; break;
        case OPT_WEIGHTS: s->weights_path = optarg; break;
        case OPT_DELIMITER: s->read.delimiter = parse_delimiter(optarg); break;
        case OPT_HEADER: s->read.header = RM_HEADER_YES; break;
        case OPT_NO_HEADER: s->read.header = RM_HEADER_NO; break;
        case OPT_DROP_NONFINITE: s->read.drop_nonfinite = 1; break;
        case OPT_DECIMAL: s->read.decimal = parse_decimal(optarg); break;
        case OPT_COLUMNS: s->read.columns = optarg; break;
        case OPT_SKIP_COLUMNS: s->read.skip_columns = optarg; break;
        case OPT_SEED: s->opt.seed = cli_parse_u64("--seed", optarg); break;
        case OPT_MAX_ITER: s->opt.max_iter = cli_parse_size("--max-iter", optarg); break;
        case OPT_TOL: s->opt.tol = cli_parse_double("--tol", optarg); break;
        case OPT_BLOCKS: s->opt.blocks = cli_parse_size("--blocks", optarg); break;
        case OPT_OUTLIERS: s->outliers_path = optarg; break;
        case OPT_SIGMA: s->opt.sigma = cli_parse_double("--sigma", optarg); break;
        case OPT_DELTA: s->opt.delta = cli_parse_double("--delta", optarg); break;
        case OPT_MAX_SECONDS:
            s->opt.max_seconds = cli_parse_double("--max-seconds", optarg);
            break;
        case OPT_DIRECTIONS:
            s->opt.max_directions = cli_parse_size("--directions", optarg);
            break;
        case OPT_ORACLE: /* in the order of the rm_oracle values */
            s->opt.oracle = (rm_oracle)cli_parse_choice(
                "--oracle", optarg, (const char *const[]){"auto", "lanczos", "dense"}, 3);
            break;
        case OPT_COLUMN_SCALING: /* in the order of the rm_scaling values */
            s->opt.column_scaling = (rm_scaling)cli_parse_choice(
                "--column-scaling", optarg, (const char *const[]){"auto", "none", "robust"}, 3);
            break;
        case OPT_SHAPE: /* in the order of the rm_shaping values */
            s->opt.shaping = (rm_shaping)cli_parse_choice(
                "--shape", optarg, (const char *const[]){"auto", "none", "always"}, 3);
            break;
        case OPT_FLOAT32: s->read.storage = RM_STORAGE_FLOAT; break;
        case OPT_THREADS: {
            size_t t = cli_parse_size("--threads", optarg);
            s->opt.threads = s->read.threads = t > INT_MAX ? INT_MAX : (int)t;
            break;
        }
        case 'v': s->verbose = 1; break;
        case 'q': s->quiet = 1; break;
        case 'h':
            if (prog->speaks)
                print_help(prog);
            exit(0);
        case 'V':
            if (prog->speaks)
                printf("%s %s\nreads: %s\n", prog->name, rm_version(), rm_read_formats());
            exit(0);
        default:
            if (c >= ESTIMATE_OWN_OPTION && prog->take)
                prog->take(prog->ctx, c, optarg);
            else
                cli_option_error(c, argv);
        }
    }
    free(longopts);
    if (s->read.decimal == ',' && s->read.delimiter == ',')
        cli_usage_error("--decimal ',' needs another delimiter than ',' (--delimiter ';', tab "
                        "or space; by default it is detected among those)");
    if (optind < argc)
        s->input = argv[optind++];
    split_dataset(s);
    if (optind < argc)
        cli_usage_error("one input file at most; '%s' is extra", argv[optind]);

    /* The library checks the options, and says which one is wrong and why. */
    rm_report rep;
    if (rm_options_check(&s->opt, &rep) != RM_OK)
        cli_usage_error("%s: %s", flag_of(rep.invalid_option), rep.message);
    const char *name = rep.method;
    const rm_method_info *m = rm_method_find(name);
    if (s->weights_path && !m->weights_rows)
        cli_usage_error("method %s does not weight rows, so --weights has nothing to write", name);
    if (s->outliers_path && !m->weights_rows)
        cli_usage_error("method %s does not weight rows, so --outliers has nothing to write", name);
}

const char *estimate_input_path(const estimate_settings *s)
{
    return s->path ? s->path : s->input;
}

const char *estimate_input_name(const estimate_settings *s)
{
    return s->input && strcmp(s->input, "-") != 0 ? s->input : "<stdin>";
}

int estimate_wants_weights(const estimate_settings *s)
{
    const char *method = s->opt.method ? s->opt.method : rm_method_default();
    return s->weights_path || s->outliers_path ||
           (s->format == FORMAT_JSON && rm_method_find(method)->weights_rows);
}

/* What to say after a field of text where a number was expected: how to leave out its
 * column, by the header's name when --skip-columns can take it as one. */
static void skip_hint(char *hint, size_t len, const rm_read_error *err)
{
    const char *name = err->column_name;
    int by_name = name[0] && !strpbrk(name, ", \t") && strspn(name, "0123456789-") < strlen(name);
    if (by_name)
        snprintf(hint, len, "; if that column holds text, --skip-columns %s leaves it out", name);
    else
        snprintf(hint, len, "; if that column holds text, --skip-columns %zu leaves it out",
                 err->column);
}

void estimate_read_failure(const estimate_settings *s, const char *name, int status,
                           const rm_read_error *err, char *message, size_t size)
{
    char hint[160] = "";
    if (status == RM_ENONFINITE)
        snprintf(hint, sizeof hint, " (--drop-nonfinite skips such rows)");
    else if (err->text_field)
        skip_hint(hint, sizeof hint, err);
    else if (err->needs_dataset)
        snprintf(hint, sizeof hint, "; read one as %s:NAME", estimate_input_name(s));
    snprintf(message, size, "%s: %s%s", name, err->message[0] ? err->message : rm_strerror(status),
             hint);
}

void estimate_read_notes(const estimate_settings *s, const rm_data *data, const char *where)
{
    const char *name = estimate_input_name(s);
    if (s->verbose) {
        fprintf(stderr, "%s: read %zu rows x %zu columns from %s%s%s%s; columns: ", cli_program,
                data->n, data->d, name, where, data->had_header ? " (first line taken as a header)" : "",
                data->values_float ? ", held as float32" : "");
        output_columns_text(stderr, data, 20);
        fputc('\n', stderr);
    }
    if (data->skipped_label_column && !s->quiet)
        cli_error("note: %s: the first column has no name in the header: it holds row labels "
                  "(pandas' index, R's row names) and was left out",
                  name);
    if (data->header_mixed && !s->quiet)
        cli_error("note: %s: the first line was taken as a header, though some of its fields "
                  "are numbers; if it is data, --no-header reads it (and names a field that "
                  "is not a number)",
                  name);
    if (data->trailing_delimiter && s->verbose)
        cli_error("%s: every line ends with its delimiter: the empty last field is not a "
                  "column",
                  name);
    if (data->header_is_index && !s->quiet)
        cli_error("note: %s: the first line, 0,1,...,%zu, was read as column numbers; "
                  "--no-header reads it as data",
                  name, data->d - 1);
    if (data->dropped_rows && !s->quiet)
        cli_error("warning: %s: dropped %zu row%s holding missing or non-finite values",
                  name, data->dropped_rows, data->dropped_rows == 1 ? "" : "s");
}

void estimate_failure(const estimate_settings *s, int status, const rm_report *rep)
{
    cli_error("%s: %s failed: %s%s%s", estimate_input_name(s),
              rep->method[0] ? rep->method : "estimate", rm_strerror(status),
              rep->message[0] ? ": " : "", rep->message);
}

/* The data contradicts the stated eps or sigma: say so, and what to do. */
static void warn_inconsistent(const estimate_settings *s, const rm_report *rep)
{
    if (rep->eps_contradicted)
        cli_error("warning: %s: more than eps = %g of the rows look corrupted: the objective "
                  "falls to %.2g of its value when twice as many rows may go, the rows kept "
                  "lean to one side, and the estimate may still be pulled by the rest; run "
                  "again with a larger -e (robustmean(1), CHOOSING EPS). No certificate is "
                  "given.",
                  estimate_input_name(s), rep->eps_chosen, rep->eps_check);
    else
        cli_error("warning: %s: the objective %g is above what --sigma %g allows if at most "
                  "eps = %g of the rows are corrupted: sigma or eps is too small for this data "
                  "(robustmean(1), CHOOSING EPS). No certificate is given.",
                  estimate_input_name(s), rep->objective, s->opt.sigma, rep->eps_chosen);
}

void estimate_warnings(const estimate_settings *s, int status, const rm_report *rep)
{
    if (status == RM_NOT_CONVERGED && !s->quiet)
        cli_error("warning: %s stopped after %zu iterations (%s) before meeting its "
                  "tolerance; the output is its best iterate",
                  rep->method, rep->iterations, rep->stop_reason);
    if (!rep->guarantee && !s->quiet)
        cli_error("warning: eps = %g >= 1/3: %s still runs, but a stationary point no longer "
                  "guarantees an accurate mean (robustmean(1), CHOOSING EPS)",
                  rep->eps_chosen, rep->method);
    if (!rep->consistent && !s->quiet)
        warn_inconsistent(s, rep);
    if (s->verbose)
        output_verbose_report(rep);
}
