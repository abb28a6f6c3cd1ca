"""generate(): the same bytes as rmgen; models() lists what rmgen --list does."""
import json
import subprocess

import numpy as np
import pytest

import robustmean


@pytest.mark.parametrize("model, inliers, params, flags", [
    ("far-cluster", "gaussian", {}, []),
    ("variance-shell", "spiked", {"spike": 9.0, "spikes": 2}, ["--spike", "9", "--spikes", "2"]),
    ("population", "rotated", {"spread": 4.0, "decay": 0.5}, ["--spread", "4", "--decay", "0.5"]),
    ("far-cluster", "gaussian", {"direction": "low"}, ["--direction", "low"]),
    ("subtractive", "student", {"nu": 5.0}, ["--nu", "5"]),
    ("dkk", "gaussian", {"column_lo": 1e-3, "column_hi": 1e6}, ["--column-scales", "1e-3:1e6"]),
])
def test_the_same_bytes_as_rmgen(rmgen, tmp_path, model, inliers, params, flags):
    data, truth = tmp_path / "x.npy", tmp_path / "t.json"
    subprocess.run([rmgen, "--model", model, "--inliers", inliers, "-n", "300", "-d", "7",
                    "-e", "0.2", "--seed", "11", "-o", str(data), "--truth", str(truth), *flags],
                   check=True, capture_output=True)
    X, mu, inlier = robustmean.generate(model, 300, 7, eps=0.2, seed=11, inliers=inliers,
                                        **params)
    expected = np.load(data)
    assert X.dtype == expected.dtype and X.shape == expected.shape
    assert X.tobytes() == expected.tobytes()
    t = json.load(open(truth))
    assert np.array_equal(mu, np.array(t["mean"]))
    assert np.array_equal(inlier, np.array(t["inlier"]) == 1)
    assert (~inlier).sum() == t["outliers"]
    *_, info = robustmean.generate(model, 300, 7, eps=0.2, seed=11, inliers=inliers,
                                   return_info=True, **params)
    assert info["outliers"] == t["outliers"] and info["removed"] == t["removed"]
    assert info["sigma"] == pytest.approx(t["sigma"], rel=1e-14)
    assert info["trace"] == pytest.approx(t["trace"], rel=1e-14)
    used = info["parameters"]
    assert used["model"] == model and used["inliers"] == inliers
    for key, value in params.items():
        if key not in ("column_lo", "column_hi"):
            assert used[key] == value, key
    for key, value in t["parameters"].items():
        if key in used and used[key] != "":
            assert used[key] == value, key
    if "column_lo" in params:
        assert np.array_equal(info["column_scales"], np.array(t["column_scales"]))
    else:
        assert info["column_scales"] is None


def test_generate_refuses_what_rmgen_refuses():
    with pytest.raises(ValueError, match="cannot generate"):
        robustmean.generate("no-such-model", 10, 2)
    with pytest.raises(ValueError, match="cannot generate"):
        robustmean.generate("far-cluster", 10, 2, eps=0.4)
    with pytest.raises(ValueError, match="unknown parameter"):
        robustmean.generate("far-cluster", 10, 2, sepration=3)


def test_models_are_rmgens(rmgen):
    listed = subprocess.run([rmgen, "--list"], check=True, capture_output=True,
                            text=True).stdout
    m = robustmean.models()
    assert {"corruption", "inliers"} == set(m)
    for kind in m.values():
        for model in kind:
            assert model["name"] in listed and model["summary"]
    assert "population" in {x["name"] for x in m["corruption"]}
    assert "spiked" in {x["name"] for x in m["inliers"]}
