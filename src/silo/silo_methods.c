/* The three SILO rows of the method table: each runs the whole solve (run.h) with its
 * step rule. */
#include "common/method.h"
#include "silo/run.h"

static int run_lowregret(const rm_problem *p, double *mean, rm_report *report)
{
    return rm_silo_run(p, &rm_solver_lowregret, mean, report);
}

static int run_pgd(const rm_problem *p, double *mean, rm_report *report)
{
    return rm_silo_run(p, &rm_solver_pgd, mean, report);
}

static int run_filter(const rm_problem *p, double *mean, rm_report *report)
{
    return rm_silo_run(p, &rm_solver_filter, mean, report);
}

const rm_method rm_method_lowregret = {
    .info = {.name = "lowregret",
             .summary = "SILO low-regret KKT finder (multiplicative weights): error "
                        "O(sigma*sqrt(eps)) for eps < 1/3, dimension-free, sigma not needed",
             .needs_eps = 1,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 1,
             .auto_eps = 1,
             .options = "max_iter tol delta sigma max_seconds max_directions oracle column_scaling "
                        "shaping"},
    .run = run_lowregret,
    .spreads = 1,
};

const rm_method rm_method_pgd = {
    .info = {.name = "pgd",
             .summary = "SILO projected gradient descent on the capped simplex: error "
                        "O(sigma*sqrt(eps)) for eps < 1/3, sigma not needed",
             .needs_eps = 1,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 1,
             .auto_eps = 1,
             .options = "max_iter tol delta sigma max_seconds max_directions oracle column_scaling "
                        "shaping"},
    .run = run_pgd,
    .spreads = 1,
};

const rm_method rm_method_filter = {
    .info = {.name = "filter",
             .summary = "SILO unconstrained-gradient variant (soft filter): fast, not "
                        "guaranteed in every case; its stationarity gap is reported",
             .needs_eps = 1,
             .eps_min = 0.0,
             .eps_max = 0.5,
             .weights_rows = 1,
             .options = "max_iter tol delta sigma max_seconds max_directions oracle column_scaling"},
    .run = run_filter,
    .spreads = 1,
};
