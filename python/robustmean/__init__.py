"""robustmean: the mean of high-dimensional data when a fraction eps of the rows has been
corrupted by an adversary.

The estimate weights the rows so that the top eigenvalue of their weighted covariance is
as small as it can be with no row weighted above 1/((1-eps) n), and returns the weighted
mean: within O(sigma sqrt(eps)) of the mean of the good rows when at most eps of them are
corrupted (sigma^2 the good rows' largest variance), with no knowledge of sigma.

    >>> import numpy as np, robustmean
    >>> X = np.random.default_rng(1).normal(size=(1000, 20))
    >>> X[:100] += 10                    # 10% of the rows moved away
    >>> robustmean.mean(X, eps=0.1)      # near 0, where the sample mean is near 1

mean() gives the estimate, estimate() the estimate with each row's weight, the rows
flagged as outliers and the method's whole report; RobustMean is the same as a
scikit-learn style estimator; generate() draws the corrupted data of the library's
studies; read() reads the files the command line reads (CSV, compressed CSV, .npy, .npz,
HDF5), with its options:

    >>> data = robustmean.read("prices.csv.gz", skip_columns="id")
    >>> robustmean.mean(data.values, eps=0.1), data.columns
 The C library does the work (man 3 robustmean); the GIL is released while it
does, Ctrl-C stops it (KeyboardInterrupt), and a float64 or float32 array in C or
Fortran order is read where it lies, not copied.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Union

import numpy as np

from . import _core
from ._reading import Data, ReadError, formats, read

__all__ = [
    "mean",
    "estimate",
    "Result",
    "RobustMean",
    "generate",
    "read",
    "Data",
    "ReadError",
    "formats",
    "models",
    "methods",
    "NotConvergedWarning",
    "library_version",
    "__version__",
]

_DEFAULTS = _core.option_defaults()

#: The method used when none is named (the library's default).
DEFAULT_METHOD: str = _DEFAULTS["method"]
#: The seed of methods that draw random numbers, when none is given (the library's).
DEFAULT_SEED: int = _DEFAULTS["seed"]

#: The version of the library loaded.
library_version: str = _core.version()
__version__ = library_version

Eps = Union[float, str, None]


class NotConvergedWarning(RuntimeWarning):
    """An iterative method stopped at its iteration cap or its time budget (max_iter,
    max_seconds) before its tolerance was met: the result is its best iterate, and
    Result.converged is False."""


def _options(method, eps, sigma, threads, seed, max_iter, tol, max_seconds, blocks, delta,
             max_directions, oracle, column_scaling, shaping) -> Dict[str, Any]:
    return {
        "method": method,
        "eps": eps,
        "seed": seed,
        "max_iter": max_iter,
        "tol": tol,
        "blocks": blocks,
        "delta": delta,
        "sigma": sigma,
        "max_seconds": max_seconds,
        "max_directions": max_directions,
        "oracle": oracle,
        "column_scaling": column_scaling,
        "shaping": shaping,
        "threads": threads,
    }


_OPTIONS_DOC = """
    X : array_like, shape (n, d)
        The rows. A float64 or float32 ndarray in C or Fortran order is read in place;
        anything else is converted once (float32 stays float32, other types become
        float64).
        Every value must be finite.
    eps : float or "auto"
        The fraction of corrupted rows, 0 <= eps < 0.5 (the guarantee holds below 1/3).
        "auto" (lowregret and pgd): the method chooses it. Too high costs a little
        efficiency; too low can fail: when the data contradicts it, the report says so
        (consistent False) and a larger eps or "auto" is the remedy.
    method : str
        The estimator (methods() lists them): lowregret (default), pgd, filter, the
        SILO solvers; mean, median, trimmed, geomedian, mom, the classical baselines.
    sigma : float, optional
        The good rows' scale, if known (sigma^2 = largest eigenvalue of their covariance):
        adds a certified error radius and stops once the objective is below sigma^2.
    threads : int, optional
        Threads for the passes over the data (default: one per core). The result is the
        same on any number.
    seed : int
        Seed of methods that draw random numbers (mom); echoed in the report.
    max_iter : int, optional
        Iteration cap of iterative methods (default: the method's).
    tol : float, optional
        Convergence tolerance of iterative methods (default: the method's).
    max_seconds : float, optional
        Time budget: after it the best iterate so far is returned, converged False, with
        a NotConvergedWarning.
    blocks : int, optional
        mom: the number of blocks (default 2 floor(eps n) + 1).
    delta : float, optional
        SILO: eigenvalues within (1 - delta) of the top count as top (default 0.05).
    max_directions : int, optional
        SILO: top eigenvectors used, 1 to 16 (default 16; 1 is the classical single
        direction).
    oracle : {"auto", "lanczos", "dense"}, optional
        SILO: how the top eigenvectors are found (default by cost).
    column_scaling : {"auto", "none", "robust"}, optional
        SILO: measure each column in its own robust unit, so the estimate does not depend
        on the columns' units (auto: robust for lowregret and pgd unless sigma is given).
    shaping : {"auto", "none", "always"}, optional
        SILO: adapt to the inliers' shape: solve again in a metric where the kept rows are
        round, and move towards that estimate within the certified radius when it gains
        (auto: lowregret and pgd, when the kept rows are far from round).
"""

_RAISES_DOC = """
    Raises
    ------
    ValueError
        X not 2-D, empty, holding NaN, infinity or non-numbers; an invalid option or eps
        (the library's message says which and why); too few rows for the method.
    TypeError
        An option of the wrong type.
    MemoryError
        The library ran out of memory.
    RuntimeError
        A numerical routine failed (the eigensolver).
"""


def _run(X, options, weights):
    mean_, w, report, copied = _core.estimate(X, options, weights)
    if not report["converged"] and report["stop_reason"]:
        warnings.warn(
            f"{report['method']}: {report['stop_reason']}: the result is its best iterate",
            NotConvergedWarning,
            stacklevel=3,
        )
    return mean_, w, report, copied


def mean(X, eps: Eps = None, method: str = DEFAULT_METHOD, sigma: Optional[float] = None,
         threads: Optional[int] = None, seed: int = DEFAULT_SEED,
         max_iter: Optional[int] = None, tol: Optional[float] = None,
         max_seconds: Optional[float] = None, blocks: Optional[int] = None,
         delta: Optional[float] = None, max_directions: Optional[int] = None,
         oracle: Optional[str] = None, column_scaling: Optional[str] = None,
         shaping: Optional[str] = None) -> np.ndarray:
    options = _options(method, eps, sigma, threads, seed, max_iter, tol, max_seconds, blocks,
                       delta, max_directions, oracle, column_scaling, shaping)
    return _run(X, options, False)[0]


mean.__doc__ = (
    """The robust mean of the rows of X: a float64 array of d values.

    The same estimate, to the bit, as the C library's rm_mean() and as the command
    `robustmean` on the same data and options.

    Parameters
    ----------"""
    + _OPTIONS_DOC
    + """
    Returns
    -------
    numpy.ndarray, shape (d,)
"""
    + _RAISES_DOC
)


class Result:
    """What estimate() found.

    Attributes
    ----------
    mean : numpy.ndarray, shape (d,)
        The estimate.
    weights : numpy.ndarray, shape (n,) or None
        Each row's weight in the estimate (they sum to 1), for methods that weight rows
        (lowregret, pgd, filter, mean, trimmed); None for the others.
    outliers : numpy.ndarray of int, shape (k,)
        The rows the SILO methods flag, 0-based: weight below half the cap
        1/((1-eps) n). Empty for other methods.
    report : dict
        The method's whole report, keys as in `robustmean --format json`: method,
        converged, stop_reason, iterations, objective, gap, certified, bound_objective,
        bound_error, sigma_certificate, weight_cap, outlier_count, eps_check, consistent,
        eps_chosen, oracle, passes, products, seconds, ... (None where not measured).
        Each is also an attribute of the result (result.objective).
    copied : bool
        Whether X had to be converted (not a float64 or float32 array in C or Fortran
        order).
    """

    def __init__(self, mean_, weights, report, copied):
        self.mean = mean_
        self.weights = weights
        self.report = report
        self.copied = copied
        if weights is not None and report["weight_cap"] is not None:
            self.outliers = np.flatnonzero(weights < 0.5 * report["weight_cap"])
        else:
            self.outliers = np.empty(0, dtype=np.intp)

    def __getattr__(self, name):
        report = self.__dict__.get("report")
        if report is not None and name in report:
            return report[name]
        raise AttributeError(f"'Result' object has no attribute '{name}'")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.report))

    def as_dict(self) -> Dict[str, Any]:
        """The report with the estimate, the weights and the outliers' rows, as a dict."""
        out = dict(self.report)
        out["mean"] = self.mean
        out["weights"] = self.weights
        out["outliers"] = self.outliers
        return out

    def __repr__(self):
        r = self.report
        return (f"<robustmean.Result {r['method']}: n={r['n']} d={r['d']} "
                f"eps={r['eps']} outliers={len(self.outliers)} "
                f"certified={r['certified']} stop={r['stop_reason']!r}>")


# The methods that give no weights (the library's table is fixed while it is loaded); an
# unknown name is asked for weights, and the library says what is wrong with it.
_UNWEIGHTED = {m["name"] for m in _core.methods() if not m["weights_rows"]}


def estimate(X, eps: Eps = None, method: str = DEFAULT_METHOD, sigma: Optional[float] = None,
             threads: Optional[int] = None, seed: int = DEFAULT_SEED,
             max_iter: Optional[int] = None, tol: Optional[float] = None,
             max_seconds: Optional[float] = None, blocks: Optional[int] = None,
             delta: Optional[float] = None, max_directions: Optional[int] = None,
             oracle: Optional[str] = None, column_scaling: Optional[str] = None,
             shaping: Optional[str] = None) -> Result:
    options = _options(method, eps, sigma, threads, seed, max_iter, tol, max_seconds, blocks,
                       delta, max_directions, oracle, column_scaling, shaping)
    return Result(*_run(X, options, method not in _UNWEIGHTED))


estimate.__doc__ = (
    """The robust mean of the rows of X with each row's weight, the flagged rows and the
    method's report (a Result).

    Parameters
    ----------"""
    + _OPTIONS_DOC
    + """
    Returns
    -------
    Result
"""
    + _RAISES_DOC
)


class RobustMean:
    """The robust mean as a scikit-learn style estimator (scikit-learn is not needed).

    Parameters are those of robustmean.estimate(). fit(X) returns self and sets:

    location_ : numpy.ndarray, shape (d,)   the estimate
    weights_ : numpy.ndarray, shape (n,) or None   each row's weight
    outliers_ : numpy.ndarray of int   the flagged rows, 0-based
    report_ : dict   the method's report

        >>> RobustMean(eps=0.1).fit(X).location_
    """

    _PARAMS = ("eps", "method", "sigma", "threads", "seed", "max_iter", "tol", "max_seconds",
               "blocks", "delta", "max_directions", "oracle", "column_scaling", "shaping")

    def __init__(self, eps: Eps = None, method: str = DEFAULT_METHOD,
                 sigma: Optional[float] = None, threads: Optional[int] = None,
                 seed: int = DEFAULT_SEED, max_iter: Optional[int] = None,
                 tol: Optional[float] = None, max_seconds: Optional[float] = None,
                 blocks: Optional[int] = None, delta: Optional[float] = None,
                 max_directions: Optional[int] = None, oracle: Optional[str] = None,
                 column_scaling: Optional[str] = None, shaping: Optional[str] = None):
        self.eps = eps
        self.method = method
        self.sigma = sigma
        self.threads = threads
        self.seed = seed
        self.max_iter = max_iter
        self.tol = tol
        self.max_seconds = max_seconds
        self.blocks = blocks
        self.delta = delta
        self.max_directions = max_directions
        self.oracle = oracle
        self.column_scaling = column_scaling
        self.shaping = shaping

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """The parameters, by name (deep is accepted for scikit-learn; nothing nests)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> "RobustMean":
        """Set parameters by name; returns self. An unknown name is a ValueError."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"RobustMean has no parameter {name!r}; "
                                 f"it has {', '.join(self._PARAMS)}")
            setattr(self, name, value)
        return self

    def fit(self, X, y=None) -> "RobustMean":
        """Estimate from the rows of X (y is ignored); returns self."""
        result = estimate(X, **self.get_params())
        self.location_ = result.mean
        self.weights_ = result.weights
        self.outliers_ = result.outliers
        self.report_ = result.report
        return self

    def __repr__(self):
        changed = {k: v for k, v in self.get_params().items()
                   if v != RobustMean().get_params()[k]}
        return "RobustMean(" + ", ".join(f"{k}={v!r}" for k, v in changed.items()) + ")"


def generate(model: str, n: int, d: int, eps: float = 0.1, seed: int = 1,
             inliers: str = "gaussian", return_info: bool = False, **params) -> tuple:
    """Draw n rows of d columns: inliers from an inlier model with a known mean, floor(eps
    n) of them replaced as a corruption model says, rows shuffled; the same bytes as
    `rmgen --model MODEL -n N -d D -e EPS --seed SEED --inliers INLIERS` with the same
    parameters.

    Parameters
    ----------
    model : str
        The corruption model (models()["corruption"]).
    n, d : int
        Rows and columns (the subtractive model deletes floor(eps n) rows).
    eps : float
        The corrupted fraction, 0 <= eps < 1/3.
    seed : int
        The same seed gives the same bytes.
    inliers : str
        The inlier model (models()["inliers"]).
    return_info : bool
        Also return a dict of what was drawn, as rmgen --truth writes it: outliers (their
        count), removed (rows the subtractive model deleted), sigma (the square root of
        the inlier covariance's largest eigenvalue), trace (its trace), column_scales (the
        columns' factors, or None) and parameters (every parameter used, defaults filled).
    **params
        Model parameters, as rmgen's options (0 or absent: the model's default):
        scale, decay, nu, separation, spikes, spike (inlier models); distance, angle,
        split, shift, spread, axes, direction (corruption models); column_lo and
        column_hi (mixed units: each column times a log-uniform factor in that range).

    Returns
    -------
    X : numpy.ndarray, shape (n, d)
    mu : numpy.ndarray, shape (d,)
        The true mean of the inlier law.
    inlier_mask : numpy.ndarray of bool, shape (n,)
        True for a row drawn from the inlier law and left as drawn.
    info : dict
        Only with return_info.
    """
    known = {"scale", "decay", "nu", "separation", "spikes", "spike", "distance", "angle",
             "split", "shift", "spread", "axes", "direction", "column_lo", "column_hi"}
    unknown = set(params) - known
    if unknown:
        raise ValueError(f"generate: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(known))}")
    options = dict(params, model=model, n=n, d=d, eps=eps, seed=seed, inliers=inliers)
    X, mu, inlier, info = _core.generate(options)
    return (X, mu, inlier, info) if return_info else (X, mu, inlier)


def models() -> Dict[str, List[Dict[str, str]]]:
    """The generators' models: {"corruption": [...], "inliers": [...]}, each a list of
    dicts with name, summary and parameters (the fields it reads, with their defaults)."""
    return _core.models()


def methods() -> List[Dict[str, Any]]:
    """The estimators: a list of dicts with name, summary, needs_eps, eps_min, eps_max,
    weights_rows, auto_eps and options (the options it reads besides method, eps, seed and
    threads)."""
    return _core.methods()
