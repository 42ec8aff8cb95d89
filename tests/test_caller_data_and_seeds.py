"""Two promises of issue 9 kept covered for every public estimator: the caller's arrays
are never modified (dense and sparse X, y, sample_weight, from_weights inputs), and a
fixed ``random_state`` gives bit-identical models (early stopping and dropout too)."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp

from _hostile_estimators import fitted_parameters, make, public_estimators
from _hostile_rule import assert_unmodified
from sknn import LogicGateNeuron, MLPClassifier, MLPRegressor

ESTIMATORS = public_estimators()
RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4))
Y = {"classifier": np.arange(40) % 2, "regressor": RNG.normal(size=40)}


def _y(name):
    return Y["regressor" if name.endswith("Regressor") else "classifier"]


def _inputs(kind):
    if kind == "dense":
        return X.copy()
    if kind == "float32-readonly":
        X32 = X.astype(np.float32)
        X32.flags.writeable = False
        return X32
    return sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0))


@pytest.mark.parametrize("kind", ["dense", "float32-readonly", "sparse"])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_caller_arrays_are_unmodified(name, kind):
    est = make(name)
    if kind == "sparse" and not est.__sklearn_tags__().input_tags.sparse:
        pytest.skip(f"{name} takes no sparse input")
    X_in, y_in, w_in = _inputs(kind), _y(name).copy(), np.linspace(0.5, 2, 40)
    before = copy.deepcopy((X_in, y_in, w_in)) if kind != "float32-readonly" else None
    est.fit(X_in, y_in, sample_weight=w_in)
    est.predict(X_in)
    if hasattr(est, "partial_fit"):
        est.partial_fit(X_in, y_in, sample_weight=w_in)
    est.score(X_in, y_in, sample_weight=w_in)
    if before is not None:
        assert_unmodified(before, (X_in, y_in, w_in), "(X, y, sample_weight)")


def test_from_weights_inputs_are_unmodified_and_not_shared():
    coefs = [RNG.normal(size=(4, 3)), RNG.normal(size=(3, 1))]
    intercepts = [RNG.normal(size=3), RNG.normal(size=1)]
    coef, intercept = RNG.normal(size=4), 0.5
    before = copy.deepcopy((coefs, intercepts, coef))
    models = [MLPClassifier.from_weights(coefs, intercepts, classes=[0, 1]),
              MLPRegressor.from_weights(coefs, intercepts),
              LogicGateNeuron.from_weights(coef, intercept)]
    for model in models:  # training the model must not write into the caller's arrays
        model.partial_fit(X, _y("MLPRegressor" if model is models[1] else ""))
    assert_unmodified(before, (coefs, intercepts, coef), "from_weights inputs")


SEEDED = {
    "plain": {},
    "early_stopping": {"early_stopping": True, "validation_fraction": 0.25},
    "dropout": {"dropout": 0.3},
}


@pytest.mark.parametrize("config", sorted(SEEDED))
@pytest.mark.parametrize("name", ESTIMATORS)
def test_fixed_random_state_gives_bit_identical_models(name, config):
    params, allowed = SEEDED[config], make(name).get_params()
    if any(key not in allowed for key in params):
        pytest.skip(f"{name} has no {sorted(set(params) - set(allowed))}")
    if "random_state" in allowed:  # LogicGateNeuron has no randomness to seed
        params = dict(params, random_state=7)
    models = [make(name, **params).fit(X, _y(name)) for _ in range(2)]
    first, second = (fitted_parameters(m) for m in models)
    assert first.dtype == second.dtype and first.tobytes() == second.tobytes()
    assert np.array_equal(models[0].predict(X), models[1].predict(X))
