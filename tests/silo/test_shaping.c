/* The shape step through the public API (rm_shaping): a population hidden below the
 * inliers' spike is found; round inliers take no step; whatever the step does, the
 * estimate stays within the certified radius of the SILO point, its weights give it, and
 * it does not depend on the columns' units. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"
#include "test_util.h"

static const char *const solvers[] = {"lowregret", "pgd"};

static rm_sample generate(const char *inliers, const char *model, size_t n, size_t d, double eps,
                          double spread, uint64_t seed)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.inliers = inliers;
    g.corruption = model;
    g.n = n;
    g.d = d;
    g.eps = eps;
    g.spread = spread;
    g.seed = seed;
    rm_sample s;
    cr_assert_eq(rm_generate(&g, &s), RM_OK);
    return s;
}

static double excess(const rm_sample *s, const double *estimate)
{
    double *oracle = malloc(s->d * sizeof *oracle);
    cr_assert_eq(rm_sample_inlier_mean(s, oracle), RM_OK);
    double e = tu_distance(estimate, s->mu, s->d) - tu_distance(oracle, s->mu, s->d);
    free(oracle);
    return e;
}

static int solve(const rm_sample *s, const char *method, rm_shaping shaping, rm_scaling scaling,
                 double eps, double *mean, double *weights, rm_report *rep)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = eps;
    opt.shaping = shaping;
    opt.column_scaling = scaling;
    return rm_mean_weights(s->X, s->n, s->d, &opt, mean, weights, rep);
}

/* The weights are on the capped simplex and give the estimate. */
static void assert_weights_give(const rm_sample *s, const double *w, const double *mean,
                                double cap)
{
    double sum = 0.0, size = 0.0, *m = calloc(s->d, sizeof *m);
    for (size_t i = 0; i < s->n; i++) {
        cr_assert(w[i] >= 0.0 && w[i] <= cap * (1.0 + 1e-12), "row %zu: %g (cap %g)", i, w[i],
                  cap);
        sum += w[i];
        for (size_t j = 0; j < s->d; j++)
            m[j] += w[i] * s->X[i * s->d + j];
    }
    cr_assert(fabs(sum - 1.0) < 1e-12, "%.17g", sum);
    for (size_t j = 0; j < s->d; j++)
        size += m[j] * m[j];
    cr_assert_leq(tu_distance(m, mean, s->d), 1e-9 * (1.0 + sqrt(size)));
    free(m);
}

Test(shaping, finds_a_population_hidden_below_the_spike)
{
    /* 10% of rows, tighter than the inliers, 2 sigma off along a direction of the
     * inliers' least variance: less than the spike to the top eigenvalue */
    rm_sample s = generate("spiked", "population", 3000, 30, 0.1, 0.1, 21);
    double *flat = malloc(s.d * sizeof *flat), *shaped = malloc(s.d * sizeof *shaped),
           *mean = malloc(s.d * sizeof *mean), *w = malloc(s.n * sizeof *w);
    for (size_t m = 0; m < 2; m++) {
        rm_report none, rep;
        rm_options opt;
        rm_options_init(&opt);
        opt.method = "mean";
        cr_assert_eq(rm_mean(s.X, s.n, s.d, &opt, mean, NULL), RM_OK);
        cr_assert_eq(solve(&s, solvers[m], RM_SHAPING_NONE, RM_SCALING_AUTO, 0.1, flat, w, &none),
                     RM_OK);
        cr_assert_eq(solve(&s, solvers[m], RM_SHAPING_AUTO, RM_SCALING_AUTO, 0.1, shaped, w, &rep),
                     RM_OK);
        double a = excess(&s, flat), b = excess(&s, shaped), c = excess(&s, mean);
        cr_assert_gt(a, 0.5 * c, "%s: without the step the population stays (%g, mean %g)",
                     solvers[m], a, c);
        cr_assert_lt(b, 0.3 * a, "%s: excess %g with the step, %g without", solvers[m], b, a);
        cr_assert(rep.shape_refined && rep.certified, "%s", solvers[m]);
        cr_assert_gt(rep.anisotropy, 10.0, "%g", rep.anisotropy);
        cr_assert_gt(rep.shape_gain, 1.1, "%g", rep.shape_gain);
        cr_assert_leq(rep.shape_shift, rep.shape_radius * (1.0 + 1e-12));
        cr_assert_gt(rep.bound_error, none.bound_error); /* the move is in the bound */
        cr_assert_eq(rep.objective, none.objective);      /* the point's */
        cr_assert(isnan(none.anisotropy) && !none.shape_refined && isnan(none.shape_gain));
        assert_weights_give(&s, w, shaped, rep.weight_cap);
        size_t flagged = 0, caught = 0;
        for (size_t i = 0; i < s.n; i++) {
            flagged += w[i] < 0.5 * rep.weight_cap;
            caught += w[i] < 0.5 * rep.weight_cap && !s.inlier[i];
        }
        cr_assert_eq(rep.outliers, flagged);
        cr_assert_gt(caught, s.outliers * 9 / 10, "%s: %zu of %zu", solvers[m], caught,
                     s.outliers);
    }
    free(flat);
    free(shaped);
    free(mean);
    free(w);
    rm_sample_free(&s);
}

