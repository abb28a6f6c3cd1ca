/* The generators: outlier counts, the inlier laws' moments against theory, each model's
 * geometry, determinism, shuffling and every refusal. Tolerances are stated in standard
 * errors (SE) estimated from the sample itself, 5 SE unless said: a false failure has
 * probability below 1e-6 per check, and the seeds are fixed anyway. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "generate/corrupt.h"
#include "generate/directions.h"
#include "generate/inliers.h"
#include "common/rng.h"
#include "robustmean.h"
#include "robustmean_generate.h"
#include "test_util.h"

/* rm_generate() of these models and sizes, the cluster models aimed at direction (NULL:
 * their own); its status. */
static int draw(const char *corruption, const char *inliers, size_t n, size_t d, double eps,
                uint64_t seed, const char *direction, rm_sample *s)
{
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = corruption;
    o.inliers = inliers;
    o.n = n;
    o.d = d;
    o.eps = eps;
    o.seed = seed;
    o.direction = direction;
    return rm_generate(&o, s);
}

static rm_sample make(const char *corruption, const char *inliers, size_t n, size_t d,
                      double eps, uint64_t seed)
{
    rm_sample s;
    int st = draw(corruption, inliers, n, d, eps, seed, NULL, &s);
    cr_assert_eq(st, RM_OK, "%s/%s n=%zu d=%zu eps=%g: %s", corruption, inliers, n, d, eps,
                 rm_strerror(st));
    return s;
}

/* Mean of the rows of s whose flag equals want, into m. Returns how many. */
static size_t rows_mean(const rm_sample *s, int want, double *m)
{
    size_t c = 0;
    memset(m, 0, s->d * sizeof *m);
    for (size_t i = 0; i < s->n; i++)
        if (s->inlier[i] == want) {
            c++;
            for (size_t j = 0; j < s->d; j++)
                m[j] += s->X[i * s->d + j];
        }
    for (size_t j = 0; j < s->d && c; j++)
        m[j] /= (double)c;
    return c;
}

static int is_edit(const char *name)
{
    return !strcmp(name, "none") || !strcmp(name, "subtractive");
}

Test(generate, every_model_corrupts_exactly_floor_eps_n)
{
    static const size_t ns[] = {1, 2, 3, 100, 101, 1000};
    static const double epss[] = {0.0, 0.1, 0.25, 0.333};
    for (size_t m = 0; m < rm_corruption_count(); m++)
        for (size_t a = 0; a < 6; a++)
            for (size_t b = 0; b < 4; b++)
                for (size_t d = 1; d <= 3; d++) {
                    const char *name = rm_corruption_at(m)->name;
                    size_t n = ns[a], k = (size_t)floor(epss[b] * (double)n);
                    rm_sample s = make(name, NULL, n, d, epss[b], 7);
                    int subtract = !strcmp(name, "subtractive");
                    size_t want_out = is_edit(name) ? 0 : k;
                    cr_assert_eq(s.outliers, want_out, "%s n=%zu eps=%g", name, n, epss[b]);
                    cr_assert_eq(s.removed, subtract ? k : 0, "%s", name);
                    cr_assert_eq(s.n, subtract ? n - k : n, "%s", name);
                    size_t zeros = 0;
                    for (size_t i = 0; i < s.n; i++)
                        zeros += s.inlier[i] == 0;
                    cr_assert_eq(zeros, s.outliers);
                    for (size_t i = 0; i < s.n * d; i++)
                        cr_assert(isfinite(s.X[i]), "%s: value %zu", name, i);
                    rm_sample_free(&s);
                }
}

