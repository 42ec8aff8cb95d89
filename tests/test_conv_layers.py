"""Convolution, pooling, spatial dropout and reshape layers: gradients and behaviour."""

import pickle

import numpy as np
import pytest

from sknn.nn.gradcheck import check_layer_gradients
from sknn.nn.layers.conv import Conv2D
from sknn.nn.layers.conv_pool import ConvMaxPool2D
from sknn.nn.layers.pooling import AvgPool2D, MaxPool2D
from sknn.nn.layers.reshape import Flatten, Reshape
from sknn.nn.layers.spatial_dropout import SpatialDropout2D


def images(n=2, H=5, W=5, C=2, seed=0):
    return np.random.default_rng(seed).standard_normal((n, H, W, C))


@pytest.mark.parametrize("kernel, strides, padding, shape", [
    (3, 1, "valid", (5, 5, 2)),
    (3, 1, "same", (5, 5, 2)),
    ((3, 2), (2, 1), "same", (6, 5, 2)),
    (2, 2, "valid", (5, 6, 3)),
    ((1, 3), 1, "same", (1, 7, 1)),   # a 1-D signal as a one-row image
    (3, 2, "same", (4, 4, 1)),
    (1, 1, "valid", (3, 3, 2)),
])
@pytest.mark.parametrize("activation", ["identity", "tanh"])
def test_conv2d_gradients(kernel, strides, padding, shape, activation):
    layer = Conv2D(3, kernel, strides, padding, activation=activation)
    check_layer_gradients(layer, images(2, *shape))


def test_conv2d_relu_and_no_bias_gradients():
    # shift inputs so few pre-activations sit near the kink at 0
    check_layer_gradients(Conv2D(2, 3, padding="same", activation="relu"), images() + 0.1)
    layer = Conv2D(2, 2, use_bias=False)
    check_layer_gradients(layer, images())
    assert set(layer.params) == {"W"}


def test_conv2d_matches_direct_convolution():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    layer = Conv2D(4, (3, 2), strides=(2, 1), padding="same")
    layer.build(X.shape[1:], rng, np.float32)
    layer.params["b"][...] = rng.standard_normal(4)
    Y = layer.forward(X)
    assert Y.shape == (2, 3, 5, 4) and Y.dtype == np.float32
    W, b = layer.params["W"], layer.params["b"]
    Xp = np.pad(X, ((0, 0), (0, 1), (0, 1), (0, 0)))  # 'same' pads 1 row/col after here
    for r, c in np.ndindex(3, 5):
        patch = Xp[:, 2 * r:2 * r + 3, c:c + 2]
        np.testing.assert_allclose(Y[:, r, c], np.einsum("nijc,ijcf->nf", patch, W) + b,
                                   rtol=1e-5, atol=1e-5)


def test_conv2d_params_shapes_and_regularization():
    layer = Conv2D(8, (3, 5), padding="same")
    out = layer.build((10, 12, 3), np.random.default_rng(0), np.float32)
    assert out == (10, 12, 8)
    assert layer.params["W"].shape == (3, 5, 3, 8) and layer.params["b"].shape == (8,)
    assert layer.params["W"].dtype == np.float32
    assert layer.regularized == {"W"}
    assert layer.n_params == 3 * 5 * 3 * 8 + 8


def test_conv2d_skip_input_grad():
    layer = Conv2D(2, 3)
    layer.build((5, 5, 1), np.random.default_rng(0), np.float64)
    Y = layer.forward(images(C=1), training=True)
    layer.skip_input_grad = True
    assert layer.backward(np.ones_like(Y)) is None
    assert np.any(layer.grads["W"] != 0)


