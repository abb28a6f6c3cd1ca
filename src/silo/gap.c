/* See gap.h. */
#include "silo/gap.h"

#include <math.h>
#include <string.h>

#include "common/threads.h"
#include "numerics/chunk_sums.h"
#include "numerics/quantiles.h"
#include "numerics/select.h"
#include "robustmean.h"

/* Sums over the rows run in chunks fixed by n, added in order: the same result on any
 * number of threads. */
enum { MAX_CHUNKS = 32, CHUNK_MIN = 16384 };

static size_t chunk_count(size_t n)
{
    size_t c = n / CHUNK_MIN;
    return c < 1 ? 1 : c > MAX_CHUNKS ? MAX_CHUNKS : c;
}

void rm_gap_weighted_scores(const double *S, size_t n, size_t k, size_t ld, const double *q,
                            double *a, int threads)
{
    size_t chunks = chunk_count(n);
    double part[MAX_CHUNKS][16];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n * k))
    for (size_t c = 0; c < chunks; c++) {
        double *sum = part[c];
        for (size_t j = 0; j < k; j++)
            sum[j] = 0.0;
        for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++)
            for (size_t j = 0; j < k; j++)
                sum[j] += q[i] * S[i * ld + j];
    }
    for (size_t j = 0; j < k; j++) {
        a[j] = 0.0;
        for (size_t c = 0; c < chunks; c++)
            a[j] += part[c][j];
    }
}

double rm_gap_lower(const double *tau, const double *S, size_t n, size_t k, size_t ld,
                    double u, double *grad, double *work, int threads)
{
    /* floor(1/u) rows take u; the threshold t is the next smallest value. */
    double slots = 1.0 / u;
    size_t m = slots >= (double)n ? n - 1 : (size_t)slots;
    double t = rm_rank_value(tau, n, m, work, threads);
    size_t chunks = chunk_count(n), less_part[MAX_CHUNKS], equal_part[MAX_CHUNKS];
    double below_part[MAX_CHUNKS];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < chunks; c++) {
        size_t less = 0, equal = 0;
        double below = 0.0;
        for (size_t i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
            if (tau[i] < t) {
                less++;
                below += tau[i];
            } else if (tau[i] == t) {
                equal++;
            }
        }
        less_part[c] = less;
        equal_part[c] = equal;
        below_part[c] = below;
    }
    size_t less = 0, equal = 0;
    double below = 0.0;
    for (size_t c = 0; c < chunks; c++) {
        less += less_part[c];
        equal += equal_part[c];
        below += below_part[c];
    }
    double left = 1.0 - u * (double)less; /* mass for the rows at the threshold */
    double share = left / (double)equal;
    if (share > u)
        share = u; /* only when n*u == 1 exactly and rounding says otherwise */
    if (grad) {
        for (size_t j = 0; j < k; j++)
            grad[j] = 0.0;
        for (size_t i = 0; i < n; i++) {
            double p = tau[i] < t ? u : tau[i] == t ? share : 0.0;
            if (p > 0.0)
                for (size_t j = 0; j < k; j++)
                    grad[j] += p * S[i * ld + j];
        }
    }
    return u * below + left * t;
}

int rm_gap_lower_range(const double *tau, size_t n, double u, const rm_row_range *range,
                       double *work, int threads, double *lower)
{
    if (!range) {
        *lower = rm_gap_lower(tau, NULL, n, 0, 0, u, NULL, work, threads);
        return RM_OK;
    }
    /* as rm_gap_lower, over every process's rows */
    size_t total = rm_row_range_total(range);
    double slots = 1.0 / u, t = 0.0;
    size_t m = slots >= (double)total ? total - 1 : (size_t)slots;
    int status = rm_rank_value_range(tau, n, m, range, NULL, threads, &t);
    if (status != RM_OK)
        return status;
    rm_chunk_plan plan;
    rm_chunk_plan_init(&plan, range, n, chunk_count(total));
    double part[RM_CHUNK_SUMS_MAX][3];
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n))
    for (size_t c = 0; c < plan.count; c++) {
        size_t less = 0, equal = 0;
        double below = 0.0;
        for (size_t i = plan.piece[c].lo; i < plan.piece[c].hi; i++) {
            if (tau[i] < t) {
                less++;
                below += tau[i];
            } else if (tau[i] == t) {
                equal++;
            }
        }
        part[c][0] = below;
        part[c][1] = (double)less; /* whole numbers below 2^53: exact */
        part[c][2] = (double)equal;
    }
    double sum[3] = {0.0, 0.0, 0.0};
    status = rm_chunk_plan_add(&plan, status, part[0], 3, sum);
    if (status != RM_OK)
        return status;
    double left = 1.0 - u * sum[1];
    *lower = u * sum[0] + left * t;
    return RM_OK;
}

