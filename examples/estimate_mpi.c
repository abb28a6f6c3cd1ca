/* estimate_mpi: the median of a file's rows with librobustmean_mpi, the rows spread over
 * the processes of an MPI job: each process reads the whole file here (a small example;
 * robustmean-mpi reads only its own part) and hands rm_mean_mpi() its share of the rows.
 * Process 0 prints the estimate, and rm_mean()'s on every row: the same bits.
 *
 *     mpirun -np P estimate_mpi FILE     FILE: CSV or .npy, one observation per row
 *
 * Build it against an installed librobustmean_mpi with either
 *     mpicc estimate_mpi.c -o estimate_mpi $(pkg-config --cflags --libs robustmean_mpi)
 *     cmake -S . -B build && cmake --build build      (the CMakeLists.txt next to this) */
#include <stdio.h>
#include <stdlib.h>

#include <robustmean_mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -np P %s FILE\n", argv[0]);
        MPI_Finalize();
        return 2;
    }
    rm_read_options read;
    rm_read_options_init(&read);
    read.storage = RM_STORAGE_DOUBLE;
    rm_data data;
    rm_read_error err;
    int status = rm_read_file(argv[1], &read, &data, &err);
    /* every process reads the same file: a failure is the same on all */
    if (status != RM_OK) {
        if (rank == 0)
            fprintf(stderr, "%s: %s\n", argv[1], err.message[0] ? err.message : rm_strerror(status));
        MPI_Finalize();
        return 1;
    }
    size_t lo = data.n * (size_t)rank / (size_t)size, hi = data.n * (size_t)(rank + 1) / (size_t)size;
    rm_options opt;
    rm_options_init(&opt);
    opt.method = "median";
    double *spread = malloc(data.d * sizeof *spread), *whole = malloc(data.d * sizeof *whole);
    rm_report rep;
    status = rm_mean_mpi(MPI_COMM_WORLD, data.values + lo * data.d, hi - lo, data.d, &opt,
                         spread, &rep);
    if (status == RM_OK)
        status = rm_mean(data.values, data.n, data.d, &opt, whole, NULL);
    if (rank == 0) {
        printf("library     librobustmean %s (header %s)\n", rm_version(), RM_VERSION_STRING);
        printf("processes   %d, %zu rows x %zu columns\n", size, rep.n, rep.d);
        printf("status      %s%s%s\n", rm_strerror(status), rep.message[0] ? ": " : "",
               rep.message);
        int same = status == RM_OK;
        printf("median     ");
        for (size_t j = 0; status == RM_OK && j < data.d; j++) {
            printf(" %.17g", spread[j]);
            same = same && spread[j] == whole[j];
        }
        printf("\nas rm_mean  %s\n", same ? "yes, to the bit" : "no");
    }
    free(spread);
    free(whole);
    rm_data_free(&data);
    MPI_Finalize();
    return status == RM_OK ? 0 : 1;
}
