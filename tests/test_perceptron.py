"""Tests of ThresholdPerceptron: the textbook's rule, its fast kernel, and the sklearn contract."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import ThresholdPerceptron

ORDER_REASON = (
    "the per-sample rule visits a repeated sample twice, at two shuffled positions, "
    "while a weight of 2 doubles one update: the trajectories differ (as for "
    "sklearn's Perceptron)"
)
EXPECTED_FAILED = {
    "check_sample_weight_equivalence_on_dense_data": ORDER_REASON,
    "check_sample_weight_equivalence_on_sparse_data": ORDER_REASON,
    "check_class_weight_classifiers": (
        "the textbook's heaviside step counts z = 0 as a correct 'no' and makes no "
        "update, where scikit-learn's Perceptron (and step='sign') updates on ties; "
        "from zero weights this changes the path on the check's noisy, non-separable "
        "blobs and the last iterate predicts 78% class 0 (87% asked). "
        "test_class_weight_check_passes_with_sign_step runs the check with step='sign'"
    ),
}


@parametrize_with_checks([ThresholdPerceptron()], expected_failed_checks=lambda e: EXPECTED_FAILED)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_class_weight_check_passes_with_sign_step():
    from sklearn.utils.estimator_checks import check_class_weight_classifiers

    check_class_weight_classifiers("ThresholdPerceptron", ThresholdPerceptron(step="sign"))


def fit_quietly(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


# -- the textbook ----------------------------------------------------------------------
def test_worked_example_holds_exactly():
    # x = (0.5, 1) labelled cat = [1, 0]; all weights start at 1; eta = 0.1.
    # Both units see z = 1 + 0.5 + 1 = 2.5 > 0 and fire; the dog unit is wrong:
    # theta <- theta + 0.1 * (0 - 1) * (1, 0.5, 1).
    model = fit_quietly(
        ThresholdPerceptron(init="ones", eta0=0.1, shuffle=False, max_iter=1),
        [[0.5, 1.0]], [[1, 0]],
    )  # fmt: skip
    assert model.coef_.tolist() == [[1.0, 1.0], [0.95, 0.9]]
    assert model.intercept_.tolist() == [1.0, 0.9]
    # the dog unit still fires: raw unit outputs say "cat and dog"
    assert model.predict([[0.5, 1.0]]).tolist() == [[1, 1]]


def naive_rule(X, P, epochs, eta=1.0, step="heaviside", decay=1.0, l1=0.0, orders=None):
    """The rule, literally: one sample at a time, every unit, x_0 = 1.

    heaviside: the textbook's update, then shrink and soft-threshold. sign: scikit-learn's
    Perceptron: shrink, add eta * y * x where y * z <= 0, then the cumulative L1 penalty.
    """
    W, b = np.zeros((P.shape[1], X.shape[1])), np.zeros(P.shape[1])
    T = np.where(P, 1.0, -1.0 if step == "sign" else 0.0)
    owed, had = 0.0, np.zeros_like(W)  # sign's L1: shrink owed so far, and had per weight
    for epoch in range(epochs):
        for i in range(len(X)) if orders is None else orders[epoch]:
            z = W @ X[i] + b
            if step == "sign":
                e = eta * T[i] * (T[i] * z <= 0)
                W = decay * W + np.outer(e, X[i])
                b += e
                owed += l1
                old = W.copy()
                W = np.where(old > 0, np.maximum(0.0, old - (owed + had)),
                             np.where(old < 0, np.minimum(0.0, old + (owed - had)), old))
                had += W - old
                continue
            a = (z > 0) * 1.0
            W += eta * np.outer(T[i] - a, X[i])  # zero where the unit was right
            b += eta * (T[i] - a)
            W *= decay
            W = np.sign(W) * np.maximum(np.abs(W) - l1, 0.0)
    return W, b


@pytest.fixture
def noisy3():
    X, y = make_blobs(n_samples=300, centers=3, cluster_std=3.0, random_state=1)
    return X, y, y[:, None] == np.arange(3)


@pytest.mark.parametrize("step", ["heaviside", "sign"])
@pytest.mark.parametrize("penalty", [None, "l2", "l1", "elasticnet"])
def test_fast_kernel_equals_naive_per_sample_rule(noisy3, step, penalty):
    X, y, P = noisy3
    model = ThresholdPerceptron(
        penalty=penalty, alpha=0.01, eta0=0.5, step=step, shuffle=False, max_iter=4, tol=None
    ).fit(X, y)
    r1 = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": 0.15}[penalty]
    strength = 0.0 if penalty is None else 0.5 * 0.01
    W, b = naive_rule(X, P, 4, 0.5, step, 1 - strength * (1 - r1), strength * r1)
    np.testing.assert_allclose(model.coef_, W, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, b, rtol=1e-10, atol=1e-10)


def test_shuffled_epochs_follow_the_seeded_permutations(noisy3):
    X, y, P = noisy3
    model = ThresholdPerceptron(max_iter=3, tol=None, random_state=5).fit(X, y)
    rng = np.random.RandomState(5)
    W, b = naive_rule(X, P, 3, orders=[rng.permutation(len(X)) for _ in range(3)])
    np.testing.assert_allclose(model.coef_, W, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, b, rtol=1e-10, atol=1e-10)


def test_sparse_input_gives_the_same_weights(noisy3):
    X, y, _ = noisy3
    X = np.where(np.abs(X) > 3, X, 0.0)  # some structural zeros
    params = dict(max_iter=5, tol=None, random_state=0)
    dense = ThresholdPerceptron(**params).fit(X, y)
    sparse = ThresholdPerceptron(**params).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(sparse.predict(sp.csr_matrix(X)), dense.predict(X))


def test_separable_data_is_learned_and_converges():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    for y in ([0, 0, 0, 1], [0, 1, 1, 1]):  # AND, OR
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model = ThresholdPerceptron().fit(X, y)
        assert model.predict(X).tolist() == y
        assert model.n_iter_ < model.max_iter


def test_sign_step_learns_with_plus_minus_one_units():
    X, y = make_blobs(n_samples=60, centers=[[-3, -3], [3, 3]], random_state=0)
    labels = np.array(["neg", "pos"])[y]
    model = ThresholdPerceptron(step="sign").fit(X, labels)
    assert model.score(X, labels) == 1.0
    assert model.decision_function(X).shape == (60,)


# -- output units and attributes -------------------------------------------------------
def test_units_attributes_and_prediction_shapes():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    multi = fit_quietly(ThresholdPerceptron(max_iter=20), X, names)
    assert multi.coef_.shape == (3, 4) and multi.intercept_.shape == (3,)
    assert multi.decision_function(X).shape == (150,3)
    assert set(multi.predict(X)) <= set(names) and multi.score(X, names) > 0.6
    binary = ThresholdPerceptron().fit(X[:100], y[:100])
    assert binary.coef_.shape == (1, 4) and binary.classes_.tolist() == [0, 1]
    assert binary.t_ == binary.n_iter_ * 100 + 1
    indicator = np.c_[y == 0, y != 0, y == 2].astype(int)
    multilabel = fit_quietly(ThresholdPerceptron(max_iter=20), X, indicator)
    assert multilabel.coef_.shape == (3, 4) and multilabel.classes_.tolist() == [0, 1, 2]
    pred = multilabel.predict(X)
    assert pred.shape == (150, 3) and set(np.unique(pred)) <= {0, 1}


def test_no_predict_proba():
    model = ThresholdPerceptron().fit([[0.0], [1.0]], [0, 1])
    assert not hasattr(model, "predict_proba")
    with pytest.raises(AttributeError, match="not probabilities"):
        model.predict_proba([[0.0]])


def test_tol_none_runs_max_iter_and_max_iter_warns(noisy3):
    X, y, _ = noisy3
    assert ThresholdPerceptron(max_iter=7, tol=None).fit(X, y).n_iter_ == 7
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        ThresholdPerceptron(max_iter=2).fit(X, y)


def test_early_stopping_stops_on_validation_accuracy():
    X, y = make_blobs(n_samples=200, centers=[[-5, 0], [5, 0]], random_state=0)
    model = ThresholdPerceptron(early_stopping=True, n_iter_no_change=3).fit(X, y)
    # validation accuracy is 1.0 after the first epoch and cannot rise further
    assert model.n_iter_ == 4


def test_penalties_shrink_weights(noisy3):
    X, y, _ = noisy3
    norms = {
        p: np.abs(ThresholdPerceptron(penalty=p, alpha=0.05, max_iter=5, tol=None).fit(X, y).coef_).sum()
        for p in (None, "l2", "l1")
    }
    assert norms["l2"] < norms[None] and norms["l1"] < norms[None]


def test_sample_weight_zero_equals_dropping_samples(noisy3):
    X, y, _ = noisy3
    w = np.where(np.arange(len(y)) % 3 == 0, 0.0, 1.0)
    params = dict(shuffle=False, max_iter=3, tol=None)
    weighted = ThresholdPerceptron(**params).fit(X, y, sample_weight=w)
    dropped = ThresholdPerceptron(**params).fit(X[w > 0], y[w > 0])
    np.testing.assert_allclose(weighted.coef_, dropped.coef_, rtol=1e-12, atol=1e-12)


def test_uniform_binary_class_weight_scales_updates(noisy3):
    # binary: every update is multiplied by its sample's class weight; starting from
    # zeros, doubling all updates doubles every score, so the same mistakes happen
    X, y, _ = noisy3
    X, y = X[y < 2], y[y < 2]
    base = ThresholdPerceptron(max_iter=3, tol=None).fit(X, y)
    doubled = ThresholdPerceptron(max_iter=3, tol=None, class_weight={0: 2, 1: 2}).fit(X, y)
    np.testing.assert_array_equal(doubled.coef_, 2 * base.coef_)


def test_class_weight_favours_heavy_class():
    X, y = make_blobs(n_samples=200, centers=2, cluster_std=8, random_state=0)
    plain = fit_quietly(ThresholdPerceptron(), X, y).predict(X)
    heavy = fit_quietly(ThresholdPerceptron(class_weight={0: 1000, 1: 1e-4}), X, y).predict(X)
    assert np.mean(heavy == 0) > np.mean(plain == 0)


def test_partial_fit_equals_fit_epoch_by_epoch(noisy3):
    X, y, _ = noisy3
    online = ThresholdPerceptron(shuffle=False)
    online.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y)
    batch = ThresholdPerceptron(shuffle=False, max_iter=2, tol=None).fit(X, y)
    np.testing.assert_array_equal(online.coef_, batch.coef_)
    assert online.t_ == batch.t_ == 2 * len(y) + 1


def test_warm_start_continues_from_previous_weights(noisy3):
    X, y, _ = noisy3
    model = ThresholdPerceptron(warm_start=True, max_iter=2, tol=None, shuffle=False).fit(X, y)
    first = model.coef_.copy(), model.intercept_.copy()
    model.fit(X, y)
    cold = ThresholdPerceptron(max_iter=2, tol=None, shuffle=False)
    cold.fit(X, y, coef_init=first[0], intercept_init=first[1])
    np.testing.assert_array_equal(model.coef_, cold.coef_)
    assert not np.array_equal(model.coef_, first[0])


def test_random_init_is_seeded():
    X, y = load_iris(return_X_y=True)
    a, b, c = (fit_quietly(ThresholdPerceptron(init="random", max_iter=1, random_state=s), X, y)
               for s in (1, 1, 2))  # fmt: skip
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)


def test_inputs_are_not_modified(noisy3):
    X, y, _ = noisy3
    X0, y0 = X.copy(), y.copy()
    ThresholdPerceptron(max_iter=3, tol=None).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


# -- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "X, y, kwargs, error, match",
    [
        ([[0.0], [np.nan]], [0, 1], {}, ValueError, "NaN"),
        ([[0.0], [1.0]], [1, 1], {}, ValueError, "at least 2 classes; got 1 class"),
        ([[0.0], [1.0]], [[0, 2], [1, 0]], {}, ValueError, "0/1 indicator matrix"),
        ([[0.0], [1.0]], [0.5, 1.5], {}, ValueError, "Unknown label type"),
        ([[0.0], [1.0], [2.0]], [0, 1, 1], {"eta0": 0}, ValueError, "eta0"),
        ([[0.0], [1.0]], [0, 1], {"step": "relu"}, ValueError, "step"),
        ([[0.0], [1.0]], [[0, 1], [1, 0]], {"class_weight": {0: 1}}, ValueError, "indicator"),
    ],
)
def test_bad_fit_input_raises_clear_errors(X, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        ThresholdPerceptron(**kwargs).fit(X, y)


def test_bad_later_input_raises_clear_errors():
    model = ThresholdPerceptron().fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
    with pytest.raises(ValueError, match="features"):
        model.predict([[0.0, 1.0, 2.0]])
    with pytest.raises(ValueError, match=r"labels \[7\] not in classes"):
        model.partial_fit([[0.0, 1.0]], [7])
    with pytest.raises(ValueError, match="coef_init has shape"):
        ThresholdPerceptron().fit([[0.0], [1.0]], [0, 1], coef_init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="classes must be passed"):
        ThresholdPerceptron().partial_fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="class_weight 'balanced' is not supported for partial_fit"):
        ThresholdPerceptron(class_weight="balanced").partial_fit([[0.0], [1.0]], [0, 1], classes=[0, 1])


def test_worked_example_script_runs(capsys):
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "plot_perceptron.py"
    runpy.run_path(str(path))["main"]()
    out = capsys.readouterr().out
    assert "(agrees: True)" in out
    assert "training accuracy (both units right): 1.00" in out


# -- hostile input (issue 9) -----------------------------------------------------------
def sklearn_message(estimator, *fits):
    """The message of the ValueError scikit-learn's estimator raises on the last fit."""
    for X, y in fits[:-1]:
        fit_quietly(estimator, X, y)
    with pytest.raises(ValueError) as info:
        fit_quietly(estimator, *fits[-1])
    return str(info.value).strip()


