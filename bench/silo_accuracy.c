/* The accuracy figures of the SILO solvers on generated data, as the SILO issue states
 * them: median over seeds of the excess error ||estimate - mu|| - ||oracle - mu|| per
 * corruption model and eps; the final stationarity gap relative to F; each solver's F
 * against the best F of the three; and how far the default method's estimate moves when
 * the data is multiplied by 1000 or shifted by 1e6. Prints tables; never fails on a
 * figure.
 *
 * With --section units (or all): the mixed-units table, every model with its columns
 * scaled over nine decades, the error measured per column in its own unit; --section
 * auto: -e auto against the run told the true eps; --section shape: anisotropic inliers.
 *
 * usage: silo_accuracy [--quick] [-n N] [-d D] [--seeds K] [--eps E] [--model NAME]
 *                      [--section main|units|auto|shape|all]
 * (--model: the rows whose label contains NAME; --eps: that eps alone) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"

enum { MAX_SEEDS = 16 };
static const char *const solvers[] = {"lowregret", "pgd", "filter", "mean"};
enum { SOLVERS = 4, SILO = 3 };

typedef struct cell {
    double excess[SOLVERS][MAX_SEEDS];
    double gap[SILO][MAX_SEEDS];        /* gap / F */
    double f_ratio[SILO][MAX_SEEDS];    /* F / min F of the three */
    double scaled[MAX_SEEDS], shifted[MAX_SEEDS];               /* moves of the estimate */
    double scaled_excess[MAX_SEEDS], shifted_excess[MAX_SEEDS]; /* in the data's own units */
    double iterations[SILO][MAX_SEEDS], seconds[SILO][MAX_SEEDS];
} cell;

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int k)
{
    double s[MAX_SEEDS];
    memcpy(s, v, (size_t)k * sizeof *s);
    qsort(s, (size_t)k, sizeof *s, cmp);
    return k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

static double maximum(const double *v, int k)
{
    double m = v[0];
    for (int i = 1; i < k; i++)
        m = fmax(m, v[i]);
    return m;
}

static double distance(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

/* The method with the shape step and the column scaling as given. */
static int estimate_with(const char *method, const double *X, size_t n, size_t d, double eps,
                         double *mean, rm_report *rep, double *weights, rm_shaping shaping,
                         rm_scaling scaling)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = eps;
    opt.shaping = shaping;
    opt.column_scaling = scaling;
    int s = weights ? rm_mean_weights(X, n, d, &opt, mean, weights, rep)
                    : rm_mean(X, n, d, &opt, mean, rep);
    if (s < 0)
        fprintf(stderr, "silo_accuracy: %s failed: %s\n", method, rm_strerror(s));
    return s;
}

static int estimate(const char *method, const double *X, size_t n, size_t d, double eps,
                    double *mean, rm_report *rep, double *weights)
{
    return estimate_with(method, X, n, d, eps, mean, rep, weights, RM_SHAPING_AUTO,
                         RM_SCALING_AUTO);
}

/* Model parameters beyond the defaults (0: the model's default). */
typedef struct shape_parameters {
    double decay, spread;
    const char *direction; /* far-cluster, variance-shell: where they aim (NULL: their own) */
} shape_parameters;

static rm_sample draw_with(const char *model, const char *inliers, size_t n, size_t d,
                           double eps, int seed, double lo, double hi, shape_parameters sp)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.decay = sp.decay;
    g.spread = sp.spread;
    g.direction = sp.direction;
    g.corruption = model;
    g.inliers = inliers;
    g.n = n;
    g.d = d;
    g.eps = eps;
    g.seed = (uint64_t)seed + 1;
    g.column_lo = lo;
    g.column_hi = hi;
    rm_sample s;
    if (rm_generate(&g, &s) != RM_OK) {
        fprintf(stderr, "silo_accuracy: cannot generate %s\n", model);
        exit(1);
    }
    return s;
}

static rm_sample draw(const char *model, const char *inliers, size_t n, size_t d, double eps,
                      int seed, double lo, double hi)
{
    return draw_with(model, inliers, n, d, eps, seed, lo, hi, (shape_parameters){0});
}

