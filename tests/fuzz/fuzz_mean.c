/* libFuzzer target for rm_mean(): a small matrix (up to 48 x 12) and the options, both
 * drawn from the input. Values come from classes that stress the numerics: small
 * integers, values near 1e-300, 1e300 and the top of the double range, subnormals, a
 * 1e15 offset, and repeats of the row above.
 *
 * Every input must give a documented status; a result must be finite, inside the box
 * spanned by the rows (every method's estimate is a weighted mean or a median of some
 * kind), with weights that are non-negative and sum to 1; and multiplying the data by a
 * power of two (exact) must multiply the result by the same, bit for bit. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"

static int reads(const rm_method_info *info, const char *field)
{
    return strstr(info->options, field) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_N = 48, MAX_D = 12, HEADER = 6 };

static void check(int ok, const char *what, const char *method)
{
    if (!ok) {
        fprintf(stderr, "fuzz_mean: %s: %s\n", method, what);
        abort();
    }
}

static double value_of(uint8_t kind, uint8_t mantissa)
{
    static const double scales[8] = {1.0, 1e-300, 1e300, 0x1p-1074, 1e-5, 0x1p1000,
                                     0x1p1016, 0.0};
    double m = (double)(int8_t)mantissa;
    unsigned k = kind & 7;
    if (k == 7)
        return 1e15 + m; /* a large common offset */
    return scales[k] * m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    rm_options opt;
    rm_options_init(&opt);
    const rm_method_info *info = rm_method_at(data[0] % rm_method_count());
    opt.method = info->name;
    opt.eps = data[1] & 0x80 ? NAN : (double)(data[1] & 0x7f) / 256.0;
    if (data[1] == 0x7f && info->auto_eps) /* the method chooses */
        opt.eps = RM_EPS_AUTO;
    size_t n = 1 + data[2] % MAX_N, d = 1 + data[3] % MAX_D;
    /* the options the method reads (another is refused, and would end the run there) */
    if (reads(info, "oracle"))
        opt.oracle = (rm_oracle)(data[4] % 3);
    if (reads(info, "column_scaling")) /* sigma is never set here */
        opt.column_scaling = (rm_scaling)((data[4] >> 6) % 3);
    if (reads(info, "max_directions"))
        opt.max_directions = (size_t)(data[4] >> 2) % 17;
    if (reads(info, "max_iter"))
        opt.max_iter = data[5] & 0x80 ? 0 : 1 + (size_t)(data[5] & 0x3f);
    if (reads(info, "blocks"))
        opt.blocks = data[5] & 0x40 ? 1 + (size_t)(data[5] & 0x3f) % n : 0;
    opt.seed = data[0] >> 3;
    opt.threads = 1;
    data += HEADER;
    size -= HEADER;

    static double X[MAX_N * MAX_D], Y[MAX_N * MAX_D];
    for (size_t k = 0; k < n * d; k++) {
        size_t at = (2 * k) % (size ? size : 1);
        uint8_t kind = size ? data[at] : 0, mantissa = size > 1 ? data[(at + 1) % size] : 0;
        /* kind >> 3 == 31: repeat the row above (duplicate rows) */
        X[k] = (kind >> 3) == 31 && k >= d ? X[k - d] : value_of(kind, mantissa);
    }

    double mean[MAX_D], scaled[MAX_D], weights[MAX_N];
    rm_report rep;
    int status = info->weights_rows ? rm_mean_weights(X, n, d, &opt, mean, weights, &rep)
                                    : rm_mean(X, n, d, &opt, mean, &rep);
    if (status < 0) {
        /* Only what the options can cause: eps not given or out of range, too few rows.
         * A numerical failure (RM_ENUMERIC) on finite data is a bug. */
        check(status == RM_EEPS || status == RM_ETOOFEW, rm_strerror(status), info->name);
        check(rep.status == status && !rep.converged, "report disagrees", info->name);
        return 0;
    }
    check(status == RM_OK || status == RM_NOT_CONVERGED, "undocumented status", info->name);
    for (size_t j = 0; j < d; j++) {
        double lo = X[j], hi = X[j];
        for (size_t i = 1; i < n; i++) {
            lo = fmin(lo, X[i * d + j]);
            hi = fmax(hi, X[i * d + j]);
        }
        check(isfinite(mean[j]), "non-finite estimate", info->name);
        /* rounding: relative to the column's spread and magnitude */
        double top = fmax(fabs(lo), fabs(hi));
        double slack = 2e-9 * (0.5 * hi - 0.5 * lo) + 4 * (top - nextafter(top, 0.0));
        if (!(mean[j] >= lo - slack && mean[j] <= hi + slack)) {
            fprintf(stderr, "column %zu: %.17g outside [%.17g, %.17g]\n", j, mean[j], lo, hi);
            check(0, "estimate outside the rows' box", info->name);
        }
    }
    if (info->weights_rows) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            check(weights[i] >= 0.0 && isfinite(weights[i]), "bad weight", info->name);
            sum += weights[i];
        }
        check(fabs(sum - 1.0) <= 1e-9, "weights do not sum to 1", info->name);
    }

    /* Scaling by 2^64 or 2^-64 is exact when nothing leaves the normal range. */
    double big = 0.0, small = INFINITY;
    for (size_t k = 0; k < n * d; k++)
        if (X[k] != 0.0) {
            big = fmax(big, fabs(X[k]));
            small = fmin(small, fabs(X[k]));
        }
    double factor = big < 0x1p900 ? 0x1p64 : 0x1p-64;
    if (small < 0x1p-900 || big > 0x1p950)
        return 0;
    for (size_t k = 0; k < n * d; k++)
        Y[k] = X[k] * factor;
    int again = rm_mean(Y, n, d, &opt, scaled, NULL);
    check(again == status, "scaling the data changed the status", info->name);
    for (size_t j = 0; j < d; j++)
        if (scaled[j] / factor != mean[j]) {
            fprintf(stderr, "column %zu: %.17g, scaled by 2^%d: %.17g\n", j, mean[j],
                    factor > 1 ? 64 : -64, scaled[j] / factor);
            check(0, "not equivariant under exact scaling", info->name);
        }
    return 0;
}