def test_conv2d_does_not_modify_input():
    X = images()
    X0 = X.copy()
    layer = Conv2D(2, 3, padding="same", activation="relu")
    layer.build(X.shape[1:], np.random.default_rng(0), np.float64)
    layer.backward(np.ones_like(layer.forward(X, training=True)))
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize("layer_cls", [Conv2D, ConvMaxPool2D])
def test_conv_prediction_keeps_no_reference_to_its_input(layer_cls):
    """backward rebuilds patches from the cached X; prediction must not hold a caller's X."""
    import gc
    import weakref

    layer = layer_cls(2, 3, padding="same")
    layer.build((4, 4, 2), np.random.default_rng(0), np.float64)
    X = images(3, 4, 4, 2)
    Y = layer.forward(X)
    ref = weakref.ref(X)
    del X
    gc.collect()
    assert ref() is None
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones_like(Y))


@pytest.mark.parametrize("kwargs, match", [
    (dict(filters=0), "filters must be a positive int"),
    (dict(filters=2, kernel_size=(3, 0)), "kernel_size must be a positive int"),
    (dict(filters=2, strides=(1, 2, 3)), "strides must be a positive int"),
    (dict(filters=2, padding="full"), "padding='full' is not one of"),
    (dict(filters=2, activation="relux"), "relux"),
])
def test_conv2d_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Conv2D(**kwargs)


def test_conv2d_bad_input_shapes():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="kernel of size 5 is larger than the input of size 4"):
        Conv2D(2, 5).build((4, 4, 1), rng, np.float64)
    with pytest.raises(ValueError, match=r"per-sample shape \(height, width, channels\)"):
        Conv2D(2, 3).build((16,), rng, np.float64)
    # 'same' padding makes any kernel fit
    assert Conv2D(2, 5, padding="same").build((4, 4, 1), rng, np.float64) == (4, 4, 2)


@pytest.mark.parametrize("layer_cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("pool, strides, shape", [
    (2, None, (4, 6, 2)), (2, None, (5, 5, 2)), (3, 2, (7, 5, 1)), ((2, 3), (1, 2), (4, 7, 2)),
])
def test_pooling_gradients(layer_cls, pool, strides, shape):
    check_layer_gradients(layer_cls(pool, strides), images(2, *shape))


def test_pooling_values_and_shapes():
    X = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    mp, ap = MaxPool2D(2), AvgPool2D(2)
    assert mp.build((4, 4, 2), None, np.float32) == (2, 2, 2)
    ap.build((4, 4, 2), None, np.float32)
    np.testing.assert_array_equal(mp.forward(X)[0, :, :, 0], [[10, 14], [26, 30]])
    np.testing.assert_array_equal(ap.forward(X)[0, :, :, 1], [[6, 10], [22, 26]])
    assert mp.forward(X).dtype == np.float32
    with pytest.raises(ValueError, match="pool of size 3 is larger than the input of size 2"):
        MaxPool2D(3).build((2, 8, 1), None, np.float32)


def test_spatial_dropout_drops_whole_channels():
    X = np.ones((50, 4, 4, 8), dtype=np.float32)
    layer = SpatialDropout2D(0.5)
    layer.build(X.shape[1:], np.random.default_rng(0), np.float32)
    A = layer.forward(X, training=True)
    # every (sample, channel) map is all zeros or all 1 / (1 - rate)
    per_map = A.reshape(50, 16, 8)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))
    assert set(np.unique(A)) == {0.0, 2.0}
    assert 0.35 < np.mean(A == 0) < 0.65
    dX = layer.backward(np.ones_like(A))
    np.testing.assert_array_equal(dX, A)  # the same mask scales the gradient
    np.testing.assert_array_equal(layer.forward(X, training=False), X)


def test_spatial_dropout_gradients_with_frozen_noise():
    check_layer_gradients(SpatialDropout2D(0.4), images(3, 3, 4, 5))


def test_spatial_dropout_needs_channels():
    with pytest.raises(ValueError, match="spatial axes"):
        SpatialDropout2D(0.2).build((10,), np.random.default_rng(0), np.float32)
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        SpatialDropout2D(1.0)


