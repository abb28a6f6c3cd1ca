/* The core of a SILO solve (DESIGN.md, sections 2-3): its state in named parts, and the
 * operations on it, each in a file of its own: set-up (state.c), the eigen oracle
 * (oracle.c), the evaluation at q with its scores and gap (scores.c), the iteration with
 * its undo and kept iterates (iterate.c), the samples by key (sample.c). The core knows
 * nothing of its callers: the warm start (warm.c), the endgame (endgame.c) and the run
 * (run.c) are above it, and what differs between them comes in through silo_setup. */
#ifndef RM_SILO_STATE_H
#define RM_SILO_STATE_H

#include <stddef.h>

#include "common/matrix.h"
#include "numerics/centre.h"
#include "numerics/lanczos.h"
#include "numerics/moments.h"
#include "robustmean.h"
#include "silo/solver.h"

/* Defaults of the options (bench/TUNING.md, RM_SILO_DIRECTIONS and RM_SILO_TOL). */
#define RM_SILO_DELTA 0.05
#define RM_SILO_TOL 0.02
#define RM_SILO_MAX_ITER 500
#define RM_SILO_DIRECTIONS 16

/* An iterate kept: its weights, mean, Ritz vectors and figures. */
typedef struct silo_point {
    double *q, *mu, *V; /* n, d, and RM_MAX_PAIRS * d values */
    double F, gap;
    size_t k, k_gap;
} silo_point;

/* What the solve aims at: the window of top directions and the gap's tolerance, as the
 * user set them and as the current stage of the endgame sharpens them. */
typedef struct silo_targets {
    size_t max_pairs;
    double delta, tol;
    double user_delta, user_tol;
    int effective_cap; /* the gap on the simplex whose cap the largest weight meets (the
                        * filter's result, certified after its run) */
} silo_targets;

/* The eigen oracle: the top Ritz pairs of Sigma_q and mu_q at the current weights. */
typedef struct silo_oracle {
    int dense;      /* the formed matrix by LAPACK (small d), else Lanczos */
    double eig_tol; /* Lanczos: the top pair's residual tolerance, relative to its value */
    rm_lanczos *lz;
    int failed;     /* a product failed during this evaluation (out of memory) */
    rm_eig_result eig; /* eig.vectors is V */
    double *V, *mu;    /* d x RM_MAX_PAIRS, d */
    int mu_ready;      /* mu is that of the current weights */
    /* The dense path: C = Sigma_q and LAPACK's copy of it, from C_raw = sum q z z^T and
     * mu_raw = sum q z at the weights q_C, updated from the rows whose weight moved. */
    double *C, *C_work, *C_raw, *mu_raw, *q_C, *delta_w;
    size_t *delta_rows, raw_age;
    int have_raw;
} silo_oracle;

/* The evaluation at q: the directions, the scores, the gap and the step's direction. */
typedef struct silo_eval {
    size_t k, k_gap; /* directions within 2 delta (steps) and within delta (the gap) */
    double delta;    /* the delta that k_gap, the gap and tau were taken at */
    double w[RM_MAX_PAIRS]; /* the gap's weights on the k_gap directions */
    double gap;
    double *S;       /* n x k scores */
    double *tau, *tau_gap, *norms; /* n each: see rm_silo_state */
    int norms_valid; /* norms holds the distances at q */
} silo_eval;

/* q and its evaluation, kept to go back to when a step is rejected. */
typedef struct silo_undo {
    double *q, *tau, *tau_gap, *norms;
    int norms_valid;
} silo_undo;

/* The rows the gap's weights are fitted on when n is large (sample.c): their scores and
 * weights are copied out at each evaluation. */
typedef struct silo_gap_sample {
    const size_t *rows; /* the caller's (global row numbers when spread over processes) */
    size_t n;           /* 0: the gap is fitted on all rows */
    double *S, *tau, *work;
    /* spread over processes: this process's rows among them (local numbers, in the
     * sample's order, `mine` of them), their scores and weights packed to be gathered,
     * and every process's, in the sample's order */
    size_t *local, mine;
    double *packed, *gathered;
} silo_gap_sample;

/* The iterates kept. certified: the one of lowest F whose gap is within the user's
 * tolerance at their delta or a sharper one (a gap at a sharper delta bounds the gap at
 * theirs: its directions are among theirs); capped solvers only. */
typedef struct silo_kept {
    silo_point best, certified;
    int best_is_current; /* the current evaluation is the best iterate's */
} silo_kept;

/* What the solve cost, for the report. */
typedef struct silo_cost {
    size_t products, passes;
    double passes_partial; /* updates that read part of the data, in whole passes */
} silo_cost;

struct silo;
/* Called before each step the solver is about to take from an evaluated point (not
 * after a rejected proposal), with the direction it was proposed along in the state. */
typedef void (*silo_step_hook)(void *ctx, const struct silo *s);

