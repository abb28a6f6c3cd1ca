# A .npy file of float64 in C order (as rmgen writes), read bit for bit.
read_npy <- function(path, n, d) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 8)
  header <- readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
  readBin(con, "raw", header)
  values <- readBin(con, "double", n * d, size = 8, endian = "little")
  matrix(values, n, d, byrow = TRUE)
}

test_that("rm_generate gives rmgen's numbers", {
  cases <- list(
    list(model = "far-cluster", inliers = "gaussian", params = list(), flags = character(0)),
    list(model = "population", inliers = "rotated", params = list(spread = 4, decay = 0.5),
         flags = c("--spread", "4", "--decay", "0.5")),
    list(model = "variance-shell", inliers = "spiked", params = list(direction = "low"),
         flags = c("--direction", "low")))
  for (case in cases) {
    data <- tempfile(fileext = ".npy")
    truth <- tempfile(fileext = ".json")
    system2(program("rmgen"), c("--model", case$model, "--inliers", case$inliers, "-n", 200,
                                "-d", 6, "-e", 0.2, "--seed", 9, "-o", data, "--truth", truth,
                                case$flags))
    g <- do.call(rm_generate, c(list(case$model, 200, 6, eps = 0.2, seed = 9,
                                     inliers = case$inliers), case$params))
    expect_identical(g$x, read_npy(data, 200, 6))
    expect_equal(sum(!g$inlier), g$outliers)
    json <- paste(readLines(truth), collapse = "")
    mask <- as.integer(strsplit(sub(".*\"inlier\": *\\[([^]]*)\\].*", "\\1", json), ",")[[1]])
    expect_identical(as.integer(g$inlier), mask)
    unlink(c(data, truth))
  }
})

test_that("rm_generate refuses what rmgen refuses", {
  expect_error(rm_generate("no-such-model", 10, 2), "cannot generate")
  expect_error(rm_generate("far-cluster", 10, 2, eps = 0.4), "cannot generate")
  expect_error(rm_generate("far-cluster", 10, 2, sepration = 3), "unknown parameter")
})

test_that("the tables", {
  m <- rm_models()
  expect_true("population" %in% m$corruption$name)
  expect_true("spiked" %in% m$inliers$name)
  methods <- rm_methods()
  expect_true(all(c("lowregret", "pgd", "filter", "median") %in% methods$name))
  expect_true(methods$weights_rows[methods$name == "lowregret"])
  expect_match(rm_version(), "^[0-9]+\\.[0-9]+\\.[0-9]+$")
})
