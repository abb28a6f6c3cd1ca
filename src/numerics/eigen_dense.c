/* The dense oracle: the top eigenpairs of a formed symmetric matrix by LAPACK, and the
 * small dense eigenproblem both oracles solve (symmetric_top.h). */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/reserve.h"
#include "numerics/eigen.h"
#include "numerics/symmetric_top.h"
#include "robustmean.h"

/* LAPACKE prints a failed workspace allocation (LAPACKE_xerbla) besides returning it; the
 * library never prints. This definition is linked in place of the LAPACKE archive's: the
 * status alone tells the caller. */
void LAPACKE_xerbla(const char *name, lapack_int info); /* lapacke_utils.h */
void LAPACKE_xerbla(const char *name, lapack_int info)
{
    (void)name;
    (void)info;
}

/* The status of a failed LAPACKE call: LAPACKE allocates its workspace, and reports when
 * that fails; anything else is a numerical failure. */
static int lapacke_status(lapack_int info)
{
    return info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR
               ? RM_ENOMEM
               : RM_ENUMERIC;
}

int rm_eig_symmetric_top(size_t n, double *A, size_t want, double *w, double *Z,
                         lapack_int *isuppz, const double *source, size_t ld)
{
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'I', 'U', (lapack_int)n, A,
                                     (lapack_int)n, 0.0, 0.0, (lapack_int)(n - want + 1),
                                     (lapack_int)n, 0.0, &found, w, Z, (lapack_int)n, isuppz);
    if (info == 0 && (size_t)found == want)
        return RM_OK;
    if (info < 0)
        return lapacke_status(info);
    for (size_t j = 0; j < n; j++)
        memcpy(A + j * n, source + j * ld, (j + 1) * sizeof *A);
    info = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)n, A, (lapack_int)n, w);
    if (info != 0)
        return lapacke_status(info);
    memmove(w, w + (n - want), want * sizeof *w);
    memcpy(Z, A + (n - want) * n, want * n * sizeof *Z);
    return RM_OK;
}

int rm_eig_top_dense(double *C, size_t d, double delta, size_t max_pairs, rm_eig_result *res,
                     double *work)
{
    if (max_pairs > RM_MAX_PAIRS)
        max_pairs = RM_MAX_PAIRS;
    if (max_pairs == 0)
        max_pairs = 1;
    size_t want = max_pairs < d ? max_pairs : d;
    if (rm_reserve_blas_here() != RM_OK)
        return RM_ENOMEM;
    memcpy(work, C, d * d * sizeof *C);
    /* LAPACK may use all d entries of w, though it returns only `want` values. */
    double *w = rm_alloc_array(d, sizeof(double));
    lapack_int *isuppz = rm_alloc_array(2 * want, sizeof(lapack_int));
    double *Z = rm_alloc_array(d, want * sizeof(double));
    if (!w || !isuppz || !Z) {
        free(w);
        free(isuppz);
        free(Z);
        return RM_ENOMEM;
    }
    int status = rm_eig_symmetric_top(d, C, want, w, Z, isuppz, work, d);
    if (status == RM_OK) {
        double top = w[want - 1], floor_value = (1.0 - delta) * top;
        size_t k = 0;
        double *r = C; /* C is destroyed already: use it as scratch for residuals */
        while (k < want && (k == 0 || w[want - 1 - k] >= floor_value))
            k++;
        for (size_t j = 0; j < k; j++) {
            const double *z = Z + (want - 1 - j) * d;
            res->values[j] = w[want - 1 - j];
            memcpy(res->vectors + j * d, z, d * sizeof *z);
            cblas_dsymv(CblasColMajor, CblasUpper, (int)d, 1.0, work, (int)d, z, 1, 0.0, r, 1);
            cblas_daxpy((int)d, -res->values[j], z, 1, r, 1);
            res->residuals[j] = cblas_dnrm2((int)d, r, 1);
        }
        res->k = k;
        res->converged = 1;
        res->products = 0;
        res->steps = 0;
    }
    free(w);
    free(isuppz);
    free(Z);
    return status;
}
