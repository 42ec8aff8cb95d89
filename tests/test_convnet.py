"""ConvNetClassifier: scikit-learn compatibility, accuracy, input shapes and bad input."""

import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import ConvNetClassifier
from sknn.datasets import load_mnist
from sknn.nn.layers import (
    Activation,
    AvgPool2D,
    BatchNormalization,
    Conv2D,
    ConvMaxPool2D,
    Dense,
    Flatten,
    MaxPool2D,
    SpatialDropout2D,
)

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def small(**params):
    """A quick configuration for tests that check behaviour, not accuracy."""
    defaults = dict(filters=(4,), dense_layers=(8,), max_iter=3, random_state=0, batch_size=16)
    return ConvNetClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _float32_rounding(est):
    if est.dtype == "float64":
        return {}
    return {"check_sample_weight_equivalence_on_dense_data":
            "float32 rounding: the check compares predict_proba at rtol 1e-7, float32's "
            "machine epsilon, and the weighted and repeated fits sum their gradients in "
            "different orders; the float64 instance passes it"}


@parametrize_with_checks(
    [ConvNetClassifier(filters=(4,), dense_layers=(8,), max_iter=30, batch_size=32,
                       random_state=0, dtype=dtype) for dtype in ("float32", "float64")],
    expected_failed_checks=_float32_rounding,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_digits_as_8x8_images(digits):
    X_train, X_test, y_train, y_test = digits
    clf = ConvNetClassifier(input_shape=(8, 8), max_iter=20, learning_rate_init=0.003,
                            random_state=1).fit(X_train, y_train)
    assert clf.input_shape_ == (8, 8, 1)
    assert clf.score(X_test, y_test) >= 0.98


@pytest.mark.data
@pytest.mark.skipif(not (DATA_DIR / "t10k-images-idx3-ubyte.gz").exists(),
                    reason=f"MNIST files not found in {DATA_DIR}")
def test_mnist_three_epochs():
    X, y = load_mnist(DATA_DIR)
    X = X.astype(np.float32) / 255
    clf = ConvNetClassifier(filters=(16, 32), dense_layers=(128,), batch_size=64, max_iter=3,
                            random_state=0).fit(X[:8000], y[:8000])
    assert clf.n_iter_ == 3
    assert clf.score(X[8000:], y[8000:]) >= 0.975


def test_image_shapes_give_the_same_model(digits):
    X_train, _, y_train, _ = digits
    X_train, y_train = X_train[:300], y_train[:300]
    images = X_train.reshape(-1, 8, 8)
    flat = small(input_shape=(8, 8)).fit(X_train, y_train)
    hw = small().fit(images, y_train)
    hwc = small(input_shape=(8, 8, 1)).fit(images[..., None], y_train)
    expected = flat.predict_proba(X_train)
    np.testing.assert_allclose(hw.predict_proba(images), expected, rtol=1e-6)
    np.testing.assert_allclose(hwc.predict_proba(images[..., None]), expected, rtol=1e-6)
    assert hw.input_shape_ == hwc.input_shape_ == (8, 8, 1)


def test_flat_x_without_input_shape_is_a_1d_signal():
    # class = where a bump sits in a 1-D signal: position-invariant conv features find it
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    X = rng.normal(0, 0.1, (200, 30))
    X[y == 0, 5:8] += 1.0
    X[y == 1, 20:23] += 1.0
    clf = small(filters=(4,), kernel_size=3, max_iter=15).fit(X, y)
    assert clf.input_shape_ == (1, 30, 1)
    conv = clf.network_.layers[0]
    assert conv.kernel_size == (1, 3)
    assert clf.score(X, y) > 0.95


def test_multichannel_images_and_options():
    rng = np.random.default_rng(0)
    X = rng.random((60, 6, 6, 3)).astype(np.float32)
    y = (X[:, :3, :, 0].mean(axis=(1, 2)) > X[:, 3:, :, 0].mean(axis=(1, 2))).astype(int)
    for params in [dict(pool="avg"), dict(pool=None, padding="valid"),
                   dict(batch_norm=True, spatial_dropout=0.2, dropout=0.2),
                   dict(filters=(4, 6), kernel_size=(3, (1, 3)), strides=(1, 2))]:
        clf = small(**params).fit(X, y)
        assert clf.predict(X).shape == (60,)
        assert clf.predict_proba(X).dtype == np.float32


def layer_kinds(**params):
    clf = small(**params).fit(np.random.default_rng(0).random((20, 8, 8)), [0, 1] * 10)
    return [type(layer) for layer in clf.network_.layers]


def test_layer_stacks():
    # conv + max pool fuse into one layer when the pool divides the conv output
    assert layer_kinds(filters=(4, 4))[:2] == [ConvMaxPool2D, ConvMaxPool2D]
    # 8 -> 3 ('valid' 3x3 twice would be 6 -> 3): a remainder falls back to two layers
    assert layer_kinds(filters=(4,), kernel_size=2, padding="valid")[:2] == [Conv2D, MaxPool2D]
    # batch norm sits between conv and pool; relu commutes with max and goes last
    assert layer_kinds(batch_norm=True, spatial_dropout=0.1)[:5] == [
        Conv2D, BatchNormalization, MaxPool2D, Activation, SpatialDropout2D]
    assert layer_kinds(batch_norm=True, activation="gelu")[:4] == [
        Conv2D, BatchNormalization, Activation, MaxPool2D]
    assert layer_kinds(pool="avg")[:2] == [Conv2D, AvgPool2D]
    assert layer_kinds(pool=None)[:2] == [Conv2D, Flatten]


def test_max_pool_then_relu_equals_relu_then_max_pool():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 6, 6, 2))
    dY = rng.standard_normal((3, 3, 3, 4))
    outs = []
    init = "he_uniform"
    for stack in ([Conv2D(4, 3, padding="same", activation="relu", kernel_initializer=init),
                   MaxPool2D(2)],
                  [Conv2D(4, 3, padding="same", kernel_initializer=init), MaxPool2D(2),
                   Activation("relu")]):
        shape, layer_rng = X.shape[1:], np.random.default_rng(1)
        for layer in stack:
            shape = layer.build(shape, layer_rng, np.float64)
        out = X
        for layer in stack:
            out = layer.forward(out, training=True)
        d = dY.copy()
        for layer in reversed(stack):
            d = layer.backward(d)
        outs.append((out.copy(), d.copy(), stack[0].grads["W"].copy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_explicit_layers_are_copied_not_modified():
    layers = [Conv2D(3, 3, padding="same", activation="tanh"), MaxPool2D(2)]
    X, y = np.random.rand(20, 8, 8), [0, 1] * 10
    clf = ConvNetClassifier(layers=layers, dense_layers=(), max_iter=2, random_state=0).fit(X, y)
    assert layers[0].params == {}  # the user's layer was never built
    assert isinstance(clf.network_.layers[-1], Dense)
    assert clf.network_.layers[0].activation.name == "tanh"
    with pytest.raises(ValueError, match="layers must be a list of sknn.nn.layers.Layer"):
        ConvNetClassifier(layers=["conv"]).fit(X, y)


def test_partial_fit_warm_start_and_pickle(digits):
    X_train, X_test, y_train, _ = digits
    clf = small(input_shape=(8, 8))
    for _ in range(2):
        clf.partial_fit(X_train[:200], y_train[:200], classes=np.arange(10))
    assert clf.t_ == 400 and clf.n_iter_ == 1  # t_ counts every sample seen
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X_test), clf.predict_proba(X_test))
    warm = small(input_shape=(8, 8), warm_start=True, max_iter=1).fit(X_train, y_train)
    first = warm.network_.params.copy()
    warm.fit(X_train, y_train)
    assert not np.array_equal(first, warm.network_.params)


