/* See eps_check.h. */
#include "silo/eps_check.h"

#include <math.h>

#include "common/clock.h"

/* eps2 = min(EPS_CHECK_FACTOR eps, EPS_CHECK_MAX), and the continuation's iteration cap:
 * it ends sooner, as soon as the objective has fallen below RM_EPS_CHECK_DROP of where
 * it started (bench/TUNING.md, EPS_CHECK_DROP). */
#define EPS_CHECK_FACTOR 2.0
#define EPS_CHECK_MAX 0.45
#define EPS_CHECK_MAX_ITER 5

/* Continue the solve at eps from its best weights for a few steps, stopping once the
 * objective is below target (0: no target); the best objective reached. */
static int continue_at(silo *s, double eps, double start, double target, double *F)
{
    rm_silo_restart(s, eps);
    s->opt.sigma = target > 0.0 ? sqrt(rm_silo_unscale_objective(s, target)) : 0.0;
    rm_stop why;
    int status = rm_silo_iterate(s, start, &why);
    *F = s->kept.best.F;
    return status < 0 ? status : RM_OK;
}

int rm_silo_eps_check(silo *s, double start, double slack, double *ratio)
{
    *ratio = NAN;
    double eps = s->st.eps, eps2 = fmin(EPS_CHECK_FACTOR * eps, EPS_CHECK_MAX);
    double F = s->kept.best.F;
    if (!(eps2 > eps + slack) || !(F > 0.0) ||
        (s->opt.max_seconds > 0.0 && rm_clock_seconds() - start >= s->opt.max_seconds))
        return RM_OK;
    /* The same step rule for every method, so that the check means the same for all. */
    s->solver = &rm_solver_lowregret;
    s->opt.max_iter = EPS_CHECK_MAX_ITER;
    int status = RM_OK;
    if (slack > 0.0) /* a sample's objective where its own excess of corrupted rows is gone */
        status = continue_at(s, eps + slack, start, 0.0, &F);
    double F2 = F;
    if (status == RM_OK && F > 0.0)
        status = continue_at(s, eps2, start, RM_EPS_CHECK_DROP * F, &F2);
    if (status == RM_OK && F > 0.0)
        *ratio = F2 / F;
    return status;
}
