/* The state of one SILO solve, shared by the core loop (silo.c) and the sample solve
 * that warm-starts large inputs (silo_warm.c). Internal to those two files. */
#ifndef RM_SILO_SOLVE_H
#define RM_SILO_SOLVE_H

#include "numerics/centre.h"
#include "numerics/lanczos.h"
#include "numerics/moments.h"
#include "silo/silo.h"

/* The sample solve's first steps that are replayed on all the rows (silo_warm.c). */
#define RM_SILO_WARM_STEPS 16

/* An iterate kept: its weights, mean, Ritz vectors and figures. */
typedef struct silo_point {
    double *q, *mu, *V; /* n, d, and RM_MAX_PAIRS * d values */
    double F, gap;
    size_t k, k_gap;
} silo_point;

typedef struct silo {
    size_t n, d;
    rm_options opt;
    const rm_solver *solver;
    rm_silo_state st;
    rm_moments m;
    rm_centre ctr; /* owned when own_centre */
    int own_centre;
    size_t max_pairs;
    double delta, tol, eig_tol;
    double user_delta, user_tol; /* delta and tol as the user set them (polish sharpens
                                  * delta and tol for its stages, then restores them) */
    int dense, effective_cap;
    int best_is_current; /* the current evaluation is the best iterate's */
    double directions_delta; /* the delta that k_gap, the gap and tau were taken at */
    /* weights and scores */
    double *q, *next, *tau, *tau_gap, *norms, *work, *S;
    double *prev_q, *prev_tau, *prev_tau_gap, *prev_norms; /* to undo a rejected step */
    int norms_valid, prev_norms_valid; /* norms (and prev_norms) hold the distances at q */
    double *S_sub, *tau_sub, *work_sub;
    size_t *sub_rows, n_sub;
    /* the oracle */
    rm_lanczos *lz;
    int failed;
    double *C, *C_work, *V, *mu;
    int mu_ready;
    /* the dense oracle's sum q z z^T and sum q z, for the weights q_C */
    double *C_raw, *mu_raw, *q_C, *delta_w;
    size_t *delta_rows, raw_age;
    int have_raw;
    rm_eig_result eig;
    /* the evaluation at q */
    size_t k, k_gap; /* directions within 2 delta (steps) and within delta (the gap) */
    double w[RM_MAX_PAIRS]; /* the gap's weights on the k_gap directions */
    double gap;
    /* the best iterate */
    silo_point best;
    /* the certified iterate of lowest F: its gap within the user's tolerance at their
     * delta or a sharper one (a gap at a sharper delta bounds the gap at theirs: its
     * directions are among theirs); capped solvers only */
    silo_point certified;
    size_t products, passes;
    double passes_partial; /* updates that read part of the data, in whole passes */
    /* the warm start's sample (rm_silo_warm_rows rows, copied), when there is one */
    double *warm_X;
    size_t warm_m;
    /* the first steps, when recording: the top direction, the offset mu . v, the largest
     * score along it among the rows a step scales by (RM_SILO_STEP_FLOOR), the step */
    double *history, history_offsets[RM_SILO_WARM_STEPS], history_tops[RM_SILO_WARM_STEPS];
    double history_steps[RM_SILO_WARM_STEPS];
    size_t steps_recorded;
} silo;

/* Set up a solve on the rows of X. centre: the data's centre when known (a sample
 * shares its population's, so that their directions compare), or NULL to compute it.
 * Returns RM_OK or a negative code; rm_silo_free releases what was set up either way. */
int rm_silo_init(silo *s, const rm_matrix *X, const rm_options *opt, double eps,
                 const rm_solver *solver, const rm_centre *centre);
void rm_silo_free(silo *s);

/* Iterate from the current weights until a stopping rule holds; the best iterate is kept
 * in s. start: the clock time the time budget counts from. */
int rm_silo_iterate(silo *s, double start, const char **stop_reason);

/* The size of the sample whose solve warm-starts the solve on n rows of d columns, or 0
 * when the data is too small to profit (silo_warm.c). */
size_t rm_silo_warm_rows(size_t n, size_t d);

/* Warm-start the solve on many rows from a solve on the sample in s->warm_X (silo_warm.c);
 * does nothing without one. Returns RM_OK or a negative code. */
int rm_silo_warm_start(silo *s, double start);

#endif
