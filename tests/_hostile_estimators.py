"""Small, fast configurations of every public estimator, hostile hyperparameter values,
and the checks a successful call's outputs must pass."""

import numpy as np
from hypothesis import strategies as st
from sklearn.base import is_classifier

import sknn
from _hostile_rule import assert_finite_float

#: Each public estimator, configured to fit tiny data in milliseconds.
SMALL = {
    "LogicGateNeuron": dict(max_iter=5),
    "ThresholdPerceptron": dict(max_iter=5, random_state=0),
    "MLPClassifier": dict(hidden_layer_sizes=(3,), max_iter=3, random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(3,), max_iter=3, random_state=0),
    "ConvNetClassifier": dict(filters=(2,), dense_layers=(3,), max_iter=2, batch_size=4,
                              random_state=0),
    "ConvNetRegressor": dict(filters=(2,), dense_layers=(3,), max_iter=2, batch_size=4,
                             random_state=0),
}


def public_estimators():
    """Names of the estimator classes in ``sknn.__all__``."""
    return sorted(name for name in sknn.__all__ if isinstance(getattr(sknn, name), type))


def make(name, **params):
    return getattr(sknn, name)(**{**SMALL[name], **params})


_FLOATS = [0.0, 1e-300, 1e-5, 0.5, 1e300, np.inf, -1.0, np.nan, "0.1", None, np.float32(2)]
_NETWORK = {
    "activation": ["relu", "tanh", "logistic", "identity", "leaky_relu", "elu", "selu",
                   "gelu", "softplus", "softmax", "relux", None],
    "solver": ["adam", "sgd", "lbfgs", "rmsprop", "adagrad", "adamax", "nadam", "adamw"],
    "alpha": _FLOATS,
    "l1": [0.0, 1e-3, 1e300],
    "batch_size": [1, 2, "auto", 10**9, 0, 2.5],
    "learning_rate": ["constant", "invscaling", "adaptive", "exponential", "cosine"],
    "learning_rate_init": [1e-300, 1e-3, 10.0, 1e300, np.inf],
    "power_t": [0.0, 0.5, 1e6, 1e300],
    "max_iter": [1, 2, 0, -1, 2.5, True],
    "random_state": [0, np.random.RandomState(1), -1, 2**32],
    "tol": [0.0, 1e300, np.inf],
    "momentum": [0.0, 1.0],
    "nesterovs_momentum": [True, False],
    "early_stopping": [True, False],
    "validation_fraction": [0.0, 1e-9, 0.5, 0.99],
    "beta_1": [0.0, 0.999999], "beta_2": [0.0, 0.9999999], "epsilon": [1e-300, 1e300],
    "n_iter_no_change": [1, np.inf, 10**9],
    "dropout": [0.0, 0.5, 0.999999],
    "max_norm": [None, 1e-300, 1e300],
    "clipnorm": [None, 1e-300, 1e300],
    "batch_norm": [True, False],
    "kernel_initializer": ["sklearn", "auto", "glorot_uniform", "he_normal", "zeros"],
    "warm_start": [True, False],
    "shuffle": [True, False],
}
_MLP = {
    **_NETWORK,
    "hidden_layer_sizes": [(), (0,), (-1,), (2.5,), ("a",), (3,), 3, np.int64(2), [2, 2],
                           (1,) * 5, None, "3", True, (10**9,), (10**5, 10**5)],
    "wide_and_deep": [True, False],
    "max_fun": [1, 2],
}
_CONVNET = {
    **{k: v for k, v in _NETWORK.items() if k != "solver"},
    "solver": ["adam", "sgd", "rmsprop", "lbfgs"],
    "input_shape": [None, (2, 2), (0, 3), (-1, 2), (2.5, 2), "ab", (2, 2, 1),
                    (1, 1, 1, 1), (1, 4)],
    "filters": [(1,), (2, 2), (), (0,), 2, (10**9,)],
    "kernel_size": [1, 3, (1, 2), 0, (2,), 100],
    "strides": [1, 2, 100, 0],
    "padding": ["same", "valid"],
    "pool": [None, "max", "avg"],
    "pool_size": [1, 2, 100, 0],
    "spatial_dropout": [0.0, 0.5],
    "dense_layers": [(), (2,), 0, (0,), (10**9,)],
    "layers": [None, [], ["a"]],
    "dtype": ["float32", "float64", "float16"],
}
_REGRESSION_LOSSES = ["squared_error", "absolute_error", "huber", "poisson", "log_loss"]
_CLASS_WEIGHTS = [None, "balanced", {0: np.nan}, {0: 1e300}, {0: -1.0}, {"zz": 1.0}, {},
                  {0: 0.0, 1: 0.0}, "balancedx", [1.0, 2.0]]
