/* The table of inlier models and their law. Every model but the mixture has mean mu and
 * covariance R diag(root^2) R^T, so the covariance the documentation states is the one
 * the data has: Student-t and Laplace coordinates are scaled to unit variance. */
#include "generate/inliers.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "generate/directions.h"

typedef struct inlier_model {
    rm_model_info info;
    /* Set the noise, roots, rotation and mixture of a law whose arrays are allocated
     * (root preset to 1); returns RM_OK or RM_ENOMEM. */
    int (*setup)(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r);
    void (*defaults)(rm_generate_options *opt);
} inlier_model;

static int setup_gaussian(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    (void)law, (void)opt, (void)r;
    return RM_OK;
}

static void defaults_none(rm_generate_options *opt) { (void)opt; }

static int setup_scaled(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    (void)r;
    for (size_t j = 0; j < law->d; j++)
        law->root[j] = opt->scale;
    return RM_OK;
}

static void defaults_scaled(rm_generate_options *opt)
{
    if (opt->scale == 0.0)
        opt->scale = RM_DEFAULT_SCALE;
}

static int setup_diagonal(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    (void)r;
    for (size_t j = 0; j < law->d; j++)
        law->root[j] = pow((double)(j + 1), -0.5 * opt->decay);
    return RM_OK;
}

static void defaults_decay(rm_generate_options *opt)
{
    if (opt->decay == 0.0)
        opt->decay = RM_DEFAULT_DECAY;
}

static int setup_rotated(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    setup_diagonal(law, opt, r);
    law->rotation = rm_alloc_array(law->d, law->d * sizeof(double));
    if (!law->rotation)
        return RM_ENOMEM;
    rm_rotation_random(r, law->rotation, law->d);
    return RM_OK;
}

static int setup_spiked(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    for (size_t j = 0; j < law->d; j++)
        law->root[j] = j < opt->spikes ? sqrt(opt->spike) : 1.0;
    law->rotation = rm_alloc_array(law->d, law->d * sizeof(double));
    if (!law->rotation)
        return RM_ENOMEM;
    rm_rotation_random(r, law->rotation, law->d);
    return RM_OK;
}

static void defaults_spiked(rm_generate_options *opt)
{
    if (opt->spikes == 0)
        opt->spikes = opt->d < RM_DEFAULT_SPIKES ? opt->d : RM_DEFAULT_SPIKES;
    if (opt->spike == 0.0)
        opt->spike = RM_DEFAULT_SPIKE;
}

static int setup_student(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    (void)r;
    law->noise = RM_NOISE_STUDENT;
    law->nu = opt->nu;
    return RM_OK;
}

static void defaults_student(rm_generate_options *opt)
{
    if (opt->nu == 0.0)
        opt->nu = RM_DEFAULT_NU;
}

/* Heavy tails along dominant directions: where a check of eps has to tell leftover
 * outliers from inliers whose tails are both long and uneven across directions. */
static int setup_rotated_student(rm_inlier_law *law, const rm_generate_options *opt,
                                 gsl_rng *r)
{
    int status = setup_rotated(law, opt, r);
    if (status == RM_OK)
        status = setup_student(law, opt, r);
    return status;
}

static void defaults_rotated_student(rm_generate_options *opt)
{
    defaults_decay(opt);
    defaults_student(opt);
}

static int setup_laplace(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    (void)opt, (void)r;
    law->noise = RM_NOISE_LAPLACE;
    return RM_OK;
}

static int setup_mixture(rm_inlier_law *law, const rm_generate_options *opt, gsl_rng *r)
{
    law->u = rm_alloc_array(law->d, sizeof(double));
    if (!law->u)
        return RM_ENOMEM;
    rm_direction_random(r, law->u, law->d);
    law->half_gap = 0.5 * opt->separation;
    return RM_OK;
}

static void defaults_mixture(rm_generate_options *opt)
{
    if (opt->separation == 0.0)
        opt->separation = RM_DEFAULT_SEPARATION;
}

