/* The additive corruption models: k = floor(eps*n) outliers written in place of inliers,
 * in rows [n_in, n). Cluster centres sit at distances in units of sqrt(tr Sigma), the
 * typical length of an inlier's deviation from mu, so "distance 1" means outliers whose
 * norms look like the inliers' whatever the inlier model. */
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/rng.h"
#include "generate/corrupt.h"
#include "generate/directions.h"

/* centre = mu + t * v. */
static void point_along(const rm_corrupt_ctx *c, const double *v, double t, double *centre)
{
    for (size_t j = 0; j < c->d; j++)
        centre[j] = c->mu[j] + t * v[j];
}

/* The centre's distance from mu for a distance parameter. */
static double reach(const rm_corrupt_ctx *c, double distance)
{
    return distance * sqrt(c->law->trace);
}

/* Rows [lo, hi) drawn from the tight cluster N(centre, spread * sigma^2 * I). */
static void cluster(rm_corrupt_ctx *c, size_t lo, size_t hi, const double *centre)
{
    double s = sqrt(c->opt->spread) * c->law->sigma;
    for (size_t i = lo; i < hi; i++)
        for (size_t j = 0; j < c->d; j++)
            c->X[i * c->d + j] = centre[j] + s * gsl_ran_gaussian_ziggurat(c->rng, 1.0);
}

/* round(share * k): the size of the first of two groups. */
static size_t share_of(double share, size_t k)
{
    size_t m = (size_t)floor(share * (double)k + 0.5);
    return m < k ? m : k;
}

/* The direction a model that reads rm_generate_options.direction aims along. */
static const char *chosen(const rm_corrupt_ctx *c, const char *own)
{
    return c->opt->direction ? c->opt->direction : own;
}

/* The unit direction v "random", "top" or "low" (rm_generate_options.direction). Uses
 * c->work beyond 2 d values as scratch. */
static void aim(rm_corrupt_ctx *c, const char *where, double *v)
{
    if (strcmp(where, "low") == 0)
        rm_inlier_law_low_direction(c->law, c->rng, v);
    else if (strcmp(where, "top") == 0)
        rm_direction_top_variance(c->rng, c->X, c->n_in, c->d, v, c->work + 2 * c->d);
    else
        rm_direction_random(c->rng, v, c->d);
}

static int corrupt_far(rm_corrupt_ctx *c)
{
    double *v = c->work, *centre = c->work + c->d;
    aim(c, chosen(c, "random"), v);
    point_along(c, v, reach(c, c->opt->distance), centre);
    cluster(c, c->n_in, c->n, centre);
    return RM_OK;
}

static void defaults_far(rm_generate_options *opt)
{
    if (opt->distance == 0.0)
        opt->distance = RM_DEFAULT_FAR;
    if (opt->spread == 0.0)
        opt->spread = RM_DEFAULT_SPREAD;
}

const rm_corruption rm_corruption_far = {
    .info = {.name = "far-cluster",
             .summary = "a tight cluster far away in a random "
                        "direction: obvious to any outlier test",
             .parameters = "distance: from mu, in units of sqrt(tr Sigma) "
                           "(default 10; 20 for the farther variant); spread: "
                           "cluster covariance spread*sigma^2*I (default 0.1); "
                           "direction: random (default), top or low"},
    .additive = 1,
    .defaults = defaults_far,
    .corrupt = corrupt_far,
};

/* A tight cluster at `distance` along `where`: by default the inliers' direction of largest
 * variance, where the strong adversary hides in what the inliers already spread most;
 * "low" hides it below their top eigenvalue instead. */
static void shell_cluster(rm_corrupt_ctx *c, size_t lo, size_t hi, double distance,
                          const char *where)
{
    double *v = c->work, *centre = c->work + c->d;
    aim(c, where, v);
    point_along(c, v, reach(c, distance), centre);
    cluster(c, lo, hi, centre);
}

static int corrupt_shell(rm_corrupt_ctx *c)
{
    shell_cluster(c, c->n_in, c->n, c->opt->distance, chosen(c, "top"));
    return RM_OK;
}

static void defaults_near(rm_generate_options *opt)
{
    if (opt->distance == 0.0)
        opt->distance = RM_DEFAULT_NEAR;
    if (opt->spread == 0.0)
        opt->spread = RM_DEFAULT_SPREAD;
}

const rm_corruption rm_corruption_shell = {
    .info = {.name = "variance-shell",
             .summary = "a tight cluster at the inliers' typical distance, along "
                        "their direction of largest variance: outlier norms look "
                        "typical, so norm-based pruning cannot see them",
             .parameters = "distance: in units of sqrt(tr Sigma) "
                           "(default 1); spread (default 0.1); direction: top "
                           "(default), random or low"},
    .additive = 1,
    .defaults = defaults_near,
    .corrupt = corrupt_shell,
};

