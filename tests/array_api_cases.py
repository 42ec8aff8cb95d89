"""Array-API inputs under ``array_api_dispatch=True`` (issue 12, section 6).

scikit-learn's dispatch needs ``SCIPY_ARRAY_API=1`` before scipy is first imported, so
these cases cannot run inside the main pytest process (which has imported scipy long
before any test body runs). ``tests/test_array_api.py`` runs this file in a subprocess
with the variable set; to run it alone::

    SCIPY_ARRAY_API=1 pytest tests/array_api_cases.py

The torch cases skip when torch is absent (torch is never a dependency of sknn).
"""

import inspect
import io
import os

import joblib
import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.datasets import make_classification
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._array_api import move_to
from sklearn.utils.estimator_checks import check_array_api_input, check_array_api_mixed_inputs

import sknn
from sknn import (
    ConvNetClassifier,
    ConvNetRegressor,
    LogicGateNeuron,
    MLPClassifier,
    MLPRegressor,
    ThresholdPerceptron,
)
from sknn._array_api import BOUNDARY_METHODS

if os.environ.get("SCIPY_ARRAY_API") != "1":
    pytest.skip("needs SCIPY_ARRAY_API=1 before scipy is imported; tests/test_array_api.py "
                "runs this file in a subprocess with it", allow_module_level=True)

xp_strict = pytest.importorskip("array_api_strict")

#: One small configuration of every public sknn estimator (a new estimator must be added:
#: test_every_public_estimator_has_a_case fails until it is).
CASES = {
    MLPClassifier: lambda: MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
    MLPRegressor: lambda: MLPRegressor(hidden_layer_sizes=(8,), max_iter=20, dropout=0.1,
                                       random_state=0),
    ConvNetClassifier: lambda: ConvNetClassifier(filters=(4,), dense_layers=(8,), max_iter=3, batch_size=32,
                                                 random_state=0),
    ConvNetRegressor: lambda: ConvNetRegressor(filters=(4,), dense_layers=(8,), max_iter=3,
                                               batch_size=32, dropout=0.1, random_state=0),
    LogicGateNeuron: lambda: LogicGateNeuron(),
    ThresholdPerceptron: lambda: ThresholdPerceptron(random_state=0),
}
ESTIMATORS = [pytest.param(make, id=cls.__name__) for cls, make in CASES.items()]

#: (namespace, device, dtype) of X; torch variants skip without torch.
NAMESPACES = [
    pytest.param(("array_api_strict", None, "float64"), id="strict-cpu-float64"),
    pytest.param(("array_api_strict", "device1", "float32"), id="strict-device1-float32"),
    pytest.param(("torch", "cpu", "float64"), id="torch-cpu-float64"),
    pytest.param(("torch", "cpu", "float32"), id="torch-cpu-float32"),
]

PREDICTING = ("predict", "predict_proba", "predict_log_proba", "decision_function",
              "transform", "score_samples")


def _namespace(name, device):
    """(module, device object) for a namespace name; skips when it is not installed."""
    xp = pytest.importorskip(name)
    if name == "array_api_strict":
        return xp, xp.Device(device) if device else xp.Device("CPU_DEVICE")
    return xp, xp.device(device)


def _to(xp, device, array):
    return xp.asarray(np.asarray(array), device=device)


def _numpy(array):
    with sklearn.config_context(array_api_dispatch=True):
        return move_to(array, xp=np, device="cpu")


def _data(dtype="float64", n=60):
    X, y = make_classification(n_samples=n, n_features=6, random_state=0)
    return X.astype(dtype), y


def _targets(est, y, X):
    """Class labels for classifiers, a continuous target (X's dtype) for regressors."""
    return y if is_classifier(est) else (X[:, 0] + 2 * y).astype(X.dtype)


def _assert_in(out, xp, device, expected):
    """``out`` is an array of ``xp`` on ``device`` equal (value and dtype) to ``expected``."""
    assert type(out) is type(xp.asarray(0)), f"{type(out)} is not an array of {xp.__name__}"
    assert out.device == device
    out_np = _numpy(out)
    assert out_np.dtype == expected.dtype
    assert_array_equal(out_np, expected)


def test_every_public_estimator_has_a_case():
    public = {obj for name in sknn.__all__ if inspect.isclass(obj := getattr(sknn, name))
              and issubclass(obj, BaseEstimator)}
    assert public == set(CASES)