HOSTILE_PARAMS = {
    "MLPClassifier": {**_MLP, "class_weight": _CLASS_WEIGHTS},
    "MLPRegressor": {**_MLP, "loss": _REGRESSION_LOSSES},
    "LogicGateNeuron": {k: _MLP[k] for k in ("solver", "learning_rate_init", "max_iter",
                                             "tol", "n_iter_no_change", "alpha",
                                             "warm_start")},
    "ThresholdPerceptron": {
        "penalty": [None, "l2", "l1", "elasticnet", "l3"],
        "alpha": _FLOATS, "l1_ratio": [0.0, 1.0, 1.5],
        "fit_intercept": [True, False], "max_iter": [1, 2, 0],
        "tol": [None, -np.inf, np.inf, np.nan, 1e300], "eta0": [1e-300, 1.0, 1e300],
        "early_stopping": [True, False], "validation_fraction": [1e-9, 0.5, 0.99],
        "n_iter_no_change": [1, 10**9],
        "class_weight": _CLASS_WEIGHTS,
        "step": ["heaviside", "sign"], "init": ["zeros", "ones", "random"],
        "warm_start": [True, False], "shuffle": [True, False],
    },
    "ConvNetClassifier": {**_CONVNET, "class_weight": _CLASS_WEIGHTS},
    "ConvNetRegressor": {**_CONVNET, "loss": _REGRESSION_LOSSES},
}


@st.composite
def hostile_params(draw, name, max_size=3):
    """A few of the estimator's parameters set to drawn (often hostile) values."""
    space = HOSTILE_PARAMS[name]
    keys = draw(st.lists(st.sampled_from(sorted(space)), min_size=1, max_size=max_size,
                         unique=True))
    return {key: draw(st.sampled_from(space[key])) for key in keys}


def fitted_parameters(est):
    """Every learned number of a fitted estimator, as one flat array."""
    if hasattr(est, "network_"):
        return est.network_.params
    return np.concatenate([np.ravel(est.coef_), np.ravel(est.intercept_)])


def check_fitted(est):
    params = np.asarray(fitted_parameters(est))
    assert params.dtype.kind == "f", f"the fitted model holds {params.dtype} parameters"
    assert np.isfinite(params).all(), "the fitted model holds NaN or inf parameters"


def n_outputs(est):
    """Columns of predict for multilabel/multi-output models, else None (1-D)."""
    if is_classifier(est):
        indicator = getattr(est, "_indicator", None)
        binarizer = getattr(est, "_label_binarizer", None)
        if indicator or (binarizer is not None and binarizer.y_type_ == "multilabel-indicator"):
            return len(est.classes_)
        return None
    return None if est.n_outputs_ == 1 else est.n_outputs_


def check_output(est, method, result, n):
    """A successful call's result has the shape, dtype and values the method promises."""
    k = n_outputs(est)
    if method == "score":
        # scikit-learn's R^2 of one sample is NaN (with UndefinedMetricWarning): the
        # score's definition, not a model's failure.
        undefined = n < 2 and not is_classifier(est)
        assert np.ndim(result) == 0 and (undefined or np.isfinite(result)), f"score {result!r}"
        return
    if method == "predict" and is_classifier(est):
        result = np.asarray(result)
        assert result.shape == ((n,) if k is None else (n, k)), f"predict {result.shape}"
        if k is None:
            assert result.dtype == est.classes_.dtype, f"predict dtype {result.dtype}"
            assert np.isin(result, est.classes_).all(), "predict outside classes_"
        return
    if method == "predict":
        assert_finite_float(result, (n,) if k is None else (n, k), "predict")
        return
    if method == "transform":  # the default (last) hidden layer
        assert_finite_float(result, (n, len(est.get_feature_names_out())), "transform")
        return
    if method == "predict_proba":
        assert_finite_float(result, (n, max(len(est.classes_), 2)), "predict_proba")
        assert ((result >= 0) & (result <= 1)).all(), "probabilities outside [0, 1]"
        if k is None:
            np.testing.assert_allclose(result.sum(axis=1), 1, rtol=1e-4, err_msg="rows")
        return
    width = getattr(est, "n_outputs_", None) or len(getattr(est, "coef_", [[0]]))
    binary = (k is None and width == 1)
    assert_finite_float(result, (n,) if binary else (n, width), method)