/* One sample: every solver, the transforms for the default method. */
static void run_sample(const char *model, const char *inliers, size_t n, size_t d, double eps,
                       int seed, int transforms, cell *c)
{
    rm_sample s = draw(model, inliers, n, d, eps, seed, 0, 0);
    double *oracle = malloc(d * sizeof *oracle), *mean = malloc(d * sizeof *mean),
           *base = malloc(d * sizeof *base);
    rm_sample_inlier_mean(&s, oracle);
    double oracle_error = distance(oracle, s.mu, d), F[SILO], *w = malloc(s.n * sizeof *w);
    int feasible[SILO], scaled_metric = -1;
    for (int m = 0; m < SOLVERS; m++) {
        rm_report rep;
        estimate(solvers[m], s.X, s.n, d, eps, mean, &rep, w);
        if (m == 0)
            scaled_metric = rep.columns_scaled;
        c->excess[m][seed] = distance(mean, s.mu, d) - oracle_error;
        if (m < SILO) {
            /* F compares only between weights on the capped simplex: the filter's may leave
             * it, where a lower F is no achievement. */
            double top = 0;
            for (size_t i = 0; i < s.n; i++)
                top = fmax(top, w[i]);
            /* and only in one metric: robust column units (lowregret and pgd by default)
             * measure F in other units than the filter's */
            feasible[m] = top <= rep.weight_cap * (1 + 1e-9) &&
                          rep.columns_scaled == scaled_metric;
            F[m] = rep.objective;
            c->gap[m][seed] = rep.objective > 0 ? rep.gap / rep.objective : 0;
            c->iterations[m][seed] = (double)rep.iterations;
            c->seconds[m][seed] = rep.seconds;
        }
        if (m == 0)
            memcpy(base, mean, d * sizeof *mean);
    }
    double best = INFINITY;
    for (int m = 0; m < SILO; m++)
        if (feasible[m])
            best = fmin(best, F[m]);
    free(w);
    for (int m = 0; m < SILO; m++)
        c->f_ratio[m][seed] = best > 0 ? F[m] / best : 1;
    if (transforms) {
        double *Y = malloc(s.n * d * sizeof *Y);
        for (size_t k = 0; k < s.n * d; k++)
            Y[k] = s.X[k] * 1000.0;
        estimate(solvers[0], Y, s.n, d, eps, mean, NULL, NULL);
        for (size_t j = 0; j < d; j++)
            mean[j] /= 1000.0;
        c->scaled[seed] = distance(mean, base, d);
        c->scaled_excess[seed] = distance(mean, s.mu, d) - oracle_error;
        for (size_t k = 0; k < s.n * d; k++)
            Y[k] = s.X[k] + 1e6;
        estimate(solvers[0], Y, s.n, d, eps, mean, NULL, NULL);
        for (size_t j = 0; j < d; j++)
            mean[j] -= 1e6;
        c->shifted[seed] = distance(mean, base, d);
        c->shifted_excess[seed] = distance(mean, s.mu, d) - oracle_error;
        free(Y);
    }
    free(oracle);
    free(mean);
    free(base);
    rm_sample_free(&s);
}

/* ||(a - b) / f||: a distance measured per column in that column's unit f_j. */
static double unit_distance(const double *a, const double *b, const double *f, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++) {
        double t = (a[j] - b[j]) / f[j];
        s += t * t;
    }
    return sqrt(s);
}

/* Anisotropic inliers: rotated (a spectrum decaying to 0.01) and spiked (3 directions of
 * variance 25), at n = 1e4, d = 100 and n = 400, d = 384, under a far cluster and a
 * variance shell (each also aimed along a low-variance direction) and a second population
 * shifted along a low-variance direction, tighter (spread 0.1) and looser (4) than the
 * inliers: the excess of the default as it was before either adaptation ("filed": no
 * column scaling, no shape step), without the shape step (rm_shaping), with it, and of the
 * sample mean; the largest ratio over the seeds of the default's error to the mean's; how
 * many seeds the step moved the estimate. */