Test(generate, refuses_bad_arguments_with_a_distinct_code)
{
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.n = 100;
    o.d = 3;
    rm_sample s;
    const double bad_eps[] = {1.0 / 3.0, 0.34, 0.5, -0.01, NAN, INFINITY};
    for (size_t i = 0; i < 6; i++) {
        o.eps = bad_eps[i];
        cr_assert_eq(rm_generate(&o, &s), RM_EEPS, "eps %g", bad_eps[i]);
        cr_assert_null(s.X);
    }
    o.eps = 0.1;
    o.d = 0;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.d = 3;
    o.n = 0;
    cr_assert_eq(rm_generate(&o, &s), RM_ETOOFEW);
    o.n = 100;
    cr_assert_eq(rm_generate(NULL, &s), RM_EINVAL);
    cr_assert_eq(rm_generate(&o, NULL), RM_EINVAL);
    o.corruption = "no-such-model";
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.corruption = "far-cluster";
    o.inliers = "cauchy";
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.inliers = "student";
    o.nu = 2.0; /* infinite variance: cannot be scaled to unit covariance */
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.nu = 0.0;
    o.axes = 4; /* more axes than columns */
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.axes = 0;
    o.split = 1.0;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.split = 0.0;
    o.distance = -1.0;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.distance = NAN;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.distance = 0.0;
    o.angle = 181.0;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.angle = 0.0;
    o.inliers = "spiked";
    o.spikes = 4; /* more spikes than columns */
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.spikes = 0;
    o.spike = INFINITY;
    cr_assert_eq(rm_generate(&o, &s), RM_EINVAL);
    o.spike = 0.0;
    const double bad_scales[][2] = {{2, 1}, {-1, 1}, {0, 1}, {1, 0}, {1, INFINITY}, {NAN, 1}};
    for (size_t i = 0; i < 6; i++) {
        o.column_lo = bad_scales[i][0];
        o.column_hi = bad_scales[i][1];
        cr_assert_eq(rm_generate(&o, &s), RM_EINVAL, "column scales %g:%g", o.column_lo,
                     o.column_hi);
    }
    o.column_lo = o.column_hi = 0.0;
    o.n = SIZE_MAX / 2;
    cr_assert_eq(rm_generate(&o, &s), RM_EOVERFLOW);
    rm_sample_free(NULL);
    rm_sample_free(&s);
}

Test(generate, same_seed_same_bytes_other_seed_other_data)
{
    for (size_t m = 0; m < rm_corruption_count(); m++)
        for (size_t i = 0; i < rm_inlier_model_count(); i++) {
            const char *cm = rm_corruption_at(m)->name, *im = rm_inlier_model_at(i)->name;
            rm_sample a = make(cm, im, 300, 6, 0.2, 11), b = make(cm, im, 300, 6, 0.2, 11);
            rm_sample c = make(cm, im, 300, 6, 0.2, 12);
            cr_assert_eq(a.n, b.n);
            cr_assert_eq(memcmp(a.X, b.X, a.n * 6 * sizeof(double)), 0, "%s/%s", cm, im);
            cr_assert_eq(memcmp(a.mu, b.mu, 6 * sizeof(double)), 0);
            cr_assert_eq(memcmp(a.inlier, b.inlier, a.n), 0);
            cr_assert_neq(memcmp(a.X, c.X, a.n * 6 * sizeof(double)), 0, "%s/%s", cm, im);
            cr_assert_neq(memcmp(a.mu, c.mu, 6 * sizeof(double)), 0);
            rm_sample_free(&a);
            rm_sample_free(&b);
            rm_sample_free(&c);
        }
}

Test(generate, one_seed_shares_mu_across_models_and_mu_is_not_zero)
{
    rm_sample a = make("far-cluster", NULL, 50, 5, 0.1, 3), b = make("dkk", NULL, 80, 5, 0, 3);
    cr_assert_eq(memcmp(a.mu, b.mu, 5 * sizeof(double)), 0);
    cr_assert_gt(rm_norm(a.mu, 5), 1.0, "mu should be far from 0 so translation bugs show");
    rm_sample_free(&a);
    rm_sample_free(&b);
}

