"""Property-based: every public estimator obeys the rule on hostile input (issue 9).

The rule (see ``_hostile_rule.run``): a call either succeeds, with finite outputs of
the right shape and dtype, finite fitted parameters and the caller's arrays untouched,
or raises ValueError/TypeError whose message names the input or parameter. Never
another exception, a numpy RuntimeWarning, a numpy-internal message, an absurd
allocation or a hang.

Hypothesis draws the inputs (``_hostile_strategies``) and hyperparameters
(``_hostile_estimators``). Runs are reproducible and write nothing to disk
(``derandomize=True``, no example database); ``SKNN_HOSTILE_EXAMPLES`` raises the
number of examples per property for a deeper local search.
"""

import inspect
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sklearn.base import is_classifier

import sknn
from sknn import _sizes

from _hostile_estimators import (
    HOSTILE_PARAMS,
    SMALL,
    check_fitted,
    check_output,
    fitted_parameters,
    hostile_params,
    make,
    public_estimators,
)
from _hostile_rule import MEMORY_BUDGET, REFUSED, assert_finite_float, memory_limit, run
from _hostile_strategies import dense_arrays, hostile_sample_weight, hostile_X, hostile_y

ESTIMATORS = public_estimators()
N_FEATURES = 3  # of the clean data the hostile part is combined with

HOSTILE = settings(
    max_examples=int(os.environ.get("SKNN_HOSTILE_EXAMPLES", 100)),
    # SKNN_HOSTILE_SHRINK=0 reports failures unshrunk (faster when exploring many)
    phases=[p for p in Phase if os.environ.get("SKNN_HOSTILE_SHRINK", "1") == "1"
            or p is not Phase.shrink],
    deadline=None,  # 2 shared cores: timing varies; hangs are caught per call instead
    derandomize=True, database=None, print_blob=False,
    suppress_health_check=list(HealthCheck),
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning"),  # the rule concerns RuntimeWarning
    # a thread, not SIGALRM: the rule's per-call time limit uses the alarm signal
    pytest.mark.timeout(300, method="thread"),
]


@pytest.fixture(scope="module", autouse=True)
def _bounded_memory():
    """Whatever a generated example declares, this module never takes the machine's
    memory (shared with other processes): an absurd allocation fails as MemoryError.
    sknn's size checks are told the same budget, so what they let through fits in it."""
    with memory_limit(6 * 2**30), pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sizes, "available_memory", lambda: MEMORY_BUDGET)
        yield


def clean_X(n, n_features=N_FEATURES):
    return np.random.default_rng(n).normal(size=(n, n_features))


def clean_y(name, n):
    est = make(name)
    return np.arange(n) % 2 if is_classifier(est) else np.linspace(-1.0, 1.0, n)


def _methods(est):
    return [m for m in ("predict", "predict_proba", "decision_function", "transform")
            if hasattr(est, m)]


def check_calls_after_fit(est, X, y, n):
    """A model that fitted X predicts X; every prediction method obeys the rule."""
    check_fitted(est)
    names = tuple(est.get_params())
    for method in _methods(est):
        out = run(lambda: getattr(est, method)(X), watched={"X": X}, names=names)
        assert method != "predict" or out is not REFUSED, "fitted on X, refused to predict X"
        if out is not REFUSED:
            check_output(est, method, out, n)
    out = run(lambda: est.score(X, y), watched={"X": X, "y": y}, names=names)
    if out is not REFUSED:
        check_output(est, "score", out, n)


def fit_under_rule(est, X, y, **kw):
    """``est.fit(X, y, **kw)`` under the rule; True if it succeeded (and was checked)."""
    out = run(lambda: est.fit(X, y, **kw), watched={"X": X, "y": y, **kw},
              names=tuple(est.get_params()))
    if out is REFUSED:
        return False
    assert out is est
    return True


def fit_and_check(est, X, y, n, **kw):
    """Fit under the rule; if the fit succeeded, check the model and its predictions."""
    if fit_under_rule(est, X, y, **kw):
        check_calls_after_fit(est, X, y, n)