typedef struct silo {
    size_t n, d;
    size_t total; /* the rows of every process (n when this one holds them all) */
    rm_options opt;
    const rm_solver *solver;
    rm_silo_state st; /* what the solver sees */
    rm_moments m;     /* the data, centred by the caller's centre */
    silo_targets tg;
    double *q, *next, *work; /* n each: the weights, the proposal, scratch */
    silo_oracle oracle;
    silo_eval ev;
    silo_undo undo;
    silo_gap_sample sample;
    silo_kept kept;
    silo_cost cost;
    silo_step_hook on_step;
    void *on_step_ctx;
    const rm_row_range *clock; /* the time budget's agreed clock (the range, or the
                                  setup's clock for a copy every process solves alike) */
} silo;

/* What a solve is set up with. */
typedef struct silo_setup {
    const rm_matrix *X;
    const rm_centre *centre; /* the data's centre; the caller's, kept until rm_silo_free */
    const rm_options *opt;   /* threads resolved */
    double eps;
    const rm_solver *solver;
    const size_t *gap_rows;  /* the rows the gap is fitted on (rm_silo_draw_samples), */
    size_t gap_n;            /* kept until rm_silo_free; 0: all rows */
    double eig_tol;          /* Lanczos tolerance; 0: the solver's, or the default */
    silo_step_hook on_step;  /* NULL, or called before each step */
    void *on_step_ctx;
    const rm_row_range *range; /* NULL, or X holds this process's rows of those spread
                                  over processes (every process solving alike) */
    const rm_row_range *clock; /* with range NULL: NULL, or the processes that each solve
                                  this same copy (their slowest clock stops them alike) */
} silo_setup;

/* state.c: set up a solve at q = 1/n. Returns RM_OK or RM_ENOMEM; rm_silo_free releases
 * what was set up either way. */
int rm_silo_init(silo *s, const silo_setup *setup);
void rm_silo_free(silo *s);
/* Start again at eps from the best iterate's weights (projected onto the simplex of a
 * smaller eps; a larger one holds them): the kept iterates, the counters and the step are
 * forgotten, the oracle keeps its warm start. Returns RM_OK or a negative code. */
int rm_silo_restart(silo *s, double eps);
/* The current iterate into p. */
void rm_silo_point_keep(const silo *s, silo_point *p);
/* The value in data units of an objective in the scaled space. */
double rm_silo_unscale_objective(const silo *s, double F);
/* Whether opt's time budget is spent since start: *spent 0 or 1, the same on every process
 * of clock (their slowest clock; NULL: this process's, rm_clock_seconds() - start). No
 * budget: *spent 0 and nothing is called; else every process of clock calls it at the
 * same points. Returns RM_OK or the hook's failure. */
int rm_silo_time_spent(const rm_row_range *clock, const rm_options *opt, double start,
                       int *spent);

/* oracle.c: the oracle's part of the set-up (d, the solver's and the setup's tolerance),
 * its release, and the top eigenpairs of Sigma_q with mu_q at the current weights.
 * Each returns RM_OK or a negative code. */
int rm_silo_oracle_init(silo *s, double eig_tol);
void rm_silo_oracle_free(silo_oracle *o);
int rm_silo_oracle_run(silo *s);

/* scores.c: everything at the current q (F, directions, scores, gap, tau): RM_OK or a
 * negative code. */
int rm_silo_evaluate(silo *s);
/* The directions the gap takes at the current delta, the gap and tau, from the current
 * evaluation's Ritz values and scores: RM_OK or a negative code. */
int rm_silo_directions(silo *s);
/* The distances at q for a solver that reads them, when the evaluation did not take
 * them: a pass. RM_OK or a negative code. */
int rm_silo_ensure_norms(silo *s);
/* The largest of v[i * stride] over the rows whose weight is positive and at least
 * floor_weight (the same on any number of threads). */
double rm_silo_largest_weighted(const double *q, const double *v, size_t stride, size_t n,
                                double floor_weight, int threads);

/* iterate.c: step from the current weights until a stopping rule holds, keeping the best
 * iterate; start: the clock time the time budget counts from. Returns RM_OK,
 * RM_NOT_CONVERGED (iteration cap, time budget) or a negative code; *stop says why. */
int rm_silo_iterate(silo *s, double start, rm_stop *stop);
/* Back to the best iterate, evaluated at the current delta: only its directions when it
 * is the current point, else an evaluation anew (*evaluated = 1). RM_OK or a negative
 * code. */
int rm_silo_return_to_best(silo *s, int *evaluated);

/* sample.c: the rows the gap is fitted on when n is large: how many (0 for all). */
size_t rm_silo_gap_rows(size_t n);
/* Two nested samples of rows by their keys (row_sample.h): the first *gap_n rows by key
 * into gap_rows and the first *warm_n into warm_rows (when *warm_n > 0); each count
 * becomes what was taken. Returns RM_OK or RM_ENOMEM (the keys take n doubles while the
 * samples are drawn), or RM_EOVERFLOW. Spread over processes (m->range), the samples'
 * rows are global row numbers, the same on every process, and so is the status. */
int rm_silo_draw_samples(const rm_moments *m, int threads, size_t *gap_rows, size_t *gap_n,
                         size_t *warm_rows, size_t *warm_n);

#endif
