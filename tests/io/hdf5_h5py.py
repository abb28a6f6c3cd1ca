"""The HDF5 reader against files h5py writes: contiguous and chunked+gzip datasets of
float64, float32, int16, uint8 and int64, in groups, 1-D and 2-D, read by the robustmean
program exactly; a "columns" attribute or a dimension scale of strings on the columns (fixed or
variable length; the attribute first; a numeric scale ignored) as the header; a missing dataset, a file of several
without a name, a 3-D dataset and an integer beyond 2^53 refused with their messages.

As in npy_numpy.py, the mean of one row and the median of three rows show exactly what
was read.

usage: python3 hdf5_h5py.py ROBUSTMEAN_PROGRAM
"""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

program = sys.argv[1]
failures = []


def run(args):
    out = subprocess.run([program, "--format", "json"] + args, capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    return json.loads(out.stdout), None


def expect(name, args, method, want, names=None):
    report, error = run(["-m", method] + args)
    if error:
        failures.append(f"{name}: {error}")
        return
    if not np.array_equal(np.array(report["mean"]), want):
        failures.append(f"{name}: read {report['mean']}, want {want}")
    if names is not None and report.get("column_names") != names:
        failures.append(f"{name}: column names {report.get('column_names')}, want {names}")


def expect_error(name, args, fragment, status=1):
    out = subprocess.run([program, "-m", "mean"] + args, capture_output=True, text=True)
    if out.returncode != status or fragment not in out.stderr:
        failures.append(f"{name}: status {out.returncode}, stderr {out.stderr.strip()!r}, "
                        f"want {fragment!r}")


rows = np.array([[5, 0, 9], [1, 7, 2], [3, 4, 6]])
median = np.median(rows, axis=0)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "data.h5")
    with h5py.File(path, "w") as f:
        for dtype in ("<f8", ">f8", "<f4", "<i2", ">u1", "<i8", ">u8"):
            f.create_dataset(f"contiguous/{dtype[1:]}{dtype[0]}", data=rows.astype(dtype))
            f.create_dataset(f"chunked/{dtype[1:]}{dtype[0]}", data=rows.astype(dtype),
                             chunks=(2, 2), compression="gzip", compression_opts=4)
        f.create_dataset("one_row", data=np.array([[1e-300, -2.5, 2.0**53, 7]]))
        f.create_dataset("column", data=np.array([3.0, 1.0, 2.0]))
        named = f.create_dataset("named", data=rows.astype("f8"))
        named.attrs["columns"] = ["price", "age", "count"]
        # dimension scales on the column dimension (netCDF-4 coordinates, as xarray writes)
        f["labels/fixed"] = np.array([b"price", b"age", b"count"])
        f["labels/variable"] = np.array(["wid\u00e9", "h", "d"], dtype=h5py.string_dtype())
        f["labels/wavelength"] = np.array([400.0, 410.0, 420.0])
        f["labels/two"] = np.array([b"a", b"b"])
        f["labels/rows"] = np.array([b"r1", b"r2", b"r3"])
        for scale in ("fixed", "variable", "wavelength", "two", "rows"):
            f["labels/" + scale].make_scale(scale)
        scaled = {"fixed": ["fixed"], "variable": ["wavelength", "two", "variable"],
                  "numeric": ["wavelength"], "both": ["fixed"]}
        for name, scales in scaled.items():
            f.create_dataset("scaled/" + name, data=rows.astype("f8"))
            f["scaled/" + name].dims[0].attach_scale(f["labels/rows"])
            for scale in scales:
                f["scaled/" + name].dims[1].attach_scale(f["labels/" + scale])
        f["scaled/both"].attrs["columns"] = ["p", "q", "r"]
        f.create_dataset("cube", data=np.zeros((2, 2, 2)))
        f.create_dataset("huge", data=np.array([[1, 2**53 + 1]], dtype="<i8"))
        f.create_dataset("text", data=np.array([b"a", b"b"]))
    for group in ("contiguous", "chunked"):
        for dtype in ("f8<", "f8>", "f4<", "i2<", "u1>", "i8<", "u8>"):
            expect(f"{group} {dtype}", [f"{path}:/{group}/{dtype}"], "median", median)
            expect(f"{group} {dtype}, no leading slash", [f"{path}:{group}/{dtype}"],
                   "median", median)
    expect("one row", [path + ":/one_row"], "mean", np.array([1e-300, -2.5, 2.0**53, 7]))
    expect("1-D", [path + ":/column"], "median", np.array([2.0]))
    expect("columns attribute", [path + ":/named"], "median", median,
           ["price", "age", "count"])
    expect("columns by name", ["--columns", "count,price", path + ":/named"], "median",
           median[[2, 0]], ["count", "price"])
    expect("scale of fixed strings", [path + ":/scaled/fixed"], "median", median,
           ["price", "age", "count"])
    expect("scale of variable strings, after a numeric one and one of 2 strings",
           [path + ":/scaled/variable"], "median", median, ["wid\u00e9", "h", "d"])
    expect("a scale's names chosen", ["--columns", "count,age", path + ":/scaled/fixed"],
           "median", median[[2, 1]], ["count", "age"])
    expect("a scale's names left out", ["--skip-columns", "h", path + ":/scaled/variable"],
           "median", median[[0, 2]], ["wid\u00e9", "d"])
    expect("the attribute before a scale", [path + ":/scaled/both"], "median", median,
           ["p", "q", "r"])
    expect("a numeric scale names nothing", [path + ":/scaled/numeric"], "median", median, None)
    report, _ = run(["-m", "median", path + ":/scaled/numeric"])
    if report is not None and "column_names" in report:
        failures.append(f"numeric scale: column names {report['column_names']}, want none")
    expect_error("a numeric scale's values are not names",
                 ["--columns", "400", path + ":/scaled/numeric"],
                 "column 400 is beyond the last column, 3")
    expect_error("no names to choose by", ["--columns", "price", path + ":/scaled/numeric"],
                 "column 'price' is chosen by name, but the input names no columns")
    expect_error("several, no name", [path],
                 "datasets ('/chunked/f4<', '/chunked/f8<', '/chunked/f8>', ")
    expect_error("several, no name: the hint", [path], f"read one as {path}:NAME")
    expect_error("missing", [path + ":/nope"], "no dataset '/nope' in the HDF5 file; it holds")
    expect_error("3-D", [path + ":/cube"],
                 "the dataset has 3 dimensions; robustmean reads 1-D (one column) or 2-D")
    expect_error("beyond 2^53", [path + ":/huge"],
                 "row 1, column 2: the integer 9007199254740993 is beyond 2^53")
    expect_error("not numbers", [path + ":/text"], "the dataset's elements are not numbers")

    # the only dataset needs no name; many rows in many chunks, read exactly
    big = np.random.default_rng(2).normal(size=(30001, 9))
    single = os.path.join(tmp, "single.h5")
    with h5py.File(single, "w") as f:
        f.create_dataset("x", data=big, chunks=(1000, 9), compression="gzip")
    report, error = run(["-m", "mean", single])
    if error or not np.allclose(report["mean"], big.mean(axis=0), rtol=0, atol=1e-12):
        failures.append(f"30001 x 9 chunked: {error or report['mean']}")
    report, error = run(["-m", "median", "--float32", single])
    want = np.median(big.astype(np.float32).astype(np.float64), axis=0)
    if error or not np.array_equal(report["mean"], want):
        failures.append(f"30001 x 9 chunked as float32: {error or report['mean']}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("hdf5_h5py: contiguous and chunked+gzip, 7 dtypes, 1-D and 2-D, names from an attribute "
      "or a dimension scale: read exactly")