static int corrupt_two(rm_corrupt_ctx *c)
{
    size_t d = c->d;
    double *v1 = c->work, *w = c->work + d, *v2 = c->work + 2 * d, *centre = c->work + 3 * d;
    rm_direction_random(c->rng, v1, d);
    double theta = c->opt->angle * M_PI / 180.0;
    if (rm_direction_orthogonal(c->rng, v1, w, d)) {
        for (size_t j = 0; j < d; j++)
            v2[j] = cos(theta) * v1[j] + sin(theta) * w[j];
    } else { /* d = 1: the nearest of +-v1 */
        v2[0] = cos(theta) >= 0.0 ? v1[0] : -v1[0];
    }
    size_t first = c->n_in + share_of(c->opt->split, c->k);
    double t = reach(c, c->opt->distance);
    point_along(c, v1, t, centre);
    cluster(c, c->n_in, first, centre);
    point_along(c, v2, t, centre);
    cluster(c, first, c->n, centre);
    return RM_OK;
}

static void defaults_two(rm_generate_options *opt)
{
    defaults_near(opt);
    if (opt->angle == 0.0)
        opt->angle = RM_DEFAULT_ANGLE;
    if (opt->split == 0.0)
        opt->split = RM_DEFAULT_SPLIT_TWO;
}

const rm_corruption rm_corruption_two = {
    .info = {.name = "two-clusters",
             .summary = "two tight clusters at the inliers' typical distance, "
                        "at an angle to each other, split unevenly: one "
                        "direction of variance is not enough to find both",
             .parameters = "distance (default 1); angle: degrees between them (default 75); split: "
                           "share of the first (default 0.7); spread (default 0.1)"},
    .additive = 1,
    .defaults = defaults_two,
    .corrupt = corrupt_two,
};

static int corrupt_dkk(rm_corrupt_ctx *c)
{
    size_t d = c->d, cube = c->n_in + (c->k - c->k / 2);
    double s = c->law->sigma;
    for (size_t i = c->n_in; i < cube; i++)
        for (size_t j = 0; j < d; j++)
            c->X[i * d + j] = c->mu[j] + s * (double)(gsl_rng_get(c->rng) & 1u);
    /* mu + sigma*(-11, 3, 1, ..., 1): squared distance (121 + 9 + d - 2) sigma^2. */
    double *p = c->work;
    for (size_t j = 0; j < d; j++)
        p[j] = c->mu[j] + s * (j == 0 ? -11.0 : j == 1 ? 3.0 : 1.0);
    if (d == 1)
        p[0] = c->mu[0] - s * sqrt(129.0);
    for (size_t i = cube; i < c->n; i++)
        memcpy(c->X + i * d, p, d * sizeof *p);
    return RM_OK;
}

static void defaults_none(rm_generate_options *opt) { (void)opt; }

const rm_corruption rm_corruption_dkk = {
    .info = {.name = "dkk",
             .summary = "Diakonikolas et al. (2017): half uniform on the vertices mu + "
                        "sigma*{0,1}^d, half copies of the point mu + sigma*(-11, 3, 1, ..., 1) at "
                        "distance sigma*sqrt(d+128)",
             .parameters = ""},
    .additive = 1,
    .defaults = defaults_none,
    .corrupt = corrupt_dkk,
};

static int corrupt_subtle(rm_corrupt_ctx *c)
{
    double *v = c->work;
    rm_direction_random(c->rng, v, c->d);
    double t = c->opt->shift * c->law->sigma;
    for (size_t i = c->n_in; i < c->n; i++) {
        double *x = c->X + i * c->d;
        rm_inlier_law_draw(c->law, c->rng, x);
        for (size_t j = 0; j < c->d; j++)
            x[j] += t * v[j];
    }
    return RM_OK;
}

static void defaults_subtle(rm_generate_options *opt)
{
    /* The scale at which a shifted eps-fraction is just detectable; eps = 0 corrupts
     * nothing, and any s will do. */
    if (opt->shift == 0.0)
        opt->shift = opt->eps > 0.0 ? sqrt(2.0 * log(1.0 / opt->eps)) + 1.0 : 1.0;
}

const rm_corruption rm_corruption_subtle = {
    .info = {.name = "subtle-shift",
             .summary = "outliers drawn from the inlier law shifted by s*sigma "
                        "along a random direction (Gaussian outliers for "
                        "Gaussian inliers), s near the detection threshold",
             .parameters = "shift: s (default sqrt(2 log(1/eps)) + 1)"},
    .additive = 1,
    .defaults = defaults_subtle,
    .corrupt = corrupt_subtle,
};

static int corrupt_axes(rm_corrupt_ctx *c)
{
    size_t d = c->d, m = c->opt->axes;
    size_t *axis = rm_alloc_array(d, sizeof(size_t));
    if (!axis)
        return RM_ENOMEM;
    for (size_t j = 0; j < d; j++)
        axis[j] = j;
    for (size_t i = 0; i < m; i++) { /* the first m of a random permutation */
        size_t j = i + rm_rng_index(c->rng, d - i), t = axis[i];
        axis[i] = axis[j];
        axis[j] = t;
    }
    double t = reach(c, c->opt->distance), *centre = c->work;
    /* Pair p puts one outlier at mu + t e_a and one at mu - t e_a, a = axis[p % m]: each
     * pair has mean mu, so only the variance along the axes grows. */
    size_t pairs = c->k / 2;
    for (size_t p = 0; p < pairs; p++) {
        size_t a = axis[p % m];
        for (int sign = -1; sign <= 1; sign += 2) {
            memcpy(centre, c->mu, d * sizeof *centre);
            centre[a] += sign * t;
            size_t row = c->n_in + 2 * p + (sign > 0);
            cluster(c, row, row + 1, centre);
        }
    }
    if (c->k % 2) /* an odd one out stays at mu */
        cluster(c, c->n - 1, c->n, c->mu);
    free(axis);
    return RM_OK;
}

