"""ConvNetRegressor: scikit-learn compatibility, learning known functions of images,
losses, multi-output, Monte Carlo dropout, the builder it shares with ConvNetClassifier,
and its life inside scikit-learn (Pipeline, GridSearchCV, clone, partial_fit, joblib, skops)."""

import io
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.callback import ScoringMonitor
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import sknn
from sknn import ConvNetClassifier, ConvNetRegressor
from sknn.nn.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D


def small(**params):
    """A quick configuration for tests that check behaviour, not accuracy."""
    defaults = dict(filters=(4,), dense_layers=(8,), max_iter=3, random_state=0, batch_size=16)
    return ConvNetRegressor(**{**defaults, **params})


def quadrants(images):
    """Mean brightness of each 4x4 quadrant of 8x8 images: shape (n, 4)."""
    return np.stack([images[:, r:r + 4, c:c + 4].mean(axis=(1, 2))
                     for r in (0, 4) for c in (0, 4)], axis=1)


@pytest.fixture(scope="module")
def digits():
    """8x8 digit images in [0, 1] and their quadrants' brightness, standardized
    (as a TransformedTargetRegressor or a user would scale them)."""
    images = load_digits().images / 16
    Y = quadrants(images)
    return images, (Y - Y.mean(axis=0)) / Y.std(axis=0)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# float64: the sample-weight check compares predictions at rtol=1e-7, below float32's
