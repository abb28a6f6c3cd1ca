/* estimate: read a data file with librobustmean, estimate the mean of its rows with the
 * library's default method, and print the estimate and the report.
 *
 *     estimate FILE EPS        FILE: CSV or .npy, one observation per row
 *                              EPS: the fraction of corrupted rows the estimate must
 *                              withstand (too high costs a little accuracy, too low
 *                              can fail: robustmean(1), CHOOSING EPS)
 *
 * Build it against an installed librobustmean with either
 *     cc estimate.c -o estimate $(pkg-config --cflags --libs robustmean)
 *     cmake -S . -B build && cmake --build build      (the CMakeLists.txt next to this) */
#include <stdio.h>
#include <stdlib.h>

#include <robustmean.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s FILE EPS\n", argv[0]);
        return 2;
    }
    rm_data data;
    rm_read_error err;
    int status = rm_read_file(argv[1], NULL, &data, &err);
    if (status != RM_OK) {
        fprintf(stderr, "%s: %s\n", argv[1],
                err.message[0] ? err.message : rm_strerror(status));
        return 1;
    }

    rm_options opt;
    rm_options_init(&opt); /* method NULL: the library's default */
    opt.eps = strtod(argv[2], NULL);
    double *mean = malloc(data.d * sizeof *mean);
    rm_report rep;
    status = mean ? rm_mean(data.values, data.n, data.d, &opt, mean, &rep) : RM_ENOMEM;
    if (status < 0) { /* an invalid option is named, with what is wrong with it */
        if (mean && rep.invalid_option)
            fprintf(stderr, "%s: %s: %s\n", argv[1], rep.invalid_option, rep.message);
        else
            fprintf(stderr, "%s: %s\n", argv[1], rm_strerror(status));
        free(mean);
        rm_data_free(&data);
        return 1;
    }

    printf("library     librobustmean %s (header %s)\n", rm_version(), RM_VERSION_STRING);
    printf("data        %s: %zu rows x %zu columns\n", argv[1], rep.n, rep.d);
    printf("method      %s\n", rep.method);
    printf("eps         %g\n", rep.eps);
    printf("status      %s\n", rm_strerror(rep.status));
    printf("converged   %s%s%s\n", rep.converged ? "yes" : "no", rep.stop_reason[0] ? ": " : "",
           rep.stop_reason);
    printf("iterations  %zu\n", rep.iterations);
    if (rep.oracle[0]) /* a SILO method: its certificate holds only if eps is right */
        printf("certified   %s\n", rep.certified ? "yes, if at most eps of the rows are corrupted"
                                     : rep.consistent ? "no" : "no: the data contradicts eps");
    printf("objective   %g\n", rep.objective);
    printf("seconds     %.3g\n", rep.seconds);
    printf("mean       ");
    for (size_t j = 0; j < data.d; j++)
        printf(" %.6g", mean[j]);
    printf("\n");
    free(mean);
    rm_data_free(&data);
    return 0;
}