def test_every_public_estimator_is_covered():
    assert ESTIMATORS == sorted(SMALL) == sorted(HOSTILE_PARAMS)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_fit_hostile_X(name, data):
    X, n = data.draw(hostile_X(), label="X")
    fit_and_check(make(name), X, clean_y(name, n), n)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_fit_hostile_y(name, data):
    n = data.draw(st.integers(0, 9), label="n")
    fit_and_check(make(name), clean_X(n), data.draw(hostile_y(n), label="y"), n)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_fit_hostile_sample_weight(name, data):
    n = data.draw(st.integers(1, 9), label="n")
    w = data.draw(hostile_sample_weight(n), label="sample_weight")
    fit_and_check(make(name), clean_X(n), clean_y(name, n), n, sample_weight=w)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_fit_hostile_hyperparameters(name, data):
    params = data.draw(hostile_params(name), label="params")
    n = data.draw(st.sampled_from([2, 10, 20]), label="n")
    scale = data.draw(st.sampled_from([1.0, 1e-150, 1e150]), label="X scale")
    fit_and_check(make(name, **params), clean_X(n) * scale, clean_y(name, n), n)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_refit_hostile(name, data):
    """warm_start fit or partial_fit after a fit, on other features/classes/dtypes."""
    est = make(name, warm_start=True)
    X0, y0 = clean_X(8), clean_y(name, 8)
    assert fit_under_rule(est, X0, y0)
    n = data.draw(st.integers(0, 9), label="n")
    f = data.draw(st.sampled_from([N_FEATURES, N_FEATURES, 1, 5]), label="n_features")
    X = data.draw(hostile_X(n_rows=n, n_features=f, huge=False), label="X")[0]
    y = data.draw(st.one_of(st.just(clean_y(name, n)), hostile_y(n)), label="y")
    method = data.draw(st.sampled_from(["fit", "partial_fit"]), label="method")
    if not hasattr(est, method):
        return
    out = run(lambda: getattr(est, method)(X, y), watched={"X": X, "y": y},
              names=tuple(est.get_params()))
    if out is not REFUSED:
        check_calls_after_fit(est, X, y, n)


def _first_partial_fit(est, X, y, classes):
    if is_classifier(est):
        return est.partial_fit(X, y, classes=classes)
    return est.partial_fit(X, y)


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_partial_fit_hostile(name, data):
    est = make(name)
    if not hasattr(est, "partial_fit"):
        return
    n = data.draw(st.integers(0, 9), label="n")
    X, _ = data.draw(hostile_X(n_rows=n, huge=False), label="X")
    y = data.draw(st.one_of(st.just(clean_y(name, n)), hostile_y(n)), label="y")
    classes = data.draw(st.sampled_from(
        [np.array([0, 1]), None, [0], [], [0, 1, 2], ["a", "b"], [0, "a"],
         np.array([[0, 1]]), [True, False], [np.nan, 1.0], [0.0, np.inf]]),
        label="classes")
    out = run(lambda: _first_partial_fit(est, X, y, classes),
              watched={"X": X, "y": y, "classes": classes}, names=tuple(est.get_params()))
    if out is not REFUSED:
        check_calls_after_fit(est, X, y, n)


_FITTED = {}


def fitted(name):
    """One model per estimator fitted on clean data (dropout on, for mc_samples)."""
    if name not in _FITTED:
        extra = {"dropout": 0.5} if "dropout" in make(name).get_params() else {}
        _FITTED[name] = make(name, **extra).fit(clean_X(20), clean_y(name, 20))
    return _FITTED[name]


@pytest.mark.parametrize("name", ESTIMATORS)
@HOSTILE
@given(data=st.data())
def test_predict_hostile_X(name, data):
    est = fitted(name)
    before = fitted_parameters(est).copy()
    f = data.draw(st.sampled_from([N_FEATURES, N_FEATURES, N_FEATURES, 0, 2, 4]),
                  label="n_features")
    X, n = data.draw(hostile_X(n_features=f), label="X")
    method = data.draw(st.sampled_from(_methods(est) + ["score"]), label="method")
    names = tuple(est.get_params())
    if method == "score":
        y = data.draw(st.one_of(st.just(clean_y(name, n)), hostile_y(n)), label="y")
        out = run(lambda: est.score(X, y), watched={"X": X, "y": y}, names=names)
    else:
        out = run(lambda: getattr(est, method)(X), watched={"X": X}, names=names)
    if out is not REFUSED:
        check_output(est, method, out, n)
    assert fitted_parameters(est).tobytes() == before.tobytes(), "prediction changed the model"


LAYERS = [0, -1, 1, -2, 5, -6, 2**63, np.int64(0), 0.0, "0", True, None, np.nan, [0]]


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if hasattr(make(n), "transform")])
@HOSTILE
@given(data=st.data())
def test_transform_layer_hostile(name, data):
    est, X = fitted(name), clean_X(4)
    layer = data.draw(st.sampled_from(LAYERS), label="layer")
    out = run(lambda: est.transform(X, layer=layer), names=("layer",))
    if out is not REFUSED:  # a 2-D array of the 4 rows, whatever the layer's width
        assert np.ndim(out) == 2, f"transform gave shape {np.shape(out)}"
        assert_finite_float(out, (4, np.shape(out)[1]), "transform")


