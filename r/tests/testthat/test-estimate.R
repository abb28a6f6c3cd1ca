cluster <- rm_generate("far-cluster", 2000, 20, eps = 0.1, seed = 5)

# The command line's estimate on the same data: rmgen writes it, robustmean reads it.
cli_mean <- function(args, model = "far-cluster", n = 2000, d = 20, eps = 0.1, seed = 5) {
  data <- tempfile(fileext = ".npy")
  on.exit(unlink(data))
  system2(program("rmgen"), c("--model", model, "-n", n, "-d", d, "-e", eps, "--seed",
                              seed, "-o", data))
  out <- system2(program("robustmean"), c(args, data), stdout = TRUE)
  as.numeric(strsplit(out, ",")[[1]])
}

test_that("the estimate is the library's, to the bit", {
  for (method in c("lowregret", "pgd", "filter", "geomedian")) {
    ours <- robust_mean(cluster$x, eps = 0.1, method = method)
    expect_identical(unname(coef(ours)), cli_mean(c("-e", "0.1", "-m", method)))
  }
})

test_that("the estimate is near the truth where the sample mean is not", {
  fit <- robust_mean(cluster$x, eps = 0.1)
  oracle <- sqrt(sum((colMeans(cluster$x[cluster$inlier, ]) - cluster$mu)^2))
  err <- sqrt(sum((coef(fit) - cluster$mu)^2))
  expect_lt(err, oracle + 0.01)
  expect_gt(sqrt(sum((colMeans(cluster$x) - cluster$mu)^2)), 10 * err)
  expect_setequal(fit$outliers, which(!cluster$inlier))
  expect_equal(sum(weights(fit)), 1)
  expect_equal(drop(weights(fit) %*% cluster$x), unname(coef(fit)))
  expect_true(fit$report$certified)
  expect_equal(fit$report$outlier_count, length(fit$outliers))
})

test_that("data frames keep their names; matrices their column names", {
  df <- as.data.frame(cluster$x)
  names(df) <- paste0("c", seq_len(ncol(df)))
  fit <- robust_mean(df, eps = 0.1)
  expect_named(coef(fit), names(df))
  expect_identical(unname(coef(fit)), unname(coef(robust_mean(cluster$x, eps = 0.1))))
  x <- cluster$x
  colnames(x) <- paste0("v", seq_len(ncol(x)))
  expect_named(coef(robust_mean(x, eps = 0.1)), colnames(x))
  expect_error(robust_mean(data.frame(a = 1:5, b = letters[1:5]), eps = 0.1),
               "not numeric: b")
})

test_that("NA: na.fail names the place, na.omit drops the rows and weighs them 0", {
  x <- cluster$x
  x[7, 3] <- NA
  x[11, 1] <- NaN
  expect_error(robust_mean(x, eps = 0.1), "x\\[7, 3\\] is NA")
  fit <- robust_mean(x, eps = 0.1, na.action = na.omit)
  expect_length(weights(fit), nrow(x))
  expect_equal(weights(fit)[c(7, 11)], c(0, 0))
  expect_equal(fit$dropped, c(7L, 11L))
  expect_identical(unname(coef(fit)),
                   unname(coef(robust_mean(x[-c(7, 11), ], eps = 0.1))))
  expect_setequal(fit$outliers, which(!cluster$inlier))
  expect_output(print(summary(fit)), "2 rows with NA dropped")
})

test_that("every option is reachable", {
  x <- cluster$x
  expect_equal(robust_mean(x, eps = 0.1, max_directions = 1)$report$directions, 1)
  expect_equal(robust_mean(x, eps = 0.1, oracle = "dense")$report$oracle, "dense")
  expect_false(robust_mean(x, eps = 0.1, column_scaling = "none")$report$columns_scaled)
  expect_true(is.na(robust_mean(x, eps = 0.1, shaping = "none")$report$anisotropy))
  expect_false(is.na(robust_mean(x, eps = 0.1, sigma = 1)$report$sigma_certificate))
  expect_true(robust_mean(x, eps = "auto")$report$eps_chosen %in% c(0.05, 0.1, 0.2))
  expect_identical(coef(robust_mean(x, eps = 0.1, threads = 1)),
                   coef(robust_mean(x, eps = 0.1, threads = 2)))
  a <- coef(robust_mean(x, eps = 0.1, method = "mom", blocks = 7, seed = 3))
  b <- coef(robust_mean(x, eps = 0.1, method = "mom", blocks = 7, seed = 4))
  expect_false(identical(a, b))
  loose <- robust_mean(x, eps = 0.1, tol = 0.5, delta = 0.2)
  expect_lte(loose$report$gap, 0.5 * loose$report$objective)
  expect_warning(capped <- robust_mean(x, eps = 0.1, max_iter = 1), "iteration cap")
  expect_false(capped$report$converged)
  big <- rm_generate("variance-shell", 40000, 20, eps = 0.1, seed = 1)$x
  expect_warning(robust_mean(big, eps = 0.1, max_seconds = 1e-4), "time budget")
})

