/* rm_mpi_read_part(): librobustmean's reading of a part of a .npy, exported here. */
#include "io/read_part.h"
#include "robustmean_mpi.h"

int rm_mpi_read_part(const char *path, const rm_read_options *opt, size_t part, size_t parts,
                     rm_data *out, size_t *first, size_t *total, rm_read_error *err)
{
    return rm_read_file_part(path, opt, part, parts, out, first, total, err);
}