Test(generate, outliers_are_shuffled_among_the_rows)
{
    for (size_t m = 0; m < rm_corruption_count(); m++) {
        const char *name = rm_corruption_at(m)->name;
        if (is_edit(name))
            continue;
        rm_sample s = make(name, NULL, 1000, 3, 0.1, 5);
        /* 100 outliers at random places form about 90 runs; a block forms one. */
        size_t runs = 0, first = s.n, last = 0;
        for (size_t i = 0; i < s.n; i++)
            if (!s.inlier[i]) {
                runs += i == 0 || s.inlier[i - 1];
                first = i < first ? i : first;
                last = i;
            }
        cr_assert_gt(runs, 50, "%s: %zu runs", name, runs);
        cr_assert_lt(first, 100, "%s", name);
        cr_assert_gt(last, 900, "%s", name);
        rm_sample_free(&s);
    }
}

/* The inlier law's mean and covariance against the sample's, in standard errors
 * estimated from the sample (the CLT for means of x_j and of centred products). */
static void check_moments(const char *inliers, double nu, int check_covariance)
{
    size_t n = 40000, d = 4;
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.inliers = inliers;
    o.n = n;
    o.d = d;
    o.nu = nu;
    o.seed = 21;
    rm_sample s;
    cr_assert_eq(rm_generate(&o, &s), RM_OK);
    /* The generator's own law: replay its stream (mu's d uniforms come first). */
    gsl_rng r = {0};
    rm_rng_init(&r, o.seed);
    for (size_t j = 0; j < d; j++)
        gsl_rng_uniform(&r);
    rm_inlier_law law;
    cr_assert_eq(rm_inlier_law_init(&law, inliers, &s.used, s.mu, &r), RM_OK);
    double S[16], m[4], C[16] = {0}, V[16] = {0};
    rm_inlier_law_covariance(&law, S);
    rows_mean(&s, 1, m);
    for (size_t j = 0; j < d; j++) {
        double se = sqrt(S[j * d + j] / (double)n);
        cr_assert_lt(fabs(m[j] - s.mu[j]), 5 * se, "%s: mean %zu off by %g, SE %g", inliers, j,
                     m[j] - s.mu[j], se);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < d; a++)
            for (size_t b = 0; b < d; b++) {
                double p = (s.X[i * d + a] - m[a]) * (s.X[i * d + b] - m[b]);
                C[a * d + b] += p;
                V[a * d + b] += p * p;
            }
    for (size_t e = 0; e < d * d && check_covariance; e++) {
        double c = C[e] / (double)n, se = sqrt((V[e] / (double)n - c * c) / (double)n);
        cr_assert_lt(fabs(c - S[e]), 5 * se, "%s: covariance entry %zu: %g, want %g (SE %g)",
                     inliers, e, c, S[e], se);
    }
    double top = 0, trace = 0;
    for (size_t j = 0; j < d; j++)
        trace += S[j * d + j];
    cr_assert_float_eq(s.trace, trace, 1e-12 * trace);
    for (size_t j = 0; j < d; j++)
        top = fmax(top, S[j * d + j]);
    cr_assert_geq(s.sigma * s.sigma, top * (1 - 1e-12), "sigma^2 bounds every variance");
    rm_inlier_law_free(&law);
    rm_rng_free(&r);
    rm_sample_free(&s);
}

Test(generate, inlier_laws_have_their_documented_moments)
{
    for (size_t i = 0; i < rm_inlier_model_count(); i++) {
        const char *name = rm_inlier_model_at(i)->name;
        /* Student-t with nu = 3 has no fourth moment: the sample covariance obeys no CLT,
         * so only its mean is checked here and its covariance at nu = 10 below. */
        check_moments(name, 0.0, strcmp(name, "student") != 0);
    }
    check_moments("student", 10.0, 1);
}

