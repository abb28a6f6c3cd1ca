"""robustmean.read(): the library's reader on the files users have, with the command
line's options, its messages and its numbers."""
import gzip
import os
import subprocess

import numpy as np
import pytest

import robustmean

TABLE = "id,price,age\na1,1.5,30\nb2,2.25,41\nc3,-0.5,29\n"
NUMBERS = np.array([[1.5, 30], [2.25, 41], [-0.5, 29]])


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_text_id_column_is_skipped_by_name_and_the_others_named(tmp_path):
    data = robustmean.read(write(tmp_path, "t.csv", TABLE), skip_columns="id")
    assert np.array_equal(data.values, NUMBERS) and data.values.dtype == np.float64
    assert data.columns == ["price", "age"] and data.column_numbers == [2, 3]
    assert data.had_header and len(data.dropped) == 0
    chosen = robustmean.read(tmp_path / "t.csv", columns=["age", "2"])
    assert np.array_equal(chosen.values, NUMBERS[:, ::-1]) and chosen.columns == ["age", "price"]


def test_a_text_column_read_is_refused_with_its_place_and_the_option_that_skips_it(tmp_path):
    path = write(tmp_path, "t.csv", TABLE)
    with pytest.raises(robustmean.ReadError) as caught:
        robustmean.read(str(path))
    e = caught.value
    assert str(e).startswith(f"{path}: line 2 (data row 1), column 1: ")
    assert str(e).endswith("; if that column holds text, skip_columns='id' leaves it out")
    assert (e.line, e.row, e.column, e.column_name) == (2, 1, 1, "id")
    assert e.path == str(path) and isinstance(e, ValueError)


def test_a_gzipped_csv_reads_as_the_plain_one(tmp_path):
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write(TABLE)
    data = robustmean.read(path, skip_columns=["id"])
    assert np.array_equal(data.values, NUMBERS) and data.columns == ["price", "age"]


def test_an_int16_npy_reads_exactly_as_float32_unless_float64_is_asked(tmp_path):
    X = np.array([[-32768, 0, 7], [32767, -1, 12]], dtype=">i2")
    np.save(tmp_path / "x.npy", X)
    data = robustmean.read(tmp_path / "x.npy")  # as the command line holds it
    assert data.values.dtype == np.float32 and np.array_equal(data.values, X)
    assert data.columns is None and data.column_numbers == [1, 2, 3]
    double = robustmean.read(tmp_path / "x.npy", float32=False, columns="3,1")
    assert double.values.dtype == np.float64 and np.array_equal(double.values, X[:, [2, 0]])
    np.save(tmp_path / "y.npy", np.array([[0.1, 1e300]]))
    assert robustmean.read(tmp_path / "y.npy").values.dtype == np.float64
    with pytest.raises(robustmean.ReadError,
                       match=r"row 1, column 2: .* is outside the range of float"):
        robustmean.read(tmp_path / "y.npy", float32=True)
    with pytest.raises(TypeError, match="float32 must be"):
        robustmean.read(tmp_path / "y.npy", float32=1)


def test_a_float64_npy_is_not_copied_and_writing_to_it_leaves_the_file(tmp_path):
    X = np.random.default_rng(3).normal(size=(50, 4))
    np.save(tmp_path / "x.npy", X)
    data = robustmean.read(tmp_path / "x.npy")
    assert not data.values.flags.owndata and data.values.flags.writeable
    data.values[0, 0] = 1e300
    assert np.array_equal(np.load(tmp_path / "x.npy"), X)
    values = data.values
    del data  # the array keeps the library's memory alive
    assert values[0, 0] == 1e300 and np.array_equal(values[1:], X[1:])


def test_a_member_of_an_npz_is_read_by_name(tmp_path):
    a, b = np.arange(6.0).reshape(3, 2), np.array([[1, 2, 3]], dtype=np.uint8)
    np.savez(tmp_path / "x.npz", a=a, b=b)
    path = str(tmp_path / "x.npz")
    assert np.array_equal(robustmean.read(path + ":b").values, b)
    assert np.array_equal(robustmean.read(path, dataset="a").values, a)
    with pytest.raises(robustmean.ReadError, match=r"'a', 'b'.*; name one with dataset='NAME'$"):
        robustmean.read(path)
    with pytest.raises(robustmean.ReadError, match="'c'"):
        robustmean.read(path, dataset="c")