test_that("every error is an R error with the library's words", {
  x <- cluster$x
  expect_error(robust_mean(x), "needs the fraction of corrupted rows")
  expect_error(robust_mean(x, eps = 0.7), "eps < 0.5, not 0.7")
  expect_error(robust_mean(x, eps = "half"), "eps must be a single number")
  expect_error(robust_mean(x, eps = 0.1, method = "nope"), "unknown method 'nope'")
  expect_error(robust_mean(x, eps = 0.1, method = "median", delta = 0.1),
               "delta: method median does not use it")
  expect_error(robust_mean(x, eps = 0.1, oracle = "magic"), "\"auto\", \"lanczos\", \"dense\"")
  expect_error(robust_mean(x, eps = 0.1, sigma = 1, column_scaling = "robust"), "sigma")
  expect_error(robust_mean(x, eps = 0.1, threads = 5000), "threads must be at most")
  expect_error(robust_mean(x, eps = 0.1, max_iter = 2.5), "whole number")
  expect_error(robust_mean(x, eps = 0.1, seed = -1), "seed")
  expect_error(robust_mean(1:10, eps = 0.1), "for one column use as.matrix")
  expect_error(robust_mean(matrix(numeric(0), 0, 3), eps = 0.1), "no rows")
  expect_error(robust_mean(matrix(c(1, Inf, 3, 4), 2), eps = 0.1), "x\\[2, 1\\] is infinite")
  expect_error(robust_mean(matrix(letters[1:4], 2), eps = 0.1), "numeric")
  expect_error(robust_mean(x[1:5, ], eps = "auto"), "rows")
})

test_that("print, summary, coef, weights and plot", {
  fit <- robust_mean(cluster$x, eps = 0.1)
  expect_output(print(fit), "Robust mean \\(lowregret, eps = 0.1\\) of 2000 rows, 20 columns")
  expect_output(print(fit), "200 rows flagged as outliers; certified")
  expect_output(print(summary(fit)), "Certified, if at most eps of the rows are corrupted")
  expect_output(print(summary(fit)), "Outliers: 200 rows")
  expect_identical(coef(fit), fit$mean)
  expect_identical(weights(fit), fit$weights)
  file <- tempfile(fileext = ".pdf")
  grDevices::pdf(file)
  w <- plot(fit)
  dist <- plot(fit, which = "distance")
  grDevices::dev.off()
  unlink(file)
  expect_identical(w, weights(fit))
  # the far cluster lies far along the top direction; the kept rows do not
  expect_gt(min(dist[fit$outliers]), max(dist[-fit$outliers]))
  expect_error(plot(robust_mean(cluster$x, eps = 0.1, method = "median")),
               "does not weight rows")
})

test_that("Ctrl-C stops a long estimate", {
  x <- rm_generate("variance-shell", 200000, 40, eps = 0.1, seed = 2)$x
  whole <- system.time(robust_mean(x, eps = 0.1, threads = 1))[["elapsed"]]
  skip_if(whole < 1, "the estimate is too quick here to interrupt")
  # SIGINT to this R process a moment after the estimate starts, as Ctrl-C sends it
  system(sprintf("(sleep %.2f; kill -INT %d) &", whole / 5, Sys.getpid()))
  started <- Sys.time()
  caught <- tryCatch({
    robust_mean(x, eps = 0.1, threads = 1)
    "finished"
  }, interrupt = function(e) "interrupt")
  elapsed <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  expect_identical(caught, "interrupt")
  expect_lt(elapsed, 0.7 * whole)
  # R is fine afterwards
  expect_true(robust_mean(x[1:1000, ], eps = 0.1)$report$converged)
})

test_that("a matrix is read where it lies, not copied", {
  # peak memory: a transposed copy of x would raise it by x's size
  peak <- function() {
    status <- readLines("/proc/self/status")
    as.numeric(sub("[^0-9]*([0-9]+).*", "\\1", grep("^VmHWM", status, value = TRUE))) * 1024
  }
  skip_if_not(file.exists("/proc/self/status"), "no /proc here")
  n <- 200000
  d <- 100
  x <- rnorm(n * d)
  dim(x) <- c(n, d)
  far <- seq_len(n / 10)
  x[far, ] <- x[far, ] + 5  # a far cluster: a quick solve
  before <- peak()
  fit <- robust_mean(x, eps = 0.1)
  grown <- peak() - before
  expect_lt(grown, 0.5 * 8 * n * d)  # the library's own working memory is O(n)
  expect_true(fit$report$converged)
})