static const inlier_model models[] = {
    {.info = {.name = "gaussian",
              .summary = "Gaussian N(mu, I)",
              .parameters = ""},
     .setup = setup_gaussian,
     .defaults = defaults_none},
    {.info = {.name = "scaled",
              .summary = "Gaussian N(mu, sigma^2 I) with a "
                         "spherical scale the estimator is not told",
              .parameters = "scale: sigma > 0 (default 5)"},
     .setup = setup_scaled,
     .defaults = defaults_scaled},
    {.info = {.name = "diagonal",
              .summary = "Gaussian N(mu, diag(1, 2^-decay, ..., d^-decay)): a decaying spectrum",
              .parameters = "decay >= 0 (default 1)"},
     .setup = setup_diagonal,
     .defaults = defaults_decay},
    {.info = {.name = "rotated",
              .summary = "the diagonal model turned by a Haar-random rotation (d*d memory)",
              .parameters = "decay >= 0 (default 1)"},
     .setup = setup_rotated,
     .defaults = defaults_decay},
    {.info = {.name = "spiked",
              .summary = "Gaussian with k dominant directions of variance s in a random "
                         "orientation, variance 1 elsewhere (embeddings, expression data; "
                         "d*d memory)",
              .parameters = "spikes: k, 1 <= k <= d (default min(d, 3)); spike: s > 0 "
                            "(default 25)"},
     .setup = setup_spiked,
     .defaults = defaults_spiked},
    {.info = {.name = "student",
              .summary = "independent Student-t coordinates scaled to unit variance: covariance I",
              .parameters = "nu: degrees of freedom > 2 (default 3)"},
     .setup = setup_student,
     .defaults = defaults_student},
    {.info = {.name = "rotated-student",
              .summary = "the rotated model with Student-t coordinates scaled to unit variance "
                         "before the scaling and turn (d*d memory)",
              .parameters = "decay >= 0 (default 1); nu: degrees of freedom > 2 (default 3)"},
     .setup = setup_rotated_student,
     .defaults = defaults_rotated_student},
    {.info = {.name = "laplace",
              .summary = "independent Laplace coordinates scaled to unit variance: covariance I",
              .parameters = ""},
     .setup = setup_laplace,
     .defaults = defaults_none},
    {.info = {.name = "mixture",
              .summary = "equal mixture of N(mu + a u, I) and N(mu - a u, I), u a random unit "
                         "vector: covariance I + a^2 u u^T",
              .parameters = "separation: 2a, the distance between the component means (default 4)"},
     .setup = setup_mixture,
     .defaults = defaults_mixture},
};

enum { MODEL_COUNT = sizeof models / sizeof models[0] };

size_t rm_inlier_model_count(void) { return MODEL_COUNT; }

const rm_model_info *rm_inlier_model_at(size_t i)
{
    return i < MODEL_COUNT ? &models[i].info : NULL;
}

static const inlier_model *find_model(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < MODEL_COUNT; i++)
        if (strcmp(models[i].info.name, name) == 0)
            return &models[i];
    return NULL;
}

const rm_model_info *rm_inlier_model_find(const char *name)
{
    const inlier_model *m = find_model(name);
    return m ? &m->info : NULL;
}

void rm_inlier_defaults(const char *name, rm_generate_options *opt)
{
    const inlier_model *m = find_model(name);
    if (m)
        m->defaults(opt);
}

void rm_inlier_law_free(rm_inlier_law *law)
{
    if (!law)
        return;
    free(law->root);
    free(law->rotation);
    free(law->u);
    free(law->var);
    free(law->work);
    memset(law, 0, sizeof *law);
}

/* The diagonal of the covariance, its trace and its largest eigenvalue. */
static void summarise(rm_inlier_law *law)
{
    size_t d = law->d;
    double top = 0.0, trace = 0.0, a2 = law->half_gap * law->half_gap;
    for (size_t k = 0; k < d; k++) {
        double l = law->root[k] * law->root[k];
        top = l > top ? l : top;
        trace += l;
    }
    for (size_t j = 0; j < d; j++) {
        double v = 0.0;
        if (law->rotation)
            for (size_t k = 0; k < d; k++)
                v += law->rotation[j * d + k] * law->rotation[j * d + k] * law->root[k] *
                     law->root[k];
        else
            v = law->root[j] * law->root[j];
        law->var[j] = v + (law->u ? a2 * law->u[j] * law->u[j] : 0.0);
    }
    /* The mixture adds a^2 along u, a direction of the identity's eigenspace. */
    law->sigma = sqrt(top + a2);
    law->trace = trace + a2;
}