def test_predict_runs_in_batches_and_mc_samples(digits):
    X_train, X_test, y_train, _ = digits
    clf = small(input_shape=(8, 8), dropout=0.3).fit(X_train, y_train)
    assert clf._predict_batch_rows < len(X_test)
    # batched prediction equals one forward pass over everything
    X_net = X_test.reshape(-1, 8, 8, 1).astype(np.float32)
    np.testing.assert_allclose(clf.decision_function(X_test),
                               clf.network_.forward(X_net, training=False), rtol=1e-5, atol=1e-6)
    mc = clf.predict_proba(X_test, mc_samples=5)
    np.testing.assert_allclose(mc.sum(axis=1), 1, rtol=1e-5)
    assert not np.allclose(mc, clf.predict_proba(X_test))
    with pytest.raises(ValueError, match="mc_samples needs dropout"):
        small(input_shape=(8, 8)).fit(X_train, y_train).predict_proba(X_test, mc_samples=3)


def test_summary_dtype_and_caller_data_untouched(digits):
    X_train, _, y_train, _ = digits
    X = X_train[:100].copy()
    clf = small(input_shape=(8, 8)).fit(X, y_train[:100])
    np.testing.assert_array_equal(X, X_train[:100])
    text = clf.summary()
    assert "ConvMaxPool2D" in text and "(None, 4, 4, 4)" in text and "Total params" in text
    assert clf.network_.params.dtype == np.float32
    assert small(input_shape=(8, 8), dtype="float64").fit(X, y_train[:100]).network_.params.dtype == np.float64