@pytest.mark.parametrize("ns", NAMESPACES)
@pytest.mark.parametrize("make", ESTIMATORS)
def test_outputs_in_the_input_namespace_equal_the_numpy_outputs(make, ns):
    xp, device = _namespace(*ns[:2])
    X, y = _data(ns[2])
    y = _targets(make(), y, X)
    reference = make().fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        est = make().fit(_to(xp, device, X), _to(xp, device, y))
        X_xp, y_xp = _to(xp, device, X), _to(xp, device, y)
        methods = [m for m in PREDICTING if hasattr(est, m)]
        outputs = {m: getattr(est, m)(X_xp) for m in methods}
        score = est.score(X_xp, y_xp)
    assert "predict" in methods
    for method, out in outputs.items():
        _assert_in(out, xp, device, getattr(reference, method)(X))
    assert isinstance(score, float) and score == reference.score(X, y)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_fitted_attributes_stay_numpy(make):
    xp, device = _namespace("array_api_strict", None)
    X, y = _data()
    with sklearn.config_context(array_api_dispatch=True):
        est = make().fit(_to(xp, device, X), _to(xp, device, _targets(make(), y, X)))
    arrays = {k: v for k, v in vars(est).items() if hasattr(v, "__array_namespace__")}
    assert all(isinstance(v, np.ndarray) for v in arrays.values()), list(arrays)
    for name in ("coef_", "coefs_", "intercept_", "intercepts_", "classes_"):
        if hasattr(est, name):
            value = getattr(est, name)
            parts = value if isinstance(value, list) else [value]
            assert all(isinstance(p, (np.ndarray, float)) for p in parts), name
    # and so a model fitted on one namespace predicts on NumPy (and others) too
    with sklearn.config_context(array_api_dispatch=True):
        pred = est.predict(X)
    assert isinstance(pred, np.ndarray)


@pytest.mark.parametrize("make", ESTIMATORS)
def test_partial_fit_takes_namespace_arrays(make):
    xp, device = _namespace("array_api_strict", None)
    X, y = _data()
    y = _targets(make(), y, X)
    extra = {"classes": np.unique(y)} if is_classifier(make()) else {}
    reference = make()
    with sklearn.config_context(array_api_dispatch=True):
        est = make()
        for _ in range(2):
            reference.partial_fit(X, y, **extra)
            est.partial_fit(_to(xp, device, X), _to(xp, device, y),
                            **{k: _to(xp, device, v) for k, v in extra.items()})
        pred = est.predict(_to(xp, device, X))
    _assert_in(pred, xp, device, reference.predict(X))


@pytest.mark.parametrize("ns", NAMESPACES[::2])
def test_monte_carlo_mean_and_std_in_the_input_namespace(ns):
    xp, device = _namespace(*ns[:2])
    X, y = _data(ns[2])
    y = X[:, 0] + y
    reference = CASES[MLPRegressor]().fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        est = CASES[MLPRegressor]().fit(_to(xp, device, X), _to(xp, device, y))
        mean, std = est.predict(_to(xp, device, X), mc_samples=5, return_std=True)
    ref_mean, ref_std = reference.predict(X, mc_samples=5, return_std=True)
    _assert_in(mean, xp, device, ref_mean)
    _assert_in(std, xp, device, ref_std)


@pytest.mark.parametrize("ns", NAMESPACES)
def test_attributions_in_the_input_namespace_equal_the_numpy_ones(ns):
    from sknn.inspection import gradient_x_input, integrated_gradients, saliency

    xp, device = _namespace(*ns[:2])
    X, y = _data(ns[2])
    est = CASES[MLPClassifier]().fit(X, y)
    baseline = np.full(X.shape[1], 0.5, dtype=X.dtype)
    with sklearn.config_context(array_api_dispatch=True):
        Xn, base_n = _to(xp, device, X[:5]), _to(xp, device, baseline)
        got = [saliency(est, Xn, target=1), gradient_x_input(est, Xn, target=1),
               integrated_gradients(est, Xn, baseline=base_n, n_steps=8, target=1)]
    expected = [saliency(est, X[:5], target=1), gradient_x_input(est, X[:5], target=1),
                integrated_gradients(est, X[:5], baseline=baseline, n_steps=8, target=1)]
    for out, ref in zip(got, expected):
        _assert_in(out, xp, device, ref)


