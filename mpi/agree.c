/* rm_mpi_agree(): one failure's status and words on every process. */
#include <string.h>

#include "link.h"
#include "robustmean_mpi.h"

int rm_mpi_link_agree(rm_mpi_link *link, int status, char *message, size_t message_size)
{
    int mine = status != RM_OK ? link->rank : link->size, first = link->size;
    if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, link->comm) != MPI_SUCCESS)
        return RM_EIO;
    rm_mpi_link_count(link, sizeof mine, sizeof first);
    if (first == link->size)
        return RM_OK;
    /* The status in the first bytes, then the words (at most WORDS bytes of them: no
     * allocation that could fail on one process while the others wait). */
    enum { WORDS = 512 };
    unsigned char said[sizeof(int) + WORDS];
    if (message_size > WORDS)
        message_size = WORDS;
    size_t bytes = sizeof(int) + message_size;
    if (link->rank == first) {
        memcpy(said, &status, sizeof status);
        memcpy(said + sizeof status, message, message_size);
        said[bytes - 1] = '\0';
    }
    int ok = MPI_Bcast(said, (int)bytes, MPI_BYTE, first, link->comm) == MPI_SUCCESS;
    if (ok) {
        rm_mpi_link_count(link, link->rank == first ? bytes : 0, bytes);
        memcpy(&status, said, sizeof status);
        memcpy(message, said + sizeof status, message_size);
    }
    return ok ? status : RM_EIO;
}

int rm_mpi_agree(MPI_Comm comm, int status, char *message, size_t message_size)
{
    rm_mpi_traffic traffic = {0};
    rm_mpi_link link = {.comm = comm, .traffic = &traffic};
    if (MPI_Comm_rank(comm, &link.rank) != MPI_SUCCESS ||
        MPI_Comm_size(comm, &link.size) != MPI_SUCCESS)
        return RM_EIO;
    return rm_mpi_link_agree(&link, status, message, message_size);
}
