/* A SILO solver's step rule (DESIGN.md, section 3): how to step from the weights q along
 * the quasi-gradient tau, and whether to keep the step. The core (state.h) does the rest:
 * the weighted covariance's top Ritz pairs, the scores, the stationarity gap, the
 * stopping rules and the best iterate. */
#ifndef RM_SILO_SOLVER_H
#define RM_SILO_SOLVER_H

#include <stddef.h>

#include "common/row_range.h"

/* Multiplicative steps are scaled by the largest score among the rows holding at least
 * this fraction of the cap: a row below it whose score is larger loses all its weight
 * (it holds too little to matter), and does not slow the step of the rest
 * (bench/TUNING.md, RM_SILO_STEP_FLOOR). */
#define RM_SILO_STEP_FLOOR 1e-2

/* What a solver sees. The core owns every buffer. */
typedef struct rm_silo_state {
    size_t n;
    double eps, u;      /* u = 1/((1-eps) n), the cap */
    const double *q;    /* current weights */
    const double *tau;  /* the quasi-gradient tau_U at q (scores, n values) */
    const double *tau_gap; /* tau_U for the U of the stationarity gap (the U that makes q
                              look most stationary) */
    const double *norms;   /* ||z_i - mu_q||^2: the squared distance of each row to the
                              weighted mean, in every direction at once */
    double F;           /* the objective at q */
    size_t iteration;   /* 0 before the first step */
    double step;        /* the solver's own step parameter, kept across iterations */
    size_t rejected;    /* proposals rejected in a row just before this one */
    int polishing;      /* in the endgame (endgame.c): steps refine a near-optimal point */
    double *work;       /* n doubles of scratch */
    int threads;        /* the options' threads (0: one per core) */
    const rm_row_range *range; /* NULL, or the rows spread over processes: n (and q, tau,
                                  norms, work, next) are this process's rows, u the cap
                                  over all; every process proposes alike */
} rm_silo_state;

typedef struct rm_solver {
    /* Write the next weights into next (n values). Returns RM_OK, or a negative code
     * (spread over processes: a hook's, the same on every process). */
    int (*propose)(rm_silo_state *st, double *next);
    /* Called with the objective at the proposal: 1 keeps it, 0 returns to q (the solver
     * will be asked again, and should change its step). NULL: always keep. */
    int (*accept)(rm_silo_state *st, double F_next);
    /* 0 when the steps ignore the cap (the filter): its result is certified on the capped
     * simplex whose cap its largest weight meets. */
    int capped;
    /* Ritz residual tolerance of the Lanczos oracle, relative to the top eigenvalue; 0:
     * the default. Solvers that converge to the optimum correct a loose one; a path that
     * does not (the filter's) needs accurate directions, or rounding-level differences in
     * the data (a permutation) change how many Lanczos steps run, and so the path. Used
     * only up to the d where the oracle always reaches it (oracle.c). */
    double eig_tol;
    /* 1: step along the softmax of the Ritz values (softmax_weights, scores.c); 0: along
     * the gap's own weights. */
    int softmax_step;
    /* 1: the solver reads st->norms (computed in the scores pass only then). */
    int needs_norms;
    /* 1: accept may refuse a proposal (the core then keeps copies to go back to). */
    int can_reject;
} rm_solver;

extern const rm_solver rm_solver_lowregret, rm_solver_pgd, rm_solver_filter;

/* *top = the largest score among the rows whose weight is at least floor_weight (over
 * every process): steps are scaled by it. With floor_weight > 0, rows far beyond it whose
 * weight has already decayed do not slow the rest; 0 takes every row still weighted (the
 * classical filter). Returns RM_OK or a hook's code. */
int rm_silo_tau_max(const rm_silo_state *st, double floor_weight, double *top);

/* *value = the largest of every process's *value (range NULL: as it is); status: this
 * process's so far. Returns RM_OK or every process's failure. */
int rm_silo_largest_everywhere(const rm_row_range *range, int status, double *value);

#endif
