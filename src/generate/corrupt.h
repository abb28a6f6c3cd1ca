/* The internal shape of a corruption model and what it works on. Each model is a value
 * (a table row in generate.c); the models live in corrupt_additive.c (outliers added in
 * place of inliers) and corrupt_edit.c (the inliers themselves edited or deleted). */
#ifndef RM_CORRUPT_H
#define RM_CORRUPT_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "generate/inliers.h"
#include "robustmean.h"
#include "robustmean_generate.h"

/* Rows of X before the shuffle: [0, n_in) inliers as drawn (inlier[i] = 1), then, for an
 * additive model, [n_in, n) the outliers the model writes (inlier[i] = 0). */
typedef struct rm_corrupt_ctx {
    double *X;
    unsigned char *inlier;
    size_t n, d;
    size_t n_in;     /* inliers drawn: n - k for additive models, n for editing ones */
    size_t k;        /* floor(eps * n): rows to corrupt (or, subtractive, delete) */
    size_t removed;  /* set by a model that deletes rows (and it lowers n) */
    const double *mu;
    rm_inlier_law *law;
    const rm_generate_options *opt; /* every default filled in */
    gsl_rng *rng;
    double *work;    /* 6*d doubles of scratch */
} rm_corrupt_ctx;

typedef struct rm_corruption {
    rm_model_info info;
    int additive; /* 1: draws n - k inliers and k outliers; 0: edits n drawn inliers */
    /* Fill the parameters the model reads that opt leaves at 0 (eps is set). */
    void (*defaults)(rm_generate_options *opt);
    /* Corrupt; returns RM_OK or RM_ENOMEM. */
    int (*corrupt)(rm_corrupt_ctx *c);
} rm_corruption;

extern const rm_corruption rm_corruption_far;
extern const rm_corruption rm_corruption_shell;
extern const rm_corruption rm_corruption_two;
extern const rm_corruption rm_corruption_dkk;
extern const rm_corruption rm_corruption_subtle;
extern const rm_corruption rm_corruption_axes;
extern const rm_corruption rm_corruption_box;
extern const rm_corruption rm_corruption_mixed;
extern const rm_corruption rm_corruption_none;
extern const rm_corruption rm_corruption_subtractive;
extern const rm_corruption rm_corruption_flip;
extern const rm_corruption rm_corruption_population;

#define RM_DEFAULT_FAR 10.0
#define RM_DEFAULT_NEAR 1.0
#define RM_DEFAULT_ANGLE 75.0
#define RM_DEFAULT_SPLIT_TWO 0.7
#define RM_DEFAULT_SPLIT_MIXED 0.5
#define RM_DEFAULT_SPREAD 0.1
#define RM_DEFAULT_AXES 5
#define RM_DEFAULT_POPULATION_SHIFT 2.0
#define RM_DEFAULT_POPULATION_SPREAD 1.0

#endif
