import pickle
import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from sknn.nn import activations, initializers

# name -> (expected kernel variance as a function of fan_in, fan_out; distribution)
EXPECTED = {
    "glorot_uniform": (lambda fi, fo: 2.0 / (fi + fo), "uniform"),
    "glorot_normal": (lambda fi, fo: 2.0 / (fi + fo), "normal"),
    "he_uniform": (lambda fi, fo: 2.0 / fi, "uniform"),
    "he_normal": (lambda fi, fo: 2.0 / fi, "normal"),
    "lecun_uniform": (lambda fi, fo: 1.0 / fi, "uniform"),
    "lecun_normal": (lambda fi, fo: 1.0 / fi, "normal"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("make_rng", [np.random.RandomState, np.random.default_rng])
def test_variance_and_shape(name, make_rng):
    rng = make_rng(0)
    fan_in, fan_out = 300, 100
    kernel, bias = initializers.get(name)(rng, fan_in, fan_out, (fan_in, fan_out), np.float64)
    assert kernel.shape == (fan_in, fan_out) and bias.shape == (fan_out,)
    assert not bias.any()
    var, dist = EXPECTED[name]
    # 30,000 draws: the sample variance is within ~2% of the truth (several sigma).
    np.testing.assert_allclose(kernel.var(), var(fan_in, fan_out), rtol=0.05)
    assert abs(kernel.mean()) < 0.05 * np.sqrt(var(fan_in, fan_out))
    bound = np.sqrt(3 * var(fan_in, fan_out))
    if dist == "uniform":
        assert np.abs(kernel).max() <= bound
        assert np.abs(kernel).max() > 0.99 * bound
    else:
        assert np.abs(kernel).max() > 1.5 * bound  # normal tails reach past a uniform's edge


def test_conv_kernel_shape_uses_given_fans():
    kh, kw, c_in, c_out = 3, 3, 16, 32
    init = initializers.get("he_normal")
    kernel, bias = init(np.random.default_rng(1), kh * kw * c_in, kh * kw * c_out,
                        (kh, kw, c_in, c_out), np.float64)
    assert kernel.shape == (kh, kw, c_in, c_out) and bias.shape == (c_out,)
    np.testing.assert_allclose(kernel.var(), 2.0 / (kh * kw * c_in), rtol=0.08)


@pytest.mark.parametrize("name", sorted(EXPECTED) + ["sklearn"])
def test_dtype_and_determinism(name):
    init = initializers.get(name)
    k1, b1 = init(np.random.RandomState(3), 5, 4, (5, 4), np.float32)
    k2, b2 = init(np.random.RandomState(3), 5, 4, (5, 4), np.float32)
    assert k1.dtype == np.float32 and b1.dtype == np.float32
    np.testing.assert_array_equal(k1, k2)
    np.testing.assert_array_equal(b1, b2)


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_sklearn_scheme_reproduces_mlp_initial_weights(activation):
    # With a learning rate of 1e-12 one SGD epoch moves weights by ~1e-13, far below
    # the 1e-6 tolerance, while a wrong bound factor or draw order changes them by
    # O(0.1): the comparison checks the initialization, not the training.
    X = np.random.default_rng(0).normal(size=(30, 4))
    y = np.arange(30) % 3
    clf = MLPClassifier(hidden_layer_sizes=(5,), activation=activation, random_state=0,
                        max_iter=1, solver="sgd", learning_rate_init=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after one iteration
        clf.fit(X, y)
    rng = np.random.RandomState(0)  # what check_random_state(0) gives scikit-learn
    init = initializers.get("sklearn", activation=activation)
    W1, b1 = init(rng, 4, 5, (4, 5), np.float64)
    W2, b2 = init(rng, 5, 3, (5, 3), np.float64)
    theirs = [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1]]
    for ours, sk in zip([W1, b1, W2, b2], theirs):
        np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-6)


def test_sklearn_scheme_bounds():
    for activation, factor in [("logistic", 2.0), ("tanh", 6.0), (None, 6.0)]:
        kernel, bias = initializers.get("sklearn", activation)(
            np.random.default_rng(0), 40, 60, (40, 60), np.float64)
        bound = np.sqrt(factor / 100)
        assert np.abs(kernel).max() <= bound and np.abs(kernel).max() > 0.98 * bound
        assert np.abs(bias).max() <= bound and bias.any()


@pytest.mark.parametrize("activation, expected", [
    ("relu", "he_uniform"), ("leaky_relu", "he_uniform"), ("elu", "he_uniform"),
    ("gelu", "he_uniform"), ("softplus", "he_uniform"), ("tanh", "glorot_uniform"),
    ("logistic", "glorot_uniform"), ("identity", "glorot_uniform"),
    ("softmax", "glorot_uniform"), ("selu", "lecun_normal"), (None, "glorot_uniform"),
])
def test_auto_resolves_by_activation(activation, expected):
    assert initializers.get("auto", activation) is initializers.INITIALIZERS[expected]
    if activation is not None:
        act = activations.get(activation)
        assert initializers.get("auto", act) is initializers.INITIALIZERS[expected]


def test_get_passes_callables_pickles_and_rejects_unknown_names():
    def custom(rng, fan_in, fan_out, shape, dtype):
        return np.ones(shape, dtype), np.zeros(shape[-1], dtype)

    assert initializers.get(custom) is custom
    init = pickle.loads(pickle.dumps(initializers.get("sklearn", "logistic")))
    expected = initializers.sklearn_uniform(np.random.RandomState(0), 3, 2, (3, 2), factor=2.0)
    np.testing.assert_array_equal(init(np.random.RandomState(0), 3, 2, (3, 2), np.float64)[0],
                                  expected[0])
    with pytest.raises(ValueError) as info:
        initializers.get("xavier")
    assert str(info.value) == (
        "kernel_initializer='xavier' is not one of ['auto', 'glorot_normal', "
        "'glorot_uniform', 'he_normal', 'he_uniform', 'lecun_normal', 'lecun_uniform', "
        "'sklearn']"
    )
