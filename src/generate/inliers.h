/* The inlier models: each is a law x = mu + R (root .* z) + s*a*u, with z of independent
 * unit-variance coordinates (Gaussian, scaled Student-t or scaled Laplace), root the
 * square roots of the eigenvalues, R an optional rotation, and s = +-1 a fair coin for
 * the two-component mixture (a*u: half the separation along a unit vector u). */
#ifndef RM_INLIERS_H
#define RM_INLIERS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "robustmean.h"
#include "robustmean_generate.h"

typedef enum rm_noise { RM_NOISE_GAUSSIAN, RM_NOISE_STUDENT, RM_NOISE_LAPLACE } rm_noise;

typedef struct rm_inlier_law {
    size_t d;
    const double *mu;  /* d values, not owned */
    rm_noise noise;
    double nu;         /* Student-t degrees of freedom */
    double *root;      /* d values */
    double *rotation;  /* d x d row-major, or NULL */
    double *u;         /* d values (mixture), or NULL */
    double half_gap;   /* a: the component means are mu +- a*u */
    double *var;       /* d values: the diagonal of the covariance */
    double *work;      /* d values: scratch for one row */
    double sigma;      /* sqrt of the largest eigenvalue of the covariance */
    double trace;      /* trace of the covariance */
} rm_inlier_law;

/* Set up the law of the inlier model `name` (opt's parameters resolved, mu set), drawing
 * its random parts (rotation, mixture direction) from r. Returns RM_OK, RM_EINVAL for
 * an unknown name, RM_ENOMEM (then law needs no free). */
int rm_inlier_law_init(rm_inlier_law *law, const char *name, const rm_generate_options *opt,
                       const double *mu, gsl_rng *r);
void rm_inlier_law_free(rm_inlier_law *law);

/* Fill the model's parameters that opt leaves at 0 with their defaults. */
void rm_inlier_defaults(const char *name, rm_generate_options *opt);

/* One row x[0..d) drawn from the law. */
void rm_inlier_law_draw(rm_inlier_law *law, gsl_rng *r, double *x);

/* A unit vector v[0..d) along which the law's variance is smallest: uniformly random in
 * the eigenspace of the smallest eigenvalue (the whole space for spherical laws). */
void rm_inlier_law_low_direction(const rm_inlier_law *law, gsl_rng *r, double *v);

/* The covariance (d x d, row-major) of the law; for tests and checks. */
void rm_inlier_law_covariance(const rm_inlier_law *law, double *S);

/* Defaults, exposed for the documentation strings and the tests. */
#define RM_DEFAULT_SCALE 5.0
#define RM_DEFAULT_DECAY 1.0
#define RM_DEFAULT_NU 3.0
#define RM_DEFAULT_SEPARATION 4.0
#define RM_DEFAULT_SPIKES 3
#define RM_DEFAULT_SPIKE 25.0

#endif
