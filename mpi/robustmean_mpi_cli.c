/* robustmean-mpi: robustmean over MPI processes. Each process reads only its own rows
 * (its part of one .npy, or its one shard of a list), the library estimates over them all,
 * and process 0 writes what robustmean writes: robustmean's options, parsed and checked by
 * the same code (tools/estimate_cli.c), and its outputs, written by the same code
 * (tools/estimate_output.c) from every process's rows in turn. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "estimate_cli.h"
#include "estimate_output.h"
#include "robustmean.h"
#include "robustmean_mpi.h"

static int rank, size;

typedef struct mpi_settings {
    const char *shards; /* a glob pattern: one file a process, in sorted order */
    int traffic;
} mpi_settings;

enum { OPT_SHARDS = ESTIMATE_OWN_OPTION, OPT_TRAFFIC, OPT_METHODS };

static const struct option own_options[] = {
    {.name = "shards", .has_arg = required_argument, .val = OPT_SHARDS},
    {.name = "traffic", .has_arg = no_argument, .val = OPT_TRAFFIC},
    {.name = "methods", .has_arg = no_argument, .val = OPT_METHODS},
    {0},
};

static void list_methods(void)
{
    if (rank == 0)
        for (size_t i = 0; i < rm_method_count(); i++) {
            const rm_method_info *m = rm_method_at(i);
            printf("%-10s %s\n", m->name, rm_method_spreads(m->name) ? "spread" : "one process only (yet)");
        }
    exit(0);
}

static void take_option(void *ctx, int option, const char *value)
{
    mpi_settings *m = ctx;
    switch (option) {
    case OPT_SHARDS: m->shards = value; break;
    case OPT_TRAFFIC: m->traffic = 1; break;
    case OPT_METHODS: list_methods(); break;
    default: break;
    }
}

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

static void parse(int argc, char **argv, estimate_settings *s, mpi_settings *m)
{
    const estimate_program program = {
        .name = "robustmean-mpi",
        .usage = "Usage: mpirun -np P robustmean-mpi [OPTIONS] FILE.npy\n"
                 "       mpirun -np P robustmean-mpi [OPTIONS] --shards 'PATTERN'\n"
                 "robustmean on rows spread over P processes: each reads only its own rows (its\n"
                 "part of one .npy, in C or Fortran order, or its one shard), and process 0\n"
                 "writes what robustmean writes, the rows numbered in the global order (the\n"
                 "shards one after the other). The methods that run spread: --methods.\n\n"
                 "Options (robustmean's, and the last three):\n",
        .own_help = "      --shards PATTERN   one file a process (.npy, CSV, either maybe .gz or\n"
                    "                         .zst): as many files as processes, in the sorted\n"
                    "                         order of the pattern's matches\n"
                    "      --traffic          on standard error: collectives and bytes of\n"
                    "                         process 0, and the estimate's time\n"
                    "      --methods          list the methods and whether they run spread\n",
        .closing = "\nExit status, the same on every process: 0 on success, 1 on bad data (on any\n"
                   "process) or a runtime failure, 2 on a usage error. Process 0 writes the\n"
                   "messages.\n",
        .own = own_options,
        .take = take_option,
        .ctx = m,
        .speaks = rank == 0,
    };
    estimate_parse(argc, argv, s, &program);
    if (s->input && m->shards)
        cli_usage_error("give a file or --shards, not both");
    if (!s->input && !m->shards)
        cli_usage_error("no input: give a .npy file or --shards 'PATTERN'");
    if (s->input && strcmp(s->input, "-") == 0)
        cli_usage_error("standard input cannot be split among processes: give a .npy file or "
                        "--shards 'PATTERN'");
    if (s->path)
        cli_usage_error("%s: an array of a .npz archive cannot be read a part at a time; save "
                        "it as a .npy, or give one file a process with --shards",
                        s->input);
    const char *method = s->opt.method ? s->opt.method : rm_method_default();
    if (!rm_method_spreads(method)) {
        char spread[128] = "";
        for (size_t i = 0; i < rm_method_count(); i++) {
            const char *name = rm_method_at(i)->name;
            if (rm_method_spreads(name))
                snprintf(spread + strlen(spread), sizeof spread - strlen(spread), "%s%s",
                         spread[0] ? ", " : "", name);
        }
        cli_usage_error("method %s%s does not run on rows spread over processes yet; those "
                        "that do: %s",
                        method, s->opt.method ? "" : " (the default)", spread);
    }
    if (m->shards)
        s->input = m->shards; /* the name in messages */
}

/* A summary of every process's rows, for the notes and the JSON report: process 0's
 * columns, every process's rows and dropped rows. Shares process 0's arrays. */
typedef struct rows_info {
    uint64_t base;      /* the file rows (dropped ones included) of the processes before */
    uint64_t n, dropped; /* every process's */
} rows_info;

