"""What the package accepts and how: zero copy, conversions, errors, the GIL, leaks."""
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import robustmean
from robustmean import _core


def rows(n=300, d=8, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_a_contiguous_array_is_read_where_it_lies(dtype, order):
    X = np.asarray(rows(), dtype=dtype, order=order)
    by_columns = order == "F"
    address, copied, columns = _core.input_address(X)
    assert address == X.__array_interface__["data"][0] and not copied
    assert columns == by_columns
    r = robustmean.estimate(X, eps=0.1)
    assert not r.copied
    assert np.array_equal(r.mean, robustmean.mean(np.ascontiguousarray(X), eps=0.1))
    # a read-only array, or a contiguous view, neither
    X.flags.writeable = False
    assert _core.input_address(X) == (X.__array_interface__["data"][0], False, by_columns)
    view = np.asarray(rows(600), order=order)[100:400] if order == "C" else \
        np.asarray(rows(600), order="F")[:, 2:6]
    assert _core.input_address(view) == (view.__array_interface__["data"][0], False, by_columns)


def test_nan_in_a_fortran_array_is_placed():
    X = np.asfortranarray(rows())
    X[5, 3] = np.nan
    with pytest.raises(ValueError, match=r"X\[5, 3\] is NaN"):
        robustmean.mean(X, eps=0.1)


@pytest.mark.parametrize("make", [
    lambda X: X[:, ::2],
    lambda X: X.astype(">f8"),
    lambda X: X.astype(np.int32),
    lambda X: X.tolist(),
])
def test_other_inputs_are_converted_once(make):
    X = rows()
    given = make(X)
    address, copied, _ = _core.input_address(given)
    assert copied
    expected = robustmean.mean(np.ascontiguousarray(np.asarray(given, dtype=np.float64)), eps=0.1)
    r = robustmean.estimate(given, eps=0.1)
    assert r.copied and np.array_equal(r.mean, expected)


def test_float32_stays_float32():
    X = rows().astype(np.float32)
    F = np.asfortranarray(X)
    assert np.array_equal(robustmean.mean(F, eps=0.1), robustmean.mean(X, eps=0.1))
    # a strided float32 view is converted once, to float32
    wide = np.zeros((X.shape[0], 2 * X.shape[1]), dtype=np.float32)
    wide[:, ::2] = X
    assert _core.input_address(wide[:, ::2])[1]
    assert np.array_equal(robustmean.mean(wide[:, ::2], eps=0.1), robustmean.mean(X, eps=0.1))
    assert np.array_equal(robustmean.mean(X, eps=0.1),
                          robustmean.mean(X.astype(np.float64), eps=0.1))


@pytest.mark.parametrize("X, message", [
    (np.zeros(5), "must be 2-D .* not 1-D: for one column use X.reshape"),
    (np.zeros((2, 3, 4)), "must be 2-D .* not 3-D"),
    (np.zeros((0, 3)), r"no rows \(shape \(0, 3\)\)"),
    (np.zeros((3, 0)), r"no columns \(shape \(3, 0\)\)"),
    (np.array([[1.0, 2.0], [3.0, np.nan]]), r"X\[1, 1\] is NaN"),
    (np.array([[1.0, -np.inf], [3.0, 4.0]], dtype=np.float32), r"X\[0, 1\] is infinite"),
    (np.array([[1 + 2j, 3]]), "real numbers"),
    (np.array([["a", "b"]]), "real numbers"),
    ([[1, 2], [3]], ""),
])
def test_bad_data_is_a_value_error_saying_what(X, message):
    with pytest.raises(ValueError, match=message):
        robustmean.mean(X, eps=0.1)


@pytest.mark.parametrize("options, error, message", [
    ({"eps": 0.6}, ValueError, "eps < 0.5, not 0.6"),
    ({"eps": -0.1}, ValueError, "eps"),
    ({}, ValueError, "eps"),
    ({"eps": "half"}, ValueError, "number or 'auto'"),
    ({"eps": 0.1, "method": "nope"}, ValueError, "unknown method 'nope'"),
    ({"eps": 0.1, "method": "median", "delta": 0.1}, ValueError, "delta"),
    ({"eps": 0.1, "oracle": "magic"}, ValueError, "'auto', 'lanczos', 'dense'"),
    ({"eps": 0.1, "shaping": "round"}, ValueError, "'auto', 'none', 'always'"),
    ({"eps": 0.1, "column_scaling": "log"}, ValueError, "'auto', 'none', 'robust'"),
    ({"eps": 0.1, "sigma": 1.0, "column_scaling": "robust"}, ValueError, "sigma"),
    ({"eps": 0.1, "max_directions": 99}, ValueError, "max_directions"),
    ({"eps": 0.1, "threads": 5000}, ValueError, "threads must be at most"),
    ({"eps": 0.1, "threads": -1}, ValueError, "threads must be >= 0"),
    ({"eps": 0.1, "max_iter": 2.5}, TypeError, "max_iter must be an integer"),
    ({"eps": 0.1, "tol": "small"}, TypeError, "tol must be a number"),
    ({"eps": 0.1, "seed": -1}, ValueError, "seed"),
    ({"eps": 0.1, "method": 3}, TypeError, "method must be a str"),
])
def test_bad_options_raise_with_the_librarys_words(options, error, message):
    with pytest.raises(error, match=message):
        robustmean.mean(rows(), **options)


def test_too_few_rows_for_auto():
    with pytest.raises(ValueError, match="rows"):
        robustmean.mean(rows(5), eps="auto")


def test_out_of_memory_is_a_memory_error():
    # in a child process whose address space is capped just above what it holds
    code = r"""
import resource, numpy as np, robustmean
X = np.random.default_rng(0).normal(size=(200000, 50))
robustmean.mean(X[:100], eps=0.1, threads=1)          # everything loaded
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
with open("/proc/self/statm") as f:
    size = int(f.read().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + (16 << 20), hard))
try:
    robustmean.mean(X, eps=0.1, threads=1)
except MemoryError as e:
    print("MemoryError", e)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("MemoryError"), out.stdout + out.stderr


def test_the_gil_is_released_while_the_library_works():
    X = np.random.default_rng(1).normal(size=(40000, 30))
    inside = threading.Event()
    done = threading.Event()
    spins = 0

    def work():
        inside.set()
        robustmean.mean(X, eps=0.1, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    start = time.perf_counter()
    worker.start()
    inside.wait()
    while not done.is_set():  # runs only when the worker does not hold the GIL
        spins += 1
    worker.join()
    elapsed = time.perf_counter() - start
    assert elapsed > 0.05, "the estimate was too quick to tell"
    # with the GIL held through the call this loop would be starved for all of it
    assert spins > 10000, spins


def resident_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_ten_thousand_calls_leak_nothing():
    X = rows(60, 4)
    bad = X.copy()
    bad[3, 2] = np.nan

    def calls(k):
        for i in range(k):
            if i % 4 == 0:
                robustmean.estimate(X, eps=0.1)
            elif i % 4 == 1:
                robustmean.mean(X, eps=0.1, method="mean")
            elif i % 4 == 2:
                with pytest.raises(ValueError):
                    robustmean.mean(bad, eps=0.1)
            else:
                with pytest.raises(ValueError):
                    robustmean.mean(X, eps=0.9)

    calls(1000)  # warm: caches, allocator pools
    before = resident_bytes()
    calls(10000)
    grown = resident_bytes() - before
    assert grown < 2 << 20, f"resident memory grew by {grown} bytes"


def test_ctrl_c_stops_a_long_estimate():
    import signal
    X = np.random.default_rng(2).normal(size=(200000, 40))
    X[:20000] *= 3
    t = time.perf_counter()
    robustmean.mean(X, eps=0.1, threads=1)
    whole = time.perf_counter() - t
    if whole < 0.5:
        pytest.skip("the estimate is too quick here to interrupt")
    # SIGINT to this process a moment after the estimate starts, as Ctrl-C sends it
    timer = threading.Timer(whole / 5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    t = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        robustmean.mean(X, eps=0.1, threads=1)
    elapsed = time.perf_counter() - t
    timer.join()
    assert elapsed < 0.7 * whole, (elapsed, whole)
    assert robustmean.estimate(X[:1000], eps=0.1).converged  # and all is well after
