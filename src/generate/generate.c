/* rm_generate(): validate, fill in the defaults, then draw mu, the inlier law, the
 * inliers and the outliers, and shuffle the rows. The table of corruption models is
 * here; each model is a value defined in corrupt_additive.c or corrupt_edit.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/rng.h"
#include "generate/corrupt.h"
#include "generate/inliers.h"
#include "numerics/summation.h"

static const rm_corruption *const corruptions[] = {
    &rm_corruption_none,    &rm_corruption_far,   &rm_corruption_shell,
    &rm_corruption_two,     &rm_corruption_dkk,   &rm_corruption_subtle,
    &rm_corruption_axes,    &rm_corruption_box,   &rm_corruption_mixed,
    &rm_corruption_subtractive, &rm_corruption_flip,  &rm_corruption_population,
};

enum { CORRUPTION_COUNT = sizeof corruptions / sizeof corruptions[0] };

/* mu_j is drawn uniform on [-MU_RANGE, MU_RANGE]: far from 0, so that an estimator that
 * forgets to translate shows it. */
#define MU_RANGE 10.0

size_t rm_corruption_count(void) { return CORRUPTION_COUNT; }

const rm_model_info *rm_corruption_at(size_t i)
{
    return i < CORRUPTION_COUNT ? &corruptions[i]->info : NULL;
}

static const rm_corruption *find_corruption(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < CORRUPTION_COUNT; i++)
        if (strcmp(corruptions[i]->info.name, name) == 0)
            return corruptions[i];
    return NULL;
}

const rm_model_info *rm_corruption_find(const char *name)
{
    const rm_corruption *m = find_corruption(name);
    return m ? &m->info : NULL;
}

void rm_generate_options_init(rm_generate_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->corruption = rm_corruption_none.info.name;
    opt->inliers = rm_inlier_model_at(0)->name;
    opt->seed = 1;
}

/* Each parameter is 0 (the model's default) or within its range; NaN fails every test. */
static int parameters_valid(const rm_generate_options *o)
{
    return (o->scale == 0.0 || (o->scale > 0.0 && isfinite(o->scale))) &&
           (o->decay >= 0.0 && o->decay <= 64.0) &&
           (o->nu == 0.0 || (o->nu > 2.0 && isfinite(o->nu))) &&
           (o->separation >= 0.0 && isfinite(o->separation)) && o->spikes <= o->d &&
           (o->spike >= 0.0 && isfinite(o->spike)) &&
           ((o->column_lo == 0.0 && o->column_hi == 0.0) ||
            (o->column_lo > 0.0 && o->column_lo <= o->column_hi && isfinite(o->column_hi))) &&
           (o->distance >= 0.0 && isfinite(o->distance)) &&
           (o->angle >= 0.0 && o->angle <= 180.0) && (o->split >= 0.0 && o->split < 1.0) &&
           (o->shift >= 0.0 && isfinite(o->shift)) &&
           (o->spread >= 0.0 && isfinite(o->spread)) && o->axes <= o->d &&
           (!o->direction || !strcmp(o->direction, "random") || !strcmp(o->direction, "top") ||
            !strcmp(o->direction, "low"));
}

/* Check opt and resolve it into *used: names from the tables, defaults filled in. */
static int validate(const rm_generate_options *opt, rm_generate_options *used,
                    const rm_corruption **model)
{
    if (!opt)
        return RM_EINVAL;
    if (!(opt->eps >= 0.0 && opt->eps < 1.0 / 3.0))
        return RM_EEPS;
    if (opt->d == 0)
        return RM_EINVAL;
    if (opt->n == 0)
        return RM_ETOOFEW;
    *model = find_corruption(opt->corruption ? opt->corruption : rm_corruption_none.info.name);
    const rm_model_info *inliers =
        rm_inlier_model_find(opt->inliers ? opt->inliers : rm_inlier_model_at(0)->name);
    if (!*model || !inliers || !parameters_valid(opt))
        return RM_EINVAL;
    size_t count, bytes;
    if (!rm_mul_size(opt->n, opt->d, &count) || !rm_mul_size(count, sizeof(double), &bytes))
        return RM_EOVERFLOW;
    if ((strcmp(inliers->name, "rotated") == 0 || strcmp(inliers->name, "spiked") == 0) &&
        (!rm_mul_size(opt->d, opt->d, &count) || !rm_mul_size(count, sizeof(double), &bytes)))
        return RM_EOVERFLOW;
    *used = *opt;
    used->corruption = (*model)->info.name;
    used->inliers = inliers->name;
    rm_inlier_defaults(used->inliers, used);
    (*model)->defaults(used);
    return RM_OK;
}

/* Shuffle the first n rows of X together with their flags (Fisher-Yates on rows). */
static void shuffle_rows(gsl_rng *r, double *X, unsigned char *flag, size_t n, size_t d,
                         double *tmp)
{
    size_t bytes = d * sizeof *X;
    for (size_t i = n; i > 1; i--) {
        size_t j = rm_rng_index(r, i);
        if (j == i - 1)
            continue;
        memcpy(tmp, X + (i - 1) * d, bytes);
        memcpy(X + (i - 1) * d, X + j * d, bytes);
        memcpy(X + j * d, tmp, bytes);
        unsigned char f = flag[i - 1];
        flag[i - 1] = flag[j];
        flag[j] = f;
    }
}

