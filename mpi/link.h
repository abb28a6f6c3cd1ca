/* The row range's hooks (src/common/row_range.h) over an MPI communicator: the
 * collectives librobustmean's passes and checks call, each counted. */
#ifndef RM_MPI_LINK_H
#define RM_MPI_LINK_H

#include <mpi.h>

#include "common/row_range.h"
#include "robustmean_mpi.h"

typedef struct rm_mpi_link {
    MPI_Comm comm;
    int rank, size;
    rm_mpi_traffic *traffic; /* never NULL */
} rm_mpi_link;

/* The hooks, their ctx the link. */
rm_row_hooks rm_mpi_link_hooks(rm_mpi_link *link);

/* rm_mpi_agree on the link's communicator, counted. */
int rm_mpi_link_agree(rm_mpi_link *link, int status, char *message, size_t message_size);

/* Count one collective of sent and received bytes. */
void rm_mpi_link_count(rm_mpi_link *link, size_t sent, size_t received);

#endif
