/* rmstudy end to end on tiny grids: the rows it writes, the summary, method lists from
 * the library, and the PNG figures (skipped with a message only where gnuplot is
 * missing). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "robustmean.h"
#include "test_util.h"

#define STUDY(...) ((const char *const[]){RM_STUDY, __VA_ARGS__, NULL})

static const char header[] = "method,model,inliers,n,d,eps,seed,error,oracle_error,"
                             "excess_error,seconds,iterations,status\n";

static size_t count_lines(const char *text)
{
    size_t m = 0;
    for (; *text; text++)
        m += *text == '\n';
    return m;
}

/* Field k (0-based) of a CSV line into buf. */
static void field(const char *line, size_t k, char *buf, size_t size)
{
    for (size_t i = 0; i < k; i++)
        line = strchr(line, ',') + 1;
    size_t len = strcspn(line, ",\n");
    snprintf(buf, size, "%.*s", (int)len, line);
}

Test(rmstudy, tiny_grid_writes_one_row_per_run)
{
    char *csv = tu_temp_path(".csv");
    tu_run_result r = tu_run(STUDY("--methods", "mean,median", "--models", "far-cluster,dkk",
                                   "-n", "200", "-d", "3,5", "-e", "0.1", "--seeds", "2",
                                   "-o", csv),
                             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *text = tu_read_file(csv, NULL);
    cr_assert_not_null(text);
    cr_assert_eq(strncmp(text, header, strlen(header)), 0, "%s", text);
    cr_assert_eq(count_lines(text), 1 + 2 * 2 * 2 * 2);
    size_t far_mean = 0;
    for (const char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char buf[64];
        field(line, 12, buf, sizeof buf);
        cr_assert_str_eq(buf, "ok");
        field(line, 7, buf, sizeof buf);
        double error = strtod(buf, NULL);
        field(line, 8, buf, sizeof buf);
        double oracle = strtod(buf, NULL);
        field(line, 9, buf, sizeof buf);
        cr_assert_eq(strtod(buf, NULL), error - oracle);
        cr_assert_gt(oracle, 0);
        field(line, 0, buf, sizeof buf);
        char model[64];
        field(line, 1, model, sizeof model);
        /* The far cluster at 10 sqrt(d) pulls the mean by about eps * 10 sqrt(d) >= 1.7. */
        if (!strcmp(buf, "mean") && !strcmp(model, "far-cluster")) {
            far_mean++;
            cr_assert_gt(error, 1.5, "%s", line);
        }
    }
    cr_assert_eq(far_mean, 4);
    /* The summary: models down, methods across. */
    cr_assert_not_null(strstr(r.out, "far-cluster"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "dkk"));
    cr_assert_not_null(strstr(r.out, "median"));
    free(text);
    tu_run_free(&r);
    tu_remove(csv);
}

Test(rmstudy, method_lists_come_from_the_library)
{
    tu_run_result r = tu_run(STUDY("--methods", "all,-mean", "--models", "none", "-n", "50",
                                   "-d", "2", "--seeds", "1", "-o", "-"),
                             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + rm_method_count() - 1, "%s", r.out);
    cr_assert_null(strstr(r.out, "\nmean,"));
    for (size_t i = 0; i < rm_method_count(); i++)
        if (strcmp(rm_method_at(i)->name, "mean") != 0) {
            char key[64];
            snprintf(key, sizeof key, "\n%s,none,", rm_method_at(i)->name);
            cr_assert_not_null(strstr(r.out, key), "%s", key);
        }
    /* With the rows on standard output, the summary goes to standard error. */
    cr_assert_not_null(strstr(r.err, "Median excess error"), "%s", r.err);
    tu_run_free(&r);
}

Test(rmstudy, n_per_d_sets_the_rows)
{
    tu_run_result r = tu_run(STUDY("-m", "mean", "--models", "dkk", "--n-per-d", "10", "-d",
                                   "4:8:4", "--seeds", "1", "-o", "-"),
                             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "mean,dkk,gaussian,40,4,0.1,1,"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "mean,dkk,gaussian,80,8,0.1,1,"), "%s", r.out);
    tu_run_free(&r);
}

Test(rmstudy, usage_errors_exit_2)
{
    const char *const *bad[] = {
        STUDY("--methods", "nope"),   STUDY("--models", "nope"), STUDY("-e", "0.34"),
        STUDY("-d", "0"),             STUDY("-n", "5:1:1"),      STUDY("--methods", "all,-all"),
        STUDY("-n", "5", "--n-per-d", "3"), STUDY("--seeds", "0"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tu_run_result r = tu_run(bad[i], NULL);
        cr_assert_eq(r.status, 2, "case %zu: %d %s", i, r.status, r.err);
        cr_assert_eq(strncmp(r.err, "rmstudy: ", 9), 0, "%s", r.err);
        tu_run_free(&r);
    }
}

static int gnuplot_on_path(void)
{
    const char *path = getenv("PATH");
    char full[4096];
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(full, sizeof full, "%.*s/gnuplot", (int)len, path);
        if (access(full, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

Test(rmstudy, plot_draws_png_figures)
{
    if (!gnuplot_on_path()) {
        cr_log_warn("gnuplot is not on PATH (tools/deps.sh installs gnuplot-nox): "
                    "skipping the figure test");
        cr_skip_test("gnuplot not found");
    }
    char *dir = tu_temp_path(".figs");
    tu_run_result r = tu_run(STUDY("--methods", "mean,geomedian", "--models", "dkk", "-n", "300",
                                   "-d", "4,8", "--seeds", "2", "--plot", dir),
                             NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char png[4200], path[4200];
    snprintf(png, sizeof png, "%s/dkk_vs_d.png", dir);
    size_t len;
    char *bytes = tu_read_file(png, &len);
    cr_assert_not_null(bytes, "no %s; stderr: %s", png, r.err);
    cr_assert_gt(len, 1000);
    cr_assert_eq(memcmp(bytes, "\x89PNG\r\n\x1a\n", 8), 0);
    free(bytes);
    const char *left[] = {"dkk_vs_d.png", "dkk_vs_d.dat", "figures.gp"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, left[i]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
    tu_run_free(&r);
}

Test(rmstudy, plot_without_gnuplot_fails_before_the_study)
{
    char *empty = tu_temp_path(".bin");
    cr_assert_eq(mkdir(empty, 0700), 0);
    setenv("PATH", empty, 1); /* this test's own process: Criterion forks one per test */
    char *csv = tu_temp_path(".csv"), *dir = tu_temp_path(".figs");
    tu_run_result r = tu_run(STUDY("--models", "dkk", "-d", "2,3", "-o", csv, "--plot", dir), NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "gnuplot"), "%s", r.err);
    cr_assert_str_eq(r.out, "", "no study ran: %s", r.out);
    cr_assert_eq(access(csv, F_OK), -1, "no CSV should be written");
    tu_run_free(&r);
    rmdir(empty);
    free(empty);
    free(csv);
    free(dir);
}