MC_SAMPLES = [None, 0, -1, 1, 3, 2.5, "3", True, np.int64(2), np.nan, 10**9, 2**63]


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if "dropout" in
                                  make(n).get_params()])
@HOSTILE
@given(data=st.data())
def test_mc_samples_hostile(name, data):
    est, X = fitted(name), clean_X(4)
    mc = data.draw(st.sampled_from(MC_SAMPLES), label="mc_samples")
    method = "predict" if not is_classifier(est) else data.draw(
        st.sampled_from(["predict", "predict_proba"]), label="method")
    kw = {"mc_samples": mc}
    if method == "predict" and not is_classifier(est):
        kw["return_std"] = data.draw(st.sampled_from([False, True, "yes", None]), label="std")
    out = run(lambda: getattr(est, method)(X, **kw), names=("mc_samples", "return_std"))
    if out is REFUSED:
        return
    for part in (out if isinstance(out, tuple) else (out,)):
        check_output(est, method, part, 4)


@st.composite
def weight_lists(draw, n_features, n_out):
    """coefs/intercepts per layer: consistent shapes or one drawn inconsistency."""
    widths = [n_features, *draw(st.lists(st.integers(1, 3), max_size=2)), n_out]
    coef_shapes = [(a, b) for a, b in zip(widths[:-1], widths[1:])]
    bias_shapes = [(b,) for b in widths[1:]]
    flaw = draw(st.sampled_from(["none", "none", "coef-1d", "coef-shape", "bias-shape",
                                 "missing", "empty"]))
    if flaw == "empty":
        return [], []
    i = draw(st.integers(0, len(coef_shapes) - 1))
    if flaw == "coef-1d":
        coef_shapes[i] = (coef_shapes[i][0],)
    elif flaw == "coef-shape":
        coef_shapes[i] = (coef_shapes[i][0] + 1, coef_shapes[i][1])
    elif flaw == "bias-shape":
        bias_shapes[i] = (bias_shapes[i][0] + 1,)
    dtypes = ("float64", "float32", "float16", "int64", "object", "str", "complex128")
    coefs = [draw(dense_arrays(s, dtypes)) for s in coef_shapes]
    intercepts = [draw(dense_arrays(s, dtypes)) for s in bias_shapes]
    if flaw == "missing":
        intercepts = intercepts[:-1]
    as_lists = draw(st.booleans())
    return ([c.tolist() for c in coefs] if as_lists else coefs), intercepts


CLASSES = [[0, 1], ["no", "yes"], [0, 1, 2], [0], [], [0, 0], [0, "a"], [None, 1],
           [True, False], [[0, 1]], [np.nan, 1.0], [-np.inf, 0.0]]


INTERCEPTS = [0.5, 0, np.nan, np.inf, 1e300, "a", "1.5", None, [1.0], np.array([1.0, 2.0]),
              np.float32(1)]


@st.composite
def weight_args(draw, signature, classifier):
    """Positional arguments of ``from_weights``: a layer list or one unit's weights."""
    classes = draw(st.sampled_from(CLASSES))
    if "coefs" in signature:  # a list of layers (MLPs)
        n_out = 1 if len(classes) <= 2 or not classifier else len(classes)
        return draw(weight_lists(N_FEATURES, n_out)), classes
    shape = draw(st.sampled_from([(N_FEATURES,), (0,), (N_FEATURES, 1), (1, N_FEATURES),
                                  (), (2, N_FEATURES)]))
    dtypes = ("float64", "float32", "int64", "object", "str", "bool")
    coef = draw(dense_arrays(shape, dtypes))
    return (coef, draw(st.sampled_from(INTERCEPTS))), classes


FROM_WEIGHTS = [n for n in ESTIMATORS if hasattr(getattr(sknn, n), "from_weights")]


@pytest.mark.parametrize("name", FROM_WEIGHTS)
@HOSTILE
@given(data=st.data())
def test_from_weights_hostile(name, data):
    cls = getattr(sknn, name)
    signature = inspect.signature(cls.from_weights).parameters
    args, classes = data.draw(weight_args(signature, is_classifier(cls())), label="args")
    kw = {"classes": classes} if "classes" in signature else {}
    est = run(lambda: cls.from_weights(*args, **kw), watched={"args": args, **kw},
              names=tuple(signature))
    if est is REFUSED:
        return
    check_fitted(est)
    X = clean_X(5, est.n_features_in_)
    for method in _methods(est):
        out = run(lambda: getattr(est, method)(X), names=tuple(signature))
        assert out is not REFUSED or method != "predict", "from_weights model cannot predict"
        if out is not REFUSED:
            check_output(est, method, out, 5)
