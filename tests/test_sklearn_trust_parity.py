"""Drop-in parity with scikit-learn's MLPs on edge cases, and no leaked numpy warnings.

Every behaviour claimed to be scikit-learn's is compared with scikit-learn itself here:
same predictions, or an sknn error message that contains scikit-learn's sentence.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor

from sknn import ConvNetClassifier, LogicGateNeuron, MLPClassifier, MLPRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
NON_FINITE = ("Solver produced non-finite parameter weights. The input data may contain "
              "large values and need to be preprocessed.")


def sklearn_error(make, *args, **kwargs):
    """The message scikit-learn raises for ``make().fit(*args, **kwargs)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError) as info:
            make()
    return str(info.value)


def both_raise(make_sk, make_sknn):
    """scikit-learn's message and sknn's for the same failing call."""
    expected = sklearn_error(make_sk)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError) as info:
            make_sknn()
    return expected, str(info.value)


# -- 1. multilabel partial_fit ---------------------------------------------------------
def test_multilabel_partial_fit_trains_like_sklearn():
    X, Y = make_multilabel_classification(n_samples=50, random_state=0,
                                          return_indicator=True)
    models = []
    for cls in (SkClassifier, MLPClassifier):
        est = cls(solver="sgd", random_state=0).partial_fit(X, Y, classes=[0, 1, 2, 3, 4])
        est.partial_fit(X, Y)
        est.partial_fit(X[:10], Y[:10])
        models.append(est)
    sk, ours = models
    np.testing.assert_array_equal(ours.classes_, sk.classes_)
    np.testing.assert_allclose(ours.loss_curve_, sk.loss_curve_, rtol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-6)


def test_partial_fit_with_other_classes_raises_sklearn_sentence():
    def call(cls):
        return lambda: cls().partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2]).partial_fit(
            X_IRIS, Y_IRIS, classes=[0, 1])
    expected, got = both_raise(call(SkClassifier), call(MLPClassifier))
    assert expected in got


# -- 2. one sample ---------------------------------------------------------------------
@pytest.mark.parametrize("sk_cls, cls, y", [(SkClassifier, MLPClassifier, [1]),
                                             (SkRegressor, MLPRegressor, [1.5])])
def test_fit_on_one_sample_like_sklearn(sk_cls, cls, y):
    sk = sk_cls(random_state=0, max_iter=20).fit(X_IRIS[:1], y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # as scikit-learn warns
        ours = cls(random_state=0, max_iter=20).fit(X_IRIS[:1], y)
    np.testing.assert_allclose(ours.loss_curve_, sk.loss_curve_, rtol=1e-6)
    np.testing.assert_array_equal(ours.predict(X_IRIS[:5]), sk.predict(X_IRIS[:5]))


def test_first_partial_fit_on_one_sample_like_sklearn():
    sk = SkClassifier(random_state=0).partial_fit(X_IRIS[:1], Y_IRIS[:1], classes=[0, 1, 2])
    ours = MLPClassifier(random_state=0).partial_fit(X_IRIS[:1], Y_IRIS[:1], classes=[0, 1, 2])
    np.testing.assert_allclose(ours.predict_proba(X_IRIS), sk.predict_proba(X_IRIS), rtol=1e-6)
    sk.partial_fit(X_IRIS[100:101], Y_IRIS[100:101])
    ours.partial_fit(X_IRIS[100:101], Y_IRIS[100:101])
    np.testing.assert_allclose(ours.predict_proba(X_IRIS), sk.predict_proba(X_IRIS), rtol=1e-6)

    sk_reg = SkRegressor(random_state=0).partial_fit(X_IRIS[:1], [0.5])
    reg = MLPRegressor(random_state=0).partial_fit(X_IRIS[:1], [0.5])
    np.testing.assert_allclose(reg.predict(X_IRIS), sk_reg.predict(X_IRIS), rtol=1e-6)


@pytest.mark.parametrize("est, X", [
    (ConvNetClassifier(filters=(2,), dense_layers=(4,), max_iter=3, random_state=0),
     np.random.RandomState(0).rand(1, 6, 6)),
    (ConvNetClassifier(filters=(2,), dense_layers=(4,), max_iter=3, batch_norm=True,
                       random_state=0), np.random.RandomState(0).rand(1, 6, 6)),
    (LogicGateNeuron(max_iter=3), np.array([[0.0, 1.0]])),
    (MLPClassifier(batch_norm=True, max_iter=3, random_state=0), X_IRIS[:1]),
])
def test_other_estimators_share_the_one_sample_path(est, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, [1])
    assert np.all(np.isfinite(est.network_.params))
    np.testing.assert_array_equal(est.predict(X), [1])


@pytest.mark.parametrize("sk_cls, cls, rows", [
    (SkClassifier, MLPClassifier, [0]), (SkRegressor, MLPRegressor, [0]),
    (SkRegressor, MLPRegressor, [0, 60]), (SkClassifier, MLPClassifier, [0, 1, 2]),
])
def test_validation_split_on_too_few_rows_raises_sklearn_sentence(sk_cls, cls, rows):
    X, y = X_IRIS[rows], Y_IRIS[rows] > 0 if cls is MLPClassifier else Y_IRIS[rows]
    expected, got = both_raise(lambda: sk_cls(early_stopping=True).fit(X, y),
                               lambda: cls(early_stopping=True).fit(X, y))
    assert expected in got
    assert "validation_fraction" in got


# -- 3. one class ----------------------------------------------------------------------
@pytest.mark.parametrize("params", [{"early_stopping": True, "validation_fraction": 0.2}, {}])
@pytest.mark.parametrize("label", [1, "a", True])
def test_one_class_fits_and_predicts_it_like_sklearn(params, label):
    X = pd.DataFrame(X_IRIS[:10], columns=["a", "b", "c", "d"])
    y = np.array([label] * 10)
    sk = SkClassifier(random_state=0, max_iter=30, **params).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(random_state=0, max_iter=30, **params).fit(X, y)
    np.testing.assert_array_equal(ours.classes_, sk.classes_)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    np.testing.assert_array_equal(ours.predict(X), y)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-6)
    assert ours.n_outputs_ == sk.n_outputs_ and ours.out_activation_ == sk.out_activation_


