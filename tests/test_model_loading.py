"""Loading saved models: whatever callbacks a fit ran with, and files that were tampered with.

Issue 9: a model saved with ``sknn.io.save`` after ``set_callbacks(ProgressBar())`` could
not be loaded; a skops file whose weights were replaced by NaNs, or cut short, loaded
and predicted NaN (or failed inside NumPy).
"""

import io
import json
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn
from sknn.callbacks import CSVLogger, EarlyStopping, ModelCheckpoint

skops_io = pytest.importorskip("skops.io")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def sklearn_callbacks(tmp_path):
    pytest.importorskip("rich")  # scikit-learn's ProgressBar draws with rich
    return [ProgressBar(), ScoringMonitor(scoring="accuracy")]


def sknn_callbacks(tmp_path):
    return [EarlyStopping("loss", patience=2), CSVLogger(tmp_path / "log.csv"),
            ModelCheckpoint(tmp_path / "best.joblib", monitor="loss")]  # fmt: skip


@pytest.mark.parametrize("callbacks", [sklearn_callbacks, sknn_callbacks])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_a_model_saved_with_callbacks_attached_loads(tmp_path, callbacks, in_pipeline):
    X, y = iris()
    clf = sknn.MLPClassifier((4,), solver="sgd", max_iter=5, random_state=0)
    model = make_pipeline(StandardScaler(), clf) if in_pipeline else clf
    # scikit-learn's callbacks go on the outermost estimator, sknn's on the sknn one
    holder = model if callbacks is sklearn_callbacks else clf
    attached = callbacks(tmp_path)
    holder.set_callbacks(*attached)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    sknn.io.save(model, tmp_path / "model.skops")
    loaded = sknn.io.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    parts = [loaded, *(step for _, step in loaded.steps)] if in_pipeline else [loaded]
    assert not any(hasattr(part, "_skl_callbacks") for part in parts)  # saved without them
    assert holder._skl_callbacks == attached  # saving leaves the caller's estimator alone
    joblib.dump(model, tmp_path / "model.joblib")  # joblib keeps working, callbacks and all
    again = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_a_model_without_callbacks_is_saved_as_is(tmp_path, monkeypatch):
    import copy

    X, y = iris()
    clf = sknn.MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    monkeypatch.setattr(copy, "deepcopy", None)  # no copy is made when none is needed
    sknn.io.save(clf, tmp_path / "m.skops")
    np.testing.assert_array_equal(sknn.io.load(tmp_path / "m.skops").predict(X), clf.predict(X))


# -- from_weights: weights from outside a fit ------------------------------------------
GOOD = ([np.ones((4, 3)), np.ones((3, 3))], [np.ones(3), np.ones(3)])
BAD_WEIGHTS = {
    "no layers": (([], []), ValueError, "one array per layer.*0 coefs and 0 intercepts"),
    "1-D coef": (([np.ones(4), np.ones((3, 3))], GOOD[1]), ValueError, r"coefs\[0\] must be a 2-D"),
    "1-D coefs, 1-D intercepts": (([np.ones(4), np.ones(3)], GOOD[1]), ValueError, r"coefs\[0\]"),
    "2-D intercept": ((GOOD[0], [np.ones(3), np.ones((1, 3))]), ValueError, r"intercepts\[1\] must be a 1-D"),
    "NaN coef": (([np.ones((4, 3)), np.full((3, 3), np.nan)], GOOD[1]), ValueError, r"coefs\[1\] holds NaN"),
    "inf intercept": ((GOOD[0], [np.array([0, np.inf, 0]), np.ones(3)]), ValueError, r"intercepts\[0\] holds NaN or inf"),
    "strings": (([np.full((4, 3), "a"), np.ones((3, 3))], GOOD[1]), TypeError, r"coefs\[0\] must hold real numbers"),
    "complex": ((GOOD[0], [np.ones(3, complex), np.ones(3)]), TypeError, r"intercepts\[0\] must hold real"),
    "widths do not chain": (([np.ones((4, 3)), np.ones((5, 3))], GOOD[1]), ValueError, r"coefs\[1\] has shape \(5, 3\)"),
    "intercept width": ((GOOD[0], [np.ones(2), np.ones(3)]), ValueError, r"intercepts\[0\] has 2 values"),
    "count": ((GOOD[0], GOOD[1][:1]), ValueError, "2 coefs and 1 intercepts"),
    "ragged": (([[[1, 2], [3]], np.ones((3, 3))], GOOD[1]), ValueError, r"coefs\[0\] must be a 2-D.*ragged"),
}


@pytest.mark.parametrize("case", BAD_WEIGHTS)
@pytest.mark.parametrize("build", [
    lambda c, b: sknn.MLPClassifier.from_weights(c, b, classes=[0, 1, 2]),
    lambda c, b: sknn.MLPRegressor.from_weights(c, b),
], ids=["MLPClassifier", "MLPRegressor"])
def test_from_weights_checks_the_weights(build, case):
    (coefs, intercepts), error, match = BAD_WEIGHTS[case]
    with pytest.raises(error, match=match):
        build(coefs, intercepts)


