# The generators and the library's tables.

rm_generate <- function(model, n, d, eps = 0.1, seed = 1, inliers = "gaussian", ...) {
  params <- list(...)
  known <- c("scale", "decay", "nu", "separation", "spikes", "spike", "distance", "angle",
             "split", "shift", "spread", "axes", "direction", "column_lo", "column_hi")
  unknown <- setdiff(names(params), known)
  if (length(unknown) || (length(params) && is.null(names(params))))
    stop("rm_generate: unknown parameter(s) ", paste(unknown, collapse = ", "),
         "; known: ", paste(known, collapse = ", "), call. = FALSE)
  options <- c(list(model = model, n = n, d = d, eps = eps, seed = seed,
                    inliers = inliers), params)
  .Call(C_rm_r_generate, options)
}

rm_models <- function() {
  m <- .Call(C_rm_r_models)
  lapply(m, as.data.frame, stringsAsFactors = FALSE)
}

rm_methods <- function() as.data.frame(.Call(C_rm_r_methods), stringsAsFactors = FALSE)

rm_version <- function() .Call(C_rm_r_version)
