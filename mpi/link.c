/* See link.h. Two collectives a hook: first every process says whether it can go on (a
 * process out of memory must not leave the others waiting in the gather), then the
 * gather or the broadcast itself. */
#include "link.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean_mpi.h"

void rm_mpi_link_count(rm_mpi_link *link, size_t sent, size_t received)
{
    link->traffic->collectives++;
    link->traffic->bytes_sent += sent;
    link->traffic->bytes_received += received;
}

/* 1 on every process when every one passed ok, else 0. */
static int all_ok(rm_mpi_link *link, int ok)
{
    int all = 0;
    if (MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, link->comm) != MPI_SUCCESS)
        return 0;
    rm_mpi_link_count(link, sizeof ok, sizeof all);
    return all;
}

static int gather(void *ctx, const double *mine, const size_t *counts, size_t size, double *all)
{
    rm_mpi_link *link = ctx;
    int *recv = all ? malloc(2 * (size_t)link->size * sizeof *recv) : NULL;
    /* MPI counts are ints: the same sizes on every process, so the same answer. */
    int fits = recv != NULL;
    size_t total = 0;
    for (int p = 0; p < link->size && fits; p++) {
        fits = counts[p] <= INT_MAX / (size ? size : 1) &&
               total + counts[p] * size <= (size_t)INT_MAX;
        if (fits) {
            recv[p] = (int)(counts[p] * size);
            recv[link->size + p] = (int)total; /* displacement */
            total += counts[p] * size;
        }
    }
    int status = RM_OK;
    if (!all_ok(link, fits))
        status = all && recv ? RM_EOVERFLOW : RM_ENOMEM;
    else if (MPI_Allgatherv(mine, recv[link->rank], MPI_DOUBLE, all, recv, recv + link->size,
                            MPI_DOUBLE, link->comm) != MPI_SUCCESS)
        status = RM_EIO;
    else {
        rm_mpi_link_count(link, (size_t)recv[link->rank] * sizeof(double), total * sizeof(double));
        link->traffic->reductions++;
    }
    free(recv);
    return status;
}

static int combine(void *ctx, int status, void *values, size_t count, rm_combine op)
{
    rm_mpi_link *link = ctx;
    int fits = count <= (size_t)INT_MAX;
    if (!all_ok(link, status == RM_OK && fits))
        return status != RM_OK ? status : fits ? RM_ENOMEM : RM_EOVERFLOW;
    int sum = op == RM_COMBINE_SUM_COUNTS;
    if (MPI_Allreduce(MPI_IN_PLACE, values, (int)count, sum ? MPI_UINT64_T : MPI_DOUBLE,
                      sum ? MPI_SUM : MPI_MIN, link->comm) != MPI_SUCCESS)
        return RM_EIO;
    rm_mpi_link_count(link, count * 8, count * 8);
    link->traffic->reductions++;
    return RM_OK;
}

/* The counts as MPI's ints and their displacements (counts[0..size), displacements after
 * them), or 0 when they do not fit in an int. */
static int as_ints(const size_t *counts, int size, int *out)
{
    size_t total = 0;
    for (int p = 0; p < size; p++) {
        if (counts[p] > (size_t)INT_MAX - total)
            return 0;
        out[p] = (int)counts[p];
        out[size + p] = (int)total;
        total += counts[p];
    }
    return 1;
}

static int exchange(void *ctx, int status, const uint64_t *send, const size_t *send_counts,
                    uint64_t **recv, size_t *recv_counts)
{
    rm_mpi_link *link = ctx;
    size_t size = (size_t)link->size;
    *recv = NULL;
    uint64_t *said = malloc(2 * size * sizeof *said);
    int *ints = malloc(4 * size * sizeof *ints); /* send counts, displacements; receive's */
    int ok = status == RM_OK && said && ints;
    if (ok)
        for (size_t p = 0; p < size; p++)
            said[p] = send_counts[p];
    if (!all_ok(link, ok)) {
        free(said);
        free(ints);
        return status != RM_OK ? status : RM_ENOMEM;
    }
    if (MPI_Alltoall(said, 1, MPI_UINT64_T, said + size, 1, MPI_UINT64_T, link->comm) !=
        MPI_SUCCESS) {
        free(said);
        free(ints);
        return RM_EIO;
    }
    rm_mpi_link_count(link, size * sizeof *said, size * sizeof *said);
    size_t sent = 0, received = 0;
    for (size_t p = 0; p < size; p++) {
        recv_counts[p] = (size_t)said[size + p];
        sent += send_counts[p];
        received += recv_counts[p];
    }
    /* whether every count fits MPI's ints, then whether every process holds its buffer:
     * the same verdict everywhere */
    ok = as_ints(send_counts, link->size, ints) && as_ints(recv_counts, link->size, ints + 2 * size);
    status = all_ok(link, ok) ? RM_OK : RM_EOVERFLOW;
    if (status == RM_OK) {
        *recv = malloc((received ? received : 1) * sizeof **recv);
        status = all_ok(link, *recv != NULL) ? RM_OK : RM_ENOMEM;
    }
    if (status == RM_OK &&
        MPI_Alltoallv(send, ints, ints + size, MPI_UINT64_T, *recv, ints + 2 * size,
                      ints + 3 * size, MPI_UINT64_T, link->comm) != MPI_SUCCESS)
        status = RM_EIO;
    if (status == RM_OK) {
        rm_mpi_link_count(link, sent * sizeof **recv, received * sizeof **recv);
        link->traffic->reductions++;
    } else {
        free(*recv);
        *recv = NULL;
    }
    free(said);
    free(ints);
    return status;
}

static int agree(void *ctx, int status, char *message)
{
    rm_mpi_link *link = ctx;
    return rm_mpi_link_agree(link, status, message, sizeof ((rm_report *)0)->message);
}

rm_row_hooks rm_mpi_link_hooks(rm_mpi_link *link)
{
    return (rm_row_hooks){
        .gather = gather, .agree = agree, .combine = combine, .exchange = exchange, .ctx = link};
}