/* This process's rows: its part of the file, or its shard; a failure is everyone's. */
static void read_rows(const estimate_settings *s, const mpi_settings *m, rm_data *data,
                      rows_info *info)
{
    char message[512] = "", shard[4096] = "";
    rm_read_error err = {0};
    int status = RM_OK;
    const char *path = s->input;
    size_t first = 0, total = 0;
    if (m->shards) {
        glob_t g;
        int found = glob(m->shards, 0, NULL, &g);
        if (found != 0 || g.gl_pathc != (size_t)size) {
            snprintf(message, sizeof message,
                     "--shards '%s' matches %zu files, not one a process (%d)", m->shards,
                     found == 0 ? g.gl_pathc : 0, size);
            status = RM_EINVAL;
        } else {
            snprintf(shard, sizeof shard, "%s", g.gl_pathv[rank]);
            path = shard;
        }
        if (found == 0)
            globfree(&g);
        if (status == RM_OK)
            status = rm_read_file(path, &s->read, data, &err);
    } else {
        status = rm_mpi_read_part(path, &s->read, (size_t)rank, (size_t)size, data, &first,
                                  &total, &err);
    }
    if (status != RM_OK && !message[0])
        estimate_read_failure(s, path, status, &err, message, sizeof message);
    status = rm_mpi_agree(MPI_COMM_WORLD, status, message, sizeof message);
    if (status != RM_OK) {
        if (rank == 0)
            cli_error("%s", message);
        exit(EXIT_DATA);
    }
    /* A part's dropped rows are numbered in the whole file: number them in the part, as
     * the rows of a shard are, and count the rows before it. */
    for (size_t i = 0; i < data->dropped_rows; i++)
        data->dropped[i] -= first;
    uint64_t mine[2] = {data->n, data->dropped_rows}, all[2] = {0, 0};
    uint64_t file_rows = data->n + data->dropped_rows;
    info->base = 0;
    MPI_Exscan(&file_rows, &info->base, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        info->base = 0; /* MPI_Exscan leaves process 0's undefined */
    MPI_Allreduce(mine, all, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    info->n = all[0];
    info->dropped = all[1];
}

/* Every process's items, in process order, to process 0 a block at a time: each process
 * produces its own (produce() fills fewer than BLOCK only at the end) and sends them in
 * blocks, so that no process holds more than a block of another's. */
enum { BLOCK = 1 << 16, TAG_WEIGHTS = 19, TAG_OUTLIERS, TAG_REPORT };

typedef struct root_stream {
    MPI_Datatype type;
    int tag;
    size_t (*produce)(void *ctx, void *block, size_t max);
    void *ctx;
    int from; /* process 0: the process whose items come next; size once all came */
} root_stream;

static size_t produce_weights(void *ctx, void *block, size_t max)
{
    return output_rows_weights(ctx, block, max);
}

static size_t produce_outliers(void *ctx, void *block, size_t max)
{
    return output_rows_outliers(ctx, block, max);
}

/* Process 0: the next block of items (BLOCK at most), 0 once every process's came. */
static size_t stream_next(root_stream *st, void *block)
{
    while (st->from < size) {
        size_t got;
        if (st->from == 0) {
            got = st->produce(st->ctx, block, BLOCK);
        } else {
            MPI_Status status;
            int count = 0;
            MPI_Recv(block, BLOCK, st->type, st->from, st->tag, MPI_COMM_WORLD, &status);
            MPI_Get_count(&status, st->type, &count);
            got = (size_t)count;
        }
        if (got < BLOCK)
            st->from++;
        if (got > 0)
            return got;
    }
    return 0;
}

/* The other processes: send every item, the last block short (maybe empty). */
static void stream_send(root_stream *st, void *block)
{
    size_t got;
    do {
        got = st->produce(st->ctx, block, BLOCK);
        MPI_Send(block, (int)got, st->type, 0, st->tag, MPI_COMM_WORLD);
    } while (got == BLOCK);
}

static double weight_block[BLOCK];
static uint64_t row_block[BLOCK];

/* A file of every process's rows, written by process 0 (and drained when it cannot be:
 * the others are sending); 0 on every process when it was written. */
static int write_rows(const char *path, const char *protected_path, root_stream *st,
                      int weights)
{
    void *block = weights ? (void *)weight_block : (void *)row_block;
    int ok = 1;
    if (rank != 0) {
        stream_send(st, block);
    } else {
        cli_output out;
        ok = cli_output_open(&out, path, protected_path) == 0;
        size_t count;
        while ((count = stream_next(st, block)) > 0)
            if (ok && weights)
                output_weight_lines(out.file, weight_block, count);
            else if (ok)
                output_row_lines(out.file, row_block, count);
        if (ok)
            ok = cli_output_commit(&out) == 0;
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return ok ? 0 : -1;
}

/* The JSON report's flagged rows on process 0, handed out as output_estimate_json asks. */
typedef struct report_rows {
    root_stream *st;
    size_t count, at;
} report_rows;

static size_t next_report_rows(void *ctx, uint64_t *block, size_t max)
{
    report_rows *r = ctx;
    if (r->at == r->count) {
        r->count = stream_next(r->st, row_block);
        r->at = 0;
    }
    size_t take = r->count - r->at < max ? r->count - r->at : max;
    memcpy(block, row_block + r->at, take * sizeof *block);
    r->at += take;
    return take;
}

/* The estimate, as robustmean writes it, by process 0; the report's list of flagged rows
 * (when it has one) comes from every process. */
static int write_estimate(const estimate_settings *s, const rm_data *summary,
                          const double *mean, root_stream *rows, const rm_report *rep)
{
    int json = s->format == FORMAT_JSON, listed = json && rows && rep->oracle[0];
    int ok = 1;
    if (rank != 0) {
        if (listed)
            stream_send(rows, row_block);
    } else {
        cli_output out;
        ok = cli_output_open(&out, s->output, estimate_input_path(s)) == 0;
        if (ok && json) {
            report_rows r = {.st = rows};
            output_estimate_json(out.file, summary, mean, listed ? next_report_rows : NULL, &r,
                                 rep);
        } else if (ok) {
            output_estimate(out.file, 0, summary, mean, NULL, rep);
        }
        while (listed && stream_next(rows, row_block) > 0) /* what was not written */
            ;
        if (ok)
            ok = cli_output_commit(&out) == 0;
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
    cli_silent = rank != 0; /* process 0 speaks for all */
    estimate_settings s;
    mpi_settings m = {0};
    estimate_settings_init(&s);
    parse(argc, argv, &s, &m);

    rm_data data;
    rows_info info;
    read_rows(&s, &m, &data, &info);
    rm_data summary = data;
    summary.n = info.n;
    summary.dropped_rows = info.dropped;
    if (rank == 0) {
        char where[64];
        snprintf(where, sizeof where, " over %d process%s", size, size == 1 ? "" : "es");
        estimate_read_notes(&s, &summary, where);
    }

    double *mean = malloc(data.d * sizeof *mean);
    int want_weights = estimate_wants_weights(&s);
    double *weights = want_weights ? malloc((data.n ? data.n : 1) * sizeof *weights) : NULL;
    char message[512] = "";
    int status = mean && (!want_weights || weights) ? RM_OK : RM_ENOMEM;
    if (status != RM_OK)
        snprintf(message, sizeof message, "out of memory");
    status = rm_mpi_agree(MPI_COMM_WORLD, status, message, sizeof message);
    if (status != RM_OK) {
        cli_error("%s", message);
        exit(EXIT_DATA);
    }
    rm_report rep;
    rm_mpi_traffic traffic;
    status = rm_mean_mpi_counted(MPI_COMM_WORLD, data.values, data.values_float, data.n, data.d,
                                 &s.opt, mean, weights, &rep, &traffic);
    int code = 0;
    if (status < 0) {
        estimate_failure(&s, status, &rep);
        code = EXIT_DATA;
    } else {
        estimate_warnings(&s, status, &rep);
        output_rows rows;
        root_stream st = {.from = 0};
        /* The weights file first: if it cannot be written, no estimate is written. */
        if (s.weights_path) {
            output_rows_start(&rows, &data, weights, rep.weight_cap, info.base);
            st = (root_stream){.type = MPI_DOUBLE, .tag = TAG_WEIGHTS,
                               .produce = produce_weights, .ctx = &rows};
            if (write_rows(s.weights_path, estimate_input_path(&s), &st, 1) != 0)
                code = EXIT_DATA;
        }
        if (code == 0 && s.outliers_path) {
            output_rows_start(&rows, &data, weights, rep.weight_cap, info.base);
            st = (root_stream){.type = MPI_UINT64_T, .tag = TAG_OUTLIERS,
                               .produce = produce_outliers, .ctx = &rows};
            if (write_rows(s.outliers_path, estimate_input_path(&s), &st, 0) != 0)
                code = EXIT_DATA;
        }
        if (code == 0) {
            if (weights)
                output_rows_start(&rows, &data, weights, rep.weight_cap, info.base);
            st = (root_stream){.type = MPI_UINT64_T, .tag = TAG_REPORT,
                               .produce = produce_outliers, .ctx = &rows};
            if (write_estimate(&s, &summary, mean, weights ? &st : NULL, &rep) != 0)
                code = EXIT_DATA;
        }
        if (m.traffic)
            cli_error("traffic of process 0 over %d processes: %zu collectives (%zu reductions), "
                      "%zu bytes sent, %zu bytes received; %.3f s (the slowest process)",
                      size, traffic.collectives, traffic.reductions, traffic.bytes_sent,
                      traffic.bytes_received, rep.seconds);
    }
    MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    free(mean);
    free(weights);
    rm_data_free(&data);
    free(s.path);
    return code;
}