Test(generate, documented_scales)
{
    const struct {
        const char *name;
        double sigma, trace;
    } want[] = {
        {"gaussian", 1, 5},
        {"scaled", 5, 125},
        {"diagonal", 1, 1 + 1. / 2 + 1. / 3 + 1. / 4 + 1. / 5},
        {"rotated", 1, 1 + 1. / 2 + 1. / 3 + 1. / 4 + 1. / 5},
        {"student", 1, 5},
        {"rotated-student", 1, 1 + 1. / 2 + 1. / 3 + 1. / 4 + 1. / 5},
        {"laplace", 1, 5},
        {"mixture", sqrt(5), 9},
        {"spiked", 5, 3 * 25 + 2},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        rm_sample s = make("none", want[i].name, 10, 5, 0, 1);
        cr_assert_float_eq(s.sigma, want[i].sigma, 1e-12, "%s", want[i].name);
        cr_assert_float_eq(s.trace, want[i].trace, 1e-12, "%s", want[i].name);
        rm_sample_free(&s);
    }
}

Test(generate, rotation_is_orthogonal_and_not_the_identity)
{
    gsl_rng r = {0};
    rm_rng_init(&r, 9);
    size_t d = 50;
    double *Q = malloc(d * d * sizeof *Q);
    rm_rotation_random(&r, Q, d);
    double off = 0;
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < d; j++)
            cr_assert_float_eq(rm_dot(Q + i * d, Q + j * d, d), i == j, 1e-13);
        off += fabs(Q[i * d + (i + 1) % d]);
    }
    cr_assert_gt(off, 1.0);
    free(Q);
    rm_rng_free(&r);
}

/* Distance from mu of each outlier, into dist (s->outliers values); returns them. The
 * rows flagged as outliers must be s->outliers in number. */
static double *outlier_distances(const rm_sample *s)
{
    double *dist = malloc((s->outliers + 1) * sizeof *dist);
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!s->inlier[i]) {
            cr_assert_lt(c, s->outliers, "more rows flagged than %zu outliers", s->outliers);
            double t = 0;
            for (size_t j = 0; j < s->d; j++)
                t += (s->X[i * s->d + j] - s->mu[j]) * (s->X[i * s->d + j] - s->mu[j]);
            dist[c++] = sqrt(t);
        }
    cr_assert_eq(c, s->outliers, "%zu rows flagged, %zu outliers", c, s->outliers);
    return dist;
}

Test(generate, far_cluster_sits_at_ten_and_twenty_sqrt_d)
{
    for (int far = 10; far <= 20; far += 10) {
        rm_generate_options o;
        rm_generate_options_init(&o);
        o.corruption = "far-cluster";
        o.n = 2000;
        o.d = 25;
        o.eps = 0.1;
        o.distance = far == 20 ? 20 : 0;
        rm_sample s;
        cr_assert_eq(rm_generate(&o, &s), RM_OK);
        cr_assert_eq(s.used.distance, far);
        cr_assert_eq(s.outliers, 200); /* floor(eps n) */
        double *dist = outlier_distances(&s);
        /* Cluster noise has norm about sqrt(0.1 d) = 1.6 against a distance of 50. */
        for (size_t i = 0; i < s.outliers; i++)
            cr_assert_float_eq(dist[i], far * 5.0, 0.1 * far, "%g", dist[i]);
        free(dist);
        rm_sample_free(&s);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(generate, variance_shell_norms_look_typical)
{
    rm_sample s = make("variance-shell", NULL, 4000, 50, 0.1, 2);
    double *dist = outlier_distances(&s);
    size_t m = s.n - s.outliers;
    double *in = malloc(m * sizeof *in);
    for (size_t i = 0, c = 0; i < s.n; i++)
        if (s.inlier[i])
            in[c++] = tu_distance(s.X + i * 50, s.mu, 50);
    qsort(in, m, sizeof *in, cmp_double);
    qsort(dist, s.outliers, sizeof *dist, cmp_double);
    double median = dist[s.outliers / 2];
    cr_assert(median > in[m / 20] && median < in[m - m / 20],
              "outlier norm %g outside the inliers' 5-95%% range [%g, %g]", median, in[m / 20],
              in[m - m / 20]);
    free(in);
    free(dist);
    rm_sample_free(&s);
}

Test(generate, two_clusters_split_seventy_thirty_at_seventy_five_degrees)
{
    size_t d = 40;
    rm_sample s = make("two-clusters", NULL, 5000, d, 0.2, 4);
    /* Group the outliers by their cosine with the first one: within a cluster the noise
     * (norm sqrt(0.1 d)) keeps it above 0.8, across clusters it is near cos 75 = 0.26. */
    const double *ref = NULL;
    double a[40] = {0}, b[40] = {0}, u[40], v[40];
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.inlier[i])
            continue;
        double *x = s.X + i * d;
        for (size_t j = 0; j < d; j++)
            u[j] = x[j] - s.mu[j];
        if (!ref) {
            memcpy(v, u, sizeof v);
            ref = v;
        }
        double c = rm_dot(u, ref, d) / rm_norm(u, d) / rm_norm(ref, d);
        double *acc = c > 0.6 ? (na++, a) : (nb++, b);
        for (size_t j = 0; j < d; j++)
            acc[j] += u[j];
    }
    size_t big = na > nb ? na : nb;
    cr_assert_eq(na + nb, 1000);
    cr_assert_eq(big, 700, "cluster sizes %zu and %zu", na, nb);
    double angle = acos(rm_dot(a, b, d) / rm_norm(a, d) / rm_norm(b, d)) * 180 / M_PI;
    cr_assert_float_eq(angle, 75.0, 1.0, "angle %g", angle);
    cr_assert_float_eq(rm_norm(a, d) / (double)na, sqrt((double)d), 0.05 * sqrt((double)d));
    rm_sample_free(&s);
}