static void scores_at(const double *S, size_t n, size_t k, size_t ld, const double *w,
                      double *tau, int threads)
{
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, n * k))
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < k; j++)
            s += w[j] * S[i * ld + j];
        tau[i] = s;
    }
}

double rm_gap_at(const double *S, size_t n, size_t k, size_t ld, const double *a, double u,
                 const double *w, double *tau, double *work, int threads)
{
    scores_at(S, n, k, ld, w, tau, threads);
    double upper = 0.0;
    for (size_t j = 0; j < k; j++)
        upper += w[j] * a[j];
    return upper - rm_gap_lower(tau, S, n, k, ld, u, NULL, work, threads);
}

double rm_gap_minimise(const double *S, size_t n, size_t k, size_t ld, const double *a,
                       double u, double *w, size_t steps, double *tau, double *work)
{
    enum { K = 16 };
    double grad[K], best_w[K], lower_grad[K];
    double best = INFINITY, scale = 0.0;
    if (k == 1) {
        w[0] = 1.0;
        return rm_gap_at(S, n, 1, ld, a, u, w, tau, work, 1);
    }
    for (size_t t = 1; t <= steps + 1; t++) {
        scores_at(S, n, k, ld, w, tau, 1);
        double value = 0.0;
        for (size_t j = 0; j < k; j++)
            value += w[j] * a[j];
        value -= rm_gap_lower(tau, S, n, k, ld, u, lower_grad, work, 1);
        if (value < best) {
            best = value;
            memcpy(best_w, w, k * sizeof *w);
        }
        if (t > steps)
            break;
        /* The gradient up to a constant (which the simplex ignores): its range sets the
         * step, eta_t = sqrt(2 ln k / t) / range, the standard mirror-descent rate. */
        double gmin = INFINITY, gmax = -INFINITY;
        for (size_t j = 0; j < k; j++) {
            grad[j] = a[j] - lower_grad[j];
            gmin = fmin(gmin, grad[j]);
            gmax = fmax(gmax, grad[j]);
        }
        scale = fmax(scale, gmax - gmin);
        if (!(scale > 0.0))
            break; /* every direction is equally good: w is optimal */
        double eta = sqrt(2.0 * log((double)k) / (double)t) / scale, total = 0.0;
        for (size_t j = 0; j < k; j++) {
            w[j] *= exp(-eta * (grad[j] - gmin));
            total += w[j];
        }
        for (size_t j = 0; j < k; j++)
            w[j] = fmax(w[j] / total, 1e-300);
    }
    memcpy(w, best_w, k * sizeof *w);
    return best;
}

rm_gap_bounds rm_gap_bounds_of(double eps, double delta, double gap_rel)
{
    rm_gap_bounds b = {.valid = 0, .objective = NAN, .error = NAN};
    if (!(eps >= 0.0 && eps < 1.0 / 3.0) || !(gap_rel >= 0.0))
        return b;
    /* (1 - delta - gap) s^2 <= sigma^2 + a (s + sigma)^2 with a = eps / (1 - 2 eps):
     * a quadratic inequality in x = s / sigma. */
    double a = eps / (1.0 - 2.0 * eps), c = 1.0 - delta - gap_rel - a;
    if (!(c > 0.0))
        return b;
    double x = (a + sqrt(a * a + c * (1.0 + a))) / c;
    b.valid = 1;
    b.objective = x * x;
    b.error = sqrt(a) * (x + 1.0);
    return b;
}

double rm_sigma_certificate(double eps, double F, double sigma)
{
    if (!(eps >= 0.0 && eps < 0.5) || !(F >= 0.0) || !(sigma >= 0.0))
        return NAN;
    return sqrt(eps / (1.0 - 2.0 * eps)) * (sqrt(F) + sigma);
}