static void defaults_axes(rm_generate_options *opt)
{
    defaults_near(opt);
    if (opt->axes == 0)
        opt->axes = opt->d < RM_DEFAULT_AXES ? opt->d : RM_DEFAULT_AXES;
}

const rm_corruption rm_corruption_axes = {
    .info = {.name = "axis-noise",
             .summary = "QUE-style symmetric noise: +- tight clusters on a few random coordinate "
                        "axes, in pairs, inflating the variance along them without moving the mean",
             .parameters = "axes: how many (default min(d, 5)); distance: of each cluster from mu "
                           "(default 1); spread (default 0.1); an odd outlier out sits at mu"},
    .additive = 1,
    .defaults = defaults_axes,
    .corrupt = corrupt_axes,
};

static int corrupt_box(rm_corrupt_ctx *c)
{
    for (size_t i = c->n_in; i < c->n; i++)
        for (size_t j = 0; j < c->d; j++)
            c->X[i * c->d + j] =
                c->mu[j] + 2.0 * sqrt(c->law->var[j]) * gsl_rng_uniform(c->rng);
    return RM_OK;
}

const rm_corruption rm_corruption_box = {
    .info = {.name = "uniform-box",
             .summary = "outliers uniform on the box mu_j + [0, 2 sd_j] "
                        "(sd_j the inliers' standard deviation of coordinate "
                        "j: [mu, mu + 2 sigma]^d for spherical inliers)",
             .parameters = ""},
    .additive = 1,
    .defaults = defaults_none,
    .corrupt = corrupt_box,
};

static int corrupt_mixed(rm_corrupt_ctx *c)
{
    size_t far_end = c->n_in + share_of(c->opt->split, c->k);
    double *v = c->work, *centre = c->work + c->d;
    rm_direction_random(c->rng, v, c->d);
    point_along(c, v, reach(c, c->opt->distance), centre);
    cluster(c, c->n_in, far_end, centre);
    shell_cluster(c, far_end, c->n, RM_DEFAULT_NEAR, "top");
    return RM_OK;
}

static void defaults_mixed(rm_generate_options *opt)
{
    defaults_far(opt);
    if (opt->split == 0.0)
        opt->split = RM_DEFAULT_SPLIT_MIXED;
}

const rm_corruption rm_corruption_mixed = {
    .info = {.name = "obvious-subtle",
             .summary = "a far cluster (as far-cluster) plus a variance shell "
                        "(as variance-shell, distance 1): pruning the obvious "
                        "outliers must not stop the search for the subtle ones",
             .parameters = "split: share of the far cluster (default 0.5); distance: of the far "
                           "cluster (default 10); spread (default 0.1)"},
    .additive = 1,
    .defaults = defaults_mixed,
    .corrupt = corrupt_mixed,
};

/* A second population: draws of the inlier law, their deviations scaled by sqrt(spread),
 * shifted by shift*sigma along a direction of smallest inlier variance. With a spiked
 * law they add less to the top eigenvalue than the inliers' own spike. */
static int corrupt_population(rm_corrupt_ctx *c)
{
    double *v = c->work;
    rm_inlier_law_low_direction(c->law, c->rng, v);
    double t = c->opt->shift * c->law->sigma, root = sqrt(c->opt->spread);
    for (size_t i = c->n_in; i < c->n; i++) {
        double *x = c->X + i * c->d;
        rm_inlier_law_draw(c->law, c->rng, x);
        for (size_t j = 0; j < c->d; j++)
            x[j] = c->mu[j] + root * (x[j] - c->mu[j]) + t * v[j];
    }
    return RM_OK;
}

static void defaults_population(rm_generate_options *opt)
{
    if (opt->shift == 0.0)
        opt->shift = RM_DEFAULT_POPULATION_SHIFT;
    if (opt->spread == 0.0)
        opt->spread = RM_DEFAULT_POPULATION_SPREAD;
}

const rm_corruption rm_corruption_population = {
    .info = {.name = "population",
             .summary = "a second population: the inlier law with covariance spread*Sigma, "
                        "shifted along a direction of the inliers' smallest variance (hidden "
                        "below a spiked law's top eigenvalue)",
             .parameters = "shift: in units of sigma (default 2); spread: tighter (< 1) or "
                           "looser (> 1) than the inliers (default 1)"},
    .additive = 1,
    .defaults = defaults_population,
    .corrupt = corrupt_population,
};
