/* See shape_step.h. */
#include "silo/shape_step.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "numerics/passes.h"
#include "numerics/shape.h"

/* The sample's rows (all rows when sample_n is 0) into rows: their count. */
static size_t sample_rows(size_t n, const size_t *sample, size_t sample_n, size_t *rows)
{
    size_t m = sample_n ? sample_n : n;
    for (size_t t = 0; t < m; t++)
        rows[t] = sample_n ? sample[t] : t;
    return m;
}

int rm_silo_shape_metric(const rm_moments *mo, int threads, const double *q, const double *also,
                         double cap, const double *origin, const size_t *sample,
                         size_t sample_n, rm_shape *sh)
{
    sh->M = sh->origin = NULL;
    if (mo->d > RM_SHAPE_MAX_DIM)
        return RM_OK;
    size_t *rows = rm_alloc_array(sample_n ? sample_n : mo->n, sizeof *rows), kept = 0;
    if (!rows)
        return RM_ENOMEM;
    size_t m = sample_rows(mo->n, sample, sample_n, rows);
    for (size_t t = 0; t < m; t++)
        if ((!q || q[rows[t]] >= 0.5 * cap) && (!also || also[rows[t]] >= 0.5 * cap))
            rows[kept++] = rows[t];
    int status = kept >= 2 ? rm_shape_fit(mo, rows, kept, origin, threads, sh) : RM_OK;
    free(rows);
    return status;
}

/* F of q (renormalised) on the listed rows, in z and in the metric. */
static int objective_on_rows(const rm_moments *mo, int threads, const rm_shape *sh,
                             const double *q, const size_t *rows, size_t m, double *w,
                             double *in_z, double *in_metric)
{
    double total = 0.0;
    for (size_t t = 0; t < m; t++)
        total += q[rows[t]];
    for (size_t t = 0; t < m; t++)
        w[t] = total > 0.0 ? q[rows[t]] / total : 1.0 / (double)m;
    return rm_shape_objective(mo, sh, rows, w, m, threads, in_z, in_metric);
}

int rm_silo_shape_gain(const rm_moments *mo, int threads, const rm_shape *sh, const double *q0,
                       const double *q1, const size_t *sample, size_t sample_n, double *gain)
{
    size_t *rows = rm_alloc_array(sample_n ? sample_n : mo->n, sizeof *rows);
    double *w = rm_alloc_array(sample_n ? sample_n : mo->n, sizeof *w), z[2] = {0, 0},
           metric[2] = {0, 0};
    int status = rows && w ? RM_OK : RM_ENOMEM;
    size_t m = status == RM_OK ? sample_rows(mo->n, sample, sample_n, rows) : 0;
    const double *q[2] = {q0, q1};
    for (int k = 0; status == RM_OK && k < 2; k++)
        status = objective_on_rows(mo, threads, sh, q[k], rows, m, w, &z[k], &metric[k]);
    *gain = metric[1] > 0.0 && z[0] > 0.0 ? (metric[0] / metric[1]) / (z[1] / z[0]) : 1.0;
    free(rows);
    free(w);
    return status;
}

int rm_silo_weighted_mean(const silo *s, const double *q, double *mu)
{
    double *zero = calloc(s->d, sizeof *zero), *W = rm_alloc_array(s->d, sizeof *W);
    char unused[sizeof ((rm_report *)0)->message] = "";
    /* spread over processes, every process goes on to the pass or none */
    int status = rm_row_range_agree(s->m.range, zero && W ? RM_OK : RM_ENOMEM, unused);
    if (status == RM_OK)
        status = rm_pass_product(&s->m, s->opt.threads, q, zero, 1, W, mu);
    free(zero);
    free(W);
    return status;
}

int rm_silo_shape_blend(const silo *s, const double *q1, const double *mu1, silo_reported *pt,
                        rm_report *rep)
{
    size_t n = s->n, d = s->d;
    double *q = pt->q, *mu = pt->mu, F = pt->F, dist = 0.0;
    for (size_t j = 0; j < d; j++)
        dist += (mu1[j] - mu[j]) * (mu1[j] - mu[j]);
    dist = sqrt(dist);
    double radius = rep->bound_error * sqrt(F), t = dist > radius ? radius / dist : 1.0;
    for (size_t i = 0; i < n; i++)
        q[i] = (1.0 - t) * q[i] + t * q1[i];
    for (size_t j = 0; j < d; j++)
        mu[j] = (1.0 - t) * mu[j] + t * mu1[j];
    /* F <= bound_objective sigma^2 bounds the move in units of sigma */
    rep->bound_error += t * dist * sqrt(rep->bound_objective / F);
    rep->shape_refined = 1;
    rep->shape_shift = rm_centre_unscale_length(s->m.ctr, t * dist);
    rep->shape_radius = rm_centre_unscale_length(s->m.ctr, radius);
    if (isfinite(rep->sigma_certificate))
        rep->sigma_certificate += rep->shape_shift;
    uint64_t outliers = 0;
    for (size_t i = 0; i < n; i++)
        outliers += q[i] < 0.5 * pt->cap;
    int status = rm_row_range_combine(s->m.range, RM_OK, &outliers, 1, RM_COMBINE_SUM_COUNTS);
    rep->outliers = (size_t)outliers;
    rep->outlier_fraction = (double)outliers / (double)s->total;
    return status;
}
