/* What rmstudy's parts share: the grid of a study, one record per estimator run, and the
 * medians the summary table and the figures are made of. */
#ifndef RM_STUDY_H
#define RM_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A list of names (methods or models), in the order given. */
typedef struct name_list {
    const char **names;
    size_t count;
} name_list;

typedef struct study_grid {
    name_list methods, models, inliers;
    size_t *ns;       /* sample sizes; unused when n_per_d > 0 */
    size_t n_count;   /* 1 when n_per_d > 0 */
    double n_per_d;   /* > 0: n = ceil(n_per_d * d) */
    size_t *ds, d_count;
    double *epss;
    size_t eps_count;
    uint64_t first_seed;
    size_t seeds;
} study_grid;

enum { RUN_OK, RUN_NOT_CONVERGED, RUN_SKIPPED, RUN_FAILED };

/* One estimator run: grid indices, then what was measured. */
typedef struct study_run {
    size_t method, model, inliers, n_index, d_index, eps_index;
    uint64_t seed;
    size_t n; /* rows asked for */
    double error, oracle, excess, seconds;
    size_t iterations;
    int status; /* RUN_* */
} study_run;

typedef struct study {
    study_grid grid;
    study_run *runs;
    size_t run_count;
} study;

/* Matches any value of a grid index in study_median_excess(). */
#define STUDY_ANY ((size_t)-1)

/* The median excess error of the usable runs (ok or not converged) of one method whose
 * indices match (STUDY_ANY matches all); NaN when there is none. scratch holds
 * run_count doubles. */
double study_median_excess(const study *s, double *scratch, size_t method, size_t inliers,
                           size_t model, size_t n_index, size_t d_index, size_t eps_index);

/* The rows of a grid point: n_per_d * d rounded up, or ns[n_index]. */
size_t study_rows(const study_grid *g, size_t n_index, size_t d_index);

/* Run the whole grid (s->grid set), filling s->runs; each run's CSV row goes to csv
 * (when not NULL) as soon as it is known. show_progress: a progress line on standard
 * error for studies that last more than a second. Returns 0, 1 when some run failed
 * (each failure was reported), or -1 when out of memory. */
int study_execute(study *s, FILE *csv, int show_progress);
void study_csv_header(FILE *f);
/* The table of median excess errors, models down, methods across. */
void study_print_summary(const study *s, FILE *f);

/* Figures (study_plot.c). Before a study: find gnuplot and a PNG terminal and make dir;
 * returns 0 or prints why not and returns -1. */
int study_plot_prepare(const char *dir, const char **terminal);
/* After: write the data and the script into dir and run gnuplot. Returns the number of
 * figures drawn, or -1 after printing why it failed. */
int study_plot_draw(const study *s, const char *dir, const char *terminal);

#endif