def test_decimal_commas_read_as_exactly_as_points(tmp_path):
    path = write(tmp_path, "eu.csv", "a;b\n1,5;0,1\n-2,25;1e-3\n")
    data = robustmean.read(path, decimal=",")
    assert np.array_equal(data.values, [[1.5, 0.1], [-2.25, 1e-3]])
    assert data.columns == ["a", "b"]
    with pytest.raises(robustmean.ReadError, match="another delimiter"):
        robustmean.read(path, decimal=",", delimiter=",")
    with pytest.raises(ValueError, match="decimal must be one of"):
        robustmean.read(path, decimal=";")


def test_nonfinite_rows_are_refused_or_dropped_and_listed(tmp_path):
    path = write(tmp_path, "n.csv", "1,2\nnan,3\n4,5\n")
    with pytest.raises(robustmean.ReadError, match=r"line 2.*\(drop_nonfinite=True skips"):
        robustmean.read(path)
    data = robustmean.read(path, drop_nonfinite=True)
    assert np.array_equal(data.values, [[1, 2], [4, 5]]) and list(data.dropped) == [2]


def test_a_bad_file_names_itself_its_line_and_column(tmp_path):
    path = write(tmp_path, "bad.csv", "1,2,3\n4,5\n")
    with pytest.raises(robustmean.ReadError) as caught:
        robustmean.read(path)
    assert str(caught.value).startswith(f"{path}: line 2 (data row 2)")
    assert caught.value.line == 2 and caught.value.row == 2
    with pytest.raises(FileNotFoundError, match="nowhere.csv: cannot open"):
        robustmean.read(tmp_path / "nowhere.csv")
    with pytest.raises(TypeError, match="1-based"):
        robustmean.read(path, columns=[1, 2])
    with pytest.raises(robustmean.ReadError, match="chosen by name, but the first line is read as data"):
        robustmean.read(tmp_path / "bad.csv", columns="x", header=False)


def test_the_estimate_of_what_read_gives_is_the_command_lines(tmp_path, cli):
    X = np.random.default_rng(5).normal(size=(400, 6))
    X[:40] += 8
    path = tmp_path / "x.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write("label," + ",".join(f"c{j}" for j in range(6)) + "\n")
        for i, row in enumerate(X):
            f.write(f"r{i}," + ",".join(repr(v) for v in row) + "\n")
    data = robustmean.read(path, skip_columns="label")
    assert data.columns == [f"c{j}" for j in range(6)]
    ours = robustmean.mean(data.values, eps=0.1)
    out = subprocess.run([cli, "-e", "0.1", "--skip-columns", "label", str(path)],
                         capture_output=True, text=True, check=True).stdout
    assert np.array_equal(ours, np.array(out.strip().split(","), dtype=float))


def test_hdf5_column_names_come_from_a_dimension_scale(tmp_path):
    if "h5" not in robustmean.formats():
        pytest.skip("the library was built without HDF5")
    h5py = pytest.importorskip("h5py")
    path = str(tmp_path / "x.h5")
    with h5py.File(path, "w") as f:
        f["x"] = np.arange(6.0).reshape(2, 3)
        f["names"] = np.array(["p", "q", "r"], dtype=h5py.string_dtype())
        f["names"].make_scale("column")
        f["x"].dims[1].attach_scale(f["names"])
        f["y"] = np.ones((2, 2), dtype=np.int16)
    data = robustmean.read(path + ":/x", columns="r,p")
    assert np.array_equal(data.values, [[2, 0], [5, 3]]) and data.columns == ["r", "p"]
    assert np.array_equal(robustmean.read(path, dataset="/y").values, np.ones((2, 2)))


def test_thousands_of_reads_leak_nothing(tmp_path):
    from test_input import resident_bytes
    np.save(tmp_path / "x.npy", np.random.default_rng(4).normal(size=(300, 5)))
    good, bad = write(tmp_path, "t.csv", TABLE), write(tmp_path, "b.csv", "1,2\n3\n")

    def reads(k):
        for i in range(k):
            if i % 3 == 0:
                robustmean.read(tmp_path / "x.npy").values.sum()
            elif i % 3 == 1:
                robustmean.read(good, skip_columns="id", drop_nonfinite=True)
            else:
                with pytest.raises(robustmean.ReadError):
                    robustmean.read(bad)

    reads(500)  # warm: caches, allocator pools
    before = resident_bytes()
    reads(5000)
    grown = resident_bytes() - before
    assert grown < 2 << 20, f"resident memory grew by {grown} bytes"
