/* robustmean: the command-line estimator. A thin program over the library: parse options,
 * read the data, call rm_mean(), print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "estimate_cli.h"
#include "estimate_output.h"
#include "robustmean.h"

static const estimate_program program = {
    .name = "robustmean",
    .usage = "Usage: robustmean [OPTIONS] [FILE|-]\n"
             "Estimate the mean of the rows of FILE (CSV or NumPy .npy, either maybe .gz or\n"
             ".zst; FILE.npz:NAME, an array of a .npz archive; '-' or none: standard input)\n"
             "when a fraction EPS of them may have been corrupted by an adversary.\n"
             "Prints the estimate as one comma-separated line.\n\n"
             "Options:\n",
    .own_help = "",
    .closing = "\nExit status: 0 on success, 1 on bad data or a runtime failure, 2 on a usage\n"
               "error. Messages go to standard error.\n",
    .brief = "Usage: robustmean -e EPS [OPTIONS] [FILE|-]\n"
             "Estimate the mean of the rows of FILE when a fraction EPS of them may have\n"
             "been corrupted, e.g. robustmean -e 0.1 data.csv\n"
             "Try 'robustmean --help' for every option and method.\n",
    .speaks = 1,
};

enum { BLOCK = 4096 };

/* The file's data-row numbers (1-based) of the rows flagged as outliers. */
static int write_outliers(const estimate_settings *s, const rm_data *data,
                          const double *weights, double cap)
{
    cli_output out;
    if (cli_output_open(&out, s->outliers_path, estimate_input_path(s)) != 0)
        return -1;
    output_rows rows;
    output_rows_start(&rows, data, weights, cap, 0);
    uint64_t block[BLOCK];
    size_t count;
    while ((count = output_rows_outliers(&rows, block, BLOCK)) > 0)
        output_row_lines(out.file, block, count);
    return cli_output_commit(&out);
}

/* Every data row of the file, in order: its weight; a dropped row's is 0. */
static int write_weights(const estimate_settings *s, const rm_data *data, const double *weights)
{
    cli_output out;
    if (cli_output_open(&out, s->weights_path, estimate_input_path(s)) != 0)
        return -1;
    output_rows rows;
    output_rows_start(&rows, data, weights, 0.0, 0);
    double block[BLOCK];
    size_t count;
    while ((count = output_rows_weights(&rows, block, BLOCK)) > 0)
        output_weight_lines(out.file, block, count);
    return cli_output_commit(&out);
}

static int read_input(const estimate_settings *s, rm_data *data)
{
    rm_read_error err;
    if (!s->input || strcmp(s->input, "-") == 0) {
        if (isatty(STDIN_FILENO) && !s->quiet)
            cli_error("reading data from the terminal (end it with Ctrl-D)");
    }
    int status = rm_read_file(estimate_input_path(s), &s->read, data, &err);
    if (status != RM_OK) {
        char message[512];
        estimate_read_failure(s, estimate_input_name(s), status, &err, message, sizeof message);
        cli_error("%s", message);
        return -1;
    }
    estimate_read_notes(s, data, "");
    return 0;
}

int main(int argc, char **argv)
{
    cli_start("robustmean");
    estimate_settings s;
    estimate_settings_init(&s);
    estimate_parse(argc, argv, &s, &program);

    rm_data data;
    if (read_input(&s, &data) != 0) {
        free(s.path);
        return EXIT_DATA;
    }
    double *mean = malloc(data.d * sizeof *mean);
    /* the weights for the files asked for, and for the flagged rows of the JSON report */
    int want_weights = estimate_wants_weights(&s);
    double *weights = want_weights ? malloc(data.n * sizeof *weights) : NULL;
    if (!mean || (want_weights && !weights)) {
        cli_error("out of memory");
        return EXIT_DATA;
    }
    rm_report rep;
    int status;
    if (weights)
        status = data.values_float ? rm_mean_float_weights(data.values_float, data.n, data.d,
                                                           &s.opt, mean, weights, &rep)
                                   : rm_mean_weights(data.values, data.n, data.d, &s.opt, mean,
                                                     weights, &rep);
    else
        status = data.values_float
                     ? rm_mean_float(data.values_float, data.n, data.d, &s.opt, mean, &rep)
                     : rm_mean(data.values, data.n, data.d, &s.opt, mean, &rep);
    int code = 0;
    if (status < 0) {
        estimate_failure(&s, status, &rep);
        code = EXIT_DATA;
    } else {
        estimate_warnings(&s, status, &rep);
        /* The weights file first: if it cannot be written, no estimate is printed. */
        if (s.weights_path && write_weights(&s, &data, weights) != 0)
            code = EXIT_DATA;
        if (code == 0 && s.outliers_path &&
            write_outliers(&s, &data, weights, rep.weight_cap) != 0)
            code = EXIT_DATA;
        cli_output out;
        if (code == 0 && cli_output_open(&out, s.output, estimate_input_path(&s)) != 0)
            code = EXIT_DATA;
        else if (code == 0) {
            output_estimate(out.file, s.format == FORMAT_JSON, &data, mean, weights, &rep);
            if (cli_output_commit(&out) != 0)
                code = EXIT_DATA;
        }
    }
    free(mean);
    free(weights);
    rm_data_free(&data);
    free(s.path);
    return code;
}
