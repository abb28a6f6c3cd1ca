/* See run.h. */
#include "silo/run.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/clock.h"
#include "numerics/centre.h"
#include "numerics/summation.h"
#include "silo/endgame.h"
#include "silo/eps_auto.h"
#include "silo/eps_check.h"
#include "silo/gap.h"
#include "silo/shape_run.h"
#include "silo/shape_step.h"
#include "silo/state.h"
#include "silo/units.h"
#include "silo/warm.h"

/* Spread over processes, every process's (RM_OK or a hook's code). */
static int fill_report(const silo *s, rm_report *rep)
{
    size_t n = s->n, total = s->total;
    const silo_point *best = &s->kept.best;
    rep->oracle = s->oracle.dense ? "dense" : "lanczos";
    rep->iterations = s->st.iteration;
    rep->products = s->cost.products;
    rep->passes = s->cost.passes + (size_t)ceil(s->cost.passes_partial);
    rep->objective = rm_silo_unscale_objective(s, best->F);
    rep->gap = rm_silo_unscale_objective(s, best->gap);
    rep->directions = best->k_gap;
    rep->weight_cap = s->st.u;
    double gap_rel = best->F > 0.0 ? best->gap / best->F : 0.0;
    double eps = s->st.eps, top = 0.0;
    for (size_t i = 0; i < n; i++)
        if (best->q[i] > top)
            top = best->q[i];
    uint64_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += best->q[i] < 0.5 * s->st.u;
    int status = rm_silo_largest_everywhere(s->m.range, RM_OK, &top);
    status = rm_row_range_combine(s->m.range, status, &outliers, 1, RM_COMBINE_SUM_COUNTS);
    if (status != RM_OK)
        return status;
    if (top > s->st.u) /* the filter: the eps whose cap its largest weight meets */
        eps = 1.0 - 1.0 / ((double)total * top);
    rep->guarantee = s->st.eps < 1.0 / 3.0;
    rm_gap_bounds b = rm_gap_bounds_of(eps, s->tg.delta, gap_rel);
    rep->certified = b.valid && gap_rel <= s->tg.tol;
    rep->bound_objective = rep->certified ? b.objective : NAN;
    rep->bound_error = rep->certified ? b.error : NAN;
    rep->sigma_certificate =
        s->opt.sigma > 0.0 ? rm_sigma_certificate(eps, rep->objective, s->opt.sigma) : NAN;
    rep->outliers = (size_t)outliers;
    rep->columns_scaled = s->m.ctr->unit != NULL;
    rep->eps_chosen = s->st.eps;
    rep->outlier_fraction = (double)outliers / (double)total;
    return RM_OK;
}

/* Robust column units (rm_scaling): asked for, or by default for the capped solvers when
 * no sigma (in the data's units) is given. */
static int wants_units(const rm_options *opt, const rm_solver *solver)
{
    if (opt->column_scaling == RM_SCALING_AUTO)
        return solver->capped && !(opt->sigma > 0.0);
    return opt->column_scaling == RM_SCALING_ROBUST;
}

/* Robust units fitted on the m rows listed in rows (NULL: every row). Spread over
 * processes, on a copy of those rows (of every row only when they are no more than the
 * gap's sample: rm_silo_gap_rows), the same as one process's on them. */