static void shape_table(int seeds, const char *only_model)
{
    printf("\nAnisotropic inliers: median excess over %d seeds.\n%-8s %10s %-18s %5s %9s %9s %9s "
           "%7s %7s %9s %9s %7s %6s %6s\n",
           seeds, "inliers", "n x d", "outliers", "eps", "filed", "no shape", "default", "ratio",
           "/filed", "mean", "oracle", "max/mn", "moved", "gain");
    const struct {
        size_t n, d;
    } sizes[] = {{10000, 100}, {400, 384}};
    const struct {
        const char *model, *label;
        double spread;
        const char *direction;
    } outliers[] = {{"far-cluster", "far-cluster", 0, NULL},
                    {"far-cluster", "far-cluster low", 0, "low"},
                    {"variance-shell", "variance-shell", 0, NULL},
                    {"variance-shell", "variance-shell low", 0, "low"},
                    {"population", "population tight", 0.1, NULL},
                    {"population", "population loose", 4, NULL}};
    const char *inliers[] = {"rotated", "spiked"};
    const double epss[] = {0.1, 0.2};
    double filed[MAX_SEEDS], flat[MAX_SEEDS], def[MAX_SEEDS], mean[MAX_SEEDS], orc[MAX_SEEDS],
        ratio[MAX_SEEDS], gain[MAX_SEEDS];
    for (size_t in = 0; in < 2; in++)
        for (size_t z = 0; z < 2; z++)
            for (size_t o = 0; o < sizeof outliers / sizeof *outliers; o++) {
                if (only_model && !strstr(outliers[o].label, only_model))
                    continue;
                for (size_t e = 0; e < 2; e++) {
                    size_t n = sizes[z].n, d = sizes[z].d;
                    shape_parameters sp = {.decay = log(100.0) / log((double)d),
                                           .spread = outliers[o].spread,
                                           .direction = outliers[o].direction};
                    int moved = 0;
                    for (int k = 0; k < seeds; k++) {
                        rm_sample s = draw_with(outliers[o].model, inliers[in], n, d, epss[e], k,
                                                0, 0, sp);
                        double *est = malloc(d * sizeof *est), *oracle = malloc(d * sizeof *est);
                        rm_sample_inlier_mean(&s, oracle);
                        orc[k] = distance(oracle, s.mu, d);
                        rm_report rep;
                        estimate_with(solvers[0], s.X, s.n, d, epss[e], est, NULL, NULL,
                                      RM_SHAPING_NONE, RM_SCALING_NONE);
                        filed[k] = distance(est, s.mu, d) - orc[k];
                        estimate_with(solvers[0], s.X, s.n, d, epss[e], est, NULL, NULL,
                                      RM_SHAPING_NONE, RM_SCALING_AUTO);
                        flat[k] = distance(est, s.mu, d) - orc[k];
                        estimate(solvers[0], s.X, s.n, d, epss[e], est, &rep, NULL);
                        def[k] = distance(est, s.mu, d) - orc[k];
                        moved += rep.shape_refined;
                        gain[k] = rep.shape_gain;
                        double e_def = def[k] + orc[k];
                        estimate("mean", s.X, s.n, d, epss[e], est, NULL, NULL);
                        mean[k] = distance(est, s.mu, d) - orc[k];
                        ratio[k] = e_def / (mean[k] + orc[k]);
                        free(est);
                        free(oracle);
                        rm_sample_free(&s);
                    }
                    char size[32];
                    snprintf(size, sizeof size, "%zux%zu", n, d);
                    double b = median(filed, seeds), f = median(flat, seeds),
                           g = median(def, seeds);
                    printf("%-8s %10s %-18s %5.2f %9.4f %9.4f %9.4f %7.3f %7.3f %9.4f %9.4f %7.3f "
                           "%3d/%-2d %6.2f\n",
                           inliers[in], size, outliers[o].label, epss[e], b, f, g,
                           f > 0 ? g / f : NAN, b > 0 ? g / b : NAN, median(mean, seeds),
                           median(orc, seeds),
                           maximum(ratio, seeds), moved, seeds, median(gain, seeds));
                    fflush(stdout);
                }
            }
}

/* The default's error on mixed units: every model at eps with column scales log-uniform
 * in [1e-3, 1e6], measured per column in its unit, beside the same data unscaled (the
 * same draws), the default in the data's own units, and the sample mean. */
static void units_table(size_t n, size_t d, int seeds, double eps, const char *only_model)
{
    printf("\nMixed units: columns scaled by factors log-uniform in [1e-3, 1e6], eps = %.2f; "
           "median error ||(estimate - mu) / f|| over %d seeds.\n%-18s %10s %10s %8s %12s %10s "
           "%10s\n",
           eps, seeds, "model", "unscaled", "scaled", "ratio", "data units", "mean",
           "oracle");
    enum { UNSCALED, SCALED, RAW, MEAN, ORACLE, COLS };
    double err[COLS][MAX_SEEDS], ratio[MAX_SEEDS];
    for (size_t m = 0; m < rm_corruption_count(); m++) {
        const char *model = rm_corruption_at(m)->name;
        if (only_model && !strstr(model, only_model))
            continue;
        for (int k = 0; k < seeds; k++) {
            rm_sample plain = draw(model, "gaussian", n, d, eps, k, 0, 0);
            rm_sample s = draw(model, "gaussian", n, d, eps, k, 1e-3, 1e6);
            double *est = malloc(d * sizeof *est), *one = malloc(d * sizeof *one);
            for (size_t j = 0; j < d; j++)
                one[j] = 1.0;
            estimate(solvers[0], plain.X, plain.n, d, eps, est, NULL, NULL);
            err[UNSCALED][k] = unit_distance(est, plain.mu, one, d);
            estimate(solvers[0], s.X, s.n, d, eps, est, NULL, NULL);
            err[SCALED][k] = unit_distance(est, s.mu, s.column_scales, d);
            estimate_with(solvers[0], s.X, s.n, d, eps, est, NULL, NULL, RM_SHAPING_AUTO,
                          RM_SCALING_NONE);
            err[RAW][k] = unit_distance(est, s.mu, s.column_scales, d);
            estimate("mean", s.X, s.n, d, eps, est, NULL, NULL);
            err[MEAN][k] = unit_distance(est, s.mu, s.column_scales, d);
            rm_sample_inlier_mean(&s, est);
            err[ORACLE][k] = unit_distance(est, s.mu, s.column_scales, d);
            ratio[k] = err[SCALED][k] / err[UNSCALED][k];
            free(est);
            free(one);
            rm_sample_free(&plain);
            rm_sample_free(&s);
        }
        printf("%-18s %10.4f %10.4f %8.4f %12.4f %10.4f %10.4f\n", model,
               median(err[UNSCALED], seeds), median(err[SCALED], seeds), maximum(ratio, seeds),
               median(err[RAW], seeds), median(err[MEAN], seeds), median(err[ORACLE], seeds));
        fflush(stdout);
    }
}

