/* The samples of rows a solve draws by the rows' keys (state.h): the rows the gap is
 * fitted on, and the rows of the warm start's sample solve. */
#include <stdlib.h>

#include "robustmean.h"

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
    const rm_row_range *r = m->range;
    char unused[sizeof ((rm_report *)0)->message] = "";
    double *keys = rm_alloc_array(n, sizeof(double)), *work = rm_alloc_array(n, sizeof(double));
    int status = rm_row_range_agree(r, keys && work ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_row_keys_range(m, r, keys, threads);
    /* (each sample ends on this process's own sort: the processes agree after it) */
    if (status == RM_OK && *gap_n)
        status = rm_row_range_agree(
            r, rm_row_sample_range(keys, n, r, gap_n, gap_rows, work, threads), unused);
    if (status == RM_OK && *warm_n)
        status = rm_row_range_agree(
            r, rm_row_sample_range(keys, n, r, warm_n, warm_rows, work, threads), unused);
    free(keys);
    free(work);
    return status;
}