def test_cross_validation_on_skewed_folds_runs_like_sklearn():
    X, y = X_IRIS[45:60], Y_IRIS[45:60]  # five of class 0, then class 1: one fold sees one class
    scores = [cross_val_score(cls(random_state=0, max_iter=50), X, y, cv=KFold(3))
              for cls in (SkClassifier, MLPClassifier)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        np.testing.assert_allclose(scores[1], scores[0])


# -- 4. divergence with early stopping ------------------------------------------------
def test_divergence_with_early_stopping_keeps_the_best_weights_like_sklearn():
    params = dict(hidden_layer_sizes=100, activation="identity", solver="sgd",
                  learning_rate_init=1, max_iter=20, early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sk = SkRegressor(**params).fit(X_IRIS, Y_IRIS)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        ours = MLPRegressor(**params).fit(X_IRIS, Y_IRIS)
    assert np.all(np.isfinite(ours.network_.params))
    assert ours.best_validation_score_ == pytest.approx(sk.best_validation_score_, rel=1e-6)
    finite = [s for s in sk.validation_scores_ if np.isfinite(s)]
    np.testing.assert_allclose(ours.validation_scores_[:len(finite)], finite, rtol=1e-6)
    np.testing.assert_allclose(ours.predict(X_IRIS), sk.predict(X_IRIS), rtol=1e-6)


def test_nan_validation_score_counts_as_no_improvement():
    est = MLPRegressor(hidden_layer_sizes=(5,), max_iter=40, early_stopping=True,
                       n_iter_no_change=3, random_state=0)
    real_score = est._score
    calls = []

    def score_going_nan(*args, **kwargs):  # the held-out R^2 turns NaN at epoch 3
        calls.append(1)
        return real_score(*args, **kwargs) if len(calls) < 3 else float("nan")

    est._score = score_going_nan
    est.fit(X_IRIS, Y_IRIS)
    assert est.n_iter_ == 2 + 3 + 1  # three non-improving epochs allowed, the fourth stops
    assert np.isfinite(est.best_validation_score_)


# -- 5. error texts --------------------------------------------------------------------
@pytest.mark.parametrize("params, scale", [
    ({"solver": "sgd"}, 1e200), ({"solver": "adam"}, 1e300),
    ({"solver": "lbfgs"}, 1e200), ({"solver": "sgd", "alpha": 1e300}, 1),
])
def test_every_divergence_message_contains_sklearns_sentence(params, scale):
    expected = sklearn_error(lambda: SkRegressor(solver="sgd", random_state=0, max_iter=5)
                             .fit(X_IRIS * 1e200, Y_IRIS))
    assert expected == NON_FINITE
    with pytest.raises(ValueError) as info:
        MLPRegressor(random_state=0, max_iter=5, **params).fit(X_IRIS * scale, Y_IRIS)
    assert NON_FINITE in str(info.value)


@pytest.mark.parametrize("y", [np.r_[[True] * 19, False], np.r_[[False] * 19, True]])
def test_stratified_split_error_names_the_users_labels(y):
    X = X_IRIS[:20]
    expected, got = both_raise(
        lambda: SkClassifier(early_stopping=True, validation_fraction=0.1).fit(X, y),
        lambda: MLPClassifier(early_stopping=True, validation_fraction=0.1).fit(X, y))
    assert expected in got
    assert "'1.0'" not in got and "'0.0'" not in got


@pytest.mark.parametrize("call", [
    lambda cls: cls(warm_start=True, max_iter=2).fit(X_IRIS, Y_IRIS).fit(
        X_IRIS[:100], Y_IRIS[:100]),
    lambda cls: cls().partial_fit(X_IRIS[:100], Y_IRIS[:100], classes=[0, 1]).partial_fit(
        X_IRIS, Y_IRIS),
    lambda cls: cls().partial_fit(X_IRIS, Y_IRIS),
    lambda cls: cls(early_stopping=True).partial_fit(X_IRIS, Y_IRIS, classes=[0, 1, 2]),
    lambda cls: cls(early_stopping=True, validation_fraction=0.01).fit(X_IRIS[:50],
                                                                       Y_IRIS[:50]),
], ids=["warm_start_classes", "partial_fit_new_class", "partial_fit_no_classes",
        "partial_fit_early_stopping", "validation_too_small"])
def test_shared_error_conditions_give_sklearns_sentence(call):
    expected, got = both_raise(lambda: call(SkClassifier), lambda: call(MLPClassifier))
    assert expected in got


def test_batch_size_clipping_warns_like_sklearn():
    messages = []
    for cls in (SkClassifier, MLPClassifier):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            cls(batch_size=500, max_iter=1).fit(X_IRIS, Y_IRIS)
        messages.append([str(w.message) for w in record])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("params", [{"max_iter": 2}, {"max_fun": 2}])
def test_lbfgs_convergence_warning_is_sklearns(params):
    records = []
    for cls in (SkRegressor, MLPRegressor):
        with pytest.warns(ConvergenceWarning) as record:
            est = cls(solver="lbfgs", random_state=0, **params).fit(X_IRIS, Y_IRIS)
        records.append(([str(w.message) for w in record], est.n_iter_))
    assert records[1] == records[0]


@pytest.mark.parametrize("call", [
    lambda: MLPRegressor(max_iter=2).partial_fit(X_IRIS, Y_IRIS).partial_fit(
        X_IRIS, np.c_[Y_IRIS, Y_IRIS]),
    lambda: MLPRegressor(max_iter=2, warm_start=True).fit(X_IRIS, Y_IRIS).fit(
        X_IRIS, np.c_[Y_IRIS, Y_IRIS]),
])
def test_changed_number_of_outputs_is_named_not_a_core_shape_error(call):
    # scikit-learn fails here inside numpy's matmul; sknn names y at the boundary.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(ValueError, match=r"y has 2 output\(s\), but MLPRegressor was "
                                             r"fitted with 1"):
            call()


def test_single_label_y_after_multilabel_fit_is_refused():
    # scikit-learn trains on it and then fails in predict with an IndexError.
    Y = np.c_[Y_IRIS > 0, Y_IRIS == 0]
    est = MLPClassifier(max_iter=2).partial_fit(X_IRIS, Y, classes=[0, 1])
    with pytest.raises(ValueError, match="y is binary, but MLPClassifier was fitted on "
                                         "multilabel-indicator targets"):
        est.partial_fit(X_IRIS, Y_IRIS > 0)


# -- 6. validation_fraction=0 --------------------------------------------------------
@pytest.mark.parametrize("sk_cls, cls", [(SkClassifier, MLPClassifier),
                                          (SkRegressor, MLPRegressor)])
def test_zero_validation_fraction_names_the_parameter(sk_cls, cls):
    expected, got = both_raise(
        lambda: sk_cls(early_stopping=True, validation_fraction=0.0).fit(X_IRIS, Y_IRIS),
        lambda: cls(early_stopping=True, validation_fraction=0.0).fit(X_IRIS, Y_IRIS))
    assert expected in got
    assert "validation_fraction=0.0" in got


# -- 7. overflow: one sknn message, no numpy warning, never NaN/inf --------------------
HUGE = [("X*1e200", 1e200, {}, None), ("X*1e300", 1e300, {}, None),
        ("alpha=1e300", 1, {"alpha": 1e300}, None), ("sw=1e300", 1, {}, 1e300),
        ("float32 sw=1e300", np.float32(1), {}, 1e300),
        ("float32 sw=1e38", np.float32(1), {}, 1e38)]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("name, scale, params, sw", HUGE, ids=[h[0] for h in HUGE])
def test_overflow_gives_one_message_and_no_numpy_warning(cls, solver, name, scale, params,
                                                         sw):
    X = (X_IRIS * scale).astype(np.asarray(scale).dtype)
    sample_weight = None if sw is None else np.full(len(X), sw)
    est = cls(solver=solver, max_iter=5, random_state=0, **params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, Y_IRIS, sample_weight=sample_weight)
    except ValueError as exc:
        assert NON_FINITE in str(exc) or "sample_weight" in str(exc)
        assert not hasattr(est, "network_") or np.all(np.isfinite(est.network_.params))
        return
    assert np.all(np.isfinite(est.network_.params))
    out = est.predict_proba(X) if cls is MLPClassifier else est.predict(X)
    assert np.all(np.isfinite(out))


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_prediction_overflow_is_an_error_not_nan(cls, sparse):
    as_input = sp.csr_matrix if sparse else np.asarray
    est = cls(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(as_input(X_IRIS.astype(np.float32)), Y_IRIS)
    # 1e300 is beyond the float32 network's range
    with pytest.raises(ValueError, match=r"X is too large .* \(max \|X\| = 7.9e\+300\)"):
        est.predict(as_input(X_IRIS * 1e300))
    assert np.all(np.isfinite(est.predict(as_input(X_IRIS))))
