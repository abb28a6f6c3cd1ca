"""The estimate: the same bits as the command line, every option reachable, the report
whole, the result and the estimator class."""
import json
import subprocess
import warnings

import numpy as np
import pytest

import robustmean


@pytest.fixture(scope="module")
def cluster():
    X, mu, inlier = robustmean.generate("far-cluster", 2000, 20, eps=0.1, seed=5)
    return X, mu, inlier


def run_cli(cli, path, *args):
    out = subprocess.run([cli, *args, "--format", "json", str(path)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("method", ["lowregret", "pgd", "filter", "geomedian"])
def test_same_bits_as_the_command_line(cli, tmp_path, cluster, dtype, order, method):
    X = np.asarray(cluster[0], dtype=dtype, order=order)
    path = tmp_path / "x.npy"
    np.save(path, X)
    shown = run_cli(cli, path, "-e", "0.1", "-m", method)
    ours = robustmean.mean(X, eps=0.1, method=method)
    assert ours.dtype == np.float64 and ours.shape == (20,)
    assert np.array_equal(ours, np.array(shown["mean"]))  # to the bit


def test_outliers_and_weights_match_the_command_line(cli, tmp_path, cluster):
    X, _, inlier = cluster
    path = tmp_path / "x.npy"
    np.save(path, X)
    weights_file, outliers_file = tmp_path / "w.txt", tmp_path / "o.txt"
    subprocess.run([cli, "-e", "0.1", "--weights", str(weights_file), "--outliers",
                    str(outliers_file), str(path)], check=True, capture_output=True)
    r = robustmean.estimate(X, eps=0.1)
    assert np.array_equal(r.weights, np.loadtxt(weights_file))
    assert np.array_equal(r.outliers, np.loadtxt(outliers_file, dtype=int) - 1)
    assert set(r.outliers) == set(np.flatnonzero(~inlier))  # the far cluster, exactly
    assert r.outlier_count == len(r.outliers)
    assert np.isclose(r.weights.sum(), 1.0)
    assert np.allclose(r.weights @ X, r.mean)


def test_the_report_is_the_command_lines(cli, tmp_path, cluster):
    X = cluster[0]
    path = tmp_path / "x.npy"
    np.save(path, X)
    shown = run_cli(cli, path, "-e", "0.1", "--sigma", "1")
    r = robustmean.estimate(X, eps=0.1, sigma=1.0, column_scaling="none")
    # every field of the JSON report but what concerns the file or the rows' list
    for key in set(shown) - {"mean", "outliers", "dropped_rows", "skipped_label_column",
                             "columns", "column_names", "version", "seconds"}:
        assert key in r.report, key
        assert r.report[key] == shown[key], key
        assert getattr(r, key) == shown[key]
    assert r.as_dict()["mean"] is r.mean


def test_estimate_is_near_the_truth_where_the_sample_mean_is_not(cluster):
    X, mu, inlier = cluster
    oracle = np.linalg.norm(X[inlier].mean(0) - mu)
    err = np.linalg.norm(robustmean.mean(X, eps=0.1) - mu)
    assert err < oracle + 0.01
    assert np.linalg.norm(X.mean(0) - mu) > 10 * err


def test_every_option_is_reachable(cluster):
    X = cluster[0]
    base = robustmean.estimate(X, eps=0.1)
    assert base.method == robustmean.DEFAULT_METHOD and base.seed == robustmean.DEFAULT_SEED
    assert robustmean.estimate(X, eps=0.1, max_directions=1).directions == 1
    assert robustmean.estimate(X, eps=0.1, oracle="dense").oracle == "dense"
    assert robustmean.estimate(X, eps=0.1, oracle="lanczos").oracle == "lanczos"
    assert not robustmean.estimate(X, eps=0.1, column_scaling="none").columns_scaled
    assert robustmean.estimate(X, eps=0.1, column_scaling="robust").columns_scaled
    assert robustmean.estimate(X, eps=0.1, shaping="always").anisotropy is not None
    assert robustmean.estimate(X, eps=0.1, shaping="none").anisotropy is None
    assert robustmean.estimate(X, eps=0.1, sigma=1.0).sigma_certificate is not None
    assert robustmean.estimate(X, eps="auto").eps_chosen in (0.05, 0.1, 0.2)
    loose = robustmean.estimate(X, eps=0.1, tol=0.5, delta=0.2)
    assert loose.gap <= 0.5 * loose.objective and loose.iterations <= base.iterations
    # the result does not depend on the threads
    assert np.array_equal(robustmean.mean(X, eps=0.1, threads=1),
                          robustmean.mean(X, eps=0.1, threads=2))
    # mom reads blocks and seed
    a = robustmean.mean(X, eps=0.1, method="mom", blocks=7, seed=3)
    b = robustmean.mean(X, eps=0.1, method="mom", blocks=7, seed=4)
    c = robustmean.mean(X, eps=0.1, method="mom", blocks=9, seed=3)
    assert not np.array_equal(a, b) and not np.array_equal(a, c)
    assert robustmean.estimate(X, eps=0.1, method="geomedian", max_iter=500).method == "geomedian"


def test_a_cap_or_a_budget_gives_the_best_iterate_with_a_warning(cluster):
    X = cluster[0]
    with pytest.warns(robustmean.NotConvergedWarning, match="iteration cap"):
        r = robustmean.estimate(X, eps=0.1, max_iter=1)
    assert not r.converged and np.all(np.isfinite(r.mean))
    X2 = np.repeat(X, 20, axis=0) + np.random.default_rng(0).normal(size=(40000, 20))
    with pytest.warns(robustmean.NotConvergedWarning, match="time budget"):
        r = robustmean.estimate(X2, eps=0.1, max_seconds=1e-4)
    assert r.stop_reason.startswith("time budget") and np.all(np.isfinite(r.mean))


def test_methods_without_weights_give_none(cluster):
    r = robustmean.estimate(cluster[0], eps=0.1, method="median")
    assert r.weights is None and len(r.outliers) == 0
    assert np.array_equal(r.mean, np.median(cluster[0], axis=0))


def test_the_estimator_class(cluster):
    X = cluster[0]
    est = robustmean.RobustMean(eps=0.1, method="pgd")
    assert est.fit(X) is est
    assert np.array_equal(est.location_, robustmean.mean(X, eps=0.1, method="pgd"))
    assert est.weights_.shape == (len(X),) and est.report_["method"] == "pgd"
    assert np.array_equal(est.outliers_, robustmean.estimate(X, eps=0.1, method="pgd").outliers)
    params = est.get_params()
    assert params["eps"] == 0.1 and params["method"] == "pgd" and params["sigma"] is None
    assert set(params) == set(robustmean.RobustMean().get_params())
    again = robustmean.RobustMean(**params)
    assert again.get_params() == params
    assert est.set_params(eps=0.2, shaping="none") is est
    assert est.get_params()["eps"] == 0.2 and est.shaping == "none"
    with pytest.raises(ValueError, match="no parameter 'epsilon'"):
        est.set_params(epsilon=0.1)
    assert "pgd" in repr(est)


def test_docstrings_read_like_the_man_page():
    import inspect
    for f in (robustmean.mean, robustmean.estimate):
        doc = f.__doc__
        for name in inspect.signature(f).parameters:
            assert f"\n    {name} :" in doc or f"\n    {name}," in doc, (f.__name__, name)
        assert "Raises" in doc and "ValueError" in doc
    names = {m["name"] for m in robustmean.methods()}
    assert {"lowregret", "pgd", "filter", "mean", "median"} <= names
    lowregret = next(m for m in robustmean.methods() if m["name"] == "lowregret")
    assert lowregret["weights_rows"] and lowregret["auto_eps"] and "shaping" in lowregret["options"]
