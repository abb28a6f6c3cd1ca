/* The samples of rows a solve draws by the rows' keys (state.h): the rows the gap is
 * fitted on, and the rows of the warm start's sample solve. */
#include <stdlib.h>

#include "common/alloc.h"
#include "numerics/row_sample.h"
#include "silo/state.h"

/* The gap's weights are fitted on at most this many rows (then evaluated exactly on all
 * of them). */
#define GAP_ROWS 4000

size_t rm_silo_gap_rows(size_t n) { return n > GAP_ROWS ? GAP_ROWS : 0; }

int rm_silo_draw_samples(const rm_moments *m, int threads, size_t *gap_rows, size_t *gap_n,
                         size_t *warm_rows, size_t *warm_n)
{
    size_t n = m->n;
    double *keys = rm_alloc_array(n, sizeof(double)), *work = rm_alloc_array(n, sizeof(double));
    int status = keys && work ? rm_row_keys(m, keys, threads) : RM_ENOMEM;
    if (status == RM_OK && *gap_n) {
        *gap_n = rm_row_sample(keys, n, *gap_n, gap_rows, work);
        status = *gap_n ? RM_OK : RM_ENOMEM;
    }
    if (status == RM_OK && *warm_n) {
        *warm_n = rm_row_sample(keys, n, *warm_n, warm_rows, work);
        status = *warm_n ? RM_OK : RM_ENOMEM;
    }
    free(keys);
    free(work);
    return status;
}
