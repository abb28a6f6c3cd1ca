/* See eps_check.h. */
#include "silo/eps_check.h"

#include <math.h>

#include "numerics/chunk_sums.h"
#include "numerics/passes.h"
#include "numerics/quantiles.h"

/* eps2 = min(EPS_CHECK_FACTOR eps, EPS_CHECK_MAX), and the continuation's iteration cap:
 * it ends sooner, as soon as the objective has fallen below RM_EPS_CHECK_DROP of where
 * it started (bench/TUNING.md, EPS_CHECK_FACTOR). */
#define EPS_CHECK_FACTOR 2.0
#define EPS_CHECK_MAX 0.45
#define EPS_CHECK_MAX_ITER 5

/* The signed projections t_i = <z_i - mu, v> the scores pass hands over, kept. */
static void take_projections(void *ctx, size_t first, size_t rows, const double *t, size_t k)
{
    double *kept = ctx;
    for (size_t i = 0; i < rows; i++)
        kept[first + i] = t[i * k];
}

/* Over rows [lo, hi) of the best iterate: the weighted sum of the projections t, the
 * total weight and the number of kept rows (at half the cap or more). */
static void lean_sums(const silo *s, const double *t, size_t lo, size_t hi, double out[3])
{
    const double *q = s->kept.best.q;
    double mean = 0.0, total = 0.0, count = 0.0;
    for (size_t i = lo; i < hi; i++) {
        mean += q[i] * t[i];
        total += q[i];
        count += q[i] >= 0.5 * s->st.u;
    }
    out[0] = mean;
    out[1] = total;
    out[2] = count;
}

/* The shift and the excess of the best iterate (eps_check.h): a pass over the rows for the
 * projections on its top direction, then medians over the kept rows' (those at half the
 * cap or more: the weights of the rest are on their way to 0). */
static int top_direction(silo *s, double *shift, double *excess)
{
    const silo_point *b = &s->kept.best;
    size_t n = s->n;
    *shift = *excess = NAN;
    if (!(b->F > 0.0) || b->k < 1)
        return RM_OK;
    double c = sqrt(b->F), *t = s->work;
    rm_scoring sc = {.mu = b->mu, .V = b->V, .k = 1, .projections = 1,
                     .take = take_projections, .ctx = t};
    int status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    if (status != RM_OK)
        return status;
    s->cost.passes++;
    /* the weighted mean of the projections is 0 up to rounding: mu is the weighted mean */
    double sums[3], *kept = s->next; /* mean, total, kept rows */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (b->q[i] >= 0.5 * s->st.u)
            kept[m++] = t[i];
    if (!s->m.range) {
        lean_sums(s, t, 0, n, sums);
    } else {
        /* spread, sums over chunks of the rows (the same bits on any number of processes
         * split at their boundaries) */
        rm_chunk_plan plan;
        double part[RM_CHUNK_SUMS_MAX][3];
        rm_chunk_plan_init(&plan, s->m.range, n, RM_CHUNK_SUMS_MAX);
        for (size_t k = 0; k < plan.count; k++)
            lean_sums(s, t, plan.piece[k].lo, plan.piece[k].hi, part[k]);
        status = rm_chunk_plan_add(&plan, status, part[0], 3, sums);
        if (status != RM_OK)
            return status;
    }
    double mean = sums[0], total = sums[1], median;
    if (sums[2] == 0.0 || !(total > 0.0))
        return RM_OK;
    mean /= total;
    status = rm_median_range(kept, m, s->m.range, s->opt.threads, &median);
    if (status != RM_OK)
        return status;
    *shift = fabs(mean - median) / c;
    /* the variance a normal bulk with the kept rows' median |t| would have: (median /
     * 0.6745)^2 */
    for (size_t i = 0; i < m; i++)
        kept[i] = fabs(kept[i] - mean);
    status = rm_median_range(kept, m, s->m.range, s->opt.threads, &median);
    if (status != RM_OK)
        return status;
    double bulk = median / 0.6745;
    if (bulk > 0.0)
        *excess = b->F / (bulk * bulk);
    return RM_OK;
}

/* Continue the solve at eps from its best weights for a few steps, stopping once the
 * objective is below target (0: no target); the best objective reached. */
static int continue_at(silo *s, double eps, double start, double target, double *F)
{
    int status = rm_silo_restart(s, eps);
    if (status != RM_OK)
        return status;
    s->opt.sigma = target > 0.0 ? sqrt(rm_silo_unscale_objective(s, target)) : 0.0;
    rm_stop why;
    status = rm_silo_iterate(s, start, &why);
    *F = s->kept.best.F;
    return status < 0 ? status : RM_OK;
}

int rm_silo_eps_check(silo *s, double start, double slack, rm_eps_check *check)
{
    check->ratio = check->shift = check->excess = NAN;
    double eps = s->st.eps, eps2 = fmin(EPS_CHECK_FACTOR * eps, EPS_CHECK_MAX);
    double F = s->kept.best.F;
    if (!(eps2 > eps + slack) || !(F > 0.0))
        return RM_OK;
    int spent;
    int status = rm_silo_time_spent(s->clock, &s->opt, start, &spent);
    if (status != RM_OK || spent)
        return status;
    /* The same step rule for every method, so that the check means the same for all. */
    s->solver = &rm_solver_lowregret;
    s->opt.max_iter = EPS_CHECK_MAX_ITER;
    if (slack > 0.0) /* a sample's objective where its own excess of corrupted rows is gone */
        status = continue_at(s, eps + slack, start, 0.0, &F);
    /* at the point whose F the fall is measured from */
    if (status == RM_OK)
        status = top_direction(s, &check->shift, &check->excess);
    double F2 = F;
    if (status == RM_OK && F > 0.0)
        status = continue_at(s, eps2, start, RM_EPS_CHECK_DROP * F, &F2);
    if (status == RM_OK && F > 0.0)
        check->ratio = F2 / F;
    return status;
}

int rm_silo_sigma_contradicted(const rm_report *rep, double sigma)
{
    return rep->certified && sigma > 0.0 && rep->objective > rep->bound_objective * sigma * sigma;
}

/* A certificate whose condition the data contradicts is withheld: F above what it allows
 * for the given sigma, or F falling far when more rows may go, with the rows kept leaning
 * to one side (eps too small). */
void rm_silo_judge_consistency(rm_report *rep, const rm_eps_check *check, double sigma)
{
    rep->eps_check = check->ratio;
    rep->eps_check_shift = check->shift;
    rep->eps_check_excess = check->excess;
    rep->eps_contradicted = rm_silo_eps_contradicted(check);
    rep->consistent = !rm_silo_sigma_contradicted(rep, sigma) && !rep->eps_contradicted;
    if (!rep->consistent) {
        rep->certified = 0;
        rep->bound_objective = rep->bound_error = NAN;
    }
}