Test(generate, dkk_is_half_hypercube_half_one_point)
{
    size_t d = 30;
    rm_sample s = make("dkk", NULL, 1000, d, 0.1, 8);
    size_t cube = 0, point = 0;
    const double *p = NULL;
    for (size_t i = 0; i < s.n; i++) {
        if (s.inlier[i])
            continue;
        const double *x = s.X + i * d;
        int on_cube = 1;
        for (size_t j = 0; j < d; j++) {
            double t = x[j] - s.mu[j];
            on_cube &= fabs(t) < 1e-12 || fabs(t - 1) < 1e-12;
        }
        if (on_cube) {
            cube++;
            continue;
        }
        if (!p)
            p = x;
        cr_assert_eq(memcmp(p, x, d * sizeof *x), 0, "the far half is one point");
        point++;
    }
    cr_assert_eq(cube, 50);
    cr_assert_eq(point, 50);
    cr_assert_float_eq(tu_distance(p, s.mu, d), sqrt(d + 128.0), 1e-12);
    rm_sample_free(&s);
}

Test(generate, subtle_shift_moves_outliers_by_s_sigma)
{
    size_t d = 10;
    rm_sample s = make("subtle-shift", "scaled", 20000, d, 0.1, 6);
    double m[10];
    size_t k = rows_mean(&s, 0, m);
    cr_assert_eq(k, 2000);
    double s_want = sqrt(2 * log(10.0)) + 1;
    cr_assert_float_eq(s.used.shift, s_want, 1e-15);
    /* The outliers' mean is mu + s sigma v plus noise of norm about sigma sqrt(d/k). */
    double se = s.sigma * sqrt((double)d / (double)k);
    cr_assert_float_eq(tu_distance(m, s.mu, d), s_want * s.sigma, 5 * se);
    rm_sample_free(&s);
}