def test_string_labels_come_back_as_numpy_and_probabilities_in_the_namespace():
    xp, device = _namespace("array_api_strict", None)
    X, y = _data()
    labels = np.array(["cat", "dog"])[y]
    with sklearn.config_context(array_api_dispatch=True):
        est = CASES[MLPClassifier]().fit(_to(xp, device, X), labels)
        pred = est.predict(_to(xp, device, X))
        proba = est.predict_proba(_to(xp, device, X))
    assert isinstance(pred, np.ndarray) and pred.dtype.kind == "U"
    assert set(pred) <= {"cat", "dog"}
    assert type(proba) is type(xp.asarray(0))


def test_mixed_namespaces_follow_x():
    xp, device = _namespace("array_api_strict", None)
    torch = pytest.importorskip("torch")
    X, y = _data()
    weights = np.linspace(0.5, 1.5, len(y))
    reference = CASES[MLPClassifier]().fit(X, y, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        est = CASES[MLPClassifier]().fit(_to(xp, device, X), torch.asarray(y),
                                         sample_weight=torch.asarray(weights))
        from_strict = est.predict_proba(_to(xp, device, X))
        from_numpy = est.predict_proba(X)
    _assert_in(from_strict, xp, device, reference.predict_proba(X))
    assert isinstance(from_numpy, np.ndarray)
    assert_array_equal(from_numpy, reference.predict_proba(X))


@pytest.mark.parametrize("ns", NAMESPACES[::2])
def test_pipeline_with_scikit_learns_array_api_transformers(ns):
    xp, device = _namespace(*ns[:2])
    X, y = _data(ns[2], n=90)

    def pipeline():
        return make_pipeline(StandardScaler(), PCA(n_components=4, svd_solver="full"),
                             CASES[MLPClassifier]())

    reference = pipeline().fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        pipe = pipeline().fit(_to(xp, device, X), _to(xp, device, y))
        proba = pipe.predict_proba(_to(xp, device, X))
        pred = pipe.predict(_to(xp, device, X))
    assert type(pipe[1].components_) is type(xp.asarray(0))  # PCA ran in the namespace
    assert type(proba) is type(pred) is type(xp.asarray(0))
    # StandardScaler and PCA compute in the namespace, so only rounding may differ
    assert_allclose(_numpy(proba), reference.predict_proba(X), atol=1e-6)
    assert (_numpy(pred) == reference.predict(X)).mean() >= 0.95


@pytest.mark.parametrize("ns", NAMESPACES[::2])
def test_grid_search_and_clone(ns):
    xp, device = _namespace(*ns[:2])
    X, y = _data(n=90)
    grid = {"alpha": [1e-4, 1e-1]}
    reference = GridSearchCV(CASES[MLPClassifier](), grid, cv=3).fit(X, y)
    with sklearn.config_context(array_api_dispatch=True):
        X_xp, y_xp = _to(xp, device, X), _to(xp, device, y)
        search = GridSearchCV(CASES[MLPClassifier](), grid, cv=3).fit(X_xp, y_xp)
        pred = search.predict(X_xp)
        refit = clone(search.best_estimator_).fit(X_xp, y_xp)
    assert_array_equal(search.cv_results_["mean_test_score"],
                       reference.cv_results_["mean_test_score"])
    _assert_in(pred, xp, device, reference.predict(X))
    assert_array_equal(refit.predict(X), reference.best_estimator_.predict(X))


def test_bad_namespace_input_is_refused_naming_it():
    torch = pytest.importorskip("torch")
    X, y = _data()
    with sklearn.config_context(array_api_dispatch=True):
        est = CASES[MLPClassifier]()
        with pytest.raises(TypeError, match=r"^X \(torch.Tensor\) could not be copied.*grad"):
            est.fit(torch.asarray(X).requires_grad_(True), torch.asarray(y))
        with pytest.raises(ValueError, match="Input X contains NaN"):
            est.fit(torch.asarray(np.full_like(X, np.nan)), torch.asarray(y))
        est.fit(torch.asarray(X), torch.asarray(y))
        with pytest.raises(TypeError, match=r"^sample_weight \(torch.Tensor\)"):
            est.fit(X, y, sample_weight=torch.ones(len(y), requires_grad=True))


@pytest.mark.parametrize("make", ESTIMATORS)
def test_joblib_and_skops_round_trips_of_a_model_fitted_on_namespace_arrays(make, tmp_path):
    xp, device = _namespace("array_api_strict", None)
    X, y = _data()
    y = _targets(make(), y, X)
    with sklearn.config_context(array_api_dispatch=True):
        est = make().fit(_to(xp, device, X), _to(xp, device, y))
        buffer = io.BytesIO()
        joblib.dump(est, buffer)
        buffer.seek(0)
        copies = [joblib.load(buffer)]
        if _has_skops():
            sknn.io.save(est, tmp_path / "model.skops")
            copies.append(sknn.io.load(tmp_path / "model.skops"))
        expected = _numpy(est.predict(_to(xp, device, X)))
        for copy in copies:
            _assert_in(copy.predict(_to(xp, device, X)), xp, device, expected)


def _has_skops():
    try:
        import skops  # noqa: F401
    except ImportError:
        return False
    return True


def test_every_boundary_method_of_every_estimator_converts():
    """A method added later (a transform, a new estimator's predict) is wrapped too."""
    for cls in CASES:
        for name in BOUNDARY_METHODS:
            method = inspect.getattr_static(cls, name, None)
            if method is None or isinstance(method, property):
                continue
            fn = getattr(method, "fn", method)  # available_if keeps the method in fn
            assert getattr(fn, "_array_api_boundary", False), f"{cls.__name__}.{name}"


# -- scikit-learn's own array-API checks ---------------------------------------------------
@pytest.mark.parametrize("make", ESTIMATORS)
def test_sklearn_check_with_numpy_under_dispatch(make):
    # What parametrize_with_checks yields for estimators that compute in NumPy (it skips
    # there when SCIPY_ARRAY_API is unset, as in the main test run).
    est = make()
    check_array_api_input(type(est).__name__, est, array_namespace="numpy",
                          expect_only_array_outputs=False)


# The perceptron keeps coef_ and intercept_ as NumPy instance attributes, which these
# checks require in X's namespace (sknn's documented choice: fitted attributes stay
# NumPy); the networks expose theirs as properties of network_, so the checks test only
# their outputs. test_outputs_in_the_input_namespace_equal_the_numpy_outputs checks the
# perceptron's outputs the same way.
NETWORKS = [p for p in ESTIMATORS if p.id != "ThresholdPerceptron"]


@pytest.mark.parametrize("ns", NAMESPACES)
@pytest.mark.parametrize("make", NETWORKS)
def test_sklearn_check_array_api_input(make, ns):
    est = make()
    pytest.importorskip(ns[0])
    check_array_api_input(type(est).__name__, est, array_namespace=ns[0],
                          device_name=ns[1], dtype_name=ns[2])


@pytest.mark.parametrize("make", NETWORKS)
def test_sklearn_check_array_api_mixed_inputs(make):
    from sklearn.utils._array_api import yield_mixed_namespace_input_permutations

    pytest.importorskip("torch")
    est = make()
    ran = 0
    for other, x_ns, _ in yield_mixed_namespace_input_permutations():
        if x_ns.xp == "torch" and x_ns.device == "cpu":  # the pair without a GPU
            check_array_api_mixed_inputs(type(est).__name__, est, X_ns_and_device=x_ns,
                                         other_ns_and_device=other)
            ran += 1
    assert ran == 1


def test_the_user_guide_block_runs_and_returns_what_it_says():
    from test_docs_code import DOCS, code_blocks

    page = DOCS / "coming_from_sklearn.rst"
    blocks = [code for _, code, reason in code_blocks(page.read_text())
              if reason and "SCIPY_ARRAY_API" in reason]
    assert len(blocks) == 1
    namespace = {"__name__": "__docs__"}
    try:
        exec(compile(blocks[0], f"{page.name} (array-API block)", "exec"), namespace)
    finally:
        sklearn.set_config(array_api_dispatch=False)
    xp = namespace["xp"]
    assert type(namespace["proba"]) is type(xp.asarray(0))
    assert tuple(namespace["proba"].shape) == (150, 3)
    assert isinstance(namespace["labels"], np.ndarray)
