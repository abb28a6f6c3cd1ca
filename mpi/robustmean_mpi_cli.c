/* robustmean-mpi: robustmean over MPI processes. Each process reads only its own rows
 * (its part of one .npy, or its one shard of a list), the library estimates over them all,
 * and process 0 writes the outputs. */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "robustmean.h"
#include "robustmean_mpi.h"

typedef struct settings {
    rm_options opt;
    rm_read_options read;
    const char *input;   /* one .npy, split among the processes */
    const char *shards;  /* or a glob pattern: one file a process, in sorted order */
    const char *weights_path;
    const char *output;
    int traffic;
} settings;

static int rank, size;

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: mpirun -np P robustmean-mpi [OPTIONS] FILE.npy\n"
            "       mpirun -np P robustmean-mpi [OPTIONS] --shards 'PATTERN'\n"
            "The robust mean of rows spread over P processes: each reads only its own rows,\n"
            "process 0 writes the estimate (the d coordinates on one line).\n"
            "  -e, --eps EPS         the fraction of corrupted rows\n"
            "  -m, --method NAME     the method (those that run spread over processes:\n"
            "                        robustmean-mpi --methods)\n"
            "      --seed N          random seed\n"
            "      --max-iter N      iteration cap\n"
            "      --tol T           tolerance\n"
            "      --threads N       threads of each process (0: one per core)\n"
            "      --shards PATTERN  one .npy or CSV file a process (as many files as\n"
            "                        processes), in the sorted order of the pattern's matches\n"
            "      --weights FILE    each row's weight, one a line, in the global row order\n"
            "  -o, --output FILE     the estimate to FILE instead of standard output\n"
            "      --traffic         on standard error: collectives and bytes of process 0, and\n"
            "                        the estimate's time\n"
            "      --methods         list the methods and whether they run spread\n"
            "  -h, --help            this help\n"
            "  -V, --version         the version\n");
}

enum { OPT_SEED = 256, OPT_MAX_ITER, OPT_TOL, OPT_THREADS, OPT_SHARDS, OPT_WEIGHTS,
       OPT_TRAFFIC, OPT_METHODS };

/* Every process leaves MPI however it exits (a usage error exits from cli.c): else
 * mpirun reports processes that died without finalizing. */
static void finalize_at_exit(void)
{
    int started = 0, ended = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&ended);
    if (started && !ended)
        MPI_Finalize();
}

/* Only process 0 speaks; every process exits the same way. */
static void finish(int code) { exit(code); }

static void list_methods(void)
{
    if (rank == 0)
        for (size_t i = 0; i < rm_method_count(); i++) {
            const rm_method_info *m = rm_method_at(i);
            printf("%-10s %s\n", m->name, rm_method_spreads(m->name) ? "spread" : "one process only (yet)");
        }
    finish(0);
}

