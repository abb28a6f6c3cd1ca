/* See warm.h. A solve on a sample of the rows (chosen by their values: the same whatever
 * their order and units) starts the solve on all of them. The sample's first steps are
 * what remove the outliers, each along the top direction of its moment: those directions
 * score every row in one pass, and the steps are replayed on all the rows (multiplicative
 * weights, O(n) each). The sample's final directions would not do: once its outliers are
 * gone, they no longer point at them. The solve on all the rows then only settles the
 * boundary, from the sample's top vectors. */
#include "silo/warm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/threads.h"
#include "numerics/passes.h"
#include "numerics/row_sample.h"
#include "numerics/simplex.h"
#include "silo/eps_check.h"

/* From this many rows on, a solve on a sample of WARM_ROWS rows (at least WARM_PER_D per
 * column) starts the solve on all of them. */
#define WARM_MIN_ROWS 100000
#define WARM_ROWS 20000
#define WARM_PER_D 10
/* The sample's first steps that are replayed on all the rows. */
#define WARM_STEPS 16
/* The sample solve's Lanczos tolerance: its directions only start the solve on all rows,
 * which refines them (bench/TUNING.md, WARM_EIG_TOL). */
#define WARM_EIG_TOL 0.1
/* A replayed step is multiplicative, whichever solver took it: pgd's longer steps are
 * replayed at this c, which still leaves weight to the row at the top. */
#define REPLAY_MAX_STEP 0.95

size_t rm_silo_warm_rows(size_t n, size_t d)
{
    size_t m = WARM_ROWS > WARM_PER_D * d ? WARM_ROWS : WARM_PER_D * d;
    return n < WARM_MIN_ROWS || m > n / 4 ? 0 : m;
}

double *rm_silo_warm_sample(const rm_matrix *X, const size_t *rows, size_t m, int threads)
{
    size_t d = X->d;
    double *sample = rm_alloc_array(m, d * sizeof(double));
    if (!sample)
        return NULL;
    /* on threads: the copy's cost is the first touch of its pages (bench/TUNING.md,
     * WARM_SAMPLE_COPY_THREADS) */
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, m * d))
    for (size_t t = 0; t < m; t++)
        rm_matrix_copy_row(X, rows[t], sample + t * d);
    return sample;
}

int rm_silo_warm_sample_range(const rm_matrix *X, const rm_row_range *range, const size_t *rows,
                              size_t m, int threads, double **sample)
{
    if (!range) {
        *sample = rm_silo_warm_sample(X, rows, m, threads);
        return *sample ? RM_OK : RM_ENOMEM;
    }
    size_t d = X->d, *local = rm_alloc_array(m, sizeof *local), count = 0;
    if (local)
        count = rm_sample_mine(range, rows, m, local);
    double *mine = local ? rm_silo_warm_sample(X, local, count, threads) : NULL;
    *sample = rm_alloc_array(m, d * sizeof(double));
    int status = rm_sample_gather(range, rows, m, mine && *sample ? RM_OK : RM_ENOMEM, mine, d,
                                  *sample);
    free(local);
    free(mine);
    if (status != RM_OK) {
        free(*sample);
        *sample = NULL;
    }
    return status;
}

/* The sample solve's first steps, as the hook records them before each is taken: the top
 * direction, its offset mu . v, the largest score along it among the rows a step scales
 * by (RM_SILO_STEP_FLOOR), and the step as the solver proposed it. */
typedef struct step_record {
    double *directions; /* WARM_STEPS x d */
    double offsets[WARM_STEPS], tops[WARM_STEPS], steps[WARM_STEPS];
    size_t count;
} step_record;

static void record_step(void *ctx, const silo *s)
{
    step_record *h = ctx;
    if (h->count == WARM_STEPS)
        return;
    size_t t = h->count++, d = s->d;
    double *v = h->directions + t * d, offset = 0.0;
    memcpy(v, s->oracle.V, d * sizeof *v);
    for (size_t j = 0; j < d; j++)
        offset += s->oracle.mu[j] * v[j];
    h->offsets[t] = offset;
    /* the scores along the top direction are S's first column */
    h->tops[t] = rm_silo_largest_weighted(s->q, s->ev.S, s->ev.k, s->n,
                                          RM_SILO_STEP_FLOOR * s->st.u, s->opt.threads);
    h->steps[t] = s->st.step;
}