def test_flatten_and_reshape():
    X = images(2, 3, 4, 5)
    flat = Flatten()
    assert flat.build((3, 4, 5), None, np.float64) == (60,)
    np.testing.assert_array_equal(flat.forward(X), X.reshape(2, 60))
    check_layer_gradients(Flatten(), X)
    rs = Reshape((-1, 5))
    assert rs.build((3, 4, 5), None, np.float64) == (12, 5)
    check_layer_gradients(Reshape((6, 2, 5)), X)
    with pytest.raises(ValueError, match="cannot reshape"):
        Reshape((7, -1)).build((3, 4, 5), None, np.float64)
    with pytest.raises(ValueError, match="at most one -1"):
        Reshape((-1, -1))


def test_layers_pickle_without_buffers():
    layer = Conv2D(2, 3, padding="same")
    layer.build((6, 6, 1), np.random.default_rng(0), np.float32)
    size_before = len(pickle.dumps(layer))
    X = images(200, 6, 6, 1).astype(np.float32)
    Y = layer.forward(X).copy()
    # scratch buffers and caches (far larger than the weights here) are not saved
    assert len(pickle.dumps(layer)) < size_before + 100  # the patches alone are ~290 kB
    clone = pickle.loads(pickle.dumps(layer))
    np.testing.assert_array_equal(clone.forward(X), Y)


def test_max_pool_backward_needs_a_training_forward():
    layer = MaxPool2D(2)
    layer.build((4, 4, 1), None, np.float64)
    Y = layer.forward(images(1, 4, 4, 1), training=False)  # inference skips the argmax
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones_like(Y))


@pytest.mark.parametrize("kernel, strides, padding, pool, shape", [
    (3, 1, "same", 2, (4, 6, 2)),
    (3, 1, "valid", (2, 1), (6, 5, 1)),
    ((2, 3), (1, 2), "same", (3, 2), (6, 8, 2)),
    (3, 2, "same", 1, (5, 5, 1)),
])
@pytest.mark.parametrize("activation", ["identity", "tanh", "gelu"])
def test_conv_max_pool_gradients(kernel, strides, padding, pool, shape, activation):
    layer = ConvMaxPool2D(3, kernel, strides, padding, activation=activation, pool_size=pool)
    check_layer_gradients(layer, images(2, *shape))


