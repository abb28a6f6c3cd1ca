/* Float storage (rm_mean_float): every method gives, to the last bit, what rm_mean gives
 * on the same values stored as double, since each float is widened before any
 * arithmetic. The shapes reach every code path that reads the data: the dense oracle
 * (d <= 128), Lanczos (d > 128), and the sample solve that warm-starts large inputs. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "robustmean_generate.h"

typedef struct shape {
    size_t n, d;
    const char *model;
    int all_methods;
} shape;

static void same_result(const float *Xf, const double *Xd, size_t n, size_t d, const char *method)
{
    rm_options opt;
    rm_options_init(&opt);
    opt.method = method;
    opt.eps = 0.1;
    double *a = malloc(d * sizeof *a), *b = malloc(d * sizeof *b);
    double *wa = malloc(n * sizeof *wa), *wb = malloc(n * sizeof *wb);
    rm_report ra, rb;
    const rm_method_info *info = rm_method_find(method);
    int sa = info->weights_rows ? rm_mean_float_weights(Xf, n, d, &opt, a, wa, &ra)
                                : rm_mean_float(Xf, n, d, &opt, a, &ra);
    int sb = info->weights_rows ? rm_mean_weights(Xd, n, d, &opt, b, wb, &rb)
                                : rm_mean(Xd, n, d, &opt, b, &rb);
    cr_assert(sa >= 0, "%s n %zu d %zu: status %d", method, n, d, sa);
    cr_assert_eq(sa, sb, "%s: status", method);
    for (size_t j = 0; j < d; j++) {
        cr_assert(isfinite(a[j]));
        cr_assert_eq(a[j], b[j], "%s n %zu d %zu: coordinate %zu: %.17g vs %.17g", method, n, d,
                     j, a[j], b[j]);
    }
    cr_assert_eq(ra.iterations, rb.iterations, "%s: iterations", method);
    cr_assert_eq(ra.passes, rb.passes, "%s: passes", method);
    cr_assert(ra.objective == rb.objective || (isnan(ra.objective) && isnan(rb.objective)),
              "%s: objective", method);
    if (info->weights_rows)
        cr_assert_eq(memcmp(wa, wb, n * sizeof *wa), 0, "%s: weights", method);
    free(a);
    free(b);
    free(wa);
    free(wb);
}

Test(float_storage, every_method_matches_double_storage_bit_for_bit, .timeout = 120)
{
    const shape shapes[] = {
        {1, 1, "none", 1},       {2, 3, "none", 1},          {500, 7, "far-cluster", 1},
        {3000, 150, "variance-shell", 0}, {120000, 4, "variance-shell", 0},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        rm_generate_options g;
        rm_generate_options_init(&g);
        g.corruption = shapes[s].model;
        g.n = shapes[s].n;
        g.d = shapes[s].d;
        g.eps = strcmp(shapes[s].model, "none") == 0 ? 0.0 : 0.1;
        g.seed = 5 + s;
        rm_sample sample;
        cr_assert_eq(rm_generate(&g, &sample), RM_OK);
        size_t n = sample.n, d = sample.d;
        float *Xf = malloc(n * d * sizeof *Xf);
        double *Xd = malloc(n * d * sizeof *Xd);
        for (size_t k = 0; k < n * d; k++) {
            Xf[k] = (float)sample.X[k];
            Xd[k] = (double)Xf[k];
        }
        if (shapes[s].all_methods) {
            for (size_t m = 0; m < rm_method_count(); m++)
                same_result(Xf, Xd, n, d, rm_method_at(m)->name);
        } else {
            same_result(Xf, Xd, n, d, "lowregret");
            same_result(Xf, Xd, n, d, "pgd");
        }
        free(Xf);
        free(Xd);
        rm_sample_free(&sample);
    }
}

Test(float_storage, bad_input_is_refused_as_for_doubles)
{
    float X[4] = {1.0f, 2.0f, NAN, 4.0f};
    double mean[2];
    rm_options opt;
    rm_options_init(&opt);
    opt.eps = 0.1;
    cr_assert_eq(rm_mean_float(X, 2, 2, &opt, mean, NULL), RM_ENONFINITE);
    cr_assert_eq(rm_mean_float(NULL, 2, 2, &opt, mean, NULL), RM_EINVAL);
    cr_assert_eq(rm_mean_float(X, 0, 2, &opt, mean, NULL), RM_EINVAL);
    X[2] = INFINITY;
    cr_assert_eq(rm_mean_float(X, 2, 2, &opt, mean, NULL), RM_ENONFINITE);
}
