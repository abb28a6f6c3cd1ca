"""The HDF5 reader against files h5py writes: contiguous and chunked+gzip datasets of
float64, float32, int16, uint8 and int64, in groups, 1-D and 2-D, read by the robustmean
program exactly; a "columns" attribute as the header; a missing dataset, a file of several
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
print("hdf5_h5py: contiguous and chunked+gzip, 7 dtypes, 1-D and 2-D, names: read exactly")
