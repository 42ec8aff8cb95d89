"""Saving and loading every sknn estimator: pickle/joblib round trips, the recorded
versions, and skops loading that trusts only sknn's own types.

Estimators are discovered from ``sknn.__all__``, so new ones are covered as they land;
``RECIPES`` says how to fit each on small data (unknown ones get a default by type).
"""

import io
import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, is_classifier
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn
from sknn._persistence import PersistenceMixin, SknnVersionWarning

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X[:150], (y[:150] - y.mean()) / y.std()


def _digit_images():
    X, y = load_digits(return_X_y=True)
    return X[:200].reshape(-1, 8, 8) / 16.0, y[:200]


def _quadrant_brightness():
    images, _ = _digit_images()
    return images, images[:, :4, :4].mean(axis=(1, 2))


def _gate():
    return np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 4), np.array([0, 0, 0, 1] * 4)


#: name -> (constructor parameters, data)
RECIPES = {
    "MLPClassifier": (dict(hidden_layer_sizes=(8,), max_iter=30), _iris),
    "MLPRegressor": (dict(hidden_layer_sizes=(8,), max_iter=30), _diabetes),
    "ConvNetClassifier": (dict(filters=(4,), dense_layers=(8,), max_iter=2), _digit_images),
    "ConvNetRegressor": (dict(filters=(4,), dense_layers=(8,), max_iter=2), _quadrant_brightness),
    "ThresholdPerceptron": (dict(), _iris),
    "LogicGateNeuron": (dict(), _gate),
}

ESTIMATORS = sorted(name for name in sknn.__all__
                    if isinstance(getattr(sknn, name), type)
                    and issubclass(getattr(sknn, name), BaseEstimator))


def fitted(name):
    cls = getattr(sknn, name)
    params, data = RECIPES.get(name, (dict(), None))
    if data is None:  # an estimator without a recipe yet: the default for its kind
        data = _iris if is_classifier(cls()) else _diabetes
    est = cls(**params)
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    X, y = data()
    return est.fit(X, y), X, y


def outputs(est, X):
    """Everything the estimator computes from X, for exact comparison."""
    methods = ("predict", "predict_proba", "decision_function", "transform")
    return {m: getattr(est, m)(X) for m in methods if hasattr(est, m)}


def assert_same_outputs(a, b, X):
    out_a, out_b = outputs(a, X), outputs(b, X)
    assert out_a.keys() == out_b.keys()
    for method in out_a:
        np.testing.assert_array_equal(out_a[method], out_b[method], err_msg=method)


def pickle_round_trip(obj):
    return pickle.loads(pickle.dumps(obj))


def joblib_round_trip(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def test_discovery_finds_the_mlps():
    assert {"MLPClassifier", "MLPRegressor"} <= set(ESTIMATORS)


# -- pickle and joblib --------------------------------------------------------------------
@pytest.mark.parametrize("round_trip", [pickle_round_trip, joblib_round_trip])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickle_and_joblib_keep_predictions_identical(name, round_trip):
    est, X, _ = fitted(name)
    assert_same_outputs(est, round_trip(est), X)


def test_pipeline_and_grid_search_round_trips():
    X, y = _iris()
    pipe = make_pipeline(StandardScaler(),
                         sknn.MLPClassifier((8,), max_iter=30, random_state=0)).fit(X, y)
    assert_same_outputs(pipe, joblib_round_trip(pipe), X)
    search = GridSearchCV(sknn.MLPClassifier(max_iter=20, random_state=0),
                          {"hidden_layer_sizes": [(4,), (8,)]}, cv=2).fit(X, y)
    loaded = joblib_round_trip(search)
    assert_same_outputs(search, loaded, X)
    assert loaded.best_params_ == search.best_params_


def test_a_loaded_model_trains_on_exactly_as_the_original():
    # The flat parameter buffer and the optimizer state must come back wired together.
    X, y = _iris()
    est = sknn.MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    loaded = pickle_round_trip(est)
    for model in (est, loaded):
        model.partial_fit(X, y)
    assert_same_outputs(est, loaded, X)


# -- recorded versions --------------------------------------------------------------------
def _version_cases():
    for name in ESTIMATORS:
        assert issubclass(getattr(sknn, name), PersistenceMixin), name
        yield pytest.param(name)


@pytest.mark.parametrize("name", list(_version_cases()))
def test_saved_state_records_the_versions_and_other_versions_warn(name, monkeypatch):
    est, _, _ = fitted(name)
    state = est.__getstate__()
    assert state["_sknn_version"] == sknn.__version__
    blob = pickle.dumps(est)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SknnVersionWarning)
        same = pickle.loads(blob)  # same versions: silent
    assert not hasattr(same, "_sknn_version")  # consumed on load, not an attribute
    saved_version = sknn.__version__
    monkeypatch.setattr(sknn, "__version__", "99.0")
    with pytest.warns(SknnVersionWarning, match=rf"saved with sknn {saved_version}, .* "
                                                r"loaded with sknn 99\.0"):
        pickle.loads(blob)


def test_fit_time_machinery_is_not_saved():
    est, X, _ = fitted("MLPClassifier")
    # As when a checkpoint saves mid-fit: the callback context (here an unpicklable
    # stand-in) belongs to the running fit and must not reach the file.
    est._callback_fit_ctx = lambda: None
    loaded = pickle_round_trip(est)
    assert not hasattr(loaded, "_callback_fit_ctx")
    assert_same_outputs(est, loaded, X)


