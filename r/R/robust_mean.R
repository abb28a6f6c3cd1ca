# robust_mean() and the methods of its class. The C glue (src/robustmean_r.c) converts
# and calls the library; here are R's conventions: data frames, na.action, names, the
# class.

# The rows of x as a numeric matrix, after na.action; the rows kept, as row numbers of x.
as_rows <- function(x, na.action) {
  if (is.data.frame(x)) {
    numeric <- vapply(x, function(column) is.numeric(column) || is.logical(column), TRUE)
    if (!all(numeric))
      stop("x has columns that are not numeric: ",
           paste(names(x)[!numeric], collapse = ", "), call. = FALSE)
    x <- as.matrix(x)
  }
  if (is.vector(x) && is.numeric(x))
    stop("x must be a matrix or data frame (n rows of d columns); ",
         "for one column use as.matrix(x)", call. = FALSE)
  if (!is.matrix(x) || !(is.numeric(x) || is.logical(x)))
    stop("x must be a numeric matrix or data frame", call. = FALSE)
  if (!is.double(x))  # (a double matrix is handed over as it is, never copied)
    storage.mode(x) <- "double"
  n <- nrow(x)
  kept <- seq_len(n)
  if (anyNA(x)) {
    action <- if (is.character(na.action)) get(na.action, mode = "function") else na.action
    if (identical(action, stats::na.fail)) {
      where <- which(is.na(x), arr.ind = TRUE)
      where <- where[order(where[, 1], where[, 2])[1], ]  # the first in reading order
      stop(sprintf("x[%d, %d] is %s (na.action = na.omit drops such rows)", where[1],
                   where[2], if (is.nan(x[where[1], where[2]])) "NaN" else "NA"),
           call. = FALSE)
    }
    x <- action(x)
    omitted <- attr(x, "na.action")
    if (!is.null(omitted))
      kept <- setdiff(kept, as.integer(omitted))
    attr(x, "na.action") <- NULL
  }
  list(x = x, kept = kept, n = n)
}

# The robust mean (man/robust_mean.Rd).
robust_mean <- function(x, eps, method = "lowregret", sigma = NULL, threads = NULL,
                        seed = 1, max_iter = NULL, tol = NULL, max_seconds = NULL,
                        blocks = NULL, delta = NULL, max_directions = NULL, oracle = NULL,
                        column_scaling = NULL, shaping = NULL, na.action = na.fail) {
  call <- match.call()
  rows <- as_rows(x, na.action)
  options <- list(method = method, eps = if (missing(eps)) NULL else eps, seed = seed,
                  max_iter = max_iter, tol = tol, blocks = blocks, delta = delta,
                  sigma = sigma, max_seconds = max_seconds,
                  max_directions = max_directions, oracle = oracle,
                  column_scaling = column_scaling, shaping = shaping, threads = threads)
  methods <- rm_methods()
  weights_rows <- method %in% methods$name[methods$weights_rows]
  if (nrow(rows$x) == 0)
    stop(if (rows$n == 0) "x has no rows" else "x has no rows left after na.action",
         call. = FALSE)
  out <- .Call(C_rm_r_estimate, rows$x, options, weights_rows)
  if (out$interrupted) {
    # Ctrl-C: the library stopped at its next check; tell R as an interrupt would
    signalCondition(structure(class = c("interrupt", "condition"),
                              list(message = "interrupted", call = call)))
    stop("robust_mean: interrupted", call. = FALSE)
  }
  report <- out$report
  if (!report$converged && nzchar(report$stop_reason))
    warning(sprintf("%s: %s: the result is its best iterate", report$method,
                    report$stop_reason), call. = FALSE)
  mean <- setNames(out$mean, colnames(rows$x))
  # weights and flags by the rows of x: a row na.action dropped weighs 0
  w <- NULL
  outliers <- integer(0)
  if (!is.null(out$weights)) {
    w <- numeric(rows$n)
    w[rows$kept] <- out$weights
    names(w) <- rownames(x)
    if (!is.na(report$weight_cap))
      outliers <- rows$kept[out$weights < 0.5 * report$weight_cap]
  }
  structure(list(mean = mean, weights = w, outliers = outliers, report = report,
                 dropped = setdiff(seq_len(rows$n), rows$kept), call = call,
                 x = rows$x, kept = rows$kept),
            class = "robustmean")
}