int rm_inlier_law_init(rm_inlier_law *law, const char *name, const rm_generate_options *opt,
                       const double *mu, gsl_rng *r)
{
    memset(law, 0, sizeof *law);
    const inlier_model *m = find_model(name);
    if (!m)
        return RM_EINVAL;
    size_t d = opt->d;
    law->d = d;
    law->mu = mu;
    law->noise = RM_NOISE_GAUSSIAN;
    law->root = rm_alloc_array(d, sizeof(double));
    law->var = rm_alloc_array(d, sizeof(double));
    law->work = rm_alloc_array(d, sizeof(double));
    int status = (law->root && law->var && law->work) ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
        for (size_t j = 0; j < d; j++)
            law->root[j] = 1.0;
        status = m->setup(law, opt, r);
    }
    if (status != RM_OK) {
        rm_inlier_law_free(law);
        return status;
    }
    summarise(law);
    return RM_OK;
}

/* One unit-variance coordinate. */
static double draw_noise(const rm_inlier_law *law, gsl_rng *r)
{
    switch (law->noise) {
    case RM_NOISE_STUDENT: /* variance nu/(nu-2); nu > 2 was checked */
        return gsl_ran_tdist(r, law->nu) * sqrt((law->nu - 2.0) / law->nu);
    case RM_NOISE_LAPLACE: /* variance 2 b^2 = 1 */
        return gsl_ran_laplace(r, M_SQRT1_2);
    default:
        return gsl_ran_gaussian_ziggurat(r, 1.0);
    }
}

void rm_inlier_law_draw(rm_inlier_law *law, gsl_rng *r, double *x)
{
    size_t d = law->d;
    double *y = law->work;
    for (size_t k = 0; k < d; k++)
        y[k] = law->root[k] * draw_noise(law, r);
    if (law->rotation) {
        for (size_t j = 0; j < d; j++)
            x[j] = law->mu[j] + rm_dot(law->rotation + j * d, y, d);
    } else {
        for (size_t j = 0; j < d; j++)
            x[j] = law->mu[j] + y[j];
    }
    if (law->u) {
        double a = gsl_rng_uniform(r) < 0.5 ? law->half_gap : -law->half_gap;
        for (size_t j = 0; j < d; j++)
            x[j] += a * law->u[j];
    }
}

void rm_inlier_law_low_direction(const rm_inlier_law *law, gsl_rng *r, double *v)
{
    size_t d = law->d;
    double low = law->root[0];
    for (size_t k = 1; k < d; k++)
        low = law->root[k] < low ? law->root[k] : low;
    double *y = law->work;
    do {
        /* Gaussian coefficients on the smallest roots' axes, turned by the rotation; the
         * mixture's direction u carries extra variance, so it is projected out. */
        for (size_t k = 0; k < d; k++)
            y[k] = law->root[k] == low ? gsl_ran_gaussian_ziggurat(r, 1.0) : 0.0;
        for (size_t j = 0; j < d; j++)
            v[j] = law->rotation ? rm_dot(law->rotation + j * d, y, d) : y[j];
        if (law->u && d > 1) {
            double c = rm_dot(v, law->u, d);
            for (size_t j = 0; j < d; j++)
                v[j] -= c * law->u[j];
        }
    } while (!rm_normalise(v, d));
}

void rm_inlier_law_covariance(const rm_inlier_law *law, double *S)
{
    size_t d = law->d;
    double a2 = law->half_gap * law->half_gap;
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double v = 0.0;
            if (law->rotation)
                for (size_t k = 0; k < d; k++)
                    v += law->rotation[i * d + k] * law->rotation[j * d + k] * law->root[k] *
                         law->root[k];
            else if (i == j)
                v = law->root[i] * law->root[i];
            if (law->u)
                v += a2 * law->u[i] * law->u[j];
            S[i * d + j] = v;
        }
}