/* -e auto against the run told the true eps: every model at true eps 0.05, 0.1, 0.2
 * (and clean data), the default method both ways; excess as in the main table, the eps
 * chosen, and on clean data the error against the sample mean's. */
static void auto_table(size_t n, size_t d, int seeds, const char *only_model)
{
    printf("\n-e auto: excess of the default told the true eps and choosing it (median over %d "
           "seeds), the largest difference, the eps chosen (median, min, max), the sample "
           "mean's excess.\n%-18s %5s %9s %9s %9s %7s %7s %7s %9s\n",
           seeds, "model", "eps", "told", "auto", "max diff", "chosen", "min", "max", "mean");
    const double truths[] = {0.05, 0.1, 0.2};
    double told[MAX_SEEDS], chose[MAX_SEEDS], diff[MAX_SEEDS], mean_ex[MAX_SEEDS],
        chosen[MAX_SEEDS];
    for (size_t m = 0; m < rm_corruption_count(); m++) {
        const char *model = rm_corruption_at(m)->name;
        if (only_model && !strstr(model, only_model))
            continue;
        int clean = strcmp(model, "none") == 0;
        for (size_t e = 0; e < (clean ? 1 : 3); e++) {
            double eps = clean ? 0.0 : truths[e];
            for (int k = 0; k < seeds; k++) {
                rm_sample s = draw(model, "gaussian", n, d, eps, k, 0, 0);
                double *est = malloc(d * sizeof *est), *oracle = malloc(d * sizeof *oracle);
                rm_sample_inlier_mean(&s, oracle);
                double base = distance(oracle, s.mu, d);
                rm_report rep;
                estimate(solvers[0], s.X, s.n, d, eps, est, NULL, NULL);
                told[k] = distance(est, s.mu, d) - base;
                estimate(solvers[0], s.X, s.n, d, RM_EPS_AUTO, est, &rep, NULL);
                chose[k] = distance(est, s.mu, d) - base;
                chosen[k] = rep.eps_chosen;
                diff[k] = chose[k] - told[k];
                estimate("mean", s.X, s.n, d, eps, est, NULL, NULL);
                mean_ex[k] = distance(est, s.mu, d) - base;
                if (clean) { /* ratios to the sample mean's error */
                    told[k] = (told[k] + base) / (mean_ex[k] + base);
                    chose[k] = (chose[k] + base) / (mean_ex[k] + base);
                }
                free(est);
                free(oracle);
                rm_sample_free(&s);
            }
            double lo = chosen[0];
            for (int k = 1; k < seeds; k++)
                lo = fmin(lo, chosen[k]);
            printf("%-18s %5.2f %9.4f %9.4f %9.4f %7.3f %7.3f %7.3f %9.4f%s\n", model, eps,
                   median(told, seeds), median(chose, seeds), maximum(diff, seeds),
                   median(chosen, seeds), lo, maximum(chosen, seeds), median(mean_ex, seeds),
                   clean ? "  (clean: told and auto as error / the mean's)" : "");
            fflush(stdout);
        }
    }
}

