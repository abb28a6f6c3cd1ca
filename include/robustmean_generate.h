/*
 * robustmean_generate: the synthetic data of rmgen and rmstudy, for studies of the
 * estimators of robustmean.h under known corruption.
 *
 * Thread rule, errors and versions as in robustmean.h, which this header includes.
 */
#ifndef ROBUSTMEAN_GENERATE_H
#define ROBUSTMEAN_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "robustmean.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Synthetic data: inlier models and corruption models (the generators of rmgen/rmstudy)
 *
 * rm_generate() draws n rows whose inliers come from an inlier model with a known mean mu
 * (mu_j drawn uniform on [-10, 10]: far from 0, so an estimator that forgets to translate
 * shows it) and covariance Sigma (sigma^2 = its largest eigenvalue), and replaces
 * floor(eps*n) of them as a corruption model says. The adversary is strong: it sees the inliers it
 * corrupts (the variance shell aims along their direction of largest variance; the
 * subtractive and tail-flip models cut the actual eps-tail). Rows are shuffled, so the
 * outliers are never a contiguous block, and the sample says which rows are inliers.
 *
 * Reproducible: one seed gives the same bytes on every machine with the same C library
 * (GSL's mt19937, plain C loops, no BLAS, whose kernels round differently per CPU).
 * Thread rule: no global state; calls may run at once with distinct rm_sample outputs.
 * Within one seed the draws come in a fixed order (mu, the inlier law, the inliers, the
 * outliers, the shuffle), so two corruption models with one seed share mu and, when they
 * keep as many inliers, the inliers themselves.
 * ------------------------------------------------------------------------------------- */

/* What a model is and which rm_generate_options fields it reads. Static, read-only. */
typedef struct rm_model_info {
    const char *name;       /* the value for rm_generate_options.corruption / .inliers */
    const char *summary;    /* one line: what it draws */
    const char *parameters; /* the fields it reads, with their defaults; "" when none */
} rm_model_info;

/** The number of corruption models rm_generate() knows. */
RM_API size_t rm_corruption_count(void);
/** The i-th corruption model (0 <= i < rm_corruption_count()), or NULL out of range. */
RM_API const rm_model_info *rm_corruption_at(size_t i);
/** The corruption model called name, or NULL when there is none. */
RM_API const rm_model_info *rm_corruption_find(const char *name);
/** The number of inlier models rm_generate() knows. */
RM_API size_t rm_inlier_model_count(void);
/** The i-th inlier model (0 <= i < rm_inlier_model_count()), or NULL out of range. */
RM_API const rm_model_info *rm_inlier_model_at(size_t i);
/** The inlier model called name, or NULL when there is none. */
RM_API const rm_model_info *rm_inlier_model_find(const char *name);

/* Options for rm_generate(). Fill with rm_generate_options_init(), then set fields. Every
 * model parameter left at 0 takes the model's default (rm_model_info.parameters and
 * rm_sample.used say which). Distances are in units of sqrt(tr Sigma), the typical norm
 * of an inlier's deviation (sqrt(d)*sigma for spherical inliers); shifts in units of
 * sigma. Only read by rm_generate(). */
typedef struct rm_generate_options {
    const char *corruption; /* corruption model; NULL: "none" */
    const char *inliers;    /* inlier model; NULL: "gaussian" */
    size_t n, d;            /* rows and columns asked for, both >= 1 */
    double eps;             /* corrupted fraction, 0 <= eps < 1/3: floor(eps*n) rows */
    uint64_t seed;
    /* Inlier-model parameters. */
    double scale;      /* scaled: sigma, > 0 (default 5) */
    double decay;      /* diagonal, rotated: eigenvalues j^-decay, j = 1..d, decay in
                          [0, 64] (default 1) */
    double nu;         /* student: degrees of freedom, > 2 (default 3) */
    double separation; /* mixture: distance between the component means (default 4) */
    size_t spikes;     /* spiked: k dominant directions, 1 <= k <= d (default min(d, 3)) */
    double spike;      /* spiked: their variance, the others' being 1 (default 25) */
    /* Corruption-model parameters. */
    double distance;   /* far-cluster (default 10), obvious-subtle's far part (10),
                          variance-shell and two-clusters (1), axis-noise (1) */
    double angle;      /* two-clusters: degrees between the clusters, (0, 180] (75) */
    double split;      /* two-clusters: share of the first cluster (0.7); obvious-subtle:
                          share of the far cluster (0.5); in (0, 1) */
    double shift;      /* subtle-shift: s, in units of sigma (sqrt(2 log(1/eps)) + 1);
                          population: its shift, in units of sigma (default 2) */
    double spread;     /* tight clusters' covariance, spread*sigma^2*I (default 0.1);
                          population: its covariance, spread*Sigma (default 1) */
    size_t axes;       /* axis-noise: number of coordinate axes, <= d (min(d, 5)) */
    /* Mixed units: with 0 < column_lo <= column_hi, each column of the finished data
     * (and mu with it) is multiplied by its own factor, log-uniform on [column_lo,
     * column_hi], drawn after everything else (so the unscaled data is the same bytes).
     * Both 0: no scaling. */
    double column_lo, column_hi;
    /* far-cluster and variance-shell: where the cluster goes: "random", "top" (the
     * inliers' direction of largest sample variance) or "low" (a direction of their least
     * variance, as population's); NULL: the model's own (far-cluster random,
     * variance-shell top). */
    const char *direction;
} rm_generate_options;

/** Fill opt with the defaults: models "none" and "gaussian", n = d = 0 (to be set),
 *  eps 0, seed 1, every model parameter 0 (the model's default). */
RM_API void rm_generate_options_init(rm_generate_options *opt);

/* A generated sample. Release with rm_sample_free(). */
typedef struct rm_sample {
    double *X;              /* n x d, row-major; owned */
    size_t n, d;            /* n: rows generated (subtractive: fewer than asked) */
    double *mu;             /* d values: the true mean of the inlier law; owned */
    unsigned char *inlier;  /* n flags: 1 for a row drawn from the inlier law and left
                               as drawn, 0 for an outlier; owned */
    size_t outliers;        /* rows with inlier[i] == 0: floor(eps*n) (0 for "none" and
                               "subtractive") */
    size_t removed;         /* inliers deleted ("subtractive": floor(eps*n)), else 0 */
    double sigma;           /* sqrt of the largest eigenvalue of the inlier covariance */
    double trace;           /* trace of the inlier covariance (both before column scaling) */
    double *column_scales;  /* d factors the columns were multiplied by (X and mu are
                               scaled; an error in column j's own unit divides by it);
                               NULL when the options asked for none; owned */
    rm_generate_options used; /* the options with every default filled in (the names
                                 point to static storage) */
} rm_sample;

/**
 * Draw a sample as opt says.
 *
 * @param opt  the models, sizes, eps, seed and parameters (NULL is invalid: n, d needed).
 * @param out  receives the sample (zeroed on failure); free with rm_sample_free().
 * @return RM_OK; RM_EEPS when eps is NaN, negative or >= 1/3; RM_ETOOFEW when n is 0
 *         (no room for an inlier); RM_EINVAL for d = 0, an unknown model name or a
 *         parameter out of its range; RM_EOVERFLOW when n*d (or d*d for "rotated")
 *         bytes do not fit in size_t; RM_ENOMEM.
 */
RM_API int rm_generate(const rm_generate_options *opt, rm_sample *out);

/** Release what rm_generate() allocated; NULL-safe, and safe on a zeroed rm_sample. */
RM_API void rm_sample_free(rm_sample *sample);

/**
 * The oracle: the mean of the rows of sample flagged as inliers, into mean (d doubles,
 * caller-owned). Its distance to sample->mu is the error of an estimator that knew
 * which rows to keep.
 * @return RM_OK, RM_EINVAL (NULL argument, or no inlier row), RM_ENOMEM.
 */
RM_API int rm_sample_inlier_mean(const rm_sample *sample, double *mean);

#ifdef __cplusplus
}
#endif

#endif /* ROBUSTMEAN_GENERATE_H */