@pytest.mark.parametrize("activation", ["relu", "gelu", "identity"])
@pytest.mark.parametrize("C", [1, 2])
def test_conv_max_pool_equals_conv_then_max_pool(activation, C):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 6, 4, C))
    X[0, :2] = 0.0  # flat regions make ties in the pool
    dY = rng.standard_normal((3, 3, 2, 4))
    fused = ConvMaxPool2D(4, 3, padding="same", activation=activation, pool_size=2,
                          kernel_initializer="he_uniform")
    stack = [Conv2D(4, 3, padding="same", activation=activation,
                    kernel_initializer="he_uniform"), MaxPool2D(2)]
    results = []
    for layers in ([fused], stack):
        shape, layer_rng = X.shape[1:], np.random.default_rng(1)
        for layer in layers:
            shape = layer.build(shape, layer_rng, np.float64)
        out = X
        for layer in layers:
            out = layer.forward(out, training=True)
        d = dY.copy()
        for layer in reversed(layers):
            d = layer.backward(d)
        results.append((out.copy(), d.copy(), layers[0].grads["W"].copy(),
                        layers[0].grads["b"].copy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert fused.output_shape == (3, 2, 4) and fused.conv_shape == (6, 4, 4)


def _train_step(layer, X, dY):
    """Forward output, dX and every gradient of one training step, as copies."""
    out = layer.forward(X, training=True).copy()
    dX = layer.backward(dY.copy()).copy()
    return [out, dX] + [layer.grads[k].copy() for k in sorted(layer.grads)]


@pytest.mark.parametrize("layer_cls", [Conv2D, ConvMaxPool2D])
@pytest.mark.parametrize("padding, strides, shape", [
    ("same", 1, (8, 8, 3)), ("same", 2, (8, 8, 3)),
    ("valid", 1, (10, 10, 3)), ("valid", 2, (10, 10, 3)),
    ("same", 1, (8, 8, 1)),  # one channel: im2col's transposed layout
])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("activation", ["relu", "gelu"])  # monotone or not (fused pool)
def test_sub_batches_give_the_whole_batch_results(monkeypatch, layer_cls, padding, strides,
                                                  shape, use_bias, activation):
    """A workspace of two images' patches splits 7 images 2 + 2 + 2 + 1: same floats."""
    from sknn.nn.layers import conv

    rng = np.random.default_rng(4)
    X = rng.standard_normal((7, *shape))
    layer = layer_cls(4, 3, strides, padding, activation=activation, use_bias=use_bias)
    layer.build(shape, np.random.default_rng(1), np.float64)
    dY = rng.standard_normal((7, *layer.output_shape))
    assert layer._sub_batches(X)[1] == 7  # the default workspace takes them at once
    whole = _train_step(layer, X, dY)
    monkeypatch.setattr(conv, "PATCH_WORKSPACE_VALUES", 2 * layer._patch_values(shape) + 1)
    spans, rows = layer._sub_batches(X)
    assert rows == 2 and spans[-1] == (6, 7)
    split = _train_step(layer, X, dY)
    for a, b in zip(whole, split):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)
    # the patch matrix kept is one sub-batch's, not the batch's
    assert layer._local.buffers["im2col"].size == 2 * layer._patch_values(shape)


def test_conv_memory_figures_stop_growing_with_the_batch(monkeypatch):
    """activation_size leaves out the patches; workspace_size caps them (summary, refusals)."""
    from sknn.nn.layers import conv
    from sknn.nn.network import activation_bytes, plan

    shape = (50, 50, 32)
    # per image: Z and A (or the pooled A, its gradient and the switches), and dX;
    # no longer the patch matrix (kh*kw*c_in values per output position)
    for layer, kept in ((Conv2D(64, 3, padding="same"), 2 * 50 * 50 * 64 + 50 * 50 * 32),
                        (ConvMaxPool2D(64, 3, padding="same"), 3 * 25 * 25 * 64 + 50 * 50 * 32)):
        patches = 50 * 50 * (9 * 32 + 1)
        assert layer._patch_values(shape) == patches
        assert layer.activation_size(shape) == kept
        rows = conv.PATCH_WORKSPACE_VALUES // patches
        per_image = layer._sub_batch_values(shape)
        assert layer.workspace_size(shape, 1) == per_image
        assert layer.workspace_size(shape, 10**6) == layer.workspace_size(shape, rows) \
            == rows * per_image
        entries = plan([layer], shape)
        grows = activation_bytes(entries, 2 * rows, 4) - activation_bytes(entries, rows, 4)
        assert grows == rows * layer.activation_size(shape) * 4
        monkeypatch.setattr(conv, "PATCH_WORKSPACE_VALUES", 1)
        assert layer.workspace_size(shape, 10**6) == per_image  # one image at a time
        monkeypatch.undo()


def test_conv_max_pool_shape_errors_and_inference():
    with pytest.raises(ValueError, match="5 x 5 positions is not a multiple of the pool"):
        ConvMaxPool2D(2, 3, padding="same").build((5, 5, 1), np.random.default_rng(0), np.float64)
    layer = ConvMaxPool2D(2, 3, padding="same", activation="relu")
    layer.build((4, 4, 1), np.random.default_rng(0), np.float32)
    X = images(2, 4, 4, 1).astype(np.float32)
    Y = layer.forward(X, training=False)
    assert Y.shape == (2, 2, 2, 2) and Y.dtype == np.float32
    with pytest.raises(RuntimeError, match="training=True"):
        layer.backward(np.ones_like(Y))
    assert "ConvMaxPool2D(2" in repr(layer) and "pool_size=(2, 2)" in repr(layer)