Test(generate, axis_noise_keeps_the_mean_on_a_few_axes)
{
    size_t d = 20;
    rm_sample s = make("axis-noise", NULL, 10001, d, 0.2, 3);
    double m[20];
    size_t k = rows_mean(&s, 0, m);
    cr_assert_eq(k, 2000);
    /* Each outlier is mu + noise +- t e_a; the noise (covariance 0.1 I) averages out. */
    cr_assert_lt(tu_distance(m, s.mu, d), 5 * sqrt(0.1 * (double)d / (double)k));
    int axes[20] = {0};
    for (size_t i = 0; i < s.n; i++)
        if (!s.inlier[i])
            for (size_t j = 0; j < d; j++)
                if (fabs(s.X[i * d + j] - s.mu[j]) > 0.5 * sqrt((double)d))
                    axes[j] = 1;
    int used = 0;
    for (size_t j = 0; j < d; j++)
        used += axes[j];
    cr_assert_eq(used, 5);
    rm_sample_free(&s);
}

Test(generate, uniform_box_stays_in_its_box)
{
    rm_sample s = make("uniform-box", "diagonal", 2000, 8, 0.3, 1);
    cr_assert_eq(s.outliers, 600); /* floor(eps n) */
    size_t checked = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.inlier[i])
            continue;
        checked++;
        for (size_t j = 0; j < 8; j++) {
            double t = s.X[i * 8 + j] - s.mu[j], sd = pow(j + 1.0, -0.5);
            cr_assert(t >= 0 && t <= 2 * sd, "coordinate %zu: %g", j, t);
        }
    }
    cr_assert_eq(checked, s.outliers);
    rm_sample_free(&s);
}

Test(generate, obvious_subtle_is_half_far_half_near)
{
    size_t d = 16;
    rm_sample s = make("obvious-subtle", NULL, 1000, d, 0.1, 2);
    double *dist = outlier_distances(&s);
    size_t far = 0, near = 0;
    for (size_t i = 0; i < s.outliers; i++) {
        far += dist[i] > 30 && dist[i] < 50;
        near += dist[i] > 2 && dist[i] < 6;
    }
    cr_assert_eq(far, 50);
    cr_assert_eq(near, 50);
    free(dist);
    rm_sample_free(&s);
}

/* E[t | t > z_{0.9}] for t standard normal: phi(1.2816) / 0.1. */
#define TAIL_MEAN 1.7550

Test(generate, subtractive_and_tail_flip_cut_the_upper_tail)
{
    size_t n = 20000, d = 5;
    rm_sample sub = make("subtractive", NULL, n, d, 0.1, 4);
    rm_sample flip = make("tail-flip", NULL, n, d, 0.1, 4);
    double oracle[5], all[5];
    /* Deleting the tail moves the mean of the rest by eps E[t|tail]/(1-eps) along v. */
    double want = 0.1 * TAIL_MEAN / 0.9, se = sqrt((double)d / (double)n);
    cr_assert_eq(rm_sample_inlier_mean(&sub, oracle), RM_OK);
    cr_assert_float_eq(tu_distance(oracle, sub.mu, d), want, 5 * se);
    cr_assert_eq(rm_sample_inlier_mean(&flip, oracle), RM_OK);
    cr_assert_float_eq(tu_distance(oracle, flip.mu, d), want, 5 * se);
    /* Reflecting it moves the mean of all rows twice as far as deleting adds. */
    rows_mean(&flip, 1, all);
    double m[5];
    rows_mean(&flip, 0, m);
    for (size_t j = 0; j < d; j++)
        all[j] = 0.9 * all[j] + 0.1 * m[j];
    cr_assert_float_eq(tu_distance(all, flip.mu, d), 2 * 0.1 * TAIL_MEAN, 5 * se);
    rm_sample_free(&sub);
    rm_sample_free(&flip);
}

Test(generate, oracle_is_the_mean_of_the_inlier_rows)
{
    rm_sample s = make("far-cluster", NULL, 101, 3, 0.2, 1);
    double a[3], b[3];
    cr_assert_eq(rm_sample_inlier_mean(&s, a), RM_OK);
    cr_assert_eq(rows_mean(&s, 1, b), 81);
    for (size_t j = 0; j < 3; j++)
        cr_assert_float_eq(a[j], b[j], 1e-12);
    cr_assert_eq(rm_sample_inlier_mean(NULL, a), RM_EINVAL);
    rm_sample_free(&s);
}