static void parse_args(int argc, char **argv, settings *s)
{
    static const struct option longs[] = {
        {.name = "eps", .has_arg = required_argument, .val = 'e'},
        {.name = "method", .has_arg = required_argument, .val = 'm'},
        {.name = "seed", .has_arg = required_argument, .val = OPT_SEED},
        {.name = "max-iter", .has_arg = required_argument, .val = OPT_MAX_ITER},
        {.name = "tol", .has_arg = required_argument, .val = OPT_TOL},
        {.name = "threads", .has_arg = required_argument, .val = OPT_THREADS},
        {.name = "shards", .has_arg = required_argument, .val = OPT_SHARDS},
        {.name = "weights", .has_arg = required_argument, .val = OPT_WEIGHTS},
        {.name = "output", .has_arg = required_argument, .val = 'o'},
        {.name = "traffic", .has_arg = no_argument, .val = OPT_TRAFFIC},
        {.name = "methods", .has_arg = no_argument, .val = OPT_METHODS},
        {.name = "help", .has_arg = no_argument, .val = 'h'},
        {.name = "version", .has_arg = no_argument, .val = 'V'},
        {0},
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":e:m:o:hV", longs, NULL)) != -1) {
        switch (c) {
        case 'e':
            s->opt.eps = strcmp(optarg, "auto") == 0 ? RM_EPS_AUTO : cli_parse_double("--eps", optarg);
            break;
        case 'm': s->opt.method = optarg; break;
        case OPT_SEED: s->opt.seed = cli_parse_u64("--seed", optarg); break;
        case OPT_MAX_ITER: s->opt.max_iter = cli_parse_size("--max-iter", optarg); break;
        case OPT_TOL: s->opt.tol = cli_parse_double("--tol", optarg); break;
        case OPT_THREADS: s->opt.threads = (int)cli_parse_size("--threads", optarg); break;
        case OPT_SHARDS: s->shards = optarg; break;
        case OPT_WEIGHTS: s->weights_path = optarg; break;
        case 'o': s->output = optarg; break;
        case OPT_TRAFFIC: s->traffic = 1; break;
        case OPT_METHODS: list_methods(); break;
        case 'h':
            if (rank == 0)
                usage(stdout);
            finish(0);
            break;
        case 'V':
            if (rank == 0)
                printf("robustmean-mpi %s\n", rm_version());
            finish(0);
            break;
        default: cli_option_error(c, argv);
        }
    }
    if (optind < argc)
        s->input = argv[optind++];
    if (optind < argc)
        cli_usage_error("one input file (or --shards), not %d", argc - optind + 1);
    if (!s->input == !s->shards)
        cli_usage_error(s->input ? "give a file or --shards, not both"
                                 : "no input: give a .npy file or --shards 'PATTERN'");
}

/* This process's rows: its part of the file, or its shard; a failure is everyone's. */
static void read_rows(const settings *s, rm_data *data, char *shard, size_t shard_size)
{
    char message[512] = "";
    rm_read_error err = {0};
    int status = RM_OK;
    const char *path = s->input;
    if (s->shards) {
        glob_t g;
        int found = glob(s->shards, 0, NULL, &g);
        if (found != 0 || g.gl_pathc != (size_t)size) {
            snprintf(message, sizeof message, "--shards '%s' matches %zu files, not one a process (%d)",
                     s->shards, found == 0 ? g.gl_pathc : 0, size);
            status = RM_EINVAL;
        } else {
            snprintf(shard, shard_size, "%s", g.gl_pathv[rank]);
            path = shard;
        }
        if (found == 0)
            globfree(&g);
        if (status == RM_OK)
            status = rm_read_file(path, &s->read, data, &err);
    } else {
        size_t first, total; /* (the library learns the layout from the row counts) */
        status = rm_mpi_read_part(path, &s->read, (size_t)rank, (size_t)size, data, &first,
                                  &total, &err);
    }
    if (status != RM_OK && !message[0]) {
        char place[96] = "";
        if (err.line)
            snprintf(place, sizeof place, "line %zu: ", err.line);
        else if (err.row)
            snprintf(place, sizeof place, "data row %zu%s", err.row, err.column ? "" : ": ");
        if (err.column)
            snprintf(place + strlen(place), sizeof place - strlen(place), "%scolumn %zu: ",
                     err.row && !err.line ? ", " : "", err.column);
        snprintf(message, sizeof message, "%s: %s%s", path, place, err.message);
    }
    status = rm_mpi_agree(MPI_COMM_WORLD, status, message, sizeof message);
    if (status != RM_OK) {
        if (rank == 0)
            cli_error("%s", message);
        finish(EXIT_DATA);
    }
}

/* Process 0 writes every process's weights, one after the other: each sends its own in
 * blocks, so no process ever holds the others' weights. */
enum { BLOCK = 1 << 16, TAG_WEIGHTS = 19 };

