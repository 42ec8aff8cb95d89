"""sknn._validation: scikit-learn's validate_data, quiet and naming the input."""

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

from sknn import ConvNetClassifier, MLPClassifier, MLPRegressor, ThresholdPerceptron

X = np.random.default_rng(0).normal(size=(8, 3))
Y = np.arange(8) % 2


@pytest.mark.parametrize("est", [MLPClassifier(max_iter=2), ThresholdPerceptron(max_iter=2)])
def test_non_numeric_X_is_named_with_numpys_sentence(est):
    X_bad = X.astype(object)
    X_bad[2, 1] = "a"
    with pytest.raises(ValueError, match=r"X must hold numbers; could not convert string "
                                         r"to float: 'a'"):
        est.fit(X_bad, Y)


def test_non_numeric_regression_target_is_named():
    with pytest.raises(ValueError, match=r"y must hold numbers \(regression targets\); "
                                         r"got dtype <U3: \['cat', 'dog', 'cat'\]"):
        MLPRegressor(max_iter=2).fit(X, np.array(["cat", "dog"] * 4))


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_opposite_infinities_raise_without_runtime_warning(method):
    X_bad = X.copy()
    X_bad[0, :2] = [np.inf, -np.inf]
    est = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    if method == "predict":
        est.fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="infinity"):
            getattr(est, method)(*((X_bad, Y) if method == "fit" else (X_bad,)))


def test_values_beyond_float32_are_reported_as_such():
    est = ConvNetClassifier(filters=(2,), dense_layers=(), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="beyond float32's range"):
            est.fit(X * 1e300, Y)
    est.set_params(dtype="float64").fit(X * 1e-3, Y)  # the advice works


@pytest.mark.parametrize("est", [MLPClassifier(max_iter=2), ThresholdPerceptron(max_iter=2)])
def test_huge_float_labels_are_continuous_without_runtime_warning(est):
    y = np.linspace(-1e300, 1e300, 8)
    with pytest.raises(ValueError, match="Unknown label type"):  # scikit-learn refuses too
        SkMLPClassifier(max_iter=2).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="Unknown label type: continuous. y holds "
                                             "values as large as 1e"):
            est.fit(X, y)


@pytest.mark.parametrize("y, match", [
    (np.array(["a", 0] * 4, dtype=object), "y mixes label types"),
    (np.r_[0.0, 1.0, np.inf, np.zeros(5)], "infinity"),
    (np.r_[0.0, 1.0, np.nan, np.zeros(5)], "Input y contains NaN"),
])
def test_first_partial_fit_checks_y_before_reading_its_kind(y, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=match):
            MLPClassifier(max_iter=2).partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("est, y, match", [
    (MLPClassifier, np.r_[np.nan, np.zeros(7)], "Input y contains NaN"),
    (ThresholdPerceptron, np.array([1.5, "b"] * 4, dtype=object), "y mixes label types"),
    (MLPRegressor, np.array(["cat"] * 8), "y must hold numbers"),
    (MLPRegressor, np.r_[np.nan, np.zeros(7)], "Input y contains NaN"),
    (MLPRegressor, np.zeros((8, 3)), r"y has 3 output\(s\) \(columns\), but MLPRegressor "
                                      "predicts 1"),
    (MLPRegressor, np.linspace(-1e300, 1e300, 8), "y is too large to score"),
])
def test_score_checks_y_quietly(est, y, match):
    model = est(max_iter=2).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=match):
            model.score(X, y)
