/* See directions.h. */
#include "generate/directions.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "numerics/summation.h"

double rm_dot(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += a[j] * b[j];
    return s;
}

double rm_norm(const double *a, size_t d) { return sqrt(rm_dot(a, a, d)); }

int rm_normalise(double *v, size_t d)
{
    double s = rm_norm(v, d);
    if (!(s > 0.0) || !isfinite(s))
        return 0;
    for (size_t j = 0; j < d; j++)
        v[j] /= s;
    return 1;
}

void rm_direction_random(gsl_rng *r, double *v, size_t d)
{
    /* A Gaussian vector is zero with probability 0; redrawing keeps the law exact. */
    do
        for (size_t j = 0; j < d; j++)
            v[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
    while (!rm_normalise(v, d));
}

/* w minus its components along the k unit rows of Q, twice (once loses digits when w
 * was nearly in their span). */
static void orthogonalise(double *w, const double *Q, size_t k, size_t d)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < k; i++) {
            double c = rm_dot(w, Q + i * d, d);
            for (size_t j = 0; j < d; j++)
                w[j] -= c * Q[i * d + j];
        }
}

int rm_direction_orthogonal(gsl_rng *r, const double *v, double *w, size_t d)
{
    if (d < 2) {
        memset(w, 0, d * sizeof *w);
        return 0;
    }
    do {
        for (size_t j = 0; j < d; j++)
            w[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
        orthogonalise(w, v, 1, d);
    } while (!rm_normalise(w, d));
    return 1;
}

void rm_rotation_random(gsl_rng *r, double *Q, size_t d)
{
    for (size_t k = 0; k < d; k++) {
        double *q = Q + k * d;
        do {
            for (size_t j = 0; j < d; j++)
                q[j] = gsl_ran_gaussian_ziggurat(r, 1.0);
            orthogonalise(q, Q, k, d);
        } while (!rm_normalise(q, d));
    }
}

void rm_direction_top_variance(gsl_rng *r, const double *X, size_t m, size_t d, double *v,
                               double *work)
{
    double *centre = work, *next = work + d;
    rm_matrix rows = rm_matrix_of_doubles(X, m, d);
    rm_rows_mean(&rows, NULL, m, centre, next); /* next and the 2*d after it: scratch */
    rm_direction_random(r, v, d);
    for (int step = 0; step < RM_POWER_STEPS; step++) {
        memset(next, 0, d * sizeof *next);
        for (size_t i = 0; i < m; i++) {
            const double *x = X + i * d;
            double t = 0.0;
            for (size_t j = 0; j < d; j++)
                t += (x[j] - centre[j]) * v[j];
            for (size_t j = 0; j < d; j++)
                next[j] += t * (x[j] - centre[j]);
        }
        /* Constant rows have no direction of variance: any unit vector will do. */
        if (!rm_normalise(next, d))
            return;
        memcpy(v, next, d * sizeof *v);
    }
}
