/* Projections onto the capped simplex Delta = { q : sum q = 1, 0 <= q_i <= u }
 * (u = 1/((1-eps) n) for the SILO problem; it needs n*u >= 1 to be non-empty).
 * threads: 0 for one per core; sums are added in a fixed order, so the result does not
 * depend on it. */
#ifndef RM_SIMPLEX_H
#define RM_SIMPLEX_H

#include <stddef.h>

#include "common/row_range.h"

/* Euclidean projection: q_i = clip(y_i - theta, 0, u) with theta such that sum q = 1.
 * theta is found exactly on its linear piece by a safeguarded Newton iteration (each step
 * O(n), a handful of steps: expected O(n), no sort). Returns theta. Requires n*u >= 1,
 * finite y; q may alias y. */
double rm_simplex_project_l2(const double *y, size_t n, double u, double *q, int threads);

/* Kullback-Leibler projection of weights y >= 0: q_i = min(u, theta*y_i) with theta such
 * that sum q = 1. Found by capping rounds (O(n) each, few in practice) that fall back to
 * one sort after many rounds, so O(n log n) at worst. work holds n doubles. Returns
 * theta, or a negative value when fewer than 1/u entries of y are positive (no solution).
 * q may alias y. */
double rm_simplex_project_kl(const double *y, size_t n, double u, double *q, double *work,
                             int threads);

/* The same over rows spread over processes (common/row_range.h; range NULL: as above),
 * every process calling with its own n entries of y and q, u the cap over all of them:
 * theta is found from sums over chunks of all the rows, cut at the processes' boundaries
 * into pieces and gathered in row order (the same bits as one process when the
 * boundaries are chunk boundaries, else to rounding), and from the least and greatest
 * entries, combined. *theta as the functions above return it. Returns RM_OK, RM_ENOMEM or
 * a hook's code, the same on every process; RM_EUNSUPPORTED spread when the KL
 * projection's rounds do not settle (its fallback sorts every entry in one place). */
int rm_simplex_project_l2_range(const double *y, size_t n, double u, double *q, int threads,
                                const rm_row_range *range, double *theta);
int rm_simplex_project_kl_range(const double *y, size_t n, double u, double *q, double *work,
                                int threads, const rm_row_range *range, double *theta);

#endif
