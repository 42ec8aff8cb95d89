"""Bad input gets a clear error that names the problem; the caller's data are untouched."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError

from sknn import MLPClassifier, MLPRegressor

X, Y = make_classification(60, 4, random_state=0)


def small(cls=MLPClassifier, **kw):
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **kw}
    return cls(**params)


@pytest.mark.parametrize("bad, match", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_X_is_named(bad, match):
    X_bad = X.copy()
    X_bad[3, 1] = bad
    with pytest.raises(ValueError, match=match):
        small().fit(X_bad, Y)


def test_non_finite_y_is_named():
    y = Y.astype(float)
    y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        small(MLPRegressor).fit(X, y)


def test_wrong_n_features_at_predict():
    est = small().fit(X, Y)
    with pytest.raises(ValueError, match="4 features"):
        est.predict(X[:, :3])


def test_empty_X():
    with pytest.raises(ValueError, match="0 sample"):
        small().fit(X[:0], Y[:0])


def test_one_sample_fits_as_in_sklearn():
    # Compared with scikit-learn itself in test_sklearn_trust_parity.py.
    est = small(MLPRegressor).fit(X[:1], [1.0])
    assert np.all(np.isfinite(est.predict(X)))


def test_one_class_fits_and_predicts_it_as_in_sklearn():
    np.testing.assert_array_equal(small().fit(X, np.zeros(len(X))).predict(X), 0)


def test_string_X():
    with pytest.raises(ValueError, match="could not convert string"):
        small().fit([["a", "b"], ["c", "d"]], [0, 1])


@pytest.mark.parametrize("param, value, match", [
    ("activation", "relux", "'activation' parameter"),
    ("solver", "adamm", "'solver' parameter"),
    ("dropout", 1.5, "'dropout' parameter"),
    ("learning_rate_init", 0.0, "'learning_rate_init' parameter"),
    ("kernel_initializer", "zeros", "'kernel_initializer' parameter"),
    ("hidden_layer_sizes", (5, 0), "hidden_layer_sizes must be > 0"),
])
def test_bad_parameter_values_are_named(param, value, match):
    with pytest.raises(ValueError, match=match):
        small(**{param: value}).fit(X, Y)


def test_predict_before_fit():
    with pytest.raises(NotFittedError):
        small().predict(X)


def test_poisson_needs_non_negative_targets():
    with pytest.raises(ValueError, match="non-negative"):
        small(MLPRegressor, loss="poisson").fit(X, -np.ones(len(X)))


@pytest.mark.parametrize("continued", ["partial_fit", "warm_start"])
def test_divergence_of_a_continued_fit_keeps_the_weights_it_started_from(continued):
    est = small(MLPRegressor, solver="sgd", learning_rate_init=1e-3, max_iter=5)
    est.fit(X, np.arange(len(X), dtype=float))
    before = est.network_.params.copy()
    est.set_params(learning_rate_init=1e10, warm_start=continued == "warm_start")
    refit = est.partial_fit if continued == "partial_fit" else est.fit
    with pytest.raises(ValueError, match="keeps the weights it had before this call"):
        for _ in range(20):  # the huge step overflows within a few calls
            refit(X * 1e30, np.arange(len(X), dtype=float))
            before = est.network_.params.copy()
    np.testing.assert_array_equal(est.network_.params, before)
    assert np.all(np.isfinite(before))


def test_divergence_stops_with_a_message_and_no_nan_model():
    y = np.linspace(0, 1e6, len(X))
    est = small(MLPRegressor, solver="sgd", learning_rate_init=10.0, max_iter=50)
    with pytest.raises(ValueError, match="diverged"):
        est.fit(X * 1e3, y)
    assert not hasattr(est, "network_")
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_caller_data_never_modified():
    Xc, yc, sw = X.copy(), Y.copy(), np.ones(len(X))
    Xs = sp.csr_matrix(Xc)
    for est in [small(dropout=0.2, batch_norm=True), small(shuffle=True, early_stopping=True)]:
        est.fit(Xc, yc, sample_weight=sw)
        est.predict_proba(Xc)
        est.fit(Xs, yc)
    np.testing.assert_array_equal(Xc, X)
    np.testing.assert_array_equal(yc, Y)
    np.testing.assert_array_equal(sw, 1.0)
    np.testing.assert_array_equal(Xs.toarray(), X)