int main(int argc, char **argv)
{
    size_t n = 10000, d = 100;
    int seeds = 5, quick = 0;
    const char *only_model = NULL, *section = "main";
    double only_eps = 0.0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
            n = 1000;
            d = 20;
            seeds = 1;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            n = (size_t)atol(argv[++i]);
        } else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            d = (size_t)atol(argv[++i]);
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            only_model = argv[++i];
        } else if (strcmp(argv[i], "--eps") == 0 && i + 1 < argc) {
            only_eps = atof(argv[++i]);
        } else if (strcmp(argv[i], "--section") == 0 && i + 1 < argc) {
            section = argv[++i];
        } else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: silo_accuracy [--quick] [-n N] [-d D] [--seeds K] [--eps E] "
                            "[--model NAME] [--section main|units|auto|shape|all]\n");
            return 2;
        }
    }
    if (seeds < 1 || seeds > MAX_SEEDS || n < 10 || d < 1) {
        fprintf(stderr, "silo_accuracy: seeds must be 1..%d, n >= 10, d >= 1\n", MAX_SEEDS);
        return 2;
    }
    int main_table = !strcmp(section, "main") || !strcmp(section, "all");
    if (!main_table && strcmp(section, "units") != 0 && strcmp(section, "auto") != 0 &&
        strcmp(section, "shape") != 0) {
        fprintf(stderr, "silo_accuracy: --section must be main, units, auto, shape or all\n");
        return 2;
    }
    if (!strcmp(section, "shape") || !strcmp(section, "all"))
        shape_table(seeds, only_model);
    if (!strcmp(section, "units") || !strcmp(section, "all"))
        units_table(n, d, seeds, only_eps > 0.0 ? only_eps : 0.1, only_model);
    if (!strcmp(section, "auto") || !strcmp(section, "all"))
        auto_table(n, d, seeds, only_model);
    if (!main_table)
        return 0;
    const double epss[] = {0.1, 0.2, 0.3};
    printf("SILO accuracy: n = %zu, d = %zu, Gaussian N(mu, I) inliers unless named, median over %d "
           "seeds.\nexcess = ||estimate - mu|| - ||mean of the remaining inliers - mu||; gap/F "
           "and F/min F (min over the solvers whose weights respect the cap; median, then largest over "
           "the seeds) for lowregret (lr) and pgd; when the data is x1000 or +1e6, the default's excess "
           "(median, back in the data's units) and how far its estimate moves (max over seeds).\n",
           n, d, seeds);
    cell *c = malloc(sizeof *c);
    for (size_t e = 0; e < (quick ? 1 : 3); e++) {
        if (only_eps > 0.0 && fabs(epss[e] - only_eps) > 1e-9)
            continue;
        printf("\neps = %.1f\n%-26s %9s %9s %9s %9s | %8s %8s %8s | %8s %8s %8s %8s | %9s %9s "
               "%9s %9s | %5s\n",
               epss[e], "model", "lowregret", "pgd", "filter", "mean", "gap/F lr", "pgd",
               "filter", "F/min lr", "pgd", "max lr", "pgd", "x1000", "+1e6", "mv x1000", "mv +1e6", "it lr");
        for (size_t m = 0; m < rm_corruption_count() + 2; m++) {
            const char *model, *inliers = "gaussian";
            char label[64];
            if (m < rm_corruption_count()) {
                model = rm_corruption_at(m)->name;
            } else { /* heavy tails under a variance shell */
                model = "variance-shell";
                inliers = m == rm_corruption_count() ? "student" : "laplace";
            }
            snprintf(label, sizeof label, "%s%s%s", model, strcmp(inliers, "gaussian") ? " / " : "",
                     strcmp(inliers, "gaussian") ? inliers : "");
            if (only_model && !strstr(label, only_model))
                continue;
            for (int k = 0; k < seeds; k++)
                run_sample(model, inliers, n, d, epss[e], k, 1, c);
            printf("%-26s %9.4f %9.4f %9.4f %9.4f | %8.4f %8.4f %8.4f | %8.4f %8.4f %8.4f %8.4f | "
                   "%9.4f %9.4f %9.2e %9.2e | %5.0f\n",
                   label, median(c->excess[0], seeds), median(c->excess[1], seeds),
                   median(c->excess[2], seeds), median(c->excess[3], seeds), median(c->gap[0], seeds),
                   median(c->gap[1], seeds), median(c->gap[2], seeds), median(c->f_ratio[0], seeds),
                   median(c->f_ratio[1], seeds), maximum(c->f_ratio[0], seeds),
                   maximum(c->f_ratio[1], seeds), median(c->scaled_excess, seeds),
                   median(c->shifted_excess, seeds), maximum(c->scaled, seeds),
                   maximum(c->shifted, seeds), median(c->iterations[0], seeds));
            fflush(stdout);
        }
    }
    free(c);
    return 0;
}
