/* Running a study: generate each grid point's data once, run every method on it, write
 * one CSV row per run, and summarise. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "robustmean.h"
#include "robustmean_generate.h"
#include "study.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

size_t study_rows(const study_grid *g, size_t n_index, size_t d_index)
{
    if (g->n_per_d > 0) {
        double n = ceil(g->n_per_d * (double)g->ds[d_index]);
        return n < 1.0 ? 1 : n >= 0x1p62 ? (size_t)1 << 62 : (size_t)n;
    }
    return g->ns[n_index];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int matches(size_t want, size_t have) { return want == STUDY_ANY || want == have; }

double study_median_excess(const study *s, double *scratch, size_t method, size_t inliers,
                           size_t model, size_t n_index, size_t d_index, size_t eps_index)
{
    size_t m = 0;
    for (size_t k = 0; k < s->run_count; k++) {
        const study_run *r = &s->runs[k];
        if (r->method == method && (r->status == RUN_OK || r->status == RUN_NOT_CONVERGED) &&
            matches(inliers, r->inliers) && matches(model, r->model) &&
            matches(n_index, r->n_index) && matches(d_index, r->d_index) &&
            matches(eps_index, r->eps_index))
            scratch[m++] = r->excess;
    }
    if (m == 0)
        return NAN;
    qsort(scratch, m, sizeof *scratch, cmp_double);
    return m % 2 ? scratch[m / 2] : 0.5 * (scratch[m / 2 - 1] + scratch[m / 2]);
}

static double distance(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

static const char *const status_text[] = {"ok", "not_converged", "skipped", "failed"};

void study_csv_header(FILE *f)
{
    fputs("method,model,inliers,n,d,eps,seed,error,oracle_error,excess_error,seconds,"
          "iterations,status\n",
          f);
}

static void csv_row(FILE *f, const study *s, const study_run *r)
{
    const study_grid *g = &s->grid;
    char a[32], b[32], c[32], e[32];
    fprintf(f, "%s,%s,%s,%zu,%zu,%s,%llu,", g->methods.names[r->method],
            g->models.names[r->model], g->inliers.names[r->inliers], r->n,
            g->ds[r->d_index], cli_format_double(e, g->epss[r->eps_index]),
            (unsigned long long)r->seed);
    if (r->status == RUN_OK || r->status == RUN_NOT_CONVERGED)
        fprintf(f, "%s,%s,%s,%.6g,%zu,", cli_format_double(a, r->error),
                cli_format_double(b, r->oracle), cli_format_double(c, r->excess), r->seconds,
                r->iterations);
    else
        fputs(",,,,,", f);
    fprintf(f, "%s\n", status_text[r->status]);
}

/* A progress line on standard error once the study has run for a second: redrawn in
 * place every second on a terminal, a new line every ten seconds elsewhere. */
typedef struct progress {
    int enabled, tty, shown;
    double start, last;
} progress;

static void progress_update(progress *p, size_t done, size_t total, const char *what)
{
    if (!p->enabled)
        return;
    double t = now();
    if (t - p->start < 1.0 || t - p->last < (p->tty ? 1.0 : 10.0))
        return;
    p->last = t;
    p->shown = 1;
    fprintf(stderr, "%s%s: %zu/%zu runs, %.0f s, now %s%s", p->tty ? "\r" : "", cli_program,
            done, total, t - p->start, what, p->tty ? "\033[K" : "\n");
    fflush(stderr);
}

static void progress_end(progress *p, size_t total)
{
    if (p->shown)
        fprintf(stderr, "%s%s: %zu runs in %.1f s%s\n", p->tty ? "\r" : "", cli_program, total,
                now() - p->start, p->tty ? "\033[K" : "");
}

