/* The corruption models that edit the drawn inliers instead of adding outliers: none,
 * subtractive (delete the eps-tail along a random direction) and tail-flip (reflect it).
 * The tail is cut from the actual sample, as a strong adversary that sees it would. */
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "generate/corrupt.h"
#include "generate/directions.h"
#include "numerics/select.h"

static int corrupt_none(rm_corrupt_ctx *c)
{
    (void)c;
    return RM_OK;
}

static void defaults_none(rm_generate_options *opt) { (void)opt; }

const rm_corruption rm_corruption_none = {
    .info = {.name = "none",
             .summary = "no corruption: every row is an inlier (eps is checked, then ignored)",
             .parameters = ""},
    .additive = 0,
    .defaults = defaults_none,
    .corrupt = corrupt_none,
};

/* The k rows with the largest projection (x_i - mu).v on a random unit v (written to
 * c->work): a malloc'd array of k entries with their projections, largest first, or NULL
 * when out of memory. */
static rm_valued_row *upper_tail(rm_corrupt_ctx *c)
{
    size_t n = c->n, d = c->d;
    rm_valued_row *p = rm_alloc_array(n, sizeof *p);
    if (!p)
        return NULL;
    double *v = c->work;
    rm_direction_random(c->rng, v, d);
    for (size_t i = 0; i < n; i++) {
        const double *x = c->X + i * d;
        double t = 0.0;
        for (size_t j = 0; j < d; j++)
            t += (x[j] - c->mu[j]) * v[j];
        p[i].value = t;
        p[i].row = i;
    }
    qsort(p, n, sizeof *p, rm_valued_row_descending); /* largest first */
    return p;
}

static int corrupt_subtractive(rm_corrupt_ctx *c)
{
    rm_valued_row *p = upper_tail(c);
    if (!p)
        return RM_ENOMEM;
    /* Mark the tail, then close the gaps in row order. */
    for (size_t i = 0; i < c->k; i++)
        c->inlier[p[i].row] = 0;
    size_t kept = 0, d = c->d;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->inlier[i])
            continue;
        if (kept != i)
            memcpy(c->X + kept * d, c->X + i * d, d * sizeof *c->X);
        c->inlier[kept++] = 1;
    }
    c->removed = c->n - kept;
    c->n = kept;
    free(p);
    return RM_OK;
}

const rm_corruption rm_corruption_subtractive = {
    .info = {.name = "subtractive",
             .summary = "deletes the floor(eps*n) inliers that reach furthest "
                        "along a random direction: the sample has n - "
                        "floor(eps*n) rows, all inliers, and their mean is biased",
             .parameters = ""},
    .additive = 0,
    .defaults = defaults_none,
    .corrupt = corrupt_subtractive,
};

static int corrupt_flip(rm_corrupt_ctx *c)
{
    rm_valued_row *p = upper_tail(c);
    if (!p)
        return RM_ENOMEM;
    const double *v = c->work;
    for (size_t i = 0; i < c->k; i++) {
        /* Reflect through the hyperplane through mu orthogonal to v. */
        double *x = c->X + p[i].row * c->d;
        for (size_t j = 0; j < c->d; j++)
            x[j] -= 2.0 * p[i].value * v[j];
        c->inlier[p[i].row] = 0;
    }
    free(p);
    return RM_OK;
}

const rm_corruption rm_corruption_flip = {
    .info = {.name = "tail-flip",
             .summary = "reflects the floor(eps*n) inliers that reach furthest "
                        "along a random direction through the hyperplane "
                        "through mu orthogonal to it: they become the outliers",
             .parameters = ""},
    .additive = 0,
    .defaults = defaults_none,
    .corrupt = corrupt_flip,
};