@pytest.mark.parametrize("params, X_shape, match", [
    (dict(input_shape=(8, 8)), (10, 65), "X has 65 features per sample, but input_shape=.8, 8. holds 64"),
    (dict(input_shape=(8, 8)), (10, 6, 6), r"X has images of shape \(6, 6, 1\), but input_shape"),
    (dict(input_shape=(8, 8, 3)), (10, 8, 8, 1), r"images of shape \(8, 8, 1\), but input_shape"),
    (dict(padding="valid", kernel_size=5), (10, 4, 4), "kernel of size 5 is larger than the input of size 4"),
    (dict(padding="valid", filters=(2, 2, 2)), (10, 5, 5), "kernel of size 3 is larger than the input"),
    (dict(input_shape=(8, 0)), (10, 0), "input_shape must be|0 feature"),
    (dict(kernel_size=(3, 3, 3)), (10, 6, 6), "kernel_size has 3 entries but there are 1 conv"),
    (dict(filters=(0,)), (10, 6, 6), r"filters must be > 0, got \[0\]"),
    (dict(), (10, 2, 3, 4, 5), "expects X of shape"),
])
def test_bad_input_is_a_clear_error(params, X_shape, match):
    X = np.random.default_rng(0).random(X_shape)
    with pytest.raises(ValueError, match=match):
        small(**params).fit(X, np.arange(10) % 2)


def test_bad_input_at_predict():
    X = np.random.default_rng(0).random((20, 6, 6, 3))
    y = np.arange(20) % 2
    clf = small().fit(X, y)
    with pytest.raises(ValueError, match=r"images of shape \(6, 6, 1\).*fitted with \(6, 6, 3\)"):
        clf.predict(X[..., :1])
    X_nan = X.copy()
    X_nan[0, 2, 2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(X_nan)
    with pytest.raises(ValueError, match="NaN"):
        small().fit(X_nan, y)


def test_kernel_penalties_and_max_norm_reach_conv_kernels(digits):
    X_train, _, y_train, _ = digits
    X, y = X_train[:300], y_train[:300]

    def conv_kernel(**params):
        # a large step lets adam pull the penalized kernels visibly towards zero
        clf = small(input_shape=(8, 8), max_iter=5, learning_rate_init=0.01, **params)
        clf.fit(X, y)
        return clf.network_.layers[0].params["W"]

    free = conv_kernel(alpha=0.0)
    assert np.sum(conv_kernel(alpha=50.0) ** 2) < 0.5 * np.sum(free ** 2)
    assert np.sum(np.abs(conv_kernel(l1=5.0))) < 0.5 * np.sum(np.abs(free))
    capped = conv_kernel(max_norm=0.3)
    # one norm per filter: over the kernel's rows, columns and input channels
    assert np.all(np.sqrt(np.sum(capped ** 2, axis=(0, 1, 2))) <= 0.3 + 1e-6)


def test_early_stopping_and_grid_search(digits):
    from sklearn.model_selection import GridSearchCV

    X_train, X_test, y_train, y_test = digits
    clf = small(input_shape=(8, 8), early_stopping=True, max_iter=30, n_iter_no_change=2)
    clf.fit(X_train, y_train)
    assert clf.n_iter_ < 30 and len(clf.validation_scores_) == clf.n_iter_
    grid = {"filters": [(2,), (4,)], "pool": ["max", "avg"]}
    est = small(input_shape=(8, 8), max_iter=10, learning_rate_init=0.01)
    search = GridSearchCV(est, grid, cv=2).fit(X_train[:300], y_train[:300])
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ > 0.2  # tiny models, 150 images each: above chance (0.1)
    assert search.best_estimator_.predict(X_test).shape == y_test.shape
