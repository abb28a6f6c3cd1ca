#!/usr/bin/env python3
"""Rebuild the shipped datasets from the copies of the UCI data in Debian's python3-sklearn.

    python3 datasets/make_datasets.py [SKLEARN_DATA_DIR]

Each dataset is the rows of one class (the inliers) with rows of another class mixed in at
a stated fraction, shuffled with a fixed seed. Beside each NAME.csv go NAME.expected.csv,
the mean of the inlier rows (the answer a robust estimate should approach), and
NAME.inliers, one 0/1 per data row (1 = inlier).
"""
import csv
import gzip
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def sklearn_data_dir():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import sklearn.datasets  # only to locate the data folder

    return os.path.join(os.path.dirname(sklearn.datasets.__file__), "data")


def write(name, header, inliers, outliers, seed):
    rows = [(r, 1) for r in inliers] + [(r, 0) for r in outliers]
    random.Random(seed).shuffle(rows)
    d = len(header)
    with open(os.path.join(HERE, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r, _ in rows:
            w.writerow(r)
    with open(os.path.join(HERE, name + ".inliers"), "w") as f:
        for _, good in rows:
            f.write("%d\n" % good)
    mean = [sum(float(r[j]) for r in inliers) / len(inliers) for j in range(d)]
    with open(os.path.join(HERE, name + ".expected.csv"), "w") as f:
        f.write(",".join(repr(m) for m in mean) + "\n")
    print("%s: %d inliers, %d outliers (%.2f%%), d = %d"
          % (name, len(inliers), len(outliers), 100.0 * len(outliers) / len(rows), d))


def digits(data):
    with gzip.open(os.path.join(data, "digits.csv.gz"), "rt") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    by_class = {}
    for r in rows:
        by_class.setdefault(int(float(r[-1])), []).append(r[:-1])
    header = ["pixel_%d_%d" % (i // 8, i % 8) for i in range(64)]
    sevens = by_class[7][:20]
    write("digits-3-with-7", header, by_class[3], sevens, seed=3)


def wine(data):
    with open(os.path.join(data, "wine_data.csv")) as f:
        lines = [line.strip().split(",") for line in f if line.strip()]
    header = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium",
              "total_phenols", "flavanoids", "nonflavanoid_phenols", "proanthocyanins",
              "color_intensity", "hue", "od280_od315", "proline"]
    by_class = {}
    for r in lines[1:]:
        by_class.setdefault(int(r[-1]), []).append(r[:-1])
    write("wine-1-with-0", header, by_class[1], by_class[0][:7], seed=1)


if __name__ == "__main__":
    data = sklearn_data_dir()
    digits(data)
    wine(data)