@pytest.mark.parametrize("step", ["heaviside", "sign"])
@pytest.mark.parametrize("case", ["fewer features", "fewer classes", "more classes"])
def test_warm_start_with_other_shapes_raises_sklearn_error(step, case):
    from sklearn.linear_model import Perceptron

    X, y = load_iris(return_X_y=True)
    first, second = {
        "fewer features": ((X, y), (X[:, :3], y)),
        "fewer classes": ((X, y), (X[:100], y[:100])),
        "more classes": ((X[:100], y[:100]), (X, y)),
    }[case]
    expected = sklearn_message(Perceptron(warm_start=True, max_iter=5), first, second)
    model = fit_quietly(ThresholdPerceptron(warm_start=True, max_iter=5, step=step), *first)
    with pytest.raises(ValueError, match="warm_start=False") as info:
        fit_quietly(model, *second)
    assert expected in str(info.value)


@pytest.mark.parametrize("step", ["heaviside", "sign"])
def test_huge_X_never_gives_inf_scores(step):
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning reaches the user
        with pytest.raises(ValueError, match="overflow on the training X.*StandardScaler"):
            ThresholdPerceptron(step=step, max_iter=5, tol=None).fit(X * 1e200, y)
        model = ThresholdPerceptron(step=step, max_iter=5, tol=None).fit(X, y)
        with pytest.raises(ValueError, match="X has values too large"):
            model.decision_function(X * 1e307)
        with pytest.raises(ValueError, match="X has values too large"):
            model.predict(X * 1e307)


