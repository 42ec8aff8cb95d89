"""Array-API inputs (issue 12, section 6).

The cases under ``array_api_dispatch=True`` live in ``tests/array_api_cases.py``: they
need ``SCIPY_ARRAY_API=1`` before scipy is imported, so they run here in a subprocess
(a plain ``pytest`` run, as in the README and CI, runs them too). The cases with
dispatch off (scikit-learn's default) run in this process.
"""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from sknn import LogicGateNeuron, MLPClassifier, MLPRegressor
from sknn._array_api import input_namespace, to_namespace, to_numpy
from sknn.gates import NotLinearlySeparableWarning

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "array_api_cases.py"

xp_strict = pytest.importorskip("array_api_strict")


def _data():
    return make_classification(n_samples=60, n_features=5, random_state=0)


@pytest.mark.slow  # about a minute: every estimator in three namespaces
def test_dispatch_cases_pass_in_a_subprocess_with_scipy_array_api():
    env = {**os.environ, "SCIPY_ARRAY_API": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(CASES), "-q", "-rs", "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    report = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed and int(passed.group(1)) >= 40, report  # 44 without torch, 71 with it
    # Only the torch variants may skip, and only where torch is not installed.
    skips = [line for line in proc.stdout.splitlines() if line.startswith("SKIPPED")]
    assert all("torch" in line for line in skips), report


@pytest.mark.parametrize("convert", ["strict", "torch"])
def test_dispatch_off_converts_with_asarray_and_returns_numpy_as_sklearn_does(convert):
    if convert == "torch":
        torch = pytest.importorskip("torch")
        to = torch.asarray
    else:
        to = xp_strict.asarray
    X, y = _data()
    theirs = SkMLPClassifier(max_iter=20, random_state=0).fit(to(X), to(y))
    ours = MLPClassifier(max_iter=20, random_state=0).fit(to(X), to(y))
    reference = MLPClassifier(max_iter=20, random_state=0).fit(X, y)
    for method in ("predict", "predict_proba"):
        sk_out = getattr(theirs, method)(to(X))
        out = getattr(ours, method)(to(X))
        assert type(out) is type(sk_out) is np.ndarray
        assert_array_equal(out, getattr(reference, method)(X))


def test_boundary_helpers_do_nothing_with_dispatch_off():
    X = xp_strict.asarray(np.ones((2, 2)))
    assert input_namespace(X) is None
    assert to_namespace(np.ones(2), None).__class__ is np.ndarray
    assert to_numpy([1, 2]) == [1, 2]


def test_regressor_with_dispatch_off_returns_numpy_std():
    X, y = _data()
    est = MLPRegressor(max_iter=20, dropout=0.2, random_state=0).fit(X, y)
    mean, std = est.predict(xp_strict.asarray(X), mc_samples=3, return_std=True)
    assert type(mean) is type(std) is np.ndarray


def test_warnings_name_the_callers_line_through_the_boundary():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogicGateNeuron(max_iter=50).fit(X, [0, 1, 1, 0])  # XOR: not linearly separable
    found = [w for w in caught if issubclass(w.category, NotLinearlySeparableWarning)]
    assert found and found[0].filename == __file__