Test(shaping, round_inliers_take_no_step)
{
    rm_sample s = generate("gaussian", "far-cluster", 3000, 30, 0.1, 0.0, 22);
    double *a = malloc(s.d * sizeof *a), *b = malloc(s.d * sizeof *b),
           *w = malloc(s.n * sizeof *w);
    rm_report none, rep;
    cr_assert_eq(solve(&s, "lowregret", RM_SHAPING_NONE, RM_SCALING_AUTO, 0.1, a, w, &none), RM_OK);
    cr_assert_eq(solve(&s, "lowregret", RM_SHAPING_AUTO, RM_SCALING_AUTO, 0.1, b, w, &rep), RM_OK);
    cr_assert(!rep.shape_refined && isnan(rep.shape_gain));
    cr_assert(!rep.eps_check_in_metric, "the check of eps in the data's own coordinates");
    cr_assert(rep.anisotropy >= 1.0 && rep.anisotropy < 2.0, "%g", rep.anisotropy);
    cr_assert_eq(memcmp(a, b, s.d * sizeof *a), 0, "the same estimate, bit for bit");
    free(a);
    free(b);
    free(w);
    rm_sample_free(&s);
}

/* A subtle shift under rotated inliers (a spectrum decaying to 0.01): at half its eps the
 * rows left over hide below the dominant directions, and the check of eps in the data's
 * coordinates passes them; in the shape step's metric they lean and stand off, and the
 * certificate is withdrawn. At the true eps that check passes. */
Test(shaping, checks_eps_in_the_metric)
{
    rm_sample s = generate("rotated", "subtle-shift", 3000, 30, 0.2, 0.0, 1);
    double *mean = malloc(s.d * sizeof *mean), *w = malloc(s.n * sizeof *w);
    for (size_t k = 0; k < 2; k++) {
        rm_report rep;
        cr_assert_eq(solve(&s, solvers[k], RM_SHAPING_AUTO, RM_SCALING_AUTO, 0.1, mean, w, &rep),
                     RM_OK);
        cr_assert(rep.eps_check_in_metric && rep.eps_contradicted,
                  "%s at half eps: in metric %d, check %g, shift %g, excess %g", solvers[k],
                  rep.eps_check_in_metric, rep.eps_check, rep.eps_check_shift,
                  rep.eps_check_excess);
        cr_assert(!rep.consistent && !rep.certified && isnan(rep.bound_error), "%s", solvers[k]);
        cr_assert_eq(solve(&s, solvers[k], RM_SHAPING_AUTO, RM_SCALING_AUTO, 0.2, mean, w, &rep),
                     RM_OK);
        cr_assert(rep.eps_check_in_metric && !rep.eps_contradicted,
                  "%s at the true eps: in metric %d, check %g, shift %g, excess %g", solvers[k],
                  rep.eps_check_in_metric, rep.eps_check, rep.eps_check_shift,
                  rep.eps_check_excess);
        cr_assert(rep.consistent && rep.certified, "%s", solvers[k]);
    }
    free(mean);
    free(w);
    rm_sample_free(&s);
}

/* Heavy tails along dominant directions, at the true eps: in the data's coordinates the
 * objective falls far when more rows may go, and the kept rows lean and stand off (the
 * inliers' own long, uneven tails), so the check there alone calls eps too small; the
 * shape step runs all the same, and its check, where the inliers are round, decides. */
Test(shaping, its_check_replaces_the_one_in_z)
{
    rm_sample s = generate("rotated-student", "variance-shell", 1000, 20, 0.2, 0.0, 4);
    double *mean = malloc(s.d * sizeof *mean), *w = malloc(s.n * sizeof *w);
    rm_report rep;
    cr_assert_eq(solve(&s, "lowregret", RM_SHAPING_NONE, RM_SCALING_AUTO, 0.2, mean, w, &rep),
                 RM_OK);
    cr_assert(!rep.eps_check_in_metric && rep.eps_contradicted && !rep.certified,
              "in z: check %g, shift %g, excess %g", rep.eps_check, rep.eps_check_shift,
              rep.eps_check_excess);
    cr_assert_eq(solve(&s, "lowregret", RM_SHAPING_AUTO, RM_SCALING_AUTO, 0.2, mean, w, &rep),
                 RM_OK);
    cr_assert(rep.eps_check_in_metric && !rep.eps_contradicted,
              "in the metric: check %g, shift %g, excess %g", rep.eps_check,
              rep.eps_check_shift, rep.eps_check_excess);
    cr_assert(rep.consistent && rep.certified && isfinite(rep.bound_error));
    cr_assert_lt(excess(&s, mean), 0.3);
    free(mean);
    free(w);
    rm_sample_free(&s);
}

