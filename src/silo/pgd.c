/* Projected gradient descent (DESIGN.md, section 3): q <- Proj(q - eta tau) with the
 * Euclidean projection onto the capped simplex; a step that does not lower F is undone
 * and halved, one that does is kept and the next one is 1.5 times longer. */
#include <math.h>
#include <stdint.h>

#include "numerics/simplex.h"
#include "robustmean.h"
#include "silo/solver.h"

static int propose(rm_silo_state *st, double *next)
{
    /* The step is c u / tau_max: c = 1/2 moves the highest-scoring row that carries
     * weight by half the cap. Scaling by the current tau_max, not a fixed eta, lets the
     * step grow as soon as far outliers are gone. */
    if (st->step == 0.0)
        st->step = 0.5;
    double top;
    int status = rm_silo_tau_max(st, 1e-3 * st->u, &top);
    if (status != RM_OK)
        return status;
    double eta = top > 0.0 ? st->step * st->u / top : 0.0;
    size_t n = st->n, kept = 0;
    for (size_t i = 0; i < n; i++)
        next[i] = st->q[i] - eta * st->tau[i];
    /* The projection adds mass back evenly, to rows at zero too: it would revive a far
     * cluster that an earlier step removed, since once its weight is gone no top direction
     * points at it and its scores look small. A row at zero stays there if it is farther
     * from the weighted mean than every weighted row. */
    double reach = 0.0, low = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (st->q[i] > 0.0)
            reach = fmax(reach, st->norms[i]);
    status = rm_silo_largest_everywhere(st->range, status, &reach);
    for (size_t i = 0; i < n; i++)
        if (st->q[i] > 0.0 || st->norms[i] <= reach) {
            kept++;
            low = fmin(low, next[i]);
        }
    if (st->range) { /* over every process */
        uint64_t count = kept;
        status = rm_row_range_combine(st->range, status, &low, 1, RM_COMBINE_MIN);
        status = rm_row_range_combine(st->range, status, &count, 1, RM_COMBINE_SUM_COUNTS);
        kept = (size_t)count;
    }
    if (status != RM_OK)
        return status;
    if ((double)kept * st->u > 1.0)
        for (size_t i = 0; i < n; i++)
            if (st->q[i] == 0.0 && st->norms[i] > reach)
                next[i] = low - st->u - 1.0; /* below any threshold: projected to 0 */
    return rm_simplex_project_l2_range(next, n, st->u, next, st->threads, st->range, NULL);
}

static int accept(rm_silo_state *st, double F_next)
{
    if (F_next < st->F) {
        st->step *= 1.5;
        return 1;
    }
    st->step *= 0.5;
    return 0;
}

const rm_solver rm_solver_pgd = {.propose = propose,
                                 .accept = accept,
                                 .capped = 1,
                                 .softmax_step = 1,
                                 .needs_norms = 1,
                                 .can_reject = 1};
