"""The .npy and .npz readers against files NumPy writes: every numeric dtype in either byte
order, C and Fortran order, 1-D and 2-D, and .npz archives stored and deflated, read by the
robustmean program exactly.

A one-row file's mean is its row, to the bit (the mean of one value is that value), and
the coordinate-wise median of three rows is the middle value of each column: the program's
estimate shows exactly what it read.

usage: python3 npy_numpy.py ROBUSTMEAN_PROGRAM
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

program = sys.argv[1]
failures = []


def estimate(path, method):
    out = subprocess.run([program, "-m", method, "--format", "json", path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip()
    return np.array(json.loads(out.stdout)["mean"]), None


def check(name, array, method, want):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.npy")
        np.save(path, array)
        got, error = estimate(path, method)
    if error or not np.array_equal(got, want):
        failures.append(f"{name}: read {got if error is None else error}, want {want}")


codes = ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"]
for code in codes:
    for order in "<>":
        dtype = np.dtype(order + code)
        info = np.iinfo(dtype) if dtype.kind in "iu" else np.finfo(dtype)
        low = max(float(info.min), -2.0**53)
        high = min(float(info.max), 2.0**53)
        row = np.array([[low, high, 0, 1, 3, 2 if dtype.kind == "u" else -2]]).astype(dtype)
        check(f"{dtype.str} one row", row, "mean", row.astype(np.float64)[0])
        rows = np.array([[5, 0, 9], [1, 7, 2], [3, 4, 6]]).astype(dtype)
        median = np.median(rows.astype(np.float64), axis=0)
        check(f"{dtype.str} C order", rows, "median", median)
        check(f"{dtype.str} Fortran order", np.asfortranarray(rows), "median", median)
        check(f"{dtype.str} 1-D", rows[:, 0].copy(), "median", median[:1])
    if code in ("f2", "f4", "f8"):
        tiny = np.array([[np.finfo(code).smallest_subnormal, -np.finfo(code).tiny]], dtype=code)
        check(f"{code} subnormal", tiny, "mean", tiny.astype(np.float64)[0])

# .npz archives as np.savez (stored) and np.savez_compressed (deflated) write them: every
# array by name, the only one without a name, and the names listed when one is missing.
arrays = {"a": np.array([[1.5, -2, 3], [4, 5, 6e-300], [7, 8, 9]]),
          "counts": np.array([[5, 0], [1, 7], [3, 4]], dtype=">u4"),
          "half": np.array([[1, 2], [0.5, -3], [2, 65504]], dtype="<f2")}
with tempfile.TemporaryDirectory() as tmp:
    for save in (np.savez, np.savez_compressed):
        path = os.path.join(tmp, save.__name__ + ".npz")
        save(path, **arrays)
        for name, array in arrays.items():
            median = np.median(array.astype(np.float64), axis=0)
            for spec in (name, name + ".npy"):
                got, error = estimate(path + ":" + spec, "median")
                if error or not np.array_equal(got, median):
                    failures.append(f"{save.__name__} {spec}: {got if error is None else error}")
        _, error = estimate(path + ":nope", "median")
        want = "no array named 'nope' in the archive; it holds 'a', 'counts', 'half'"
        if not error or want not in error:
            failures.append(f"{save.__name__} missing name: {error!r}")
        _, error = estimate(path, "median")
        want = ("the archive holds 3 arrays ('a', 'counts', 'half'): name the one to read; "
                f"read one as {path}:NAME")
        if not error or want not in error:
            failures.append(f"{save.__name__} no name: {error!r}")
        one = os.path.join(tmp, "one.npz")
        save(one, arrays["a"])
        got, error = estimate(one, "median")
        if error or not np.array_equal(got, np.median(arrays["a"], axis=0)):
            failures.append(f"{save.__name__} one array: {got if error is None else error}")
        big = np.random.default_rng(1).normal(size=(20000, 7))
        save(one, big=big)
        got, error = estimate(one, "mean")
        if error or not np.allclose(got, big.mean(axis=0), rtol=0, atol=1e-12):
            failures.append(f"{save.__name__} 20000 x 7: {got if error is None else error}")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "big.npy")
    np.save(path, np.array([[2**53 + 1, 0]], dtype=np.int64))
    _, error = estimate(path, "mean")
    if not error or "beyond 2^53" not in error or "row 1" not in error:
        failures.append(f"int64 2^53 + 1: {error!r}, want an error naming row 1")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"npy_numpy: {len(codes)} dtypes x 2 byte orders x C, Fortran, 1-D, and .npz "
      "stored and deflated: read exactly")