static int inlier_units(const rm_problem *p, rm_centre *ctr, const size_t *rows, size_t m,
                        double eps, double start)
{
    const rm_matrix *X = &p->X;
    if (!p->range)
        return rm_silo_inlier_units(X, ctr, rows, rows ? m : X->n, p->opt, p->clock, eps,
                                    start);
    size_t *every = NULL;
    if (!rows) {
        m = rm_row_range_total(p->range);
        every = rm_alloc_array(m, sizeof *every);
        for (size_t i = 0; every && i < m; i++)
            every[i] = i;
    }
    double *copy = NULL;
    char unused[sizeof ((rm_report *)0)->message] = "";
    int status = rm_row_range_agree(p->range, rows || every ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_silo_warm_sample_range(X, p->range, rows ? rows : every, m, p->opt->threads,
                                           &copy);
    rm_options repeated = *p->opt; /* every process repeats it: see rm_silo_warm_start */
    repeated.interrupt = NULL;
    if (status == RM_OK) {
        rm_matrix sample = rm_matrix_of_doubles(copy, m, X->d);
        status = rm_silo_inlier_units(&sample, ctr, NULL, m, &repeated, p->range, eps, start);
    }
    free(copy);
    free(every);
    return status;
}

/* The centre and the samples of a solve on X: with a warm start, the centre is the
 * medians of the gap's sample, drawn by keys taken at a provisional centre (the columns'
 * midranges: one pass, where the medians of all rows take three; a centre only has to sit
 * among the bulk: bench/TUNING.md, WARM_CENTRE_SAMPLE); without, the medians of all rows.
 * With units, each column's unit, fitted at eps, over a sample (or all rows when n is
 * small).
 * *warm: the warm start's sample (*warm_m rows), or NULL. On failure nothing is left to
 * free. */
static int prepare(const rm_problem *p, int units, double eps, double start, rm_centre *ctr,
                   size_t *gap_rows, size_t *gap_n, double **warm, size_t *warm_m)
{
    const rm_matrix *X = &p->X;
    const rm_row_range *range = p->range;
    int threads = p->opt->threads;
    int status = *warm_m ? rm_centre_init_midrange_range(ctr, X, range, threads)
                         : rm_centre_init_range(ctr, X, range, threads);
    if (status != RM_OK)
        return status;
    char unused[sizeof ((rm_report *)0)->message] = "";
    if (!*gap_n) {
        status = units ? inlier_units(p, ctr, NULL, 0, eps, start) : RM_OK;
        /* spread, a failure of this process's own steps is every one's */
        status = rm_row_range_agree(range, status, unused);
        if (status != RM_OK)
            rm_centre_free(ctr);
        return status;
    }
    size_t *warm_rows = rm_alloc_array(*warm_m, sizeof *warm_rows);
    rm_moments m = {.X = *X, .n = X->n, .d = X->d, .ctr = ctr, .range = range};
    status = rm_row_range_agree(range, warm_rows ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_silo_draw_samples(&m, threads, gap_rows, gap_n, warm_rows, warm_m);
    if (status == RM_OK && *warm_m) {
        status = rm_silo_warm_sample_range(X, range, warm_rows, *warm_m, threads, warm);
        /* spread, the gap's rows are the warm sample's first (the samples are nested, in
         * the order of their keys): its copy holds them */
        rm_matrix first = rm_matrix_of_doubles(*warm, *gap_n, X->d);
        if (status == RM_OK)
            status = range ? rm_centre_move_to_rows(ctr, &first, NULL, *gap_n, threads)
                           : rm_centre_move_to_rows(ctr, X, gap_rows, *gap_n, threads);
    }
    /* the keys round each column on its own grid, so the samples do not depend on units;
     * the units from the larger sample when there is one: their sampling noise stretches
     * the metric unevenly, which a solve on many rows then has to work through
     * (bench/TUNING.md, UNITS) */
    if (status == RM_OK && units && *warm) {
        rm_matrix sample = rm_matrix_of_doubles(*warm, *warm_m, X->d);
        rm_options repeated = *p->opt; /* spread, every process repeats it */
        if (range)
            repeated.interrupt = NULL;
        status = rm_silo_inlier_units(&sample, ctr, NULL, *warm_m, &repeated,
                                      range ? range : p->clock, eps, start);
    } else if (status == RM_OK && units) {
        status = inlier_units(p, ctr, gap_rows, *gap_n, eps, start);
    }
    status = rm_row_range_agree(range, status, unused);
    free(warm_rows);
    if (status != RM_OK) {
        free(*warm);
        *warm = NULL;
        rm_centre_free(ctr);
    }
    return status;
}

/* From the set-up (and the warm start) to the estimate's weights in s->kept.best. */
static int solve(silo *s, double start, rm_stop *stop)
{
    const rm_solver *solver = s->solver;
    int status = rm_silo_iterate(s, start, stop);
    if (status == RM_OK && solver->capped)
        status = rm_silo_endgame(s, start, stop);
    if (status >= 0 && solver->capped)
        rm_silo_prefer_certified(s);
    if (status >= 0 && !solver->capped) {
        /* Weights that left the capped simplex: measure the gap of the best iterate on the
         * simplex that holds them, and certify (or not) with that simplex's eps. */
        memcpy(s->q, s->kept.best.q, s->n * sizeof *s->q);
        s->tg.effective_cap = 1;
        int again = rm_silo_evaluate(s);
        if (again != RM_OK)
            status = again;
        s->kept.best.gap = s->ev.gap;
        s->kept.best.k_gap = s->ev.k_gap;
    }
    return status;
}

/* The shape step by default for the capped solvers (rm_shaping), on request for them. */
static int wants_shape(const rm_options *opt, const rm_solver *solver)
{
    return solver->capped && opt->shaping != RM_SHAPING_NONE;
}

/* eps = 0: Delta is the single point q = 1/n, the estimate the sample mean. */
static int sample_mean(const rm_problem *p, double *mean, rm_report *rep)
{
    size_t total = p->range ? rm_row_range_total(p->range) : p->n;
    int status = rm_column_means_range(&p->X, p->range, mean, p->opt->threads);
    if (status != RM_OK)
        return status;
    if (p->weights)
        for (size_t i = 0; i < p->n; i++)
            p->weights[i] = 1.0 / (double)total;
    rep->stop = RM_STOP_EPS_ZERO;
    rep->weight_cap = 1.0 / (double)total;
    rep->eps_chosen = 0.0;
    rep->outlier_fraction = 0.0;
    return RM_OK;
}

/* Spread over processes (p->range), what a solve needs that does not run so yet: choosing
 * eps without a warm sample (its path of solves on all rows; with one, every process
 * chooses alike on the sample): RM_EUNSUPPORTED with the words, decided from what every
 * process shares (the options, n and d); else RM_OK. */
static int spread_yet(const rm_problem *p, int choose, size_t n, rm_report *rep)
{
    const char *what = p->range && choose && !rm_silo_warm_rows(n, p->d)
                           ? "choosing eps (-e auto) without a warm start's sample (fewer rows)"
                           : NULL;
    if (!what)
        return RM_OK;
    snprintf(rep->message, sizeof rep->message,
             "%s does not run on rows spread over processes yet", what);
    return RM_EUNSUPPORTED;
}

int rm_silo_run(const rm_problem *p, const rm_solver *solver, double *mean, rm_report *rep)
{
    size_t n = p->range ? rm_row_range_total(p->range) : p->n; /* every process's rows */
    int choose = p->eps == RM_EPS_AUTO;
    double eps = choose ? RM_SILO_EPS_AUTO_START : isnan(p->eps) ? 0.0 : p->eps;
    if (eps == 0.0)
        return sample_mean(p, mean, rep);
    int status = spread_yet(p, choose, n, rep);
    if (status != RM_OK)
        return status;
    if (choose && n < RM_EPS_AUTO_MIN_ROWS) {
        snprintf(rep->message, sizeof rep->message,
                 "choosing eps needs at least %d rows, not %zu: give eps", RM_EPS_AUTO_MIN_ROWS,
                 n);
        return RM_ETOOFEW;
    }
    if (p->d > 0x7fffffff || n > 0x7fffffff)
        return RM_EOVERFLOW; /* BLAS takes int dimensions */
    double start = rm_clock_seconds();
    rm_centre ctr;
    size_t warm_m = rm_silo_warm_rows(n, p->d), gap_n = rm_silo_gap_rows(n);
    size_t *gap_rows = rm_alloc_array(gap_n, sizeof *gap_rows);
    double *warm = NULL;
    /* spread over processes, a failure of one process's own is every one's: each
     * process's own steps (allocations) agree before the next common one */
    status = rm_row_range_agree(p->range, gap_rows ? RM_OK : RM_ENOMEM, rep->message);
    if (status != RM_OK) {
        free(gap_rows);
        return status;
    }
    status = prepare(p, wants_units(p->opt, solver), eps, start, &ctr, gap_rows, &gap_n,
                     &warm, &warm_m);
    if (status != RM_OK) {
        free(gap_rows);
        return status;
    }
    if (p->range && ctr.coarse_count) { /* its estimate sums x over the rows (moments.h) */
        snprintf(rep->message, sizeof rep->message,
                 "a column spanning too little of the largest (its values subnormal beside "
                 "the others) does not run on rows spread over processes yet");
        status = RM_EUNSUPPORTED;
    }
    if (choose && status == RM_OK) {
        /* on the warm start's sample, or on all rows (bench/TUNING.md, EPS_AUTO); spread,
         * every process chooses alike on the sample (its interrupt left to the solve) */
        rm_matrix sample = warm ? rm_matrix_of_doubles(warm, warm_m, p->d) : p->X;
        rm_options repeated = *p->opt;
        if (p->range)
            repeated.interrupt = NULL;
        status = rm_silo_choose_eps(&sample, &ctr, n, &repeated,
                                    p->range ? p->range : p->clock, start, &eps);
        status = rm_row_range_agree(p->range, status, rep->message); /* (its own memory) */
        if (status == RM_OK && eps == 0.0) {
            free(warm);
            rm_centre_free(&ctr);
            free(gap_rows);
            return sample_mean(p, mean, rep);
        }
    }
    silo s;
    rm_eps_check check = {.ratio = NAN, .shift = NAN, .excess = NAN};
    memset(&s, 0, sizeof s);
    silo_setup setup = {.X = &p->X,
                        .centre = &ctr,
                        .opt = p->opt,
                        .eps = eps,
                        .solver = solver,
                        .gap_rows = gap_rows,
                        .gap_n = gap_n,
                        .range = p->range,
                        .clock = p->clock};
    if (status == RM_OK)
        status = rm_silo_init(&s, &setup);
    status = rm_row_range_agree(p->range, status, rep->message);
    if (status == RM_OK && warm) /* the check of eps runs there, on the sample */
        status = rm_silo_warm_start(&s, warm, warm_m, start, &check);
    free(warm); /* done with: its memory goes back before the solve on all rows */
    if (status == RM_OK)
        status = solve(&s, start, &rep->stop);
    /* the point reported: the check of eps below continues the solve from it */
    silo_reported pt = {.q = p->weights ? p->weights : rm_alloc_array(p->n, sizeof *pt.q),
                        .mu = rm_alloc_array(p->d, sizeof *pt.mu),
                        .F = s.kept.best.F,
                        .eps = s.st.eps,
                        .cap = s.st.u};
    int held = rm_row_range_agree(p->range, pt.q && pt.mu ? RM_OK : RM_ENOMEM, rep->message);
    if (status >= 0 && held != RM_OK)
        status = held;
    if (status >= 0) {
        rep->converged = status == RM_OK;
        int filled = fill_report(&s, rep);
        if (filled != RM_OK)
            status = filled;
    }
    if (status >= 0) {
        memcpy(pt.q, s.kept.best.q, p->n * sizeof *pt.q);
        memcpy(pt.mu, s.kept.best.mu, p->d * sizeof *pt.mu);
        size_t before = s.cost.passes, products = s.cost.products;
        int checked = warm_m ? RM_OK : rm_silo_eps_check(&s, start, 0.0, &check);
        if (checked < 0)
            status = checked;
        rep->passes += s.cost.passes - before;
        rep->products += s.cost.products - products;
    }
    /* The check of eps in z is judged after the shape step: where the step runs to its
     * end, the check made in its metric replaces it (in z, on anisotropic data, the
     * inliers' own dominant directions fall and lean as corrupted rows do: bench/
     * TUNING.md, EPS_CHECK). */
    if (status >= 0 && rep->certified && !rm_silo_sigma_contradicted(rep, p->opt->sigma) &&
        wants_shape(p->opt, solver)) {
        int shaped = rm_silo_refine_shape(p, solver, rm_silo_run, &s, &pt, gap_rows, gap_n,
                                          start, rep, &check);
        if (shaped < 0)
            status = shaped;
    }
    if (status >= 0)
        rm_silo_judge_consistency(rep, &check, p->opt->sigma);
    if (status >= 0)
        rm_moments_unscale(&s.m, pt.q, pt.mu, mean);
    if (pt.q != p->weights)
        free(pt.q);
    free(pt.mu);
    rm_silo_free(&s);
    rm_centre_free(&ctr);
    free(gap_rows);
    return status;
}
