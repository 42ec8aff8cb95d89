"""The Display classes draw with the Agg backend, and GradientNormHistory records norms."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier, MLPRegressor
from sknn.diagnostics import GradientNormHistory
from sknn.nn.layers import Dense
from sknn.nn.layers.conv import Conv2D
from sknn.nn.layers.reshape import Flatten
from sknn.nn.network import Sequential

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sknn.plotting import (  # noqa: E402
    ConvFiltersDisplay,
    FeatureMapsDisplay,
    GradientNormDisplay,
    LossCurveDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


# -- LossCurveDisplay -----------------------------------------------------------------
def test_loss_curve_display_draws_loss_and_validation(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), early_stopping=True, max_iter=30, random_state=0), X, y)
    disp = LossCurveDisplay.from_estimator(clf)
    np.testing.assert_allclose(disp.loss_line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_allclose(disp.score_line_.get_ydata(), clf.validation_scores_)
    np.testing.assert_array_equal(disp.loss_line_.get_xdata(),
                                  np.arange(1, clf.n_iter_ + 1))
    assert disp.score_ax_ is not disp.ax_
    assert disp.ax_.figure is disp.figure_
    assert disp.ax_.get_xlabel() == "epoch"
    assert "MLPClassifier" in disp.loss_line_.get_label()


def test_loss_curve_display_draws_training_and_validation_loss_on_one_axis(iris):
    X, y = iris
    reg = _fit(MLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, max_iter=30,
                            random_state=0), X, y)
    disp = LossCurveDisplay.from_estimator(reg, validation_loss_kw={"linewidth": 3})
    line = disp.validation_loss_line_
    assert line.axes is disp.ax_ is disp.loss_line_.axes  # one y-axis for both losses
    np.testing.assert_array_equal(line.get_ydata(), reg.validation_loss_curve_)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, reg.n_iter_ + 1))
    np.testing.assert_array_equal(disp.loss_line_.get_ydata(), reg.loss_curve_)
    assert line.get_color() == disp.loss_line_.get_color() and line.get_linewidth() == 3
    assert line.get_label() == "validation loss (MLPRegressor)"
    assert disp.ax_.get_ylabel() == "loss"
    # the held-out loss is plotted on the scale of the training loss, not of the score
    low, high = disp.ax_.get_ylim()
    assert low <= min(reg.validation_loss_curve_) and max(reg.validation_loss_curve_) <= high


def test_loss_curve_display_leaves_gaps_for_a_diverged_fit():
    disp = LossCurveDisplay(loss_curve=[3.0, 2.0, 1.0], validation_scores=[0.2, 0.5, np.nan],
                            validation_loss_curve=[2.5, 1.5, np.inf]).plot()
    (best,) = [ln for ln in disp.score_ax_.get_lines() if ln is not disp.score_line_]
    assert best.get_xdata()[0] == 2  # the best finite score, not the NaN
    assert np.isfinite(disp.ax_.get_ylim()).all()
    only_nan = LossCurveDisplay(loss_curve=[1.0], validation_scores=[np.nan]).plot()
    assert len(only_nan.score_ax_.get_lines()) == 1  # no best epoch to mark


def test_loss_curve_display_without_validation_and_with_given_axes(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), max_iter=10, random_state=0), X, y)
    fig, ax = plt.subplots()
    pipe = _fit(make_pipeline(StandardScaler(), clf), X, y)
    disp = LossCurveDisplay.from_estimator(pipe, ax=ax, name="mine")
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.score_line_ is None and disp.score_ax_ is None
    assert disp.validation_loss_line_ is None and ax.get_ylabel() == "training loss"
    assert disp.loss_line_.get_label() == "training loss (mine)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training loss (mine)"]
    disp.plot()  # draws again on a new figure
    assert disp.figure_ is not fig


def test_loss_curve_display_unwraps_a_search(iris):
    X, y = iris
    search = GridSearchCV(MLPClassifier((4,), max_iter=5, random_state=0),
                          {"alpha": [1e-4, 1e-2]}, cv=2)
    _fit(search, X, y)
    disp = LossCurveDisplay.from_estimator(search)
    assert len(disp.loss_line_.get_ydata()) == search.best_estimator_.n_iter_


def test_loss_curve_display_rejects_unfitted_and_lbfgs(iris):
    X, y = iris
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(MLPRegressor())
    lbfgs = _fit(MLPClassifier((4,), solver="lbfgs", max_iter=20, random_state=0), X, y)
    # L-BFGS records no per-epoch loss curve (as in scikit-learn): a clear error.
    with pytest.raises((ValueError, NotFittedError), match="loss_curve_"):
        LossCurveDisplay.from_estimator(lbfgs)


# -- GradientNormHistory and GradientNormDisplay ------------------------------------
def _deep(activation, init, history):
    return MLPClassifier((16, 16, 16, 16), activation=activation, kernel_initializer=init,
                         max_iter=8, random_state=0).set_callbacks(history)


def test_gradient_norm_history_records_every_epoch_and_layer(iris):
    X, y = iris
    history = GradientNormHistory()
    clf = _fit(_deep("relu", "he_uniform", history), X, y)
    assert history.norms_.shape == (clf.n_iter_, 5)
    assert len(history.layer_names_) == 5
    assert history.layer_names_[0].startswith("Dense 1 (4x16)")
    assert np.all(np.isfinite(history.norms_)) and np.all(history.norms_ > 0)
    # The last recorded row is the norm of the gradients the network holds now.
    last_w = clf.network_.leaves[-1].grads["W"]
    assert history.norms_[-1, -1] == pytest.approx(np.linalg.norm(last_w))
    np.testing.assert_array_equal(history.epochs_, np.arange(1, clf.n_iter_ + 1))


def test_gradient_norm_history_extends_on_partial_fit_and_resets_on_fit(iris):
    X, y = iris
    history = GradientNormHistory()
    clf = _fit(_deep("relu", "he_uniform", history), X, y)
    n = clf.n_iter_
    clf.partial_fit(X, y)
    assert history.norms_.shape[0] == n + 1
    _fit(clf, X, y)  # a fresh fit builds a new network: a new history
    assert history.norms_.shape[0] == clf.n_iter_


def test_gradient_norm_history_options(iris):
    X, y = iris
    weights, everything, peak = (GradientNormHistory(), GradientNormHistory(include_bias=True),
                                 GradientNormHistory(ord=np.inf))
    clf = MLPClassifier((6,), batch_norm=True, max_iter=3, random_state=0)
    _fit(clf.set_callbacks(weights, everything, peak), X, y)
    assert len(weights.layer_names_) == 2  # Dense kernels only
    assert len(everything.layer_names_) == 3  # batch norm has gamma/beta gradients
    assert np.all(everything.norms_[:, [0, 2]] >= weights.norms_ - 1e-12)
    assert np.all(peak.norms_ <= weights.norms_ + 1e-12)
    with pytest.raises(ValueError, match="ord"):
        _fit(clf.set_callbacks(GradientNormHistory(ord=3)), X, y)


def test_sigmoid_gradients_vanish_towards_the_input_relu_he_do_not():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    sig, relu = GradientNormHistory(), GradientNormHistory()
    _fit(_deep("logistic", "sklearn", sig).set_params(hidden_layer_sizes=(32,) * 6), X, y)
    _fit(_deep("relu", "he_normal", relu).set_params(hidden_layer_sizes=(32,) * 6), X, y)
    sig_ratio = sig.norms_[:, 0].mean() / sig.norms_[:, -1].mean()
    relu_ratio = relu.norms_[:, 0].mean() / relu.norms_[:, -1].mean()
    assert sig_ratio < 1e-2 < relu_ratio


@pytest.mark.parametrize("kind", ["epochs", "layers"])
def test_gradient_norm_display(iris, kind):
    X, y = iris
    clf = _fit(_deep("tanh", "glorot_uniform", GradientNormHistory()), X, y)
    disp = GradientNormDisplay.from_estimator(clf, kind=kind)
    norms = clf._skl_callbacks[0].norms_
    assert disp.ax_.get_yscale() == "log"
    assert disp.figure_ is disp.ax_.figure
    if kind == "epochs":
        assert len(disp.lines_) == norms.shape[1]
        np.testing.assert_allclose(disp.lines_[0].get_ydata(), norms[:, 0])
    else:
        np.testing.assert_allclose(disp.lines_[0].get_ydata(), np.median(norms, axis=0))
    with pytest.raises(ValueError, match="kind"):
        disp.plot(kind="bars")


def test_gradient_norm_display_needs_the_callback(iris):
    X, y = iris
    clf = _fit(MLPClassifier((4,), max_iter=3, random_state=0), X, y)
    with pytest.raises(ValueError, match="GradientNormHistory"):
        GradientNormDisplay.from_estimator(clf)


# -- ConvFiltersDisplay and FeatureMapsDisplay ---------------------------------------
@pytest.fixture
def conv_net():
    net = Sequential([Conv2D(6, kernel_size=3, padding="same", activation="relu"),
                      Flatten(), Dense(3)])
    return net.build((8, 8, 1), np.random.default_rng(0), np.float64)


def test_conv_filters_display_on_a_core_network(conv_net):
    disp = ConvFiltersDisplay.from_estimator(conv_net, n_cols=3)
    W = conv_net.layers[0].params["W"]
    assert len(disp.images_) == 6
    np.testing.assert_allclose(disp.images_[2].get_array(), W[:, :, 0, 2])
    assert disp.ax_.shape == (6,)
    low, high = disp.images_[0].get_clim()
    assert low == -high == -np.abs(W).max()
    with pytest.raises(ValueError, match="layer"):
        ConvFiltersDisplay.from_estimator(conv_net, layer=1)
    with pytest.raises(ValueError, match="channel"):
        ConvFiltersDisplay.from_estimator(conv_net, channel=1)


def test_feature_maps_display_on_a_core_network(conv_net):
    image = np.random.default_rng(1).random((8, 8))
    disp = FeatureMapsDisplay.from_estimator(conv_net, image)
    expected = conv_net.layers[0].forward(image.reshape(1, 8, 8, 1), training=False)[0]
    assert len(disp.images_) == 6
    np.testing.assert_allclose(disp.images_[5].get_array(), expected[:, :, 5])
    assert disp.ax_[0].get_title() == "input"
    assert sum(a.get_visible() for a in disp.ax_) == 7
    with pytest.raises(ValueError, match="values"):
        FeatureMapsDisplay.from_estimator(conv_net, np.zeros(10))


def test_feature_maps_share_one_color_scale_with_a_colorbar(conv_net):
    image = np.random.default_rng(1).random((8, 8))
    disp = FeatureMapsDisplay.from_estimator(conv_net, image)
    maps = np.stack([im.get_array() for im in disp.images_])
    assert {im.get_clim() for im in disp.images_} == {(maps.min(), maps.max())}
    colorbars = [a for a in disp.figure_.axes if a.get_label() == "<colorbar>"]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "activation"


def test_conv_displays_without_conv_layer():
    net = Sequential([Dense(2)]).build((3,), np.random.default_rng(0), np.float64)
    with pytest.raises(ValueError, match="no Conv2D"):
        ConvFiltersDisplay.from_estimator(net)


def test_feature_maps_apply_the_blocks_activation_before_pooling():
    from sknn.nn.layers import Activation, MaxPool2D

    net = Sequential([Conv2D(4, kernel_size=3, padding="same"), MaxPool2D(2),
                      Activation("relu"), Flatten(), Dense(2)])
    net.build((6, 6, 1), np.random.default_rng(0), np.float64)
    image = np.random.default_rng(2).standard_normal((6, 6))
    disp = FeatureMapsDisplay.from_estimator(net, image)
    conv = net.layers[0].forward(image.reshape(1, 6, 6, 1), training=False)[0]
    assert disp.feature_maps.shape == (6, 6, 4)  # full resolution, not pooled
    np.testing.assert_allclose(disp.feature_maps, np.maximum(conv, 0))


def test_loss_curve_displays_on_one_axes_share_the_score_axis(iris):
    X, y = iris
    fig, ax = plt.subplots()
    displays = [
        LossCurveDisplay.from_estimator(
            _fit(MLPClassifier((w,), early_stopping=True, max_iter=15, random_state=0),
                 X, y), ax=ax, name=f"{w} units")
        for w in (4, 16)
    ]
    assert displays[0].score_ax_ is displays[1].score_ax_
    assert len(fig.axes) == 2
    assert ax.get_legend() is None  # drawn on the twin, above both sets of lines
    legend = [t.get_text() for t in displays[1].score_ax_.get_legend().get_texts()]
    assert legend == ["training loss (4 units)", "validation loss (4 units)",
                      "training loss (16 units)", "validation loss (16 units)",
                      "validation score (4 units)", "validation score (16 units)"]
    assert displays[1].score_line_.get_color() == displays[1].loss_line_.get_color()
    assert displays[1].validation_loss_line_.axes is ax


def test_conv_displays_on_a_fitted_convnet_classifier():
    from sknn import ConvNetClassifier

    X, y = load_digits(return_X_y=True)
    clf = _fit(ConvNetClassifier(input_shape=(8, 8), filters=(4, 6), dense_layers=(),
                                 batch_norm=True, max_iter=2, random_state=0),
               X[:200] / 16, y[:200])
    conv = [layer for layer in clf.network_.leaves if isinstance(layer, Conv2D)]
    filters = ConvFiltersDisplay.from_estimator(clf, layer=1)
    assert len(filters.images_) == 6
    np.testing.assert_allclose(filters.images_[0].get_array(),
                               conv[1].params["W"][:, :, :, 0].mean(axis=2))
    assert "ConvNetClassifier" in filters.figure_._suptitle.get_text()
    maps = FeatureMapsDisplay.from_estimator(clf, X[0] / 16)
    assert maps.feature_maps.shape == (8, 8, 4)  # before pooling
    assert np.all(maps.feature_maps >= 0)  # after the ReLU
    assert len(maps.images_) == 4


def test_matplotlib_is_imported_only_when_drawing():
    import subprocess
    import sys

    code = ("import sys, sknn.plotting, sknn.diagnostics; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_missing_matplotlib_gives_a_clear_import_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # as if not installed
    message = r"LossCurveDisplay needs matplotlib.*pip install matplotlib.*\.\[plots\]"
    with pytest.raises(ImportError, match=message):
        LossCurveDisplay(loss_curve=[1.0, 0.5]).plot()


def test_feature_maps_of_a_fused_conv_max_pool_layer_are_not_pooled():
    from sknn.nn.layers import ConvMaxPool2D

    fused = Sequential([ConvMaxPool2D(3, kernel_size=3, padding="same", activation="relu"),
                        Flatten(), Dense(2)])
    fused.build((6, 6, 1), np.random.default_rng(0), np.float64)
    plain = Sequential([Conv2D(3, kernel_size=3, padding="same", activation="relu")])
    plain.build((6, 6, 1), np.random.default_rng(0), np.float64)
    plain.layers[0].params["W"][...] = fused.layers[0].params["W"]
    plain.layers[0].params["b"][...] = fused.layers[0].params["b"] + 0.1
    fused.layers[0].params["b"][...] += 0.1  # a bias that matters
    image = np.random.default_rng(3).standard_normal((6, 6))
    disp = FeatureMapsDisplay.from_estimator(fused, image)
    expected = plain.layers[0].forward(image.reshape(1, 6, 6, 1), training=False)[0]
    np.testing.assert_allclose(disp.feature_maps, expected)
    assert ConvFiltersDisplay.from_estimator(fused).filters.shape == (3, 3, 3)


def test_feature_maps_of_the_default_convnet_are_full_resolution():
    from sknn import ConvNetClassifier

    X, y = load_digits(return_X_y=True)
    clf = _fit(ConvNetClassifier(input_shape=(8, 8), filters=(4,), dense_layers=(),
                                 max_iter=1, random_state=0), X[:100] / 16, y[:100])
    maps = FeatureMapsDisplay.from_estimator(clf, X[0] / 16)
    assert maps.feature_maps.shape == (8, 8, 4)
    assert np.all(maps.feature_maps >= 0)


def test_gradient_norms_are_those_the_optimizer_applied(iris):
    X, y = iris
    clipped = GradientNormHistory(include_bias=True)
    _fit(MLPClassifier((8,), clipnorm=1e-3, max_iter=3, random_state=0)
         .set_callbacks(clipped), X, y)
    total = np.sqrt((clipped.norms_ ** 2).sum(axis=1))  # every array of every layer
    np.testing.assert_allclose(total, 1e-3, rtol=1e-6)
