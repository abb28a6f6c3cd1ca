"""robustmean.read(): the files the command line reads, read by the library's own reader
(rm_read_file), with the command line's options under Python names."""

from __future__ import annotations

import os
from typing import List, Optional, Sequence, Union

import numpy as np

from . import _read

__all__ = ["read", "Data", "ReadError", "formats"]

Columns = Union[str, Sequence[str], None]

# The words the command line accepts for --delimiter and --decimal, beside the characters.
_DELIMITERS = {",": ",", "comma": ",", ";": ";", "semicolon": ";", "\t": "\t", "tab": "\t",
               " ": " ", "space": " ", "whitespace": " "}
_DECIMALS = {".": ".", "point": ".", ",": ",", "comma": ","}
# read()'s float32 as rm_read_options.storage: as the file, float, double.
_STORAGE = {None: _read.STORAGE_AS_FILE, True: _read.STORAGE_FLOAT, False: _read.STORAGE_DOUBLE}


class ReadError(ValueError):
    """A file's contents could not be read as a matrix of numbers: text where a number
    belongs, a row of another length, a NaN (without drop_nonfinite), a damaged or
    unsupported file, a dataset or columns it does not have, an invalid option.

    The message is the library's, after the file's name; the place is also in attributes:

    Attributes
    ----------
    path : str
        The file, as given.
    line, row, column : int
        1-based line of the file, data row (not counting a header, comments and blank
        lines) and column, as the message counts them; 0 when it does not apply.
    column_name : str
        The header's name of that column ("" when there is none).
    status : int
        The library's code (rm_strerror()'s negative RM_E* value).
    """

    def __init__(self, message, path, line=0, row=0, column=0, column_name="", status=0):
        super().__init__(message)
        self.path = path
        self.line = line
        self.row = row
        self.column = column
        self.column_name = column_name
        self.status = status


class Data:
    """What read() found.

    Attributes
    ----------
    values : numpy.ndarray, shape (n, d)
        The rows: float64 or float32 (read()'s float32 says which). It owns the library's
        memory: a float64 .npy file is mapped, not copied (privately: writing to the array
        never changes the file). Hand it to mean() or estimate() as it is.
    columns : list of str, or None
        The name of each column read, in order: from a CSV header row, an HDF5 dataset's
        "columns" attribute or its column dimension scale; None when the file names none.
    column_numbers : list of int
        The file's 1-based number of each column read, as error messages and the columns
        option count them.
    dropped : numpy.ndarray of int
        With drop_nonfinite: the 1-based data rows of the file left out (row i of values
        is data row i + 1 plus the number dropped before it); empty otherwise.
    had_header : bool
        Whether a CSV header row was skipped.
    skipped_label_column : bool
        Whether the CSV header's first name was empty (pandas' index, R's row names): that
        column held row labels and was left out.
    path : str
        The file, as given.
    """

    def __init__(self, values, info, path):
        self.values = values
        self.columns: Optional[List[str]] = info["column_names"]
        self.column_numbers: List[int] = info["column_numbers"]
        self.dropped: np.ndarray = info["dropped"]
        self.had_header: bool = info["had_header"]
        self.skipped_label_column: bool = info["skipped_label_column"]
        self.path = path

    def __repr__(self):
        n, d = self.values.shape
        named = f" columns={self.columns!r}" if self.columns else ""
        return f"<robustmean.Data {self.path!r}: {n} x {d} {self.values.dtype}{named}>"


def _column_list(name: str, value: Columns) -> Optional[str]:
    """The columns option as the library takes it: "2-5,8,price"."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(
                f"{name}: give columns as text, numbers 1-based as the command line and "
                f"error messages count them ('2-5,8', or ['price', '3']), not {item!r}")
        if len(items) > 1 and "," in item:
            raise ValueError(f"{name}: {item!r} holds a comma: in a list, give one column "
                             "an item")
    return ",".join(items)


def _one_of(name: str, value: Optional[str], table) -> Optional[str]:
    if value is None:
        return None
    if value not in table:
        raise ValueError(f"{name} must be one of {', '.join(repr(k) for k in table)}, "
                         f"not {value!r}")
    return table[value]


def _split_dataset(path: str):
    """FILE:NAME names an array of a .npz archive or a dataset of an HDF5 file, as on the
    command line: when path names no file but a prefix of it up to a colon does."""
    if os.path.exists(path):
        return path, None
    for k, c in enumerate(path):
        if c == ":" and os.path.isfile(path[:k]):
            return path[:k], path[k + 1:]
    return path, None


def _hint(error: dict) -> str:
    """What to do, in the words of read()'s options, as the command line says it in its."""
    if error["status"] == _read.ENONFINITE:
        return " (drop_nonfinite=True skips such rows)"
    if error["text_field"]:
        name = error["column_name"]
        by_name = name and not any(c in name for c in ", \t") and \
            name.strip("0123456789-") != ""
        chosen = name if by_name else str(error["column"])
        return f"; if that column holds text, skip_columns={chosen!r} leaves it out"
    if error["needs_dataset"]:
        return "; name one with dataset='NAME'"
    return ""