/* Cases where the metric hides what the first solve found (a cluster along the widest
 * direction), forced with RM_SHAPING_ALWAYS, and n < d: in the data's units, so that the
 * radius is a Euclidean one, the estimate never leaves it, and moves by what is reported. */
Test(shaping, never_leaves_the_certified_radius)
{
    const struct {
        const char *inliers, *model;
        size_t n, d;
        double eps;
    } cases[] = {{"spiked", "variance-shell", 3000, 30, 0.2},
                 {"rotated", "variance-shell", 300, 200, 0.1},
                 {"spiked", "population", 300, 200, 0.2},
                 {"gaussian", "dkk", 2000, 40, 0.1}};
    size_t moved = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        rm_sample s = generate(cases[c].inliers, cases[c].model, cases[c].n, cases[c].d,
                               cases[c].eps, 0.0, 30 + c);
        double *a = malloc(s.d * sizeof *a), *b = malloc(s.d * sizeof *b),
               *w = malloc(s.n * sizeof *w);
        rm_report none, rep;
        int st = solve(&s, "lowregret", RM_SHAPING_NONE, RM_SCALING_NONE, cases[c].eps, a, w,
                       &none);
        cr_assert_eq(st, RM_OK);
        cr_assert_eq(solve(&s, "lowregret", RM_SHAPING_ALWAYS, RM_SCALING_NONE, cases[c].eps, b,
                           w, &rep),
                     st);
        double shift = tu_distance(a, b, s.d);
        if (rep.shape_refined) {
            moved++;
            cr_assert_leq(shift, rep.shape_radius * (1.0 + 1e-9) + 1e-12, "case %zu: %g > %g", c,
                          shift, rep.shape_radius);
            cr_assert(fabs(shift - rep.shape_shift) <= 1e-9 * (1.0 + shift), "%g vs %g", shift,
                      rep.shape_shift);
            cr_assert(fabs(rep.shape_radius - none.bound_error * sqrt(none.objective)) <=
                      1e-9 * rep.shape_radius);
        } else {
            cr_assert_eq(shift, 0.0, "case %zu", c);
        }
        cr_assert(isfinite(rep.shape_gain), "case %zu: the step was taken", c);
        assert_weights_give(&s, w, b, rep.weight_cap);
        free(a);
        free(b);
        free(w);
        rm_sample_free(&s);
    }
    cr_assert_geq(moved, 1);
}

Test(shaping, does_not_depend_on_the_columns_units)
{
    rm_sample s = generate("spiked", "population", 3000, 30, 0.1, 0.1, 23);
    tu_rng r = {.state = 6};
    double *Y = malloc(s.n * s.d * sizeof *Y), *D = malloc(s.d * sizeof *D);
    for (size_t j = 0; j < s.d; j++)
        D[j] = pow(10.0, -3.0 + 9.0 * tu_uniform(&r));
    for (size_t i = 0; i < s.n; i++)
        for (size_t j = 0; j < s.d; j++)
            Y[i * s.d + j] = s.X[i * s.d + j] * D[j];
    double *a = malloc(s.d * sizeof *a), *b = malloc(s.d * sizeof *b);
    for (size_t m = 0; m < 2; m++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.method = solvers[m];
        opt.eps = 0.1;
        rm_report ra, rb;
        cr_assert_eq(rm_mean(s.X, s.n, s.d, &opt, a, &ra), RM_OK);
        cr_assert_eq(rm_mean(Y, s.n, s.d, &opt, b, &rb), RM_OK);
        cr_assert(ra.shape_refined && rb.shape_refined);
        double moved = 0.0, size = 0.0;
        for (size_t j = 0; j < s.d; j++) {
            moved = fmax(moved, fabs(b[j] / D[j] - a[j]));
            size = fmax(size, fabs(a[j]));
        }
        cr_assert_leq(moved, 1e-9 * size, "%s: moved by %g", solvers[m], moved);
    }
    free(a);
    free(b);
    free(Y);
    free(D);
    rm_sample_free(&s);
}

Test(shaping, is_refused_where_it_cannot_apply)
{
    double X[40];
    for (size_t k = 0; k < 40; k++)
        X[k] = (double)(k % 7);
    double mean[2];
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.1;
    opt.shaping = (rm_shaping)7;
    rm_report rep;
    cr_assert_eq(rm_mean(X, 20, 2, &opt, mean, &rep), RM_EINVAL);
    cr_assert_str_eq(rep.invalid_option, "shaping");
    opt.shaping = RM_SHAPING_ALWAYS;
    opt.method = "filter";
    cr_assert_eq(rm_mean(X, 20, 2, &opt, mean, &rep), RM_EINVAL);
    cr_assert_str_eq(rep.invalid_option, "shaping");
    opt.method = "median";
    cr_assert_eq(rm_mean(X, 20, 2, &opt, mean, &rep), RM_EINVAL);
}
