/* Coordinate-wise order statistics of a row-major matrix: medians and trimmed means,
 * column by column, by selection (expected O(n) per column). */
#ifndef RM_COORDINATEWISE_H
#define RM_COORDINATEWISE_H

#include <stddef.h>

#include "common/matrix.h"

/* Medians of the d columns of X (n >= 1) into out[0..d).
 * Returns RM_OK or RM_ENOMEM. */
int rm_coordinate_medians(const rm_matrix *X, double *out, int threads);

/* Means of each column after dropping its floor(eps*n) smallest and floor(eps*n) largest
 * values (at least one value is always kept). 0 <= eps < 1/2. Returns RM_OK or RM_ENOMEM. */
int rm_coordinate_trimmed_means(const rm_matrix *X, double eps, double *out, int threads);

#endif
