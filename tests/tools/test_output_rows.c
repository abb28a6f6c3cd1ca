/* The rows' cursor the weights, outliers and the JSON report's list are written by
 * (tools/estimate_output.h), in robustmean and, from each process's part, in
 * robustmean-mpi: against a naive numbering of the file's rows, for every block size, with
 * rows dropped at the start, inside and at the end, and a part starting after others. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "estimate_output.h"

/* 9 data rows in the file; rows 1, 4, 5 and 9 dropped: 5 rows read. */
static size_t dropped[] = {1, 4, 5, 9};
static const double weights[] = {0.25, 0.001, 0.3, 0.002, 0.3}; /* file rows 2, 3, 6, 7, 8 */

static rm_data part(void)
{
    rm_data data = {.n = 5, .d = 1, .dropped_rows = 4};
    data.dropped = dropped;
    return data;
}

Test(output_rows, weights_are_the_files_rows_a_dropped_one_zero_in_any_blocks)
{
    const double want[] = {0, 0.25, 0.001, 0, 0, 0.3, 0.002, 0.3, 0};
    rm_data data = part();
    for (size_t max = 1; max <= 10; max++) {
        output_rows r;
        output_rows_start(&r, &data, weights, 0.4, 1000);
        double block[10], got[12];
        size_t count, total = 0;
        while ((count = output_rows_weights(&r, block, max)) > 0) {
            cr_assert(count == max || output_rows_weights(&r, block, max) == 0,
                      "a short block before the end (max %zu)", max);
            for (size_t i = 0; i < count; i++)
                got[total++] = block[i];
        }
        cr_assert_eq(total, 9, "max %zu: %zu lines", max, total);
        for (size_t i = 0; i < 9; i++)
            cr_assert_eq(got[i], want[i], "max %zu, line %zu", max, i + 1);
    }
}

Test(output_rows, outliers_are_numbered_in_the_file_after_the_rows_before_the_part)
{
    /* below half the cap 0.4: file rows 3 and 7 of the part, after 1000 rows before it */
    rm_data data = part();
    for (size_t max = 1; max <= 3; max++) {
        output_rows r;
        output_rows_start(&r, &data, weights, 0.4, 1000);
        uint64_t block[3], got[4];
        size_t count, total = 0;
        while ((count = output_rows_outliers(&r, block, max)) > 0)
            for (size_t i = 0; i < count && total < 4; i++)
                got[total++] = block[i];
        cr_assert_eq(total, 2, "max %zu", max);
        cr_assert_eq(got[0], 1003);
        cr_assert_eq(got[1], 1007);
    }
}