/* Run every method on one generated sample; records go to runs[0..methods). */
static void run_methods(const study *s, const rm_sample *sample, double oracle,
                        study_run *runs, double *estimate, size_t *failed)
{
    const study_grid *g = &s->grid;
    for (size_t j = 0; j < g->methods.count; j++) {
        study_run *r = &runs[j];
        r->method = j;
        const rm_method_info *info = rm_method_find(g->methods.names[j]);
        double eps = g->epss[r->eps_index];
        if (!(eps >= info->eps_min && eps < info->eps_max)) {
            r->status = RUN_SKIPPED;
            continue;
        }
        rm_options opt;
        rm_options_init(&opt);
        opt.method = info->name;
        opt.eps = eps;
        opt.seed = r->seed;
        rm_report rep;
        double t0 = now();
        int status = rm_mean(sample->X, sample->n, sample->d, &opt, estimate, &rep);
        r->seconds = now() - t0;
        if (status < 0) {
            r->status = RUN_FAILED;
            (*failed)++;
            cli_error("%s on %s (n %zu, d %zu, eps %g, seed %llu) failed: %s", info->name,
                      g->models.names[r->model], r->n, sample->d, eps,
                      (unsigned long long)r->seed, rm_strerror(status));
            continue;
        }
        r->status = status == RM_NOT_CONVERGED ? RUN_NOT_CONVERGED : RUN_OK;
        r->iterations = rep.iterations;
        r->error = distance(estimate, sample->mu, sample->d);
        r->oracle = oracle;
        r->excess = r->error - oracle;
    }
}

/* Generate one grid point's sample into *sample and its oracle error; on failure mark
 * the runs failed. */
static int generate(const study *s, study_run *proto, rm_sample *sample, double *oracle)
{
    const study_grid *g = &s->grid;
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = g->models.names[proto->model];
    o.inliers = g->inliers.names[proto->inliers];
    o.n = proto->n;
    o.d = g->ds[proto->d_index];
    o.eps = g->epss[proto->eps_index];
    o.seed = proto->seed;
    int status = rm_generate(&o, sample);
    double *m = status == RM_OK ? malloc(o.d * sizeof *m) : NULL;
    if (status == RM_OK)
        status = m ? rm_sample_inlier_mean(sample, m) : RM_ENOMEM;
    if (status == RM_OK)
        *oracle = distance(m, sample->mu, o.d);
    free(m);
    if (status != RM_OK) {
        cli_error("generating %s (n %zu, d %zu, eps %g, seed %llu) failed: %s", o.corruption,
                  o.n, o.d, o.eps, (unsigned long long)o.seed, rm_strerror(status));
        rm_sample_free(sample);
    }
    return status;
}

int study_execute(study *s, FILE *csv, int show_progress)
{
    const study_grid *g = &s->grid;
    size_t per_point = g->methods.count;
    size_t total = per_point * g->models.count * g->inliers.count * g->n_count * g->d_count *
                   g->eps_count * g->seeds;
    s->runs = calloc(total ? total : 1, sizeof *s->runs);
    s->run_count = 0;
    if (!s->runs) {
        cli_error("out of memory for %zu runs", total);
        return -1;
    }
    progress p = {.enabled = show_progress, .tty = isatty(STDERR_FILENO), .start = now()};
    size_t failed = 0;
    for (size_t i = 0; i < g->inliers.count; i++)
        for (size_t m = 0; m < g->models.count; m++)
            for (size_t di = 0; di < g->d_count; di++)
                for (size_t ni = 0; ni < g->n_count; ni++)
                    for (size_t ei = 0; ei < g->eps_count; ei++)
                        for (size_t k = 0; k < g->seeds; k++) {
                            study_run proto = {.model = m, .inliers = i, .n_index = ni,
                                               .d_index = di, .eps_index = ei,
                                               .seed = g->first_seed + k,
                                               .n = study_rows(g, ni, di),
                                               .status = RUN_FAILED};
                            study_run *runs = s->runs + s->run_count;
                            for (size_t j = 0; j < per_point; j++) {
                                runs[j] = proto;
                                runs[j].method = j;
                            }
                            rm_sample sample;
                            double oracle = 0.0, *estimate = NULL;
                            if (generate(s, &proto, &sample, &oracle) == RM_OK) {
                                estimate = malloc(sample.d * sizeof *estimate);
                                if (estimate)
                                    run_methods(s, &sample, oracle, runs, estimate, &failed);
                                else
                                    failed += per_point;
                            } else {
                                failed += per_point;
                            }
                            free(estimate);
                            rm_sample_free(&sample);
                            for (size_t j = 0; j < per_point && csv; j++)
                                csv_row(csv, s, &runs[j]);
                            s->run_count += per_point;
                            char what[160];
                            snprintf(what, sizeof what, "%s, d %zu", g->models.names[m],
                                     g->ds[di]);
                            progress_update(&p, s->run_count, total, what);
                        }
    progress_end(&p, total);
    return (int)(failed > 0);
}

