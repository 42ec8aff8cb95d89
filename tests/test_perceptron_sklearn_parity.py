"""ThresholdPerceptron(step="sign") against scikit-learn's Perceptron itself, parameter by parameter."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from sklearn.utils import check_random_state

from sknn import ThresholdPerceptron
from sknn._perceptron_sgd import shuffle_positions


def iris_one_vs_rest():
    """The issue's example: iris, class 1 against the rest as +-1, rows shuffled."""
    X, y = load_iris(return_X_y=True)
    order = check_random_state(12).permutation(len(y))
    return X[order], np.where(y[order] == 1, 1, -1)


def iris3():
    X, y = load_iris(return_X_y=True)
    order = check_random_state(0).permutation(len(y))
    return X[order], y[order]


def blobs3():
    X, y = make_blobs(n_samples=120, centers=3, cluster_std=2.5, random_state=3)
    return X, y


def fit_both(X, y, fit_params=None, **params):
    """Fitted (sklearn Perceptron, ThresholdPerceptron(step="sign")) with the same parameters."""
    fit_params = fit_params or {}
    copied = lambda: {k: np.copy(v) for k, v in fit_params.items()}  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # a copy each: scikit-learn trains a float64 coef_init in place
        ref = Perceptron(**params).fit(X, y, **copied())
        ours = ThresholdPerceptron(step="sign", **params).fit(X, y, **copied())
    return ref, ours


def assert_same_model(ref, ours):
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9, atol=1e-9)
    assert ours.n_iter_ == ref.n_iter_
    assert ours.t_ == ref.t_


def test_issue_example_matches_sklearn():
    X, y = iris_one_vs_rest()
    ref, ours = fit_both(X, y, max_iter=2, shuffle=False, tol=None)
    np.testing.assert_allclose(ref.coef_, [[6.8, -8.9, 8.8, -3.5]], atol=1e-12)
    assert_same_model(ref, ours)


GRID = [
    {},
    {"shuffle": False, "tol": None, "max_iter": 7},
    {"eta0": 0.3, "max_iter": 50},
    {"fit_intercept": False, "max_iter": 30},
    {"tol": 0.05, "n_iter_no_change": 2},
    {"random_state": 7, "max_iter": 40, "tol": None},
    {"penalty": "l2", "alpha": 0.01, "max_iter": 20},
    {"penalty": "l2", "alpha": 0.01, "max_iter": 20, "tol": None},
    {"penalty": "l1", "alpha": 0.003, "max_iter": 15},
    {"penalty": "elasticnet", "alpha": 0.003, "l1_ratio": 0.4, "max_iter": 15},
    {"class_weight": {0: 3.0, 1: 0.5, 2: 1.5}, "max_iter": 25},
    {"class_weight": "balanced", "max_iter": 25},
    {"early_stopping": True, "validation_fraction": 0.2, "n_iter_no_change": 3},
    {"early_stopping": True, "tol": None, "max_iter": 12},
]


@pytest.mark.parametrize("params", GRID, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "defaults")
@pytest.mark.parametrize("data", ["binary", "multiclass", "iris3"])
def test_sign_step_reproduces_sklearn_perceptron(data, params):
    # iris's one-decimal values make scores that are exactly 0 up to rounding: the
    # kernel must decide those ties with scikit-learn's own arithmetic
    X, y = {"binary": iris_one_vs_rest, "multiclass": blobs3, "iris3": iris3}[data]()
    if data == "binary" and isinstance(params.get("class_weight"), dict):  # labels -1, 1
        params = {**params, "class_weight": {-1: 3.0, 1: 0.5}}
    assert_same_model(*fit_both(X, y, **params))


@pytest.mark.parametrize("data", ["binary", "multiclass"])
def test_sample_weight_matches_sklearn(data):
    X, y = blobs3() if data == "multiclass" else iris_one_vs_rest()
    sw = check_random_state(0).uniform(0.0, 3.0, len(y))
    assert_same_model(*fit_both(X, y, {"sample_weight": sw}, max_iter=30))
    assert_same_model(*fit_both(X, y, {"sample_weight": sw}, early_stopping=True))


@pytest.mark.parametrize("penalty", [None, "l1"])
def test_sparse_input_matches_sklearn(penalty):
    X, y = blobs3()
    X = sp.csr_matrix(np.where(np.abs(X) > 4, X, 0.0))
    assert_same_model(*fit_both(X, y, penalty=penalty, alpha=0.001, max_iter=20))


def test_coef_init_and_warm_start_match_sklearn():
    X, y = blobs3()
    init = {"coef_init": np.ones((3, 2)), "intercept_init": np.array([0.5, -1.0, 2.0])}
    assert_same_model(*fit_both(X, y, init, max_iter=10))
    ref, ours = fit_both(X, y, warm_start=True, max_iter=3, tol=None)
    ref.fit(X[::2], y[::2])
    ours.fit(X[::2], y[::2])
    assert_same_model(ref, ours)


@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_fit_matches_sklearn(shuffle):
    X, y = blobs3()
    ref = Perceptron(shuffle=shuffle, class_weight={0: 2.0, 1: 1.0, 2: 0.5})
    ours = ThresholdPerceptron(step="sign", shuffle=shuffle, class_weight={0: 2.0, 1: 1.0, 2: 0.5})
    for start in range(0, len(y), 40):
        rows = slice(start, start + 40)
        ref.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
        ours.partial_fit(X[rows], y[rows], classes=[0, 1, 2])
    assert_same_model(ref, ours)


def test_random_state_instance_matches_sklearn():
    X, y = iris_one_vs_rest()
    ref = Perceptron(random_state=np.random.RandomState(3), early_stopping=True).fit(X, y)
    ours = ThresholdPerceptron(step="sign", random_state=np.random.RandomState(3),
                               early_stopping=True).fit(X, y)  # fmt: skip
    assert_same_model(ref, ours)


def test_shuffle_positions_is_a_permutation_and_varies_with_seed():
    a, b = shuffle_positions(5, 100), shuffle_positions(6, 100)
    assert sorted(a) == list(range(100)) and not np.array_equal(a, b)
    assert shuffle_positions(0, 10).tolist() == shuffle_positions(1, 10).tolist()


def test_sklearn_errors_are_shared():
    X, y = blobs3()
    for est in (Perceptron(early_stopping=True), ThresholdPerceptron(step="sign", early_stopping=True)):
        with pytest.raises(ValueError, match="early_stopping should be False with partial_fit"):
            est.partial_fit(X, y, classes=[0, 1, 2])
    for est in (Perceptron(max_iter=2), ThresholdPerceptron(step="sign", max_iter=2)):
        with pytest.warns(ConvergenceWarning, match="Maximum number of iteration reached"):
            est.fit(X, y)
