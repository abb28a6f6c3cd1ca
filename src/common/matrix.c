/* See matrix.h. */
#include "common/matrix.h"
#include "common/threads.h"

int rm_matrix_all_finite(const rm_matrix *X, int threads)
{
    /* Summing x*0 turns any NaN or infinity into NaN, without a branch per value; every
     * partial sum is 0 or NaN, so their order does not matter: four values a step, added
     * among themselves first (one running sum would wait on each addition). */
    size_t count = X->n * X->d, quads = count / 4;
    double acc = 0.0;
    if (X->f32) {
        const float *x = X->f32;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, count)) reduction(+ : acc)
        for (size_t k = 0; k < quads; k++)
            acc += ((double)x[4 * k] * 0.0 + (double)x[4 * k + 1] * 0.0) +
                   ((double)x[4 * k + 2] * 0.0 + (double)x[4 * k + 3] * 0.0);
        for (size_t k = 4 * quads; k < count; k++)
            acc += (double)x[k] * 0.0;
    } else {
        const double *x = X->f64;
#pragma omp parallel for schedule(static) num_threads(rm_threads(threads, count)) reduction(+ : acc)
        for (size_t k = 0; k < quads; k++)
            acc += (x[4 * k] * 0.0 + x[4 * k + 1] * 0.0) + (x[4 * k + 2] * 0.0 + x[4 * k + 3] * 0.0);
        for (size_t k = 4 * quads; k < count; k++)
            acc += x[k] * 0.0;
    }
    return acc == 0.0;
}
