"""sknn's MLPs against scikit-learn's: same loss definition, same sgd/adam arithmetic."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier, MLPRegressor

SOLVERS = [
    {"solver": "adam"},
    {"solver": "sgd", "nesterovs_momentum": True},
    {"solver": "sgd", "nesterovs_momentum": False, "momentum": 0.5},
    {"solver": "sgd", "momentum": 0.0, "learning_rate": "invscaling"},
]


def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def binary():
    return make_classification(120, 6, random_state=0)


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), y / 100


CASES = [(SkClassifier, MLPClassifier, iris), (SkClassifier, MLPClassifier, binary),
         (SkRegressor, MLPRegressor, diabetes)]


def fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@pytest.mark.parametrize("solver", SOLVERS, ids=lambda s: "-".join(map(str, s.values())))
@pytest.mark.parametrize("sk_cls, our_cls, data", CASES, ids=["multiclass", "binary", "reg"])
def test_loss_curve_matches_sklearn_from_copied_weights(sk_cls, our_cls, data, solver):
    """The issue's parity test: same initial weights copied in, shuffle=False."""
    X, y = data()
    params = dict(hidden_layer_sizes=(7, 5), activation="tanh", alpha=1e-3, batch_size=32,
                  learning_rate_init=0.01, shuffle=False, warm_start=True, **solver)
    sk = fit_quietly(sk_cls(max_iter=1, random_state=1, **params), X, y)
    ours = fit_quietly(our_cls(max_iter=1, random_state=2, **params), X, y)
    start = [c.copy() for c in sk.coefs_], [b.copy() for b in sk.intercepts_]
    assert not np.allclose(ours.coefs_[0], start[0][0])  # different seeds: really copied
    ours.coefs_, ours.intercepts_ = start
    sk.coefs_, sk.intercepts_ = [c.copy() for c in start[0]], [b.copy() for b in start[1]]
    sk.set_params(max_iter=5)
    ours.set_params(max_iter=5)
    fit_quietly(sk, X, y)
    fit_quietly(ours, X, y)
    np.testing.assert_allclose(ours.loss_curve_[-5:], sk.loss_curve_[-5:], rtol=1e-6)
    for a, b in zip(ours.coefs_, sk.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sk_cls, our_cls, data", CASES, ids=["multiclass", "binary", "reg"])
def test_same_seed_same_model_as_sklearn_with_shuffling(sk_cls, our_cls, data):
    """Beyond the issue: the same random_state draws the same weights and shuffles."""
    X, y = data()
    params = dict(hidden_layer_sizes=(10,), max_iter=8, random_state=0, batch_size=16)
    sk = fit_quietly(sk_cls(**params), X, y)
    ours = fit_quietly(our_cls(**params), X, y)
    np.testing.assert_allclose(ours.loss_curve_, sk.loss_curve_, rtol=1e-6)
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=1e-5, atol=1e-8)
    assert ours.n_iter_ == sk.n_iter_ and ours.t_ == sk.t_


def test_early_stopping_and_convergence_match_sklearn():
    X, y = iris()
    params = dict(hidden_layer_sizes=(8,), max_iter=300, random_state=0, early_stopping=True,
                  n_iter_no_change=5, learning_rate_init=0.01)
    sk = fit_quietly(SkClassifier(**params), X, y)
    ours = fit_quietly(MLPClassifier(**params), X, y)
    assert ours.n_iter_ == sk.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, sk.validation_scores_)
    assert ours.best_validation_score_ == sk.best_validation_score_
    assert ours.best_loss_ is None and sk.best_loss_ is None
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-5)


def test_lbfgs_reaches_sklearn_solution():
    X, y = iris()
    params = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50, random_state=0)
    sk = fit_quietly(SkClassifier(**params), X, y)
    ours = fit_quietly(MLPClassifier(**params), X, y)
    assert ours.loss_ == pytest.approx(sk.loss_, rel=1e-3)
    assert not hasattr(ours, "partial_fit") and not hasattr(sk, "loss_curve_")


def test_parameters_and_defaults_are_sklearns():
    for ours, theirs in [(MLPClassifier(), SkClassifier()), (MLPRegressor(), SkRegressor())]:
        sk_params = theirs.get_params()
        our_params = ours.get_params()
        assert {k: our_params[k] for k in sk_params} == sk_params


def test_fitted_attributes_are_sklearns():
    X, y = iris()
    sk = fit_quietly(SkClassifier((4,), max_iter=3, random_state=0), X, y)
    ours = fit_quietly(MLPClassifier((4,), max_iter=3, random_state=0), X, y)
    names = [a for a in vars(sk) if a.endswith("_") and not a.startswith("_")]
    for name in names:
        assert hasattr(ours, name), name
    assert ours.n_layers_ == sk.n_layers_ == 3
    assert ours.out_activation_ == sk.out_activation_ == "softmax"
    assert ours.loss_ == pytest.approx(sk.loss_)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_parity_holds_for_networks_larger_than_one_optimizer_chunk(solver, monkeypatch):
    """Updates run in chunks of CHUNK parameters with the penalty fused in; a network of
    ~50,000 parameters spans four chunks of 16384 and still follows scikit-learn."""
    from sklearn.datasets import load_digits

    from sknn.nn import optimizers

    monkeypatch.setattr(optimizers, "CHUNK", 16384)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    params = dict(hidden_layer_sizes=(300, 100), max_iter=3, random_state=0, alpha=1e-2,
                  batch_size=64, solver=solver)
    sk = fit_quietly(SkClassifier(**params), X, y)
    ours = fit_quietly(MLPClassifier(**params), X, y)
    assert ours.network_.params.size > 3 * optimizers.CHUNK
    np.testing.assert_allclose(ours.loss_curve_, sk.loss_curve_, rtol=1e-6)
