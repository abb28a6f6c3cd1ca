/* Random directions and rotations for the generators, and the adversary's direction of
 * largest inlier variance. Plain C loops on purpose: BLAS kernels round differently from
 * one CPU to the next, and generated data must be the same bytes on every machine. */
#ifndef RM_DIRECTIONS_H
#define RM_DIRECTIONS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

/* A uniformly random unit vector v[0..d), d >= 1 (a normalised Gaussian vector). */
void rm_direction_random(gsl_rng *r, double *v, size_t d);

/* A uniformly random unit vector w orthogonal to the unit vector v. Returns 0 (and
 * leaves w zero) when d == 1, where none exists. */
int rm_direction_orthogonal(gsl_rng *r, const double *v, double *w, size_t d);

/* A Haar-distributed random rotation Q (d x d, row-major, orthogonal): the Q of the QR
 * factorisation with positive diagonal of a Gaussian matrix, by Gram-Schmidt run twice
 * per row (twice is enough for orthogonality to rounding). */
void rm_rotation_random(gsl_rng *r, double *Q, size_t d);

/* A unit vector v along which the m rows of X (m x d, row-major) vary most about their
 * mean: RM_POWER_STEPS power iterations on their sample covariance from a random start.
 * It need not be the exact top eigenvector, only a direction of large variance. work
 * holds 4*d doubles. m >= 1. */
void rm_direction_top_variance(gsl_rng *r, const double *X, size_t m, size_t d, double *v,
                               double *work);

enum { RM_POWER_STEPS = 30 };

/* Scale v[0..d) to unit length; 0 (v left as it was) when it is zero or not finite. */
int rm_normalise(double *v, size_t d);

/* Dot product and Euclidean norm of d values. */
double rm_dot(const double *a, const double *b, size_t d);
double rm_norm(const double *a, size_t d);

#endif
