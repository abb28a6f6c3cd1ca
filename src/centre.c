/* See centre.h. */
#include "centre.h"

#include <math.h>
#include <stdlib.h>

#include "alloc.h"
#include "coordinatewise.h"
#include "robustmean.h"
#include "summation.h"

int rm_centre_init(rm_centre *ctr, const double *X, size_t n, size_t d)
{
    ctr->d = d;
    ctr->median = rm_alloc_array(d, sizeof(double));
    ctr->shifted = rm_alloc_array(d, sizeof(double));
    if (!ctr->median || !ctr->shifted) {
        rm_centre_free(ctr);
        return RM_ENOMEM;
    }
    int status = rm_coordinate_medians(X, n, d, ctr->median);
    if (status != RM_OK) {
        rm_centre_free(ctr);
        return status;
    }
    size_t nd = n * d;
    double big = 0.0;
    for (size_t k = 0; k < nd; k++)
        big = fmax(big, fabs(X[k]));
    ctr->g1 = rm_pow2_scale(big);
    for (size_t j = 0; j < d; j++)
        ctr->shifted[j] = ctr->median[j] * ctr->g1;
    double spread = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++)
            spread = fmax(spread, fabs(X[i * d + j] * ctr->g1 - ctr->shifted[j]));
    ctr->g2 = rm_pow2_scale(spread);
    ctr->zmax = spread * ctr->g2;
    return RM_OK;
}

void rm_centre_free(rm_centre *ctr)
{
    if (!ctr)
        return;
    free(ctr->median);
    free(ctr->shifted);
    ctr->median = ctr->shifted = NULL;
}