Test(generate, tables_are_complete)
{
    cr_assert_geq(rm_corruption_count(), 12);
    cr_assert_eq(rm_inlier_model_count(), 9);
    for (size_t i = 0; i < rm_corruption_count(); i++) {
        const rm_model_info *m = rm_corruption_at(i);
        cr_assert_eq(rm_corruption_find(m->name), m);
        cr_assert(m->summary[0] && m->parameters);
    }
    for (size_t i = 0; i < rm_inlier_model_count(); i++)
        cr_assert_eq(rm_inlier_model_find(rm_inlier_model_at(i)->name), rm_inlier_model_at(i));
    cr_assert_null(rm_corruption_at(rm_corruption_count()));
    cr_assert_null(rm_inlier_model_at(99));
    cr_assert_null(rm_corruption_find("nope"));
    cr_assert_null(rm_corruption_find(NULL));
}

/* The second population sits shift*sigma away along a direction in which the spiked
 * inliers vary least (variance 1, against 25 along the spikes), with its own spread. */
Test(generate, population_hides_along_a_low_variance_direction)
{
    size_t n = 20000, d = 20;
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = "population";
    o.inliers = "spiked";
    o.n = n;
    o.d = d;
    o.eps = 0.1;
    o.spread = 0.25;
    o.seed = 4;
    rm_sample s;
    cr_assert_eq(rm_generate(&o, &s), RM_OK);
    cr_assert_float_eq(s.used.shift, RM_DEFAULT_POPULATION_SHIFT, 0);
    cr_assert_eq(s.used.spikes, RM_DEFAULT_SPIKES);
    double m_out[20], m_in[20], w[20];
    size_t k = rows_mean(&s, 0, m_out);
    rows_mean(&s, 1, m_in);
    for (size_t j = 0; j < d; j++)
        w[j] = m_out[j] - s.mu[j];
    /* The outliers' mean: noise of norm about sqrt(0.25 tr Sigma / k) = 0.1. */
    double shift = rm_norm(w, d);
    cr_assert_float_eq(shift, 2 * s.sigma, 0.5, "shift %g", shift);
    for (size_t j = 0; j < d; j++)
        w[j] /= shift;
    /* Variances of the inliers and the outliers along w, and their traces. */
    double var_in = 0, tr_in = 0, tr_out = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = s.X + i * d, *m = s.inlier[i] ? m_in : m_out;
        double p = 0, q = 0;
        for (size_t j = 0; j < d; j++) {
            p += (x[j] - m[j]) * w[j];
            q += (x[j] - m[j]) * (x[j] - m[j]);
        }
        var_in += s.inlier[i] ? p * p : 0.0;
        *(s.inlier[i] ? &tr_in : &tr_out) += q;
    }
    var_in /= (double)(n - k);
    tr_in /= (double)(n - k);
    tr_out /= (double)k;
    cr_assert_lt(var_in, 1.3, "inlier variance along the shift %g (spikes: 25)", var_in);
    cr_assert_float_eq(tr_in, s.trace, 0.05 * s.trace);
    cr_assert_float_eq(tr_out / tr_in, 0.25, 0.03, "spread %g", tr_out / tr_in);
    rm_sample_free(&s);
}

/* The inliers' variance along the unit direction of the outliers' mean from mu (s: the
 * sample; the norm of that offset into *offset). */
static double inlier_variance_toward_outliers(const rm_sample *s, double *offset)
{
    size_t d = s->d;
    double *m_out = malloc(d * sizeof *m_out), *m_in = malloc(d * sizeof *m_in),
           *w = malloc(d * sizeof *w), var = 0.0;
    size_t k = rows_mean(s, 0, m_out);
    rows_mean(s, 1, m_in);
    for (size_t j = 0; j < d; j++)
        w[j] = m_out[j] - s->mu[j];
    *offset = rm_norm(w, d);
    for (size_t j = 0; j < d; j++)
        w[j] /= *offset;
    for (size_t i = 0; i < s->n; i++) {
        double p = 0.0;
        for (size_t j = 0; s->inlier[i] && j < d; j++)
            p += (s->X[i * d + j] - m_in[j]) * w[j];
        var += p * p;
    }
    free(m_out);
    free(m_in);
    free(w);
    return var / (double)(s->n - k);
}

