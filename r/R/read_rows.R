# read_rows(): the files the command line reads, read by the library's own reader
# (rm_read_file; the C glue is src/read_rows.c), with its options under R's names.

# The words the command line accepts for --delimiter and --decimal, beside the characters.
read_delimiters <- c("," = ",", comma = ",", ";" = ";", semicolon = ";", "\t" = "\t",
                     tab = "\t", " " = " ", space = " ", whitespace = " ")
read_decimals <- c("." = ".", point = ".", "," = ",", comma = ",")

# The columns option as the library takes it: "2-5,8,price". Numbers are R's: from 1.
column_list <- function(name, value) {
  if (is.null(value))
    return(NULL)
  if (is.numeric(value)) {
    if (anyNA(value) || any(value < 1 | value != floor(value)))
      stop(name, ": column numbers are whole numbers from 1", call. = FALSE)
    value <- format(value, scientific = FALSE, trim = TRUE)
  }
  if (!is.character(value) || anyNA(value) || length(value) == 0)
    stop(name, " must be column numbers or a character vector of names, numbers and ",
         "ranges (\"2-5\")", call. = FALSE)
  if (length(value) > 1 && any(grepl(",", value, fixed = TRUE)))
    stop(name, ": an item holds a comma: give one column an item", call. = FALSE)
  paste(value, collapse = ",")
}

one_of <- function(name, value, table) {
  if (is.null(value))
    return(NULL)
  if (!is.character(value) || length(value) != 1 || !(value %in% names(table)))
    stop(name, " must be one of ", paste0("\"", names(table), "\"", collapse = ", "),
         call. = FALSE)
  unname(table[value])
}

# FILE:NAME names an array of a .npz archive or a dataset of an HDF5 file, as on the
# command line: when path names no file but a prefix of it up to a colon does.
split_dataset <- function(path) {
  if (file.exists(path))
    return(list(file = path, dataset = NULL))
  for (k in gregexpr(":", path, fixed = TRUE)[[1]]) {
    prefix <- substr(path, 1, k - 1)
    if (k > 1 && file.exists(prefix) && !dir.exists(prefix))
      return(list(file = prefix, dataset = substr(path, k + 1, nchar(path))))
  }
  list(file = path, dataset = NULL)
}

# What to do, in the words of read_rows()'s arguments.
read_hint <- function(e) {
  if (e$nonfinite)
    return(" (drop_nonfinite = TRUE skips such rows)")
  if (e$text_field) {
    name <- e$column_name
    by_name <- nzchar(name) && !grepl("[, \t]", name) && grepl("[^0-9-]", name)
    chosen <- if (by_name) paste0("\"", name, "\"") else format(e$column)
    return(paste0("; if that column holds text, skip_columns = ", chosen, " leaves it out"))
  }
  if (e$needs_dataset)
    return("; name one with dataset = \"NAME\"")
  ""
}

# Read a matrix from a file (man/read_rows.Rd).
read_rows <- function(path, columns = NULL, skip_columns = NULL, dataset = NULL,
                      delimiter = NULL, decimal = NULL, header = NA,
                      drop_nonfinite = FALSE, threads = NULL) {
  if (!is.character(path) || length(path) != 1 || is.na(path))
    stop("path must be a single string", call. = FALSE)
  if (!is.logical(header) || length(header) != 1)
    stop("header must be TRUE, FALSE or NA (detected)", call. = FALSE)
  if (!is.logical(drop_nonfinite) || length(drop_nonfinite) != 1 || is.na(drop_nonfinite))
    stop("drop_nonfinite must be TRUE or FALSE", call. = FALSE)
  if (!is.null(threads) && (!is.numeric(threads) || length(threads) != 1 ||
                            is.na(threads) || threads < 0 || threads != floor(threads)))
    stop("threads must be a whole number >= 0", call. = FALSE)
  if (!is.null(dataset) && (!is.character(dataset) || length(dataset) != 1))
    stop("dataset must be a single string", call. = FALSE)
  where <- if (is.null(dataset)) split_dataset(path) else list(file = path, dataset = dataset)
  out <- .Call(C_rm_r_read, where$file, column_list("columns", columns),
               column_list("skip_columns", skip_columns), where$dataset,
               one_of("delimiter", delimiter, read_delimiters),
               one_of("decimal", decimal, read_decimals),
               if (is.na(header)) -1L else as.integer(header), drop_nonfinite,
               if (is.null(threads)) 0L else as.integer(threads))
  if (!is.null(out$error)) {
    e <- out$error
    message <- paste0(path, ": ", e$message, read_hint(e))
    stop(structure(class = c("robustmean_read_error", "error", "condition"),
                   list(message = message, call = NULL, path = path, line = e$line,
                        row = e$row, column = e$column, column_name = e$column_name,
                        status = e$status)))
  }
  x <- out$x
  if (!is.null(out$column_names))
    colnames(x) <- out$column_names
  attr(x, "column_numbers") <- out$column_numbers
  attr(x, "dropped") <- out$dropped
  x
}
