/* See eps_auto.h. */
#include "silo/eps_auto.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "numerics/passes.h"
#include "silo/solver.h"
#include "silo/state.h"

/* The fractions tried below the start, the steps of the start's solve and of each
 * continuation, and the slack on the clean rows' objective (bench/TUNING.md, EPS_AUTO). */
#define EPS_PATH_STEPS 5
#define EPS_START_STEPS 20
#define EPS_PATH_SLACK 0.03
static const double path[] = {0.2, 0.1, 0.05, 0.02, 0.0};

/* The share of its variance that N(0, I_d) keeps along every direction when the eps of
 * its rows farthest from the mean go: E[chi2_d; chi2_d <= c] / (d (1 - eps)) with
 * P(chi2_d > c) = eps, which is P(chi2_{d+2} <= c) / (1 - eps). The clean rows' objective
 * falls this way as eps grows (measured: within 2% of the solve's for d = 2, 5, 20). */
static double shell_share(double d, double eps)
{
    if (!(eps > 0.0))
        return 1.0;
    return gsl_cdf_chisq_P(gsl_cdf_chisq_Qinv(eps, d), d + 2.0) / (1.0 - eps);
}

/* The effective dimension tr(Sigma_q) / ||Sigma_q|| of the best iterate: d for round
 * inliers, about the number of dominant directions for spiked ones. */
static int effective_dimension(silo *s, double *d_eff)
{
    double *norms = rm_alloc_array(s->n, sizeof *norms);
    if (!norms)
        return RM_ENOMEM;
    rm_scoring sc = {.mu = s->kept.best.mu, .norms = norms};
    int status = rm_pass_scores(&s->m, s->opt.threads, &sc);
    double trace = 0.0;
    for (size_t i = 0; status == RM_OK && i < s->n; i++)
        trace += s->kept.best.q[i] * norms[i];
    free(norms);
    *d_eff = fmin(fmax(trace / s->kept.best.F, 1.0), (double)s->d);
    return status;
}

int rm_silo_choose_eps(const rm_matrix *X, const rm_centre *ctr, size_t n, const rm_options *opt,
                       const rm_row_range *clock, double start, double *eps)
{
    size_t m = X->n;
    *eps = RM_SILO_EPS_AUTO_START;
    rm_options quick = *opt;
    quick.sigma = 0.0;
    quick.max_iter = EPS_START_STEPS;
    silo s;
    memset(&s, 0, sizeof s);
    silo_setup setup = {.X = X,
                        .centre = ctr,
                        .opt = &quick,
                        .eps = RM_SILO_EPS_AUTO_START,
                        .solver = &rm_solver_lowregret,
                        .clock = clock};
    int status = rm_silo_init(&s, &setup);
    rm_stop why;
    if (status == RM_OK)
        status = rm_silo_iterate(&s, start, &why);
    double F0 = s.kept.best.F, d_eff = (double)X->d;
    if (status >= 0 && F0 > 0.0)
        status = effective_dimension(&s, &d_eff);
    double edge = 1.0 + sqrt(d_eff / (double)m), base = shell_share(d_eff, RM_SILO_EPS_AUTO_START);
    for (size_t k = 0; status >= 0 && F0 > 0.0 && k < sizeof path / sizeof *path; k++) {
        /* what clean rows would reach at path[k]: their trimmed share, and the sampling
         * edge the kept rows' top eigenvalue grows towards as fewer rows go (measured:
         * about (1 + sqrt(d/m)) at eps = 0), and a slack */
        double limit = F0 * shell_share(d_eff, path[k]) / base * edge * (1.0 + EPS_PATH_SLACK);
        int spent;
        status = rm_silo_time_spent(clock, opt, start, &spent);
        if (status != RM_OK || spent)
            break;
        status = rm_silo_restart(&s, path[k]);
        if (status != RM_OK)
            break;
        s.opt.max_iter = EPS_PATH_STEPS;
        s.opt.sigma = sqrt(rm_silo_unscale_objective(&s, limit)); /* stop once below it */
        status = rm_silo_iterate(&s, start, &why);
        if (status < 0 || s.kept.best.F > limit)
            break;
        *eps = path[k];
    }
    if (m < n && *eps > 0.0) /* a sample may hold fewer corrupted rows than the data */
        *eps = fmin(RM_SILO_EPS_AUTO_START, *eps + 3.0 * sqrt(*eps * (1.0 - *eps) / (double)m));
    rm_silo_free(&s);
    return status < 0 ? status : RM_OK;
}