/* direction: far-cluster and variance-shell aim where asked; by default as before (the
 * same bytes); other values are refused. */
Test(generate, clusters_aim_where_asked)
{
    const char *models[] = {"variance-shell", "far-cluster"};
    for (size_t m = 0; m < 2; m++) {
        const char *where[] = {"top", "low"};
        for (size_t w = 0; w < 2; w++) {
            rm_sample s;
            cr_assert_eq(draw(models[m], "spiked", 10000, 20, 0.1, 5, where[w], &s), RM_OK);
            double offset, var = inlier_variance_toward_outliers(&s, &offset);
            double distance = s.used.distance * sqrt(s.trace);
            cr_assert_float_eq(offset, distance, 0.05 * distance, "%s %s: %g", models[m],
                               where[w], offset);
            if (w) /* the spikes' variance is 25, the others' 1 */
                cr_assert_lt(var, 1.3, "%s low: %g", models[m], var);
            else
                cr_assert_gt(var, 20.0, "%s top: %g", models[m], var);
            cr_assert_str_eq(s.used.direction, where[w]);
            rm_sample_free(&s);
        }
    }
    rm_sample a = make("variance-shell", "spiked", 500, 8, 0.1, 6), b;
    cr_assert_eq(draw("variance-shell", "spiked", 500, 8, 0.1, 6, "top", &b), RM_OK);
    cr_assert_eq(memcmp(a.X, b.X, a.n * a.d * sizeof *a.X), 0, "top is the default");
    rm_sample_free(&a);
    rm_sample_free(&b);
    cr_assert_eq(draw("variance-shell", "spiked", 500, 8, 0.1, 6, "sideways", &b), RM_EINVAL);
}

/* --column-scales: the unscaled sample's bytes, each column times its factor, and mu too;
 * the factors log-uniform in [lo, hi]. */
Test(generate, column_scales_multiply_the_finished_columns)
{
    rm_generate_options o;
    rm_generate_options_init(&o);
    o.corruption = "far-cluster";
    o.n = 300;
    o.d = 50;
    o.eps = 0.1;
    o.seed = 8;
    rm_sample plain, scaled;
    cr_assert_eq(rm_generate(&o, &plain), RM_OK);
    cr_assert_null(plain.column_scales);
    o.column_lo = 1e-3;
    o.column_hi = 1e6;
    cr_assert_eq(rm_generate(&o, &scaled), RM_OK);
    cr_assert_not_null(scaled.column_scales);
    double lo = INFINITY, hi = 0;
    for (size_t j = 0; j < o.d; j++) {
        double f = scaled.column_scales[j];
        cr_assert(f >= 1e-3 && f <= 1e6, "factor %g", f);
        lo = fmin(lo, f);
        hi = fmax(hi, f);
        cr_assert_eq(scaled.mu[j], plain.mu[j] * f);
        for (size_t i = 0; i < o.n; i++)
            cr_assert_eq(scaled.X[i * o.d + j], plain.X[i * o.d + j] * f);
    }
    /* 50 log-uniform draws over 9 decades: both ends within 2 decades (chance 2e-4). */
    cr_assert(lo < 1e-1 && hi > 1e4, "factors span [%g, %g]", lo, hi);
    cr_assert_eq(memcmp(scaled.inlier, plain.inlier, o.n), 0);
    cr_assert_float_eq(scaled.used.column_hi, 1e6, 0);
    rm_sample_free(&plain);
    rm_sample_free(&scaled);
}
