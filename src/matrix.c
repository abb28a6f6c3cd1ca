/* See matrix.h. */
#include "matrix.h"

#include "threads.h"

int rm_matrix_all_finite(const rm_matrix *X, int threads)
{
    /* Summing x*0 turns any NaN or infinity into NaN, without a branch per value; every
     * partial sum is 0 or NaN, so their order does not matter, and the loop may run in
     * vector lanes (simd: one running sum would wait on each addition). */
    size_t count = X->n * X->d;
    double acc = 0.0;
    if (X->f32) {
#pragma omp parallel for simd schedule(static) num_threads(rm_threads(threads, count)) reduction(+ : acc)
        for (size_t k = 0; k < count; k++)
            acc += (double)X->f32[k] * 0.0;
    } else {
#pragma omp parallel for simd schedule(static) num_threads(rm_threads(threads, count)) reduction(+ : acc)
        for (size_t k = 0; k < count; k++)
            acc += X->f64[k] * 0.0;
    }
    return acc == 0.0;
}
