/* The shape step's blend (silo/shape_step.h), tempted far away: a solve in the metric whose
 * mean lies a hundred radii off moves the estimate by exactly the certified radius, along
 * the line to it, with the matching mix of weights, and the report's bounds grow by the
 * move. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "silo/shape_step.h"
#include "silo/solver.h"
#include "test_util.h"

Test(shape_step, a_tempting_solve_moves_the_estimate_no_farther_than_the_radius)
{
    size_t n_in = 200, far = 20, n = n_in + far, d = 5;
    double *X = tu_gaussian_matrix(n, d, 0.0, 4);
    for (size_t i = n_in; i < n; i++)
        for (size_t j = 0; j < d; j++)
            X[i * d + j] += 1000.0;
    rm_matrix M = rm_matrix_of_doubles(X, n, d);
    rm_centre ctr;
    cr_assert_eq(rm_centre_init(&ctr, &M, 1), RM_OK);
    rm_options opt;
    rm_options_init(&opt);
    opt.threads = 1;
    silo s;
    memset(&s, 0, sizeof s);
    silo_setup setup = {
        .X = &M, .centre = &ctr, .opt = &opt, .eps = 0.1, .solver = &rm_solver_lowregret};
    cr_assert_eq(rm_silo_init(&s, &setup), RM_OK);
    double cap = s.st.u;
    /* the point: the inliers alone; the tempting solve: the far rows at the cap */
    double *q0 = malloc(n * sizeof *q0), *q1 = malloc(n * sizeof *q1),
           *mu0 = malloc(d * sizeof *mu0), *mu1 = malloc(d * sizeof *mu1);
    for (size_t i = 0; i < n; i++) {
        q0[i] = i < n_in ? 1.0 / (double)n_in : 0.0;
        q1[i] = i < n_in ? (1.0 - (double)far * cap) / (double)n_in : cap;
    }
    cr_assert_eq(rm_silo_weighted_mean(&s, q0, mu0), RM_OK);
    cr_assert_eq(rm_silo_weighted_mean(&s, q1, mu1), RM_OK);
    double *start_mu = malloc(d * sizeof *start_mu), *start_q = malloc(n * sizeof *start_q);
    memcpy(start_mu, mu0, d * sizeof *mu0);
    memcpy(start_q, q0, n * sizeof *q0);
    size_t *rows = malloc(n * sizeof *rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    double F; /* the point's, in z units */
    cr_assert_eq(rm_shape_objective(&s.m, NULL, rows, q0, n, 1, &F, NULL), RM_OK);
    free(rows);
    silo_reported pt = {.q = q0, .mu = mu0, .F = F, .eps = 0.1, .cap = cap};
    rm_report rep;
    memset(&rep, 0, sizeof rep);
    rep.bound_error = 1.2;
    rep.bound_objective = 1.8;
    rep.sigma_certificate = NAN;
    rm_silo_shape_blend(&s, q1, mu1, &pt, &rep);
    double radius = 1.2 * sqrt(F), moved = tu_distance(mu0, start_mu, d),
           target = tu_distance(mu1, start_mu, d);
    cr_assert_gt(target, 100.0 * radius, "the solve must tempt: %g vs %g", target, radius);
    cr_assert(fabs(moved - radius) <= 1e-12 * radius, "moved %g, radius %g", moved, radius);
    double t = radius / target, sum = 0.0;
    for (size_t j = 0; j < d; j++) /* along the line to the solve's mean */
        cr_assert(fabs(mu0[j] - (start_mu[j] + t * (mu1[j] - start_mu[j]))) <= 1e-12 * target);
    for (size_t i = 0; i < n; i++) { /* the weights that give that mean */
        cr_assert(fabs(q0[i] - ((1 - t) * start_q[i] + t * q1[i])) <= 1e-15);
        cr_assert_leq(q0[i], cap * (1 + 1e-12));
        sum += q0[i];
    }
    cr_assert(fabs(sum - 1.0) < 1e-12);
    cr_assert(rep.shape_refined);
    cr_assert(fabs(rep.bound_error - (1.2 + radius * sqrt(1.8 / F))) < 1e-12);
    cr_assert(fabs(rep.shape_shift / rep.shape_radius - 1.0) < 1e-12);
    cr_assert(fabs(rep.shape_radius - rm_centre_unscale_length(&ctr, radius)) < 1e-15);
    rm_silo_free(&s);
    rm_centre_free(&ctr);
    free(X);
    free(q0);
    free(q1);
    free(mu0);
    free(mu1);
    free(start_mu);
    free(start_q);
}