def read(path: Union[str, os.PathLike], columns: Columns = None,
         skip_columns: Columns = None, dataset: Optional[str] = None,
         delimiter: Optional[str] = None, decimal: Optional[str] = None,
         header: Optional[bool] = None, drop_nonfinite: bool = False,
         float32: Optional[bool] = None, threads: Optional[int] = None) -> Data:
    """Read a matrix from a file as the command line `robustmean` reads it, by the
    library's reader (rm_read_file): the same formats, options and messages.

    Formats, known by their first bytes (or the name): CSV (comma, tab, semicolon or white
    space; a header row, '#' comments, CRLF, a UTF-8 BOM), NumPy .npy (every numeric dtype,
    either byte order, C or Fortran order), .npz (one array), HDF5 (one dataset; when the
    library was built with HDF5: "h5" in formats()), and CSV or .npy compressed with gzip
    or Zstandard (.csv.gz, .csv.zst). Numbers are read exactly, as strtod reads them.

    Parameters
    ----------
    path : str or os.PathLike
        The file. "data.npz:NAME" and "data.h5:/group/dataset" name an array of an
        archive, as on the command line (or give dataset).
    columns : str or list of str, optional
        The columns to read, in this order (--columns): 1-based numbers, ranges and header
        names, "2-5,8" or ["price", "age"]. Numbers count from 1, as the command line and
        every error message do. Names need a CSV header row (the first line is then one)
        or an HDF5 dataset's names.
    skip_columns : str or list of str, optional
        Columns to leave out, named as for columns (--skip-columns): an id, a label. Only
        the columns read are parsed, so text in a column left out is no error.
    dataset : str, optional
        The array of a .npz archive (its name) or the dataset of an HDF5 file
        ("/group/dataset"); needed when the file holds several.
    delimiter : {",", ";", "\\t", " "}, optional
        The CSV delimiter (--delimiter; also "comma", "semicolon", "tab", "space");
        default: detected.
    decimal : {".", ","}, optional
        The decimal mark of CSV numbers (--decimal): "," reads 1,5 as 1.5, as exactly; it
        needs another delimiter than ",".
    header : bool, optional
        Whether the first CSV line is a header (--header, --no-header); default: detected.
    drop_nonfinite : bool
        Drop rows holding NaN, Inf or an empty field instead of failing
        (--drop-nonfinite); Data.dropped lists them.
    float32 : bool, optional
        How the values are held. None (the command line's default): as the file holds
        them, float32 for a .npy of float32, float16 or integers of up to 16 bits (nothing
        is lost), float64 otherwise. True (--float32): float32, half the memory, each
        number rounded to the nearest float. False: float64. mean() and estimate() read
        either in place, with the same arithmetic in double.
    threads : int, optional
        Threads that parse CSV and check values (default: one per core).

    Returns
    -------
    Data
        data.values, the (n, d) array; data.columns, the columns' names (or None);
        data.column_numbers, their numbers in the file; data.dropped, the rows left out.

    Raises
    ------
    ReadError
        (a ValueError) The contents cannot be read: the message is the library's, after
        the file's name, with the line, data row and column, and what to do
        ("data.csv: line 3 (data row 2), column 1: ... ; if that column holds text,
        skip_columns='id' leaves it out"); its attributes hold the place.
    OSError
        The file cannot be opened or read (FileNotFoundError when it does not exist).
    MemoryError
        Not enough memory for the matrix.
    TypeError, ValueError
        An option of the wrong type or value.
    """
    given = os.fspath(path)
    if isinstance(given, bytes):
        given = os.fsdecode(given)
    file, named = (given, None) if dataset is not None else _split_dataset(given)
    if dataset is None:
        dataset = named
    for name, value in (("header", header), ("float32", float32)):
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{name} must be None, True or False, not {value!r}")
    if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool)
                                or threads < 0):
        raise ValueError(f"threads must be an integer >= 0, not {threads!r}")
    values, info = _read.read(
        file, _column_list("columns", columns), _column_list("skip_columns", skip_columns),
        dataset, _one_of("delimiter", delimiter, _DELIMITERS),
        _one_of("decimal", decimal, _DECIMALS), -1 if header is None else int(header),
        bool(drop_nonfinite), _STORAGE[float32], threads or 0)
    if values is not None:
        return Data(values, info, given)
    message = f"{given}: {info['message']}{_hint(info)}"
    if info["status"] == _read.EIO:
        if not os.path.exists(file):
            raise FileNotFoundError(message)
        raise OSError(message)
    if info["status"] == _read.ENOMEM:
        raise MemoryError(message)
    raise ReadError(message, given, info["line"], info["row"], info["column"],
                    info["column_name"], info["status"])


# Shown as the package's own (robustmean.ReadError), where users meet them.
ReadError.__module__ = Data.__module__ = "robustmean"


def formats() -> List[str]:
    """The inputs the loaded library reads: ["csv", "csv.gz", ..., "npz"], and "h5" when
    it was built with HDF5."""
    return _read.formats().split()