static int write_weights(const settings *s, const double *w, size_t n)
{
    int ok = 1;
    if (rank != 0) {
        for (size_t at = 0;; at += BLOCK) {
            size_t len = n - at < BLOCK ? n - at : BLOCK;
            MPI_Send(w + at, (int)len, MPI_DOUBLE, 0, TAG_WEIGHTS, MPI_COMM_WORLD);
            if (len < BLOCK)
                break;
        }
    } else {
        static double block[BLOCK];
        cli_output out = {0};
        ok = cli_output_open(&out, s->weights_path, s->input) == 0;
        char buf[32];
        for (int p = 0; p < size; p++) {
            for (size_t at = 0;; at += BLOCK) {
                const double *from = w + at;
                size_t len = n - at < BLOCK ? n - at : BLOCK;
                if (p > 0) { /* drained even when the file failed: the senders wait */
                    MPI_Status st;
                    int got = 0;
                    MPI_Recv(block, BLOCK, MPI_DOUBLE, p, TAG_WEIGHTS, MPI_COMM_WORLD, &st);
                    MPI_Get_count(&st, MPI_DOUBLE, &got);
                    from = block;
                    len = (size_t)got;
                }
                for (size_t i = 0; ok && i < len; i++) {
                    fputs(cli_format_double(buf, from[i]), out.file);
                    fputc('\n', out.file);
                }
                if (len < BLOCK)
                    break;
            }
        }
        if (ok)
            ok = cli_output_commit(&out) == 0;
        else if (out.file)
            cli_output_abort(&out);
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    atexit(finalize_at_exit);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    cli_start("robustmean-mpi");
    settings s;
    memset(&s, 0, sizeof s);
    rm_options_init(&s.opt);
    rm_read_options_init(&s.read);
    s.read.storage = RM_STORAGE_AS_FILE;
    parse_args(argc, argv, &s);

    rm_data data;
    char shard[4096] = "";
    read_rows(&s, &data, shard, sizeof shard);
    double *mean = malloc(data.d * sizeof *mean);
    double *weights = s.weights_path ? malloc((data.n ? data.n : 1) * sizeof *weights) : NULL;
    char message[512] = "";
    int status = mean && (!s.weights_path || weights) ? RM_OK : RM_ENOMEM;
    if (status != RM_OK)
        snprintf(message, sizeof message, "out of memory");
    status = rm_mpi_agree(MPI_COMM_WORLD, status, message, sizeof message);
    if (status != RM_OK) {
        if (rank == 0)
            cli_error("%s", message);
        finish(EXIT_DATA);
    }
    rm_report rep;
    rm_mpi_traffic traffic;
    status = rm_mean_mpi_counted(MPI_COMM_WORLD, data.values, data.values_float, data.n, data.d,
                                 &s.opt, mean, weights, &rep, &traffic);
    int code = 0;
    if (status < 0) {
        if (rank == 0)
            cli_error("%s: %s failed: %s%s%s", s.input ? s.input : s.shards,
                      rep.method[0] ? rep.method : "estimate", rm_strerror(status),
                      rep.message[0] ? ": " : "", rep.message);
        code = EXIT_DATA;
    } else {
        if (status == RM_NOT_CONVERGED && rank == 0)
            cli_error("warning: %s stopped after %zu iterations (%s) before meeting its "
                      "tolerance; the output is its best iterate",
                      rep.method, rep.iterations, rep.stop_reason);
        if (s.weights_path && write_weights(&s, weights, data.n) != 0)
            code = EXIT_DATA;
        if (code == 0 && rank == 0) {
            cli_output out;
            if (cli_output_open(&out, s.output, s.input) != 0)
                code = EXIT_DATA;
            else {
                char buf[32];
                for (size_t j = 0; j < data.d; j++) {
                    if (j)
                        fputc(',', out.file);
                    fputs(cli_format_double(buf, mean[j]), out.file);
                }
                fputc('\n', out.file);
                if (cli_output_commit(&out) != 0)
                    code = EXIT_DATA;
            }
        }
        if (s.traffic && rank == 0)
            cli_error("traffic of process 0 over %d processes: %zu collectives (%zu reductions), "
                      "%zu bytes sent, %zu bytes received; %.3f s (the slowest process)",
                      size, traffic.collectives, traffic.reductions, traffic.bytes_sent,
                      traffic.bytes_received, rep.seconds);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(mean);
    free(weights);
    rm_data_free(&data);
    return code;
}
