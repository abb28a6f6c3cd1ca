# read_rows(): the library's reader on the files users have, with the command line's
# options, its messages and its numbers.

table_lines <- c("id,price,age", "a1,1.5,30", "b2,2.25,41", "c3,-0.5,29")
numbers <- matrix(c(1.5, 2.25, -0.5, 30, 41, 29), 3, 2,
                  dimnames = list(NULL, c("price", "age")))

written <- function(lines, ext = ".csv") {
  path <- tempfile(fileext = ext)
  writeLines(lines, path)
  path
}

# A .npy of int16, as NumPy writes one (version 1.0, the header padded to 64 bytes).
write_int16_npy <- function(x, path, endian = "little") {
  header <- sprintf("{'descr': '%si2', 'fortran_order': False, 'shape': (%d, %d), }",
                    if (endian == "little") "<" else ">", nrow(x), ncol(x))
  header <- paste0(header, strrep(" ", 63 - (10 + nchar(header)) %% 64), "\n")
  con <- file(path, "wb")
  on.exit(close(con))
  writeBin(as.raw(c(0x93, charToRaw("NUMPY"), 1, 0)), con)
  writeBin(as.integer(nchar(header)), con, size = 2, endian = "little")
  writeBin(charToRaw(header), con)
  writeBin(as.integer(t(x)), con, size = 2, endian = endian)
}

# A python3 with NumPy, to write what R cannot (a .npz); NULL when there is none.
numpy_python <- function() {
  for (p in c("python3", "/usr/bin/python3"))
    if (nzchar(Sys.which(p)) &&
        suppressWarnings(system2(p, c("-c", shQuote("import numpy")), stdout = FALSE,
                                 stderr = FALSE)) == 0)
      return(p)
  NULL
}

test_that("a text id column is skipped by name, and the others keep their names", {
  path <- written(table_lines)
  x <- read_rows(path, skip_columns = "id")
  expect_identical(x[, ], numbers)
  expect_identical(attr(x, "column_numbers"), c(2, 3))
  expect_identical(attr(x, "dropped"), numeric(0))
  chosen <- read_rows(path, columns = c(3, 2))
  expect_identical(colnames(chosen), c("age", "price"))
  expect_identical(unname(chosen[, ]), unname(numbers[, 2:1]))
})

test_that("a text column read stops with its place and the argument that skips it", {
  path <- written(table_lines)
  e <- tryCatch(read_rows(path), robustmean_read_error = function(e) e)
  expect_s3_class(e, "robustmean_read_error")
  expect_true(startsWith(conditionMessage(e), paste0(path, ": line 2 (data row 1), column 1: ")))
  expect_true(endsWith(conditionMessage(e),
                       "; if that column holds text, skip_columns = \"id\" leaves it out"))
  expect_identical(c(e$line, e$row, e$column), c(2, 1, 1))
  expect_identical(e$column_name, "id")
})

test_that("a gzipped CSV reads as the plain one", {
  path <- tempfile(fileext = ".csv.gz")
  con <- gzfile(path, "w")
  writeLines(table_lines, con)
  close(con)
  expect_identical(read_rows(path, skip_columns = "id")[, ], numbers)
})

test_that("an int16 .npy reads exactly, in either byte order", {
  x <- matrix(c(-32768L, 32767L, 0L, -1L, 7L, 12L), 2, 3)
  for (endian in c("little", "big")) {
    path <- tempfile(fileext = ".npy")
    write_int16_npy(x, path, endian)
    got <- read_rows(path)
    expect_identical(got[, ], x * 1.0)
    expect_null(colnames(got))
    expect_identical(unname(read_rows(path, columns = "3,1")[, ]), x[, c(3, 1)] * 1.0)
  }
})

test_that("a member of an .npz is read by name", {
  python <- numpy_python()
  if (is.null(python))
    skip("no python3 with NumPy to write a .npz")
  path <- tempfile(fileext = ".npz")
  system2(python, c("-c", shQuote(paste0(
    "import numpy as np; np.savez('", path, "', a=np.arange(6.0).reshape(3, 2), ",
    "b=np.array([[1, 2, 3]], dtype=np.uint8))"))))
  expect_identical(read_rows(paste0(path, ":b"))[, , drop = FALSE], matrix(c(1, 2, 3), 1))
  expect_identical(read_rows(path, dataset = "a")[, ], matrix(0:5 * 1.0, 3, byrow = TRUE))
  expect_error(read_rows(path), "'a', 'b'.*; name one with dataset = \"NAME\"$",
               class = "robustmean_read_error")
})

test_that("decimal commas read as exactly as points", {
  path <- written(c("a;b", "1,5;0,1", "-2,25;1e-3"))
  x <- read_rows(path, decimal = ",")
  expect_identical(x[, ], matrix(c(1.5, -2.25, 0.1, 1e-3), 2, dimnames = list(NULL, c("a", "b"))))
  expect_error(read_rows(path, decimal = ",", delimiter = ","), "another delimiter",
               class = "robustmean_read_error")
  expect_error(read_rows(path, decimal = ";"), "decimal must be one of")
})

test_that("non-finite rows stop the read, or are dropped and listed", {
  path <- written(c("1,2", "nan,3", "4,5"))
  expect_error(read_rows(path), "line 2.*\\(drop_nonfinite = TRUE skips such rows\\)",
               class = "robustmean_read_error")
  x <- read_rows(path, drop_nonfinite = TRUE)
  expect_identical(x[, ], matrix(c(1, 4, 2, 5), 2))
  expect_identical(attr(x, "dropped"), 2)
})

test_that("a bad file names itself, its line and its column", {
  path <- written(c("1,2,3", "4,5"))
  e <- tryCatch(read_rows(path), robustmean_read_error = function(e) e)
  expect_true(startsWith(conditionMessage(e), paste0(path, ": line 2 (data row 2)")))
  expect_identical(c(e$line, e$row), c(2, 2))
  missing <- file.path(tempdir(), "nowhere.csv")
  expect_error(read_rows(missing), paste0(missing, ": cannot open"), fixed = TRUE)
  expect_error(read_rows(path, columns = 0), "from 1")
})

test_that("the estimate of what read_rows gives is the command line's", {
  g <- rm_generate("far-cluster", 400, 6, eps = 0.1, seed = 3)
  path <- tempfile(fileext = ".csv.gz")
  con <- gzfile(path, "w")
  writeLines(c(paste(c("label", paste0("c", 1:6)), collapse = ","),
               paste0("r", 1:400, ",", apply(g$x, 1, function(r)
                 paste(sprintf("%.17g", r), collapse = ",")))), con)
  close(con)
  x <- read_rows(path, skip_columns = "label")
  expect_identical(x[, ], `colnames<-`(g$x, paste0("c", 1:6)))
  out <- system2(program("robustmean"), c("-e", "0.1", "--skip-columns", "label", path),
                 stdout = TRUE)
  expect_identical(unname(coef(robust_mean(x, eps = 0.1))),
                   as.numeric(strsplit(out, ",")[[1]]))
})
