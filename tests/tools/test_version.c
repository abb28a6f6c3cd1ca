/* Versions: the header's macros agree with the library (test_api), and a program refuses
 * to run on a library that reports another version than its header. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robustmean.h"
#include "test_util.h"

/* RM_OTHER_VERSION_LIB (tests/tools/other_version.c), preloaded, answers rm_version() with
 * "0.0.0-other" in place of the library the CLI was linked with. */
Test(version, cli_refuses_a_library_of_another_version)
{
    /* Under AddressSanitizer a preloaded library comes before its runtime: allowed here. */
    const char *asan = getenv("ASAN_OPTIONS");
    char options[1024];
    snprintf(options, sizeof options, "%s%sverify_asan_link_order=0", asan ? asan : "",
             asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", options, 1);
    setenv("LD_PRELOAD", RM_OTHER_VERSION_LIB, 1);
    tu_run_result r = tu_run((const char *const[]){RM_CLI, "--version", NULL}, NULL);
    unsetenv("LD_PRELOAD");

    cr_assert_eq(r.status, 1, "status %d; stderr: %s", r.status, r.err);
    cr_assert_str_eq(r.out, "");
    cr_assert_not_null(strstr(r.err, "built with librobustmean " RM_VERSION_STRING), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "loaded version 0.0.0-other"), "%s", r.err);
    tu_run_free(&r);
}

Test(version, cli_runs_on_its_own_library)
{
    tu_run_result r = tu_run((const char *const[]){RM_CLI, "--version", NULL}, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, "robustmean " RM_VERSION_STRING "\nreads: ", 19 + strlen(RM_VERSION_STRING)), 0,
                 "%s", r.out);
    tu_run_free(&r);
}
