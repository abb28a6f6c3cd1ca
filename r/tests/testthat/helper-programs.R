# The command-line programs the package is compared with: in ROBUSTMEAN_BIN (a
# directory; tools/test_r.sh sets it to the installed prefix's bin) or on PATH. Their
# absence skips the comparisons, unless ROBUSTMEAN_REQUIRE_CLI=1 makes it a failure.
program <- function(name) {
  dir <- Sys.getenv("ROBUSTMEAN_BIN")
  path <- if (nzchar(dir)) file.path(dir, name) else Sys.which(name)
  if (nzchar(path) && file.exists(path))
    return(unname(path))
  if (Sys.getenv("ROBUSTMEAN_REQUIRE_CLI") == "1")
    stop(name, " not found (ROBUSTMEAN_BIN = '", dir, "')")
  testthat::skip(paste(name, "not found: set ROBUSTMEAN_BIN or PATH"))
}