print.robustmean <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  r <- x$report
  cat(sprintf("Robust mean (%s, eps = %s) of %d rows, %d columns\n", r$method,
              format(r$eps), r$n, r$d))
  print(x$mean, digits = digits, ...)
  if (!is.null(x$weights))
    cat(sprintf("%d rows flagged as outliers%s\n", length(x$outliers),
                if (isTRUE(r$certified)) "; certified" else ""))
  invisible(x)
}

summary.robustmean <- function(object, ...) {
  structure(list(call = object$call, mean = object$mean, report = object$report,
                 outliers = object$outliers, dropped = object$dropped),
            class = "summary.robustmean")
}

print.summary.robustmean <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  r <- x$report
  cat("Call:\n")
  print(x$call)
  cat(sprintf("\nMethod %s, eps = %s, %d rows x %d columns", r$method, format(r$eps),
              r$n, r$d))
  if (length(x$dropped))
    cat(sprintf(" (%d rows with NA dropped)", length(x$dropped)))
  cat("\n\nEstimate:\n")
  print(x$mean, digits = digits)
  cat(sprintf("\nStopped: %s after %s iterations (%s)\n",
              if (nzchar(r$stop_reason)) r$stop_reason else "direct method",
              format(r$iterations), if (r$converged) "converged" else "not converged"))
  if (!is.na(r$objective))
    cat(sprintf("Objective %.6g", r$objective),
        if (!is.na(r$gap)) sprintf(", stationarity gap %.3g", r$gap), "\n", sep = "")
  if (!is.na(r$weight_cap))
    cat(sprintf("Outliers: %d rows (weight below half the cap %.3g): %s\n",
                length(x$outliers), r$weight_cap,
                if (length(x$outliers) > 10)
                  paste(c(head(x$outliers, 10), "..."), collapse = " ")
                else paste(x$outliers, collapse = " ")))
  if (isTRUE(r$certified)) {
    cat(sprintf("Certified, if at most eps of the rows are corrupted: error <= %.4g sigma\n",
                r$bound_error))
  } else if (!is.na(r$weight_cap)) {
    cat("Not certified", if (!isTRUE(r$consistent))
      ": the data contradicts eps (more rows look corrupted; try a larger eps or \"auto\")",
      "\n", sep = "")
  }
  if (!is.na(r$sigma_certificate))
    cat(sprintf("With the given sigma: error <= %.4g\n", r$sigma_certificate))
  invisible(x)
}

coef.robustmean <- function(object, ...) object$mean

weights.robustmean <- function(object, ...) object$weights

# Each row's weight, or its distance from the estimate along the top direction of the
# weighted covariance, the flagged rows marked.
plot.robustmean <- function(x, which = c("weights", "distance"), ...) {
  which <- match.arg(which)
  if (is.null(x$weights))
    stop("method ", x$report$method, " does not weight rows: nothing to plot",
         call. = FALSE)
  rows <- seq_along(x$weights)
  flagged <- rows %in% x$outliers
  if (which == "weights") {
    y <- x$weights
    plot(rows, y, xlab = "row", ylab = "weight", pch = ifelse(flagged, 4, 1),
         col = ifelse(flagged, "red", "black"), main = "Weights of the rows", ...)
    if (!is.na(x$report$weight_cap))
      abline(h = 0.5 * x$report$weight_cap, lty = 2)
  } else {
    w <- x$weights[x$kept]
    centred <- sweep(x$x, 2, x$mean)
    covariance <- crossprod(centred * sqrt(w))
    top <- eigen(covariance, symmetric = TRUE)$vectors[, 1]
    y <- rep(NA_real_, length(rows))
    y[x$kept] <- abs(centred %*% top)
    plot(rows, y, xlab = "row", ylab = "distance along the top direction",
         pch = ifelse(flagged, 4, 1), col = ifelse(flagged, "red", "black"),
         main = "Rows along the top direction of the weighted covariance", ...)
  }
  legend("topright", legend = c("kept", "flagged"), pch = c(1, 4),
         col = c("black", "red"), bty = "n")
  invisible(y)
}