# -- skops --------------------------------------------------------------------------------
skops_io = pytest.importorskip("skops.io")


def test_trusted_types_are_sknn_classes_only():
    assert sknn.TRUSTED_TYPES == sknn.io.TRUSTED_TYPES
    for name in sknn.TRUSTED_TYPES:
        module, _, qualname = name.rpartition(".")
        assert module.startswith("sknn.")
        assert isinstance(getattr(__import__(module, fromlist=["_"]), qualname), type)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_skops_round_trip_trusting_only_sknn_types(name):
    est, X, _ = fitted(name)
    blob = skops_io.dumps(est)
    untrusted = skops_io.get_untrusted_types(data=blob)
    assert untrusted and all(t.startswith("sknn.") for t in untrusted), untrusted
    assert set(untrusted) <= set(sknn.TRUSTED_TYPES)
    assert_same_outputs(est, skops_io.loads(blob, trusted=sknn.TRUSTED_TYPES), X)


@pytest.mark.parametrize("params", [
    dict(batch_norm=True), dict(dropout=0.2), dict(wide_and_deep=True),
    dict(solver="lbfgs"), dict(solver="sgd", learning_rate="adaptive"),
    dict(early_stopping=True), dict(solver="rmsprop", learning_rate="cosine"),
    dict(kernel_initializer="he_normal", max_norm=2.0, l1=1e-4),
], ids=str)
def test_skops_round_trips_mlp_variants(params):
    # Optional layers and optimizers carry their own state: it must stay plain too.
    X, y = _iris()
    est = sknn.MLPClassifier((8,), max_iter=5, random_state=0, **params).fit(X, y)
    blob = skops_io.dumps(est)
    assert set(skops_io.get_untrusted_types(data=blob)) <= set(sknn.TRUSTED_TYPES)
    assert_same_outputs(est, skops_io.loads(blob, trusted=sknn.TRUSTED_TYPES), X)


def test_skops_pipeline_and_search_load_with_sknn_io(tmp_path):
    X, y = _iris()
    pipe = make_pipeline(StandardScaler(), sknn.MLPClassifier(max_iter=10, random_state=0))
    search = GridSearchCV(pipe, {"mlpclassifier__hidden_layer_sizes": [(4,), (8,)]}, cv=2)
    search.fit(X, y)
    sknn.io.save(search.best_estimator_, tmp_path / "pipe.skops")
    assert_same_outputs(search, sknn.io.load(tmp_path / "pipe.skops"), X)
    # A whole search also holds scikit-learn helpers that skops does not trust by
    # default (its scorer, its CV splitter): the caller names them explicitly.
    sknn.io.save(search, tmp_path / "search.skops")
    extra = [t for t in skops_io.get_untrusted_types(file=tmp_path / "search.skops")
             if not t.startswith("sknn.")]
    assert extra and all(t.startswith("sklearn.") for t in extra)
    assert_same_outputs(search, sknn.io.load(tmp_path / "search.skops", trusted=extra), X)


def test_skops_saves_a_model_with_sknn_callbacks_attached(tmp_path):
    from sknn.callbacks import CSVLogger, EarlyStopping

    X, y = _iris()
    est = sknn.MLPClassifier((4,), max_iter=5, random_state=0)
    est.set_callbacks(EarlyStopping(patience=2), CSVLogger(tmp_path / "log.csv")).fit(X, y)
    blob = skops_io.dumps(est)
    assert set(skops_io.get_untrusted_types(data=blob)) <= set(sknn.TRUSTED_TYPES)
    loaded = skops_io.loads(blob, trusted=sknn.TRUSTED_TYPES)
    assert_same_outputs(est, loaded, X)
    assert loaded._skl_callbacks[1].path == str(tmp_path / "log.csv")


def test_skops_refuses_without_the_trusted_list():
    est, _, _ = fitted("MLPClassifier")
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException):
        skops_io.loads(skops_io.dumps(est))


def _tamper(blob, old_type, new_module, new_class):
    """Rename every node of type ``old_type`` in a skops file's schema."""
    src, out = zipfile.ZipFile(io.BytesIO(blob)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "schema.json":
                module, _, cls = old_type.rpartition(".")
                text = data.decode().replace(f'"__module__": "{module}"', f'"__module__": "{new_module}"')
                data = text.replace(f'"__class__": "{cls}"', f'"__class__": "{new_class}"').encode()
                assert json.loads(data)  # still a well-formed file, only the types differ
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("module, cls", [("subprocess", "Popen"), ("builtins", "eval"),
                                         ("sknn_evil.layers", "Dense")])
def test_a_tampered_file_naming_other_types_is_refused(tmp_path, module, cls):
    est, _, _ = fitted("MLPClassifier")
    bad = _tamper(skops_io.dumps(est), "sknn.nn.layers.dense.Dense", module, cls)
    assert f"{module}.{cls}" in skops_io.get_untrusted_types(data=bad)
    (tmp_path / "bad.skops").write_bytes(bad)
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException, match=module):
        sknn.io.load(tmp_path / "bad.skops")
