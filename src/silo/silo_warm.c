/* See silo_solve.h: the sample solve that starts the solve on many rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/passes.h"
#include "numerics/row_sample.h"
#include "numerics/simplex.h"
#include "silo/silo_solve.h"

/* From this many rows on, a solve on a sample of WARM_ROWS rows (at least WARM_PER_D per
 * column) starts the solve on all of them. */
#define WARM_MIN_ROWS 100000
#define WARM_ROWS 20000
#define WARM_PER_D 10

/* The sample solve's Lanczos tolerance (Ritz residuals relative to the top eigenvalue):
 * its directions only start the solve on all rows, which refines them. DKK noise, n = 1e5,
 * d = 1000: 584 products at the solve's 1e-2, 136 at this; F after the whole solve 0.2%
 * higher. */
#define WARM_EIG_TOL 0.1

/* A replayed step is multiplicative, whichever solver took it: pgd's longer steps are
 * replayed at this c, which still leaves weight to the row at the top. */
#define REPLAY_MAX_STEP 0.95

size_t rm_silo_warm_rows(size_t n, size_t d)
{
    size_t m = WARM_ROWS > WARM_PER_D * d ? WARM_ROWS : WARM_PER_D * d;
    return n < WARM_MIN_ROWS || m > n / 4 ? 0 : m;
}

/* The sample's steps replayed on every row at once: each step as the sample took it (its
 * c, scaled by the sample's largest score along its direction: a row scoring above 1/c
 * times that goes). Scaled by the largest score of all rows (further out, among 50 times
 * as many) every step was smaller, and the solve on all rows started 9.5% above its final
 * F instead of 4.4% (n = 1e6, variance shell). The steps' factors multiply in one pass,
 * and one KL projection follows, where the sample projected after each step: there the
 * steps took T + 1 passes, and the first evaluation's F was 1.1% higher. */
typedef struct replay {
    const double *q;
    double *next;
    double scale[RM_SILO_WARM_STEPS]; /* c_t / top_t, or 0 to skip step t */
} replay;

static void replay_steps(void *ctx, size_t first, size_t rows, const double *scores, size_t k)
{
    const replay *r = ctx;
    for (size_t i = 0; i < rows; i++) {
        double w = r->q[first + i];
        for (size_t t = 0; t < k; t++) {
            double f = 1.0 - r->scale[t] * scores[i * k + t];
            w *= f > 0.0 ? f : 0.0;
        }
        r->next[first + i] = w;
    }
}

/* A solve on a sample of the rows (chosen by their values: the same whatever their order
 * and units; rm_silo_init draws it, beside the smaller sample the centre comes from)
 * starts the solve on all of them. The sample's first steps are what remove the
 * outliers, each along the top direction of its moment: those directions score every row
 * in one pass, and the steps are replayed on all the rows (multiplicative weights, O(n)
 * each). The sample's final directions would not do: once its outliers are gone, they no
 * longer point at them. The solve on all the rows then only settles the boundary, from
 * the sample's top vectors. */
int rm_silo_warm_start(silo *s, double start)
{
    size_t n = s->n, d = s->d, m = s->warm_m;
    if (!s->warm_X)
        return RM_OK;
    silo in;
    rm_options opt = s->opt;
    opt.max_seconds = opt.max_seconds > 0.0 ? opt.max_seconds / 2 : 0.0;
    rm_matrix sample = rm_matrix_of_doubles(s->warm_X, m, d);
    int status = rm_silo_init(&in, &sample, &opt, s->st.eps, s->solver, &s->ctr);
    if (status == RM_OK) {
        in.history = rm_alloc_array(RM_SILO_WARM_STEPS, d * sizeof(double));
        status = in.history ? RM_OK : RM_ENOMEM;
    }
    const char *why;
    if (status == RM_OK) {
        in.eig_tol = WARM_EIG_TOL;
        status = rm_silo_iterate(&in, start, &why);
    }
    size_t T = in.steps_recorded;
    if (status >= 0 && T > 0) {
        replay r = {s->q, s->next, {0}};
        for (size_t t = 0; t < T; t++) {
            double top = in.history_tops[t], c = fmin(in.history_steps[t], REPLAY_MAX_STEP);
            r.scale[t] = top > 0.0 ? c / top : 0.0;
        }
        rm_scoring sc = {NULL, in.history_offsets, in.history, T, replay_steps, &r, NULL};
        status = rm_pass_scores(&s->m, s->opt.threads, &sc);
        s->passes += 1 + (in.passes * m + n - 1) / n; /* the sample's, in whole-data passes */
        s->products += in.products;
        /* (with too few rows left to fill the capped simplex, q stays at 1/n) */
        if (status >= 0)
            rm_simplex_project_kl(s->next, n, s->st.u, s->q, s->work, s->opt.threads);
        if (s->lz)
            rm_lanczos_warm(s->lz, in.best.V, in.best.k);
        /* the step the sample grew to (at most a replayed step's): n = 1e6, variance
         * shell, 2 iterations to settle instead of 4 from c = 1/2 */
        s->st.step = fmin(in.st.step, REPLAY_MAX_STEP);
    }
    rm_silo_free(&in);
    free(s->warm_X); /* done with: the memory of the sample goes back */
    s->warm_X = NULL;
    return status < 0 ? status : RM_OK;
}

