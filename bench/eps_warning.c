/* How often the default method's report says that the data contradicts eps (the eps check,
 * rm_report.eps_contradicted, consistent = 0): on the corruption models of
 * bench/silo_accuracy, run at their true eps (it should not) and at half of it (it
 * should, where the outliers left over pull the estimate). Per model: runs, warnings at
 * the true eps and at half, the median check at each, and the median excess error at each
 * (||estimate - mu|| - ||mean of the remaining inliers - mu||). Prints a table; never fails
 * on a figure.
 *
 * usage: eps_warning [--quick] [-n N] [-d D] [--seeds K] [--model NAME] [--inliers NAME] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"

enum { MAX_RUNS = 256 };

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int k)
{
    if (k == 0)
        return NAN;
    qsort(v, (size_t)k, sizeof *v, cmp);
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static double distance(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

typedef struct tally {
    int runs, fired[2];
    double check[2][MAX_RUNS], excess[2][MAX_RUNS];
} tally;

/* One sample at eps, estimated at eps and at eps / 2. */
static void run_sample(const char *model, const char *inliers, size_t n, size_t d, double eps,
                       int seed, tally *t)
{
    rm_generate_options g;
    rm_generate_options_init(&g);
    g.corruption = model;
    g.inliers = inliers;
    g.n = n;
    g.d = d;
    g.eps = eps;
    g.seed = (uint64_t)seed + 1;
    rm_sample s;
    if (rm_generate(&g, &s) != RM_OK) {
        fprintf(stderr, "eps_warning: cannot generate %s / %s\n", model, inliers);
        exit(1);
    }
    double *oracle = malloc(d * sizeof *oracle), *mean = malloc(d * sizeof *mean);
    rm_sample_inlier_mean(&s, oracle);
    double oracle_error = distance(oracle, s.mu, d);
    for (int half = 0; half < 2; half++) {
        rm_options opt;
        rm_options_init(&opt);
        opt.eps = half ? eps / 2 : eps;
        rm_report rep;
        if (rm_mean(s.X, s.n, d, &opt, mean, &rep) < 0) {
            fprintf(stderr, "eps_warning: %s failed: %s\n", model, rm_strerror(rep.status));
            exit(1);
        }
        t->check[half][t->runs] = rep.eps_check;
        t->excess[half][t->runs] = distance(mean, s.mu, d) - oracle_error;
        t->fired[half] += rep.eps_contradicted;
    }
    t->runs++;
    free(oracle);
    free(mean);
    rm_sample_free(&s);
}

int main(int argc, char **argv)
{
    size_t n = 10000, d = 100;
    int seeds = 5;
    const char *only_model = NULL, *inliers = "gaussian";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            n = 1000;
            d = 20;
            seeds = 1;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            n = (size_t)atol(argv[++i]);
        } else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            d = (size_t)atol(argv[++i]);
        } else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            only_model = argv[++i];
        } else if (strcmp(argv[i], "--inliers") == 0 && i + 1 < argc) {
            inliers = argv[++i];
        } else {
            fprintf(stderr, "usage: eps_warning [--quick] [-n N] [-d D] [--seeds K] "
                            "[--model NAME] [--inliers NAME]\n");
            return 2;
        }
    }
    if (seeds < 1 || 3 * seeds > MAX_RUNS || n < 10 || d < 1) {
        fprintf(stderr, "eps_warning: seeds must be 1..%d, n >= 10, d >= 1\n", MAX_RUNS / 3);
        return 2;
    }
    const double epss[] = {0.1, 0.2, 0.3};
    printf("The eps check of the default method: n = %zu, d = %zu, %s inliers, eps 0.1, 0.2 "
           "and 0.3, %d seeds each; run at the true eps and at half of it.\n"
           "warned: runs whose check said more than eps are corrupted (eps_contradicted); "
           "check and excess: medians.\n\n",
           n, d, inliers, seeds);
    printf("%-16s %5s | %7s %7s %8s | %7s %7s %8s\n", "model", "runs", "warned", "check",
           "excess", "warned", "check", "excess");
    printf("%-16s %5s | %24s | %24s\n", "", "", "at the true eps", "at half of it");
    int total = 0, fired_true = 0;
    tally *t = malloc(sizeof *t);
    for (size_t m = 0; m < rm_corruption_count(); m++) {
        const char *model = rm_corruption_at(m)->name;
        if (only_model && strcmp(model, only_model) != 0)
            continue;
        memset(t, 0, sizeof *t);
        for (size_t e = 0; e < 3; e++)
            for (int k = 0; k < seeds; k++)
                run_sample(model, inliers, n, d, epss[e], k, t);
        total += t->runs;
        fired_true += t->fired[0];
        printf("%-16s %5d | %7d %7.3f %8.4f | %7d %7.3f %8.4f\n", model, t->runs, t->fired[0],
               median(t->check[0], t->runs), median(t->excess[0], t->runs), t->fired[1],
               median(t->check[1], t->runs), median(t->excess[1], t->runs));
        fflush(stdout);
    }
    printf("\nwarnings at the true eps: %d of %d runs\n", fired_true, total);
    free(t);
    return 0;
}