/* "{a, b, c}" or "a" of a list of count values printed by put. */
static void print_set(FILE *f, const char *name, size_t count, const void *values,
                      int is_double)
{
    fprintf(f, "%s %s", name, count > 1 ? "in {" : "= ");
    for (size_t k = 0; k < count; k++) {
        if (is_double)
            fprintf(f, "%s%g", k ? ", " : "", ((const double *)values)[k]);
        else
            fprintf(f, "%s%zu", k ? ", " : "", ((const size_t *)values)[k]);
    }
    fputs(count > 1 ? "}" : "", f);
}

void study_print_summary(const study *s, FILE *f)
{
    const study_grid *g = &s->grid;
    double *scratch = malloc((s->run_count + 1) * sizeof *scratch);
    if (!scratch) {
        cli_error("out of memory");
        return;
    }
    fprintf(f, "Median excess error ||estimate - mu|| - ||oracle - mu|| over %zu seed%s (",
            g->seeds, g->seeds == 1 ? "" : "s");
    if (g->n_per_d > 0)
        fprintf(f, "n = %g d", g->n_per_d);
    else
        print_set(f, "n", g->n_count, g->ns, 0);
    fputs(", ", f);
    print_set(f, "d", g->d_count, g->ds, 0);
    fputs(", ", f);
    print_set(f, "eps", g->eps_count, g->epss, 1);
    fputs("):\n", f);

    int both = g->inliers.count > 1;
    size_t label = strlen("model");
    for (size_t i = 0; i < g->inliers.count; i++)
        for (size_t m = 0; m < g->models.count; m++) {
            size_t len = strlen(g->models.names[m]) + (both ? strlen(g->inliers.names[i]) + 1 : 0);
            label = len > label ? len : label;
        }
    fprintf(f, "%-*s", (int)label, both ? "model/inliers" : "model");
    for (size_t j = 0; j < g->methods.count; j++) {
        size_t w = strlen(g->methods.names[j]);
        fprintf(f, "  %*s", (int)(w > 9 ? w : 9), g->methods.names[j]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < g->inliers.count; i++)
        for (size_t m = 0; m < g->models.count; m++) {
            char name[256];
            snprintf(name, sizeof name, "%s%s%s", g->models.names[m], both ? "/" : "",
                     both ? g->inliers.names[i] : "");
            fprintf(f, "%-*s", (int)label, name);
            for (size_t j = 0; j < g->methods.count; j++) {
                size_t w = strlen(g->methods.names[j]);
                double v = study_median_excess(s, scratch, j, i, m, STUDY_ANY, STUDY_ANY,
                                               STUDY_ANY);
                if (isnan(v))
                    fprintf(f, "  %*s", (int)(w > 9 ? w : 9), "-");
                else
                    fprintf(f, "  %*.4f", (int)(w > 9 ? w : 9), v);
            }
            fputc('\n', f);
        }
    free(scratch);
}
