"""The Python package's figures (issue 17), printed as a table; never fails on a figure.

1. Call overhead: robustmean.estimate() on a 100 x 10 array, the median over 1000 calls
   of the call's wall time, beside the library's own time for the same call
   (report["seconds"], measured inside rm_mean).
2. The whole estimate at n = 1e6, d = 100 (variance shell, eps 0.1) from Python against
   the command line on the same .npy (best of 3 each; the command line's includes reading
   the file, which it maps).
3. Side by side on the same data, n = 1e4, d = 100, variance shell, eps 0.1: scikit-learn's
   MinCovDet().fit(X).location_ (Debian's python3-sklearn, when installed), the default
   robust mean and the sample mean: time and error ||estimate - mu||.

usage: python3 bench/python_package.py [--cli PATH/robustmean] [--quick]
(with the package importable: tools/test_python.sh's layout, or an installed package)
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np

import robustmean


def best_of(k, f):
    times = []
    for _ in range(k):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def overhead(calls):
    X = robustmean.generate("far-cluster", 100, 10, eps=0.1, seed=1)[0]
    wall, inside = [], []
    for _ in range(calls):
        t = time.perf_counter()
        r = robustmean.estimate(X, eps=0.1)
        wall.append(time.perf_counter() - t)
        inside.append(r.seconds)
    w, s = statistics.median(wall), statistics.median(inside)
    print(f"100 x 10, {calls} calls: Python call {w * 1e6:.1f} us, inside rm_mean "
          f"{s * 1e6:.1f} us, overhead {(w - s) * 1e6:.1f} us (median)")


def large(cli, n, d):
    X, mu, _ = robustmean.generate("variance-shell", n, d, eps=0.1, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.npy")
        np.save(path, X)
        py = best_of(3, lambda: robustmean.mean(X, eps=0.1))
        line = f"{n} x {d} variance shell: Python {py:.2f} s"
        if cli:
            run = lambda: subprocess.run([cli, "-e", "0.1", path], check=True,
                                         stdout=subprocess.DEVNULL)
            line += f", command line {best_of(3, run):.2f} s (best of 3)"
        print(line)


def versus_mcd(n, d):
    X, mu, _ = robustmean.generate("variance-shell", n, d, eps=0.1, seed=1)
    rows = []
    try:
        from sklearn.covariance import MinCovDet
        t = time.perf_counter()
        loc = MinCovDet(random_state=0).fit(X).location_
        rows.append(("MinCovDet().fit(X).location_", time.perf_counter() - t, loc))
    except ImportError:
        print("(scikit-learn not installed: apt-get install python3-sklearn)")
    t = time.perf_counter()
    est = robustmean.mean(X, eps=0.1)
    rows.append(("robustmean.mean(X, eps=0.1)", time.perf_counter() - t, est))
    t = time.perf_counter()
    est = robustmean.mean(X, eps="auto")
    rows.append(("robustmean.mean(X, eps='auto')", time.perf_counter() - t, est))
    rows.append(("X.mean(axis=0)", 0.0, X.mean(axis=0)))
    print(f"{n} x {d} variance shell, eps 0.1:")
    for name, seconds, loc in rows:
        print(f"  {name:34s} {seconds:8.3f} s   error {np.linalg.norm(loc - mu):.4f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", help="the robustmean program to compare with")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    a = parser.parse_args()
    overhead(100 if a.quick else 1000)
    large(a.cli, 10**5 if a.quick else 10**6, 100)
    versus_mcd(2000 if a.quick else 10**4, 100)


if __name__ == "__main__":
    main()