def test_from_weights_still_builds_working_models():
    X = np.random.RandomState(0).rand(5, 4)
    clf = sknn.MLPClassifier.from_weights(*GOOD, classes=[0, 1, 2])
    reg = sknn.MLPRegressor.from_weights([[[1.0], [2.0], [0.0], [1.0]]], [[0.5]])  # lists, ints
    assert clf.predict(X).shape == (5,) and np.isfinite(reg.predict(X)).all()


@pytest.mark.parametrize("coef, intercept, error, match", [
    ([np.nan, 1.0], 0.0, ValueError, r"coef \(theta1.*NaN"),
    ([1.0, 1.0], np.inf, ValueError, r"intercept \(theta0\) holds NaN"),
    (["a", "b"], 0.0, TypeError, "coef .* real numbers"),
    ([1.0, 1.0], "x", TypeError, "intercept .* real numbers"),
    ([[1.0, 1.0]], 0.0, ValueError, "must be a 1-D"),
    ([], 0.0, ValueError, "no entries"),
    ([1.0, 1.0], [1.0, 2.0], ValueError, "intercept .* single number"),
])
def test_gate_from_weights_checks_the_weights(coef, intercept, error, match):
    with pytest.raises(error, match=match):
        sknn.LogicGateNeuron.from_weights(coef, intercept)


# -- tampered skops files --------------------------------------------------------------
def _npy_bytes(array):
    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def _array_file(node, owner):
    """Name of the .npy member holding ``owner``'s array in a skops schema (depth first)."""
    if isinstance(node, dict):
        content = node.get("content")
        if isinstance(content, dict) and owner[0] in content:
            rest = owner[1:]
            target = content[owner[0]]
            return target["file"] if not rest else _array_file(target, rest)
        for value in node.values():
            found = _array_file(value, owner)
            if found:
                return found
    if isinstance(node, list):
        for value in node:
            found = _array_file(value, owner)
            if found:
                return found
    return None


def tampered(blob, owner, change):
    """The skops file ``blob`` with the array at attribute path ``owner`` replaced by
    ``change(array)``, its schema and other members untouched."""
    src, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    name = _array_file(json.loads(src.read("schema.json")), owner)
    assert name, f"no array at {owner}"
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == name:
                data = _npy_bytes(change(np.load(io.BytesIO(data), allow_pickle=False)))
            dst.writestr(item, data)
    return out.getvalue()


CHANGES = {
    "NaN weights": (lambda a: np.full_like(a, np.nan), "NaN or infinite"),
    "one entry short": (lambda a: a[:-1], "values where the layers need|shapes"),
    "strings": (lambda a: a.astype(str), "not floating-point"),
    "one column short": (lambda a: a[:, :-1] if a.ndim == 2 else a[:-1], "shapes"),
}


def fitted_models():
    X, y = iris()
    return {
        "MLPClassifier": (sknn.MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y), ("network_", "params")),
        "ThresholdPerceptron": (sknn.ThresholdPerceptron(max_iter=5).fit(X, y), ("coef_",)),
        "LogicGateNeuron": (sknn.LogicGateNeuron(max_iter=5).fit(X[:100], y[:100]), ("network_", "params")),
    }


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("name", ["MLPClassifier", "ThresholdPerceptron", "LogicGateNeuron"])
def test_a_tampered_skops_file_is_reported_corrupt(tmp_path, name, change):
    model, owner = fitted_models()[name]
    edit, match = CHANGES[change]
    if change == "one column short" and owner[-1] == "params":
        pytest.skip("the network keeps its weights in one flat buffer: covered by 'one entry short'")
    bad = tampered(skops_io.dumps(model), owner, edit)
    (tmp_path / "bad.skops").write_bytes(bad)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=rf"The saved {name} is corrupt: .*({match})"):
            sknn.io.load(tmp_path / "bad.skops")


@pytest.mark.parametrize("name", ["MLPClassifier", "ThresholdPerceptron"])
def test_pickle_loading_runs_the_same_check(name):
    import pickle

    model, owner = fitted_models()[name]
    target = model.network_ if owner[0] == "network_" else model
    getattr(target, owner[-1])[...] = np.nan
    with pytest.raises(ValueError, match=f"The saved {name} is corrupt"):
        pickle.loads(pickle.dumps(model))


def test_an_intact_file_loads(tmp_path):
    for name, (model, _) in fitted_models().items():
        sknn.io.save(model, tmp_path / f"{name}.skops")
        loaded = sknn.io.load(tmp_path / f"{name}.skops")
        X = iris()[0]
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
