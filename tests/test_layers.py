"""Float64 central-difference checks of the core's dense-family layers, and the network's
flat parameter buffer."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from sknn.nn import activations
from sknn.nn.gradcheck import assert_close, check_layer_gradients
from sknn.nn.layers import Activation, BatchNormalization, Dense, Dropout, SkipConcat
from sknn.nn.network import Sequential

RNG = np.random.default_rng(0)


def away_from_kinks(shape, seed=0):
    """Inputs whose pre-activations stay clear of relu-type kinks at 0."""
    X = np.random.default_rng(seed).standard_normal(shape)
    return X + 0.1 * np.sign(X)


@pytest.mark.parametrize("activation", sorted(set(activations.ACTIVATIONS)))
def test_dense_gradients_for_every_activation(activation):
    layer = Dense(3, activation=activation, kernel_initializer="glorot_uniform")
    check_layer_gradients(layer, RNG.standard_normal((4, 5)))


def test_dense_gradients_with_sklearn_initializer_random_biases():
    check_layer_gradients(Dense(2, "tanh", "sklearn"), RNG.standard_normal((3, 4)))


def test_dense_accepts_sparse_input_with_same_result():
    X = sp.random(6, 5, density=0.4, random_state=0, format="csr")
    dense_layer, sparse_layer = Dense(3, "tanh"), Dense(3, "tanh")
    for layer in (dense_layer, sparse_layer):
        layer.build((5,), np.random.RandomState(0), np.float64)
    A = dense_layer.forward(X.toarray(), training=True)
    np.testing.assert_allclose(sparse_layer.forward(X, training=True), A)
    R = RNG.standard_normal(A.shape)
    dense_layer.backward(R.copy())
    sparse_layer.backward(R.copy())
    np.testing.assert_allclose(sparse_layer.grads["W"], dense_layer.grads["W"])


def test_dropout_gradients_and_scaling():
    check_layer_gradients(Dropout(0.4), RNG.standard_normal((6, 5)))
    layer = Dropout(0.5)
    layer.build((10000,), np.random.RandomState(0), np.float64)
    out = layer.forward(np.ones((1, 10000)), training=True)
    assert set(np.unique(out)) == {0.0, 2.0}
    assert abs(out.mean() - 1.0) < 0.05  # inverted dropout keeps the expectation
    np.testing.assert_array_equal(layer.forward(np.ones((1, 10000)), training=False), 1.0)


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match="dropout rate"):
        Dropout(1.0)


@pytest.mark.parametrize("shape", [(6, 3), (3, 2, 2, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients(shape, training):
    X = RNG.standard_normal(shape) * 2 + 1
    layer = BatchNormalization()
    if not training:  # give inference mode non-trivial running statistics
        layer.build(shape[1:], RNG, np.float64)
        layer.forward(X, training=True)
        layer.params["gamma"][...] = RNG.uniform(0.5, 2, shape[-1])
    check_layer_gradients(layer, X, training=training)


def test_batchnorm_normalizes_in_training_and_tracks_running_stats():
    X = RNG.standard_normal((500, 3)) * [1.0, 5.0, 0.2] + [3.0, -1.0, 0.0]
    layer = BatchNormalization(momentum=0.0)
    layer.build((3,), RNG, np.float64)
    out = layer.forward(X, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    var = X.var(axis=0)
    np.testing.assert_allclose(out.std(axis=0), np.sqrt(var / (var + layer.epsilon)))
    np.testing.assert_allclose(layer.state["running_mean"], X.mean(axis=0))
    np.testing.assert_allclose(layer.forward(X, training=False), out, atol=1e-12)


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax"])
def test_activation_layer_gradients(name):
    check_layer_gradients(Activation(name), away_from_kinks((3, 4)))


def test_skip_concat_gradients():
    layer = SkipConcat([Dense(3, "tanh"), Dense(2, "logistic")])
    check_layer_gradients(layer, RNG.standard_normal((4, 5)))
    assert layer.output_shape == (2 + 5,)


def small_network(dtype=np.float64):
    net = Sequential([Dense(4, "relu"), BatchNormalization(), Dense(3, "tanh"), Dense(2)])
    return net.build((5,), np.random.RandomState(0), dtype)


def test_parameters_are_views_of_one_flat_buffer_kernels_first():
    net = small_network()
    kernels = [layer.params["W"] for layer in net.layers if isinstance(layer, Dense)]
    assert net.n_regularized == sum(W.size for W in kernels)
    for W in kernels:
        assert np.shares_memory(W, net.params[: net.n_regularized])
    net.params[...] = 0.5
    assert all(np.all(W == 0.5) for W in kernels)


def test_network_backward_matches_central_differences():
    net = small_network()
    X = RNG.standard_normal((6, 5))
    R = RNG.standard_normal((6, 2))
    net.forward(X, training=True)
    net.backward(R)
    analytic = net.grads.copy()
    numeric = np.zeros_like(analytic)
    for i in range(net.params.size):
        old = net.params[i]
        vals = []
        for step in (1e-6, -1e-6):
            net.params[i] = old + step
            vals.append(np.sum(R * net.forward(X, training=True)))
        net.params[i] = old
        numeric[i] = (vals[0] - vals[1]) / 2e-6
    assert_close(analytic, numeric, "Sequential params")


def test_pickle_keeps_views_bound_and_does_not_store_weights_twice():
    net = small_network()
    X = RNG.standard_normal((3, 5))
    expected = net.forward(X).copy()
    blob = pickle.dumps(net)
    assert len(blob) < 2 * net.params.nbytes + 8000
    clone = pickle.loads(blob)
    np.testing.assert_allclose(clone.forward(X), expected)
    clone.params[...] = 0.0
    assert np.all(clone.layers[0].params["W"] == 0.0)
    np.testing.assert_allclose(net.forward(X), expected)  # the original is untouched


def test_float32_network_computes_in_float32():
    net = small_network(np.float32)
    out = net.forward(RNG.standard_normal((3, 5)).astype(np.float32))
    assert net.params.dtype == np.float32 and out.dtype == np.float32


def test_summary_lists_layers_and_parameter_count():
    text = small_network().summary()
    assert "Dense(4" in text and "BatchNormalization" in text
    assert f"Total params: {5 * 4 + 4 + 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2:,}" in text


def test_summary_gives_activation_memory_per_batch_from_the_plan():
    from sknn.nn.network import format_bytes, plan

    net = small_network()
    text = net.summary(batch_size=50)
    entries = plan(net.layers, net.input_shape)
    total = sum(e.activations for e in entries) * 50 * net.params.dtype.itemsize
    assert "Activations (batch 50)" in text
    assert f"Activation memory per batch of 50: {format_bytes(total)}" in text
    first = sum(e.activations for e in plan(net.layers[:1], net.input_shape))
    assert format_bytes(first * 50 * net.params.dtype.itemsize) in text.splitlines()[3]
    assert "Activations" not in net.summary()  # without a batch size: Keras's columns
