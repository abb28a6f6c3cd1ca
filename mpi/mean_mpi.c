/* rm_mean_mpi() and its variants: agree on the sizes and the options, then run
 * librobustmean's estimate on this process's rows with the MPI hooks (link.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "estimate.h"
#include "link.h"
#include "method_table.h"
#include "robustmean_mpi.h"

/* FNV-1a over the bytes of a value. */
static uint64_t mix(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * UINT64_C(1099511628211);
    return h;
}

/* A fingerprint of the options every process must share: all but threads (each
 * process's own) and the interrupt (a local function; its verdict is shared). */
static uint64_t options_print(const rm_options *o)
{
    uint64_t h = UINT64_C(14695981039346656037);
    const char *method = o->method ? o->method : "";
    h = mix(h, method, strlen(method) + 1);
#define MIX(field) h = mix(h, &o->field, sizeof o->field)
    MIX(eps);
    MIX(seed);
    MIX(max_iter);
    MIX(tol);
    MIX(blocks);
    MIX(delta);
    MIX(sigma);
    MIX(max_seconds);
    MIX(max_directions);
    MIX(oracle);
    MIX(column_scaling);
    MIX(shaping);
    MIX(layout);
#undef MIX
    return h;
}

/* What each process tells the others before anything else. */
enum { SAY_ROWS, SAY_D, SAY_OPTIONS, SAY_COUNT };

/* The global row offsets from every process's rows, or a failure worded in message, the
 * same on every process (they all judge the same gathered values). */
static int check_shapes(const uint64_t *said, int size, size_t *offsets, char *message,
                        size_t message_size)
{
    offsets[0] = 0;
    for (int p = 0; p < size; p++) {
        const uint64_t *s = said + (size_t)p * SAY_COUNT;
        if (s[SAY_D] != said[SAY_D]) {
            snprintf(message, message_size,
                     "the processes disagree on d: process 0 has %llu columns, process %d has %llu",
                     (unsigned long long)said[SAY_D], p, (unsigned long long)s[SAY_D]);
            return RM_EINVAL;
        }
        if (s[SAY_OPTIONS] != said[SAY_OPTIONS]) {
            snprintf(message, message_size,
                     "the processes disagree on the options: process %d's differ from process 0's",
                     p);
            return RM_EINVAL;
        }
        if (s[SAY_ROWS] > SIZE_MAX - offsets[p]) {
            snprintf(message, message_size, "the rows of all processes overflow size_t");
            return RM_EOVERFLOW;
        }
        offsets[p + 1] = offsets[p] + (size_t)s[SAY_ROWS];
    }
    return RM_OK;
}

/* A report for a call that stopped before the estimate started. */
static int refuse(const rm_options *opt, rm_report *rep, int status, const char *message,
                  size_t n, size_t d)
{
    rm_options_check(opt, rep);
    rep->n = n;
    rep->d = d;
    rep->status = status;
    rep->converged = 0;
    snprintf(rep->message, sizeof rep->message, "%s", message);
    return status;
}

int rm_mean_mpi_counted(MPI_Comm comm, const double *X_local, const float *X_float,
                        size_t n_local, size_t d, const rm_options *opt, double *mean,
                        double *weights_local, rm_report *report, rm_mpi_traffic *traffic)
{
    rm_mpi_traffic own_traffic;
    rm_report own_report;
    rm_options defaults;
    if (!traffic)
        traffic = &own_traffic;
    if (!report)
        report = &own_report;
    if (!opt) {
        rm_options_init(&defaults);
        opt = &defaults;
    }
    memset(traffic, 0, sizeof *traffic);
    rm_mpi_link link = {.comm = comm, .traffic = traffic};
    if (comm == MPI_COMM_NULL || MPI_Comm_rank(comm, &link.rank) != MPI_SUCCESS ||
        MPI_Comm_size(comm, &link.size) != MPI_SUCCESS)
        return refuse(opt, report, RM_EINVAL, "no MPI communicator", n_local, d);

    uint64_t mine[SAY_COUNT] = {[SAY_ROWS] = n_local, [SAY_D] = d,
                                [SAY_OPTIONS] = options_print(opt)};
    uint64_t *said = rm_alloc_array((size_t)link.size, sizeof mine);
    size_t *offsets = rm_alloc_array((size_t)link.size + 1, sizeof *offsets);
    int ok = said && offsets, all = 0;
    if (MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm) != MPI_SUCCESS ||
        (all && MPI_Allgather(mine, SAY_COUNT, MPI_UINT64_T, said, SAY_COUNT, MPI_UINT64_T,
                              comm) != MPI_SUCCESS)) {
        free(said);
        free(offsets);
        return refuse(opt, report, RM_EIO, "an MPI collective failed", n_local, d);
    }
    rm_mpi_link_count(&link, sizeof ok, sizeof all);
    if (!all) {
        free(said);
        free(offsets);
        return refuse(opt, report, RM_ENOMEM, "", n_local, d);
    }
    rm_mpi_link_count(&link, sizeof mine, (size_t)link.size * sizeof mine);
    char message[sizeof report->message] = "";
    int status = check_shapes(said, link.size, offsets, message, sizeof message);
    free(said);
    if (status != RM_OK) {
        free(offsets);
        return refuse(opt, report, status, message, n_local, d);
    }

    rm_row_range range = {.index = (size_t)link.rank,
                          .parts = (size_t)link.size,
                          .offsets = offsets,
                          .hooks = rm_mpi_link_hooks(&link)};
    rm_matrix M = X_float ? rm_matrix_of_floats(X_float, n_local, d)
                          : rm_matrix_of_doubles(X_local, n_local, d);
    status = rm_estimate_rows(&M, &range, opt, mean, weights_local, weights_local != NULL,
                              report);
    free(offsets);
    /* The report is the same on every process; its time is the slowest one's. */
    double slowest = report->seconds;
    if (MPI_Allreduce(&report->seconds, &slowest, 1, MPI_DOUBLE, MPI_MAX, comm) == MPI_SUCCESS) {
        rm_mpi_link_count(&link, sizeof slowest, sizeof slowest);
        report->seconds = slowest;
    }
    return status;
}

int rm_mean_mpi(MPI_Comm comm, const double *X_local, size_t n_local, size_t d,
                const rm_options *opt, double *mean, rm_report *report)
{
    return rm_mean_mpi_counted(comm, X_local, NULL, n_local, d, opt, mean, NULL, report, NULL);
}

int rm_mean_mpi_float(MPI_Comm comm, const float *X_local, size_t n_local, size_t d,
                      const rm_options *opt, double *mean, rm_report *report)
{
    return rm_mean_mpi_counted(comm, NULL, X_local, n_local, d, opt, mean, NULL, report, NULL);
}

int rm_method_spreads(const char *name)
{
    const rm_method *m = rm_method_lookup(name ? name : rm_method_default());
    return m && m->spreads;
}