# resolution (1.2e-7); in float64 weight 2 and a repeated row agree to that tolerance.
@parametrize_with_checks([ConvNetRegressor(filters=(4,), dense_layers=(8,), max_iter=30,
                                           batch_size=32, learning_rate_init=0.01,
                                           random_state=0, dtype="float64")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# -- learning -----------------------------------------------------------------------------
FAST = dict(filters=(8,), dense_layers=(32,), pool="avg", batch_size=32,
            learning_rate_init=0.003, max_iter=20, random_state=0)


def test_learns_the_mean_brightness_of_a_quadrant(digits):
    images, Y = digits
    reg = ConvNetRegressor(**FAST).fit(images[:1000], Y[:1000, 0])
    assert reg.predict(images[1000:]).shape == (len(images) - 1000,)
    assert reg.score(images[1000:], Y[1000:, 0]) >= 0.95


def test_multi_output_learns_every_quadrant(digits):
    images, Y = digits
    reg = ConvNetRegressor(**{**FAST, "dense_layers": (64,)}).fit(images[:1000], Y[:1000])
    pred = reg.predict(images[1000:])
    assert pred.shape == (len(images) - 1000, 4) and reg.n_outputs_ == 4
    assert np.all(r2_score(Y[1000:], pred, multioutput="raw_values") >= 0.9)


@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_learn(digits, loss):
    images, Y = digits
    reg = ConvNetRegressor(loss=loss, **FAST).fit(images[:1000], Y[:1000, 0])
    assert reg.out_activation_ == "identity"
    assert reg.score(images[1000:], Y[1000:, 0]) >= 0.9


def test_poisson_loss_predicts_positive_rates(digits):
    images, Y = digits
    rate = np.exp(0.7 * Y[:, 0])
    counts = np.random.default_rng(0).poisson(rate)
    reg = ConvNetRegressor(loss="poisson", **FAST).fit(images[:1000], counts[:1000])
    pred = reg.predict(images[1000:])
    assert reg.out_activation_ == "exp" and np.all(pred > 0)
    assert np.corrcoef(pred, rate[1000:])[0, 1] > 0.8
    with pytest.raises(ValueError, match="loss='poisson' needs non-negative targets"):
        small(loss="poisson").fit(images[:20], -np.ones(20))


def test_mc_dropout_returns_the_spread(digits):
    images, Y = digits
    reg = small(dropout=0.3, max_iter=5).fit(images[:300], Y[:300, :2])
    mean, std = reg.predict(images[:7], mc_samples=30, return_std=True)
    assert mean.shape == std.shape == (7, 2) and np.all(std > 0)
    assert not np.allclose(mean, reg.predict(images[:7]))  # the passes did drop units
    single = small(dropout=0.3).fit(images[:300], Y[:300, 0])
    mean, std = single.predict(images[:7], mc_samples=10, return_std=True)
    assert mean.shape == std.shape == (7,)
    with pytest.raises(ValueError, match="return_std=True needs mc_samples"):
        reg.predict(images[:7], return_std=True)
    with pytest.raises(ValueError, match="mc_samples needs dropout"):
        small().fit(images[:300], Y[:300, 0]).predict(images[:7], mc_samples=3)


def test_a_1d_signal_regression():
    # y = height of a bump wherever it sits: a conv feature with max pooling finds it
    rng = np.random.default_rng(0)
    height, where = rng.uniform(0.5, 2, 300), rng.integers(0, 25, 300)
    X = rng.normal(0, 0.05, (300, 30))
    for row in range(300):
        X[row, where[row]:where[row] + 3] += height[row]
    reg = small(kernel_size=3, max_iter=40, learning_rate_init=0.01).fit(X[:200], height[:200])
    assert reg.input_shape_ == (1, 30, 1)
    assert reg.network_.layers[0].kernel_size == (1, 3)
    assert reg.score(X[200:], height[200:]) > 0.9


# -- one builder, two outputs -------------------------------------------------------------
@pytest.mark.parametrize("params", [
    dict(), dict(filters=(4, 6), batch_norm=True, spatial_dropout=0.1, dropout=0.2),
    dict(pool="avg", padding="valid", strides=(2, 1)), dict(pool=None, dense_layers=()),
])
def test_hidden_layers_are_the_classifiers(params):
    X = np.random.default_rng(0).random((20, 8, 8))
    labels = np.arange(20) % 3
    reg = small(**params).fit(X, X.mean(axis=(1, 2)))
    shared = {k: v for k, v in small(**params).get_params().items() if k != "loss"}
    clf = ConvNetClassifier(**shared).fit(X, labels)
    hidden = [(type(layer), layer.output_shape) for layer in reg.network_.layers[:-1]]
    assert hidden == [(type(layer), layer.output_shape) for layer in clf.network_.layers[:-1]]
    for net, units in ((reg.network_, 1), (clf.network_, 3)):
        assert isinstance(net.layers[-1], Dense) and net.layers[-1].units == units


def test_explicit_layers_and_input_formats(digits):
    images, Y = digits
    layers = [Conv2D(3, 3, padding="same", activation="tanh"), MaxPool2D(2), Flatten(),
              Dense(8), Dropout(0.1)]
    reg = small(layers=layers).fit(images[:100], Y[:100, 0])
    assert [type(layer) for layer in reg.network_.layers] == [
        Conv2D, MaxPool2D, Flatten, Dense, Dropout, Dense]
    assert layers[0].params == {}  # the user's layer was never built
    flat = small(input_shape=(8, 8)).fit(images[:100].reshape(100, 64), Y[:100, 0])
    hwc = small(input_shape=(8, 8, 1)).fit(images[:100, ..., None], Y[:100, 0])
    expected = small().fit(images[:100], Y[:100, 0]).predict(images[:50])
    np.testing.assert_allclose(flat.predict(images[:50].reshape(50, 64)), expected, rtol=1e-6)
    np.testing.assert_allclose(hwc.predict(images[:50, ..., None]), expected, rtol=1e-6)


@pytest.mark.parametrize("params, X_shape, match", [
    (dict(input_shape=(8, 8)), (10, 65), "X has 65 features per sample, but input_shape"),
    (dict(padding="valid", kernel_size=5), (10, 4, 4), "kernel of size 5 is larger than"),
    (dict(filters=(0,)), (10, 6, 6), r"filters must be > 0, got \[0\]"),
    (dict(loss="log_loss"), (10, 6, 6), "The 'loss' parameter of ConvNetRegressor"),
    (dict(), (10, 2, 3, 4, 5), "expects X of shape"),
    # the shared memory estimate refuses from the shapes alone, naming the parameter
    (dict(filters=(10**9,)), (10, 6, 6), r"more than the.*reduce filters=\(1000000000,\)"),
    (dict(dense_layers=(10**9,)), (10, 6, 6), r"reduce dense_layers=\(1000000000,\)"),
])
def test_bad_input_is_a_clear_error(params, X_shape, match):
    X = np.random.default_rng(0).random(X_shape)
    with pytest.raises(ValueError, match=match):
        small(**params).fit(X, np.linspace(0, 1, 10))


def test_targets_beyond_the_compute_dtype_are_refused():
    X = np.random.default_rng(0).random((10, 6, 6))
    y = np.linspace(0, 1e300, 10)
    with pytest.raises(ValueError, match="y holds values as large as 1e.300, beyond the "
                                         "range of float32"):
        small().fit(X, y)
    with pytest.raises(ValueError, match="beyond the range of float32"):  # the shared check
        sknn.MLPRegressor(max_iter=1).fit(X.reshape(10, -1).astype(np.float32), y)
    assert np.isfinite(small(dtype="float64").fit(X, y / 1e300).predict(X)).all()


def test_bad_input_at_predict(digits):
    images, Y = digits
    reg = small().fit(images[:50], Y[:50, :2])
    with pytest.raises(ValueError, match=r"images of shape \(6, 6, 1\).*fitted with \(8, 8, 1\)"):
        reg.predict(images[:5, :6, :6])
    with pytest.raises(ValueError, match="y has 1 output"):
        reg.partial_fit(images[:50], Y[:50, 0])


# -- inside scikit-learn ------------------------------------------------------------------
def test_pipeline_grid_search_and_clone(digits):
    images, Y = digits
    X, y = images.reshape(-1, 64)[:400], Y[:400, 0]
    pipe = make_pipeline(StandardScaler(), small(input_shape=(8, 8), max_iter=5))
    assert pipe.fit(X, y).predict(X).shape == (400,)
    grid = {"convnetregressor__filters": [(2,), (4,)], "convnetregressor__pool": ["max", "avg"]}
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.best_score_)
    copy = clone(search.best_estimator_[-1])
    assert copy.get_params() == search.best_estimator_[-1].get_params()
    assert not hasattr(copy, "network_")


def test_partial_fit_and_warm_start(digits):
    images, Y = digits
    reg = small()
    for _ in range(2):
        reg.partial_fit(images[:200], Y[:200, 0])
    assert reg.t_ == 400 and reg.n_iter_ == 1
    warm = small(warm_start=True, max_iter=1).fit(images[:200], Y[:200, 0])
    first = warm.network_.params.copy()
    warm.fit(images[:200], Y[:200, 0])
    assert not np.array_equal(first, warm.network_.params)


def test_scoring_monitor_sees_every_epoch(digits):
    images, Y = digits
    monitor = ScoringMonitor(scoring="r2")
    small(max_iter=4).set_callbacks(monitor).fit(images[:200], Y[:200, 0])
    epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(epochs) == 4 and all(np.isfinite(row["r2"]) for row in epochs)


def test_joblib_and_skops_round_trips(digits, tmp_path):
    images, Y = digits
    reg = small(dropout=0.2).fit(images[:200], Y[:200, :2])
    buffer = io.BytesIO()
    joblib.dump(reg, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(joblib.load(buffer).predict(images), reg.predict(images))
    pytest.importorskip("skops")
    assert "sknn.convnet.ConvNetRegressor" in sknn.TRUSTED_TYPES
    sknn.io.save(reg, tmp_path / "reg.skops")
    loaded = sknn.io.load(tmp_path / "reg.skops")
    np.testing.assert_array_equal(loaded.predict(images), reg.predict(images))