@pytest.mark.parametrize("weight", [np.nan, np.inf])
def test_non_finite_class_weight_is_named(weight):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="class_weight must hold finite numbers"):
        ThresholdPerceptron(class_weight={0: weight}).fit(X, y)


def test_failed_partial_fit_keeps_the_previous_weights():
    X, y = load_iris(return_X_y=True)
    model = ThresholdPerceptron().partial_fit(X, y, classes=[0, 1, 2])
    before = model.coef_.copy()
    with pytest.raises(ValueError, match="overflow"):
        model.partial_fit(X * 1e200, y)
    np.testing.assert_array_equal(model.coef_, before)


@pytest.mark.parametrize("X", [
    np.array([[-3.0, 1.0], [2.0, -0.5]]), np.array([[-3.0, -1.0]]), np.array([[0.5, 2.5]]),
    sp.csr_matrix(np.array([[0.0, -7.0], [1.0, 0.0]])), np.zeros((0, 2))])
def test_abs_max_is_the_largest_magnitude(X):
    from sknn._validation import abs_max

    dense = X.toarray() if sp.issparse(X) else X
    assert abs_max(X) == (float(np.abs(dense).max()) if dense.size else 0.0)


def test_fit_takes_no_temporary_of_the_data_size():
    """The overflow check after training used abs(X), a copy of X (48 MiB on the MNIST
    benchmark) for one number; a fit now traces far less than X's size."""
    import tracemalloc

    X = np.random.default_rng(0).standard_normal((4000, 500))  # 16 MB
    y = np.arange(4000) % 3
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ThresholdPerceptron(max_iter=2, tol=None, random_state=0).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 4