/* The sample's steps replayed on every row at once, each as the sample took it: its c,
 * scaled by the sample's largest score along its direction, so a row scoring above 1/c
 * times that goes. The steps' factors multiply in one pass, and one KL projection follows
 * (bench/TUNING.md, REPLAY_SCALE and REPLAY_ONE_PROJECTION). */
typedef struct replay {
    const double *q;
    double *next;
    double scale[WARM_STEPS]; /* c_t / top_t, or 0 to skip step t */
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

/* How far the fraction of corrupted rows in a sample of m rows may stand above eps by
 * chance: three standard deviations of a binomial fraction. */
static double sampling_slack(double eps, size_t m)
{
    return 3.0 * sqrt(eps * (1.0 - eps) / (double)m);
}

int rm_silo_warm_start(silo *s, const double *sample, size_t m, double start,
                       rm_eps_check *check)
{
    size_t n = s->n, d = s->d;
    rm_options opt = s->opt;
    opt.max_seconds = opt.max_seconds > 0.0 ? opt.max_seconds / 2 : 0.0;
    if (s->m.range) /* every process repeats this solve: an interrupt seen by one alone
                       would part them; the spread solve after it sees it, agreed */
        opt.interrupt = NULL;
    rm_matrix X = rm_matrix_of_doubles(sample, m, d);
    rm_moments moments = {.X = X, .n = m, .d = d, .ctr = s->m.ctr};
    step_record h = {.directions = rm_alloc_array(WARM_STEPS, d * sizeof(double))};
    size_t gap_n = rm_silo_gap_rows(m), none = 0;
    size_t *gap_rows = rm_alloc_array(gap_n, sizeof *gap_rows);
    int status = h.directions && gap_rows ? RM_OK : RM_ENOMEM;
    if (status == RM_OK && gap_n)
        status = rm_silo_draw_samples(&moments, opt.threads, gap_rows, &gap_n, NULL, &none);
    silo in;
    silo_setup setup = {.X = &X,
                        .centre = s->m.ctr,
                        .opt = &opt,
                        .eps = s->st.eps,
                        .solver = s->solver,
                        .gap_rows = gap_rows,
                        .gap_n = gap_n,
                        .eig_tol = WARM_EIG_TOL,
                        .on_step = record_step,
                        .on_step_ctx = &h,
                        .clock = s->clock};
    memset(&in, 0, sizeof in);
    if (status == RM_OK)
        status = rm_silo_init(&in, &setup);
    rm_stop why;
    if (status == RM_OK)
        status = rm_silo_iterate(&in, start, &why);
    if (s->m.range) { /* a failure of this process's own (memory) stops every process */
        char unused[sizeof ((rm_report *)0)->message] = "";
        int failed = rm_row_range_agree(s->m.range, status < 0 ? status : RM_OK, unused);
        status = failed != RM_OK ? failed : status;
    }
    size_t T = h.count;
    if (status >= 0 && T > 0) {
        replay r = {.q = s->q, .next = s->next};
        for (size_t t = 0; t < T; t++) {
            double top = h.tops[t], c = fmin(h.steps[t], REPLAY_MAX_STEP);
            r.scale[t] = top > 0.0 ? c / top : 0.0;
        }
        rm_scoring sc = {.offsets = h.offsets,
                         .V = h.directions,
                         .k = T,
                         .take = replay_steps,
                         .ctx = &r};
        status = rm_pass_scores(&s->m, s->opt.threads, &sc);
        s->cost.passes++;
        /* (with too few rows left to fill the capped simplex, q stays at 1/n) */
        double theta;
        if (status >= 0)
            status = rm_simplex_project_kl_range(s->next, n, s->st.u, s->q, s->work,
                                                 s->opt.threads, s->m.range, &theta);
        if (s->oracle.lz)
            rm_lanczos_warm(s->oracle.lz, in.kept.best.V, in.kept.best.k);
        /* the step the sample grew to, at most a replayed step's (bench/TUNING.md,
         * REPLAY_MAX_STEP) */
        s->st.step = fmin(in.st.step, REPLAY_MAX_STEP);
    }
    if (status >= 0) { /* after the replay: it continues the sample's solve */
        in.on_step = NULL;
        status = rm_silo_eps_check(&in, start, sampling_slack(s->st.eps, m), check);
    }
    /* the sample's passes (its solve's and its check's), in whole-data passes */
    s->cost.passes += (in.cost.passes * m + s->total - 1) / s->total;
    s->cost.products += in.cost.products;
    rm_silo_free(&in);
    free(gap_rows);
    free(h.directions);
    return status < 0 ? status : RM_OK;
}