void rm_sample_free(rm_sample *sample)
{
    if (!sample)
        return;
    free(sample->X);
    free(sample->mu);
    free(sample->inlier);
    free(sample->column_scales);
    memset(sample, 0, sizeof *sample);
}

/* Mixed units, drawn last: column j of X and mu_j times a log-uniform factor. */
static void scale_columns(gsl_rng *r, const rm_generate_options *used, rm_sample *out)
{
    double lo = log(used->column_lo), hi = log(used->column_hi);
    for (size_t j = 0; j < out->d; j++)
        out->column_scales[j] = exp(lo + (hi - lo) * gsl_rng_uniform(r));
    for (size_t i = 0; i < out->n; i++)
        for (size_t j = 0; j < out->d; j++)
            out->X[i * out->d + j] *= out->column_scales[j];
    for (size_t j = 0; j < out->d; j++)
        out->mu[j] *= out->column_scales[j];
}

/* The draws, in their fixed order, into out (whose arrays are allocated). */
static int draw(const rm_corruption *model, const rm_generate_options *used, gsl_rng *r,
                rm_sample *out, double *work)
{
    size_t n = used->n, d = used->d;
    size_t k = (size_t)floor(used->eps * (double)n);
    for (size_t j = 0; j < d; j++)
        out->mu[j] = MU_RANGE * (2.0 * gsl_rng_uniform(r) - 1.0);
    rm_inlier_law law;
    int status = rm_inlier_law_init(&law, used->inliers, used, out->mu, r);
    if (status != RM_OK)
        return status;
    rm_corrupt_ctx c = {.X = out->X,
                        .inlier = out->inlier,
                        .n = n,
                        .d = d,
                        .n_in = model->additive ? n - k : n,
                        .k = k,
                        .removed = 0,
                        .mu = out->mu,
                        .law = &law,
                        .opt = used,
                        .rng = r,
                        .work = work};
    for (size_t i = 0; i < c.n_in; i++) {
        rm_inlier_law_draw(&law, r, out->X + i * d);
        out->inlier[i] = 1;
    }
    for (size_t i = c.n_in; i < n; i++)
        out->inlier[i] = 0;
    status = model->corrupt(&c);
    if (status == RM_OK) {
        shuffle_rows(r, out->X, out->inlier, c.n, d, work);
        out->n = c.n;
        out->removed = c.removed;
        out->outliers = 0;
        for (size_t i = 0; i < c.n; i++)
            out->outliers += !out->inlier[i];
        out->sigma = law.sigma;
        out->trace = law.trace;
    }
    rm_inlier_law_free(&law);
    return status;
}

int rm_generate(const rm_generate_options *opt, rm_sample *out)
{
    if (!out)
        return RM_EINVAL;
    memset(out, 0, sizeof *out);
    rm_generate_options used;
    const rm_corruption *model = NULL;
    int status = validate(opt, &used, &model);
    if (status != RM_OK)
        return status;
    size_t n = used.n, d = used.d;
    gsl_rng r = {0};
    double *work = rm_alloc_array(d, 6 * sizeof(double));
    out->X = rm_alloc_array(n, d * sizeof(double));
    out->mu = rm_alloc_array(d, sizeof(double));
    out->inlier = rm_alloc_array(n, 1);
    if (used.column_lo > 0.0)
        out->column_scales = rm_alloc_array(d, sizeof(double));
    status = (work && out->X && out->mu && out->inlier &&
              (used.column_lo == 0.0 || out->column_scales))
                 ? rm_rng_init(&r, used.seed)
                 : RM_ENOMEM;
    out->d = d;
    if (status == RM_OK)
        status = draw(model, &used, &r, out, work);
    if (status == RM_OK && out->column_scales)
        scale_columns(&r, &used, out);
    rm_rng_free(&r);
    free(work);
    if (status != RM_OK) {
        rm_sample_free(out);
        return status;
    }
    out->used = used;
    return RM_OK;
}

int rm_sample_inlier_mean(const rm_sample *sample, double *mean)
{
    if (!sample || !mean || !sample->X || sample->n == 0 || sample->d == 0)
        return RM_EINVAL;
    size_t count = sample->n - sample->outliers, d = sample->d;
    if (count == 0)
        return RM_EINVAL;
    size_t *rows = rm_alloc_array(count, sizeof(size_t));
    double *work = rm_alloc_array(d, 3 * sizeof(double));
    int status = rows && work ? RM_OK : RM_ENOMEM;
    if (status == RM_OK) {
        size_t m = 0;
        for (size_t i = 0; i < sample->n; i++)
            if (sample->inlier[i])
                rows[m++] = i;
        rm_matrix X = rm_matrix_of_doubles(sample->X, sample->n, d);
        rm_rows_mean(&X, rows, m, mean, work);
    }
    free(rows);
    free(work);
    return status;
}
