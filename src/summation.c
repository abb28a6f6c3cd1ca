/* Compensated, shifted and overflow-safe means; see summation.h. */
#include "summation.h"

#include <math.h>
#include <string.h>

double rm_pow2_scale(double v)
{
    if (!(v > 0.0))
        return 1.0;
    int e;
    frexp(v, &e); /* v = f * 2^e, 0.5 <= f < 1 */
    return ldexp(1.0, e < -1022 ? 1022 : -e);
}

/* One Neumaier step: sum + t, the lost low part added into *comp. */
static inline void neumaier_add(double *sum, double *comp, double t)
{
    double s = *sum + t;
    if (fabs(*sum) >= fabs(t))
        *comp += (*sum - s) + t;
    else
        *comp += (t - s) + *sum;
    *sum = s;
}

static double shifted_mean(const double *a, size_t m, size_t stride, double scale)
{
    double ref = a[0] * scale, sum = 0.0, comp = 0.0;
    for (size_t i = 1; i < m; i++)
        neumaier_add(&sum, &comp, a[i * stride] * scale - ref);
    return ref + (sum + comp) / (double)m;
}

double rm_mean_strided(const double *a, size_t m, size_t stride)
{
    double mean = shifted_mean(a, m, stride, 1.0);
    if (isfinite(mean))
        return mean;
    double big = 0.0;
    for (size_t i = 0; i < m; i++)
        big = fmax(big, fabs(a[i * stride]));
    double g = rm_pow2_scale(big);
    return shifted_mean(a, m, stride, g) / g;
}

void rm_rows_mean(const double *X, size_t d, const size_t *rows, size_t n, double *mean,
                  double *work)
{
    double *sum = work, *comp = work + d;
    const double *ref = X + (rows ? rows[0] : 0) * d;
    memset(work, 0, 2 * d * sizeof *work);
    for (size_t i = 1; i < n; i++) {
        const double *x = X + (rows ? rows[i] : i) * d;
        for (size_t j = 0; j < d; j++)
            neumaier_add(&sum[j], &comp[j], x[j] - ref[j]);
    }
    int overflowed = 0;
    for (size_t j = 0; j < d; j++) {
        mean[j] = ref[j] + (sum[j] + comp[j]) / (double)n;
        overflowed |= !isfinite(mean[j]);
    }
    if (!overflowed)
        return;
    /* Rare: differences overflowed (values near the top of the double range with both
     * signs). Redo every column on values scaled by a power of two. */
    double big = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double *x = X + (rows ? rows[i] : i) * d;
        for (size_t j = 0; j < d; j++)
            big = fmax(big, fabs(x[j]));
    }
    double g = rm_pow2_scale(big);
    memset(work, 0, 2 * d * sizeof *work);
    for (size_t i = 1; i < n; i++) {
        const double *x = X + (rows ? rows[i] : i) * d;
        for (size_t j = 0; j < d; j++)
            neumaier_add(&sum[j], &comp[j], x[j] * g - ref[j] * g);
    }
    for (size_t j = 0; j < d; j++)
        mean[j] = (ref[j] * g + (sum[j] + comp[j]) / (double)n) / g;
}
