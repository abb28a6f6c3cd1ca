/* The inliers' shape, and a metric in which they are round.
 *
 * Outliers shifted along a direction of small inlier variance add less to the top
 * eigenvalue of Sigma_q than the inliers' own dominant directions do, so minimising it
 * leaves them in. In a metric where the inliers are round they stand out. The metric is
 * fitted on rows a SILO point keeps: the eigenvectors of their covariance, each scaled by
 * the rows' robust scale along it (a median absolute deviation: outliers the rows still
 * hold inflate the variance along their direction, not its median absolute deviation),
 * that scale floored at the median of the scales (a direction the rows barely span, as
 * when n < d, is not magnified into noise). */
#ifndef RM_NUMERICS_SHAPE_H
#define RM_NUMERICS_SHAPE_H

#include <stddef.h>

#include "numerics/moments.h"

typedef struct rm_shape {
    size_t d;
    double *M;      /* d x d, column-major: eigenvectors times 1/scale, y = M^T (z - origin) */
    double *origin; /* d values: z units */
    double anisotropy; /* the largest scale^2 over the median scale^2 */
    double edge;       /* what round rows would show: the sampling edge (1 + sqrt(d/m))^2
                          of the m rows fitted on, times a slack */
} rm_shape;

/* Fit the metric on the m rows of M listed in rows (each at most once, m >= 2), about
 * origin (d values, z units, copied). Returns RM_OK, RM_ENOMEM or RM_ENUMERIC (then sh
 * needs no free). */
int rm_shape_fit(const rm_moments *mo, const size_t *rows, size_t m, const double *origin,
                 int threads, rm_shape *sh);

/* 1 when the fitted rows are far from round: anisotropy above the edge. */
int rm_shape_anisotropic(const rm_shape *sh);

/* The m rows listed in rows (rows NULL: every row, m ignored) in the metric, as floats
 * (one row each, caller frees): NULL when out of memory. */
float *rm_shape_transform(const rm_moments *mo, const rm_shape *sh, const size_t *rows,
                          size_t m, int threads);

/* F of weights w (w >= 0, summing to 1) on the m listed rows, in z (*in_z: the top
 * eigenvalue of Sigma_w) and, when sh is not NULL, in the metric (*in_metric: that of
 * M^T Sigma_w M), from one covariance. Returns RM_OK, RM_ENOMEM or RM_ENUMERIC. */
int rm_shape_objective(const rm_moments *mo, const rm_shape *sh, const size_t *rows,
                       const double *w, size_t m, int threads, double *in_z, double *in_metric);

void rm_shape_free(rm_shape *sh);

#endif
