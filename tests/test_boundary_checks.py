"""Hostile sizes, Monte Carlo counts, image shapes and parameter values: each gets a
clear error before any work (naming the parameter), or is handled correctly.

Where scikit-learn's MLP raises for the same condition, sknn's message contains
scikit-learn's sentence, checked against scikit-learn itself in the same test.
"""

import copy
import math
import os
import re
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

import sknn._base
import sknn._sizes
from sknn import (
    ConvNetClassifier,
    LogicGateNeuron,
    MLPClassifier,
    MLPRegressor,
    ThresholdPerceptron,
)
from sknn.callbacks import (
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)
from sknn.nn.layers import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D
from sknn.nn.network import plan

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    "ignore:Got `batch_size`:UserWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(30, 6)
y = np.arange(30) % 2
IMAGES = RNG.rand(30, 6, 6)
MiB = 2**20


def _peak_bytes(fn):
    """Peak bytes traced (numpy's buffers included) while ``fn()`` runs, and its result
    or the exception it raised."""
    tracemalloc.start()
    try:
        out = fn()
    except Exception as exc:  # noqa: BLE001 - the caller checks which
        out = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak, out


def _limit(monkeypatch, n_bytes):
    monkeypatch.setattr(sknn._sizes, "available_memory", lambda: n_bytes)


# -- 1. absurd sizes are refused from the shapes, before allocating ------------------
@pytest.mark.parametrize("est, X_fit, advice", [
    (MLPClassifier((10**9,)), X, r"reduce hidden_layer_sizes=\(1000000000,\)"),
    (MLPClassifier((10**5, 10**5)), X, r"reduce hidden_layer_sizes=\(100000, 100000\)"),
    (ConvNetClassifier(filters=(10**9,)), IMAGES, r"reduce filters=\(1000000000,\)"),
    (ConvNetClassifier(dense_layers=(10**9,)), IMAGES, r"reduce dense_layers=\(1000000000,\)"),
    (ConvNetClassifier(kernel_size=10**9), IMAGES, "reduce kernel_size=1000000000"),
])
def test_absurd_sizes_are_refused_before_allocating(est, X_fit, advice):
    # from 298 GiB to zebibytes: more than any machine running these tests has
    start = time.perf_counter()
    peak, exc = _peak_bytes(lambda: est.fit(X_fit, y))
    assert time.perf_counter() - start < 5
    assert isinstance(exc, ValueError), exc
    assert re.search(advice, str(exc)), str(exc)
    assert "of memory, more than the" in str(exc) and "available" in str(exc)
    assert peak < 5 * MiB
    assert not hasattr(est, "network_")


@pytest.mark.parametrize("make", [LogicGateNeuron, ThresholdPerceptron])
def test_one_weight_per_feature_estimators_refuse_absurd_widths(make, monkeypatch):
    # one unit, one weight per column: 10**8 columns of a sparse X take 0.7 GiB or more
    _limit(monkeypatch, 100 * MiB)
    wide = sp.csr_array((np.ones(4), (np.arange(4), [0, 5, 7, 10**8 - 1])), shape=(4, 10**8))
    est = make()
    peak, exc = _peak_bytes(lambda: est.fit(wide, [0, 1, 0, 1]))
    assert isinstance(exc, ValueError), exc
    assert "more than the 100.0 MiB available" in str(exc)
    assert "X has 100,000,000: select or hash fewer features" in str(exc)
    assert peak < 5 * MiB


def test_available_memory_respects_ulimit_v():
    # an address-space limit (ulimit -v) caps what the process may still allocate
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, "
            "resource.RLIM_INFINITY)); from sknn._sizes import available_memory; "
            "print(available_memory())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout
    assert 0 <= int(out) < 3 * 2**30


def test_refusal_allocates_nothing_and_uses_the_limit_function(monkeypatch):
    _limit(monkeypatch, 10 * MiB)
    est = MLPClassifier((10**5,), max_iter=1)  # ~24 MiB of parameters with adam's state
    peak, exc = _peak_bytes(lambda: est.fit(X, y))
    assert isinstance(exc, ValueError), exc
    assert "more than the 10.0 MiB available" in str(exc)
    assert "800,001 parameters" in str(exc)
    assert peak < 2 * MiB
    # the same fit goes through where the memory is there
    _limit(monkeypatch, 10**12)
    peak, fitted = _peak_bytes(lambda: est.fit(X, y))
    assert fitted is est and peak > 20 * MiB  # what the refusal spared


def test_refusal_names_batch_size_when_only_the_activations_do_not_fit(monkeypatch):
    _limit(monkeypatch, 50 * MiB)  # parameters: 24.4 MiB; a batch of 200 rows: 305 MiB
    X_big, y_big = RNG.randn(300, 6), np.arange(300) % 2
    with pytest.raises(ValueError, match="reduce batch_size=200"):
        MLPClassifier((10**5,), batch_size=200, max_iter=1).fit(X_big, y_big)
    MLPClassifier((10**5,), batch_size=10, max_iter=1).fit(X_big, y_big)


def test_normal_models_still_fit_and_the_check_is_cheap():
    t0 = time.perf_counter()
    for _ in range(100):
        sknn._sizes.check_network_memory(
            MLPClassifier(), [Dense(100, "relu"), Dense(10)], (784,), np.dtype("float64"), 200)
    assert time.perf_counter() - t0 < 1.0  # well under 10 ms a fit
    assert MLPClassifier(max_iter=20, random_state=0).fit(X, y).score(X, y) > 0.8
    clf = ConvNetClassifier(filters=(4,), dense_layers=(8,), max_iter=2, random_state=0)
    assert clf.fit(IMAGES, y).predict(IMAGES).shape == (30,)


@pytest.mark.parametrize("make, X_fit", [
    (lambda: MLPClassifier((7, 5), batch_norm=True, dropout=0.2), X),
    (lambda: MLPRegressor(hidden_layer_sizes=(4,), wide_and_deep=True), X),
    (lambda: ConvNetClassifier(filters=(3, 5), batch_norm=True, spatial_dropout=0.1), IMAGES),
    (lambda: ConvNetClassifier(filters=(3,), pool="avg", padding="valid", kernel_size=2), IMAGES),
    (lambda: ConvNetClassifier(filters=(4,), pool_size=4), IMAGES),  # conv + pool with remainder
    (lambda: ConvNetClassifier(layers=[Conv2D(2, 3), MaxPool2D(2), Conv2D(3, 1)]), IMAGES),
])
def test_the_plan_counts_the_parameters_and_shapes_that_build_makes(make, X_fit):
    est = make().set_params(max_iter=1)
    est.fit(X_fit, y)
    net = est.network_
    entries = plan(net.layers, net.input_shape)
    assert sum(e.n_params for e in entries) == net.params.size
    assert entries[-1].output_shape == net.output_shape
    for entry in entries:  # every layer, sublayers included
        assert entry.output_shape == entry.layer.output_shape
        assert entry.n_params == entry.layer.n_params


def test_prediction_batches_shrink_for_wide_layers(monkeypatch):
    clf = MLPClassifier((50,), max_iter=5, random_state=0).fit(X, y)
    expected = clf.predict_proba(X)
    assert clf._predict_rows() == 30 or clf._predict_rows() == sknn._base.PREDICT_BATCH_ROWS
    # 256 MiB per batch by default; ask for ~10 rows' worth of activations
    per_row = sum(e.activations for e in plan(clf.network_.layers, clf.network_.input_shape))
    monkeypatch.setattr(sknn._base, "PREDICT_BATCH_BYTES", 10 * per_row * 8)
    assert clf._predict_rows() == 10
    calls = []
    forward = clf.network_.forward
    monkeypatch.setattr(clf.network_, "forward", lambda Xb, training=False: (
        calls.append(len(Xb)), forward(Xb, training))[1])
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-12)
    assert calls == [10, 10, 10]


# -- 2. Monte Carlo dropout: constant memory, same numbers, absurd counts refused ------
def _stacked_passes(est, X_in, k):
    """What predict(mc_samples=k) computed before: every pass kept, then reduced."""
    Xn, _ = est._network_input(est._validate_predict_input(X_in), reset=False)
    est.network_.set_mc_dropout(True)
    try:
        return np.stack([est._loss.predict(est._logits(Xn)) for _ in range(k)])
    finally:
        est.network_.set_mc_dropout(False)


def test_mc_predict_proba_is_the_mean_of_the_passes():
    clf = MLPClassifier((16,), dropout=0.3, max_iter=30, random_state=0).fit(X, y)
    twin = copy.deepcopy(clf)  # the same dropout random state
    passes = _stacked_passes(twin, X, 25)
    p = clf.predict_proba(X, mc_samples=25)
    np.testing.assert_allclose(p[:, 1], passes.mean(axis=0)[:, 0], rtol=1e-12, atol=1e-15)


def test_mc_regressor_mean_and_std_match_the_stacked_passes():
    X_iris, y_iris = load_iris(return_X_y=True)
    X_iris = StandardScaler().fit_transform(X_iris)
    Y2 = np.c_[y_iris, X_iris[:, 0]]
    reg = MLPRegressor(hidden_layer_sizes=(16,), dropout=0.3, max_iter=50, random_state=0)
    reg.fit(X_iris, Y2)
    passes = _stacked_passes(copy.deepcopy(reg), X_iris, 40)
    mean, std = reg.predict(X_iris, mc_samples=40, return_std=True)
    np.testing.assert_allclose(mean, passes.mean(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(std, passes.std(axis=0), rtol=1e-9, atol=1e-14)


def test_mc_convnet_float32_matches_within_rounding():
    clf = ConvNetClassifier(filters=(3,), dense_layers=(8,), dropout=0.4, max_iter=3,
                            random_state=0).fit(IMAGES, y)
    passes = _stacked_passes(copy.deepcopy(clf), IMAGES, 30)
    p = clf.predict_proba(IMAGES, mc_samples=30)
    assert p.dtype == np.float32
    np.testing.assert_allclose(p[:, 1], passes.mean(axis=0)[:, 0], rtol=1e-5, atol=1e-6)


def test_mc_memory_does_not_grow_with_the_number_of_passes():
    reg = MLPRegressor(hidden_layer_sizes=(4,), dropout=0.3, max_iter=5, random_state=0)
    X_many = RNG.randn(2000, 6)
    reg.fit(X_many, X_many[:, :3])
    few, out = _peak_bytes(lambda: reg.predict(X_many, mc_samples=5, return_std=True))
    many, out = _peak_bytes(lambda: reg.predict(X_many, mc_samples=200, return_std=True))
    assert out[1].shape == (2000, 3)
    # keeping the passes would take 200 * 2000 * 3 * 8 bytes = 9.2 MiB more
    assert many < few + 1 * MiB


@pytest.mark.parametrize("predict", [
    lambda est, X_in, k: est.predict_proba(X_in, mc_samples=k),
    lambda est, X_in, k: est.predict(X_in, mc_samples=k),
])
def test_absurd_mc_counts_are_refused_at_once(predict):
    clf = MLPClassifier((4,), dropout=0.5, max_iter=2, random_state=0).fit(X, y)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="mc_samples=1000000000 .*at most 100,000"):
        predict(clf, X, 10**9)
    assert time.perf_counter() - start < 1


def test_mc_work_cap_counts_samples_passes_and_layer_work(monkeypatch):
    conv = ConvNetClassifier(filters=(3,), dense_layers=(8,), dropout=0.4, max_iter=1,
                             random_state=0).fit(IMAGES, y)
    per_sample = sum(e.multiply_adds for e in plan(conv.network_.layers,
                                                    conv.network_.input_shape))
    assert per_sample > 6 * 6 * 9 * 3  # the convolution's multiply-adds are counted
    monkeypatch.setattr(sknn._sizes, "MAX_MC_WORK", 100 * 30 * per_sample)
    conv.predict_proba(IMAGES, mc_samples=100)
    with pytest.raises(ValueError, match="mc_samples=101 passes over 30 samples"):
        conv.predict_proba(IMAGES, mc_samples=101)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3", None])
def test_mc_samples_must_be_a_positive_int(bad):
    clf = MLPClassifier((4,), dropout=0.5, max_iter=2, random_state=0).fit(X, y)
    if bad is None:
        return  # None means no Monte Carlo passes
    with pytest.raises(ValueError, match="mc_samples must be a positive integer"):
        clf.predict_proba(X, mc_samples=bad)
    assert clf.predict_proba(X, mc_samples=np.int64(3)).shape == (30, 2)


# -- 3. image shapes -----------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(30, 6, 0), (30, 0, 6), (30, 6, 6, 0)])
def test_images_with_an_empty_axis_are_a_clear_error(shape):
    with pytest.raises(ValueError, match=r"X has images of shape .*every axis needs at least 1"):
        ConvNetClassifier(max_iter=1).fit(np.zeros(shape), y)


@pytest.fixture(scope="module")
def fitted_conv():
    return ConvNetClassifier(filters=(2,), dense_layers=(3,), max_iter=1,
                             random_state=0).fit(IMAGES, y)


@pytest.mark.parametrize("X_bad, match", [
    (np.zeros((3, 7, 6)), r"X has images of shape \(7, 6, 1\) \(height, width, channels\), "
                          r"but ConvNetClassifier was fitted with \(6, 6, 1\)"),
    (np.zeros((3, 6, 6, 2)), r"X has images of shape \(6, 6, 2\)"),
    (np.zeros((3, 7)), r"X has 7 features per sample, but ConvNetClassifier was fitted on "
                       r"images of shape \(6, 6, 1\)"),
    (np.zeros((3, 6)), r"X has 6 features per sample, but .* images of shape \(6, 6, 1\)"),
])
def test_predicting_on_other_images_says_the_image_shape(fitted_conv, X_bad, match):
    with pytest.raises(ValueError, match=match):
        fitted_conv.predict(X_bad)
    warm = copy.deepcopy(fitted_conv).set_params(warm_start=True)
    if X_bad.ndim == 3 and X_bad.shape[1] != 6:  # a refit says the same
        with pytest.raises(ValueError, match=match):
            warm.fit(X_bad, y[:3])


def test_images_after_a_flat_fit_say_so():
    clf = ConvNetClassifier(input_shape=(6, 6), filters=(2,), dense_layers=(3,), max_iter=1)
    clf.fit(IMAGES.reshape(30, 36), y)
    with pytest.raises(ValueError, match=r"fitted on flat rows of 36 features; reshape X"):
        clf.predict(IMAGES)


@pytest.mark.parametrize("input_shape, error, match", [
    ((2.5, 2.4), TypeError, "input_shape must be a positive int or a sequence"),
    ((6, 6, 1, 1), ValueError, r"input_shape must be \(H, W\) or \(H, W, C\)"),
    ((0, 36), ValueError, r"input_shape must be > 0"),
    ((4, 4), ValueError, "X has 36 features per sample, but input_shape=.4, 4. holds 16"),
])
def test_input_shape_is_checked_before_work(input_shape, error, match):
    with pytest.raises(error, match=match):
        ConvNetClassifier(input_shape=input_shape, max_iter=1).fit(IMAGES.reshape(30, 36), y)


def test_explicit_layers_that_do_not_fit_the_image_name_layers():
    clf = ConvNetClassifier(layers=[Conv2D(2, 3, padding="same"), AvgPool2D(8)], max_iter=1)
    with pytest.raises(ValueError, match=r"^layers: AvgPool2D.*pool of size 8 is larger"):
        clf.fit(IMAGES, y)
    clf = ConvNetClassifier(layers=[Flatten(), Conv2D(2, 3)], max_iter=1)
    with pytest.raises(ValueError, match=r"^layers: Conv2D.* expects images"):
        clf.fit(IMAGES, y)


# -- 4. size parameters: types and values -----------------------------------------------
@pytest.mark.parametrize("sizes", [(2.5,), (np.float64(3.0),), np.array([3.0])])
def test_float_layer_sizes_are_a_type_error_with_sklearn_sentence(sizes):
    with pytest.raises(TypeError) as theirs:
        SkMLPClassifier(sizes, max_iter=1).fit(X, y)
    with pytest.raises(TypeError, match="hidden_layer_sizes") as ours:
        MLPClassifier(sizes, max_iter=1).fit(X, y)
    assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("sizes", [("a",), (None,), ([3, 4],), (True,)])
def test_non_integer_layer_sizes_are_a_type_error_naming_the_parameter(sizes):
    with pytest.raises(TypeError):
        SkMLPClassifier(sizes, max_iter=1).fit(X, y)
    with pytest.raises(TypeError, match=r"hidden_layer_sizes must be a positive int or a "
                                        r"sequence of them; got .*is not an integer"):
        MLPClassifier(sizes, max_iter=1).fit(X, y)


@pytest.mark.parametrize("sizes", [(0,), (5, -1)])
def test_non_positive_layer_sizes_say_what_sklearn_says(sizes):
    with pytest.raises(ValueError) as theirs:
        SkMLPClassifier(sizes, max_iter=1).fit(X, y)
    with pytest.raises(ValueError) as ours:
        MLPClassifier(sizes, max_iter=1).fit(X, y)
    assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("sizes", [(np.int64(3), np.int32(2)), np.array([3, 2]), 3, np.int8(3), ()])
def test_integer_layer_sizes_of_any_kind_build_what_sklearn_builds(sizes):
    ours = MLPClassifier(sizes, max_iter=1, random_state=0).fit(X, y)
    theirs = SkMLPClassifier(sizes, max_iter=1, random_state=0).fit(X, y)
    assert [c.shape for c in ours.coefs_] == [c.shape for c in theirs.coefs_]


def test_wide_and_deep_without_hidden_layers_is_a_clear_error():
    with pytest.raises(ValueError, match=r"wide_and_deep=True .* needs at least one; got "
                                         r"hidden_layer_sizes=\(\)"):
        MLPClassifier((), wide_and_deep=True, max_iter=1).fit(X, y)


@pytest.mark.parametrize("params, error, match", [
    (dict(filters=(2.5,)), TypeError, "filters must be a positive int or a sequence"),
    (dict(filters=()), ValueError, "filters needs at least one entry"),
    (dict(filters=("a",)), TypeError, "filters must be a positive int"),
    (dict(dense_layers=(0,)), ValueError, r"dense_layers must be > 0"),
    (dict(dense_layers=(8.0,)), TypeError, "dense_layers must be a positive int"),
    (dict(kernel_size=(2.5, 3)), TypeError, "kernel_size must be a positive int"),
    (dict(kernel_size=(0, 3)), ValueError, "kernel_size must be > 0"),
    (dict(filters=(2,), strides=[(1, 1, 1)]), ValueError, "strides must be a positive int, a pair"),
    (dict(pool_size=(2, 0)), ValueError, "pool_size must be > 0"),
    (dict(pool_size=(True, 2)), TypeError, "pool_size must be a positive int"),
])
def test_convnet_size_parameters_are_checked(params, error, match):
    with pytest.raises(error, match=match):
        ConvNetClassifier(max_iter=1, **params).fit(IMAGES, y)


def test_convnet_size_parameters_accept_numpy_integers():
    clf = ConvNetClassifier(filters=np.array([2, 3]), kernel_size=np.int64(3),
                            dense_layers=(np.int32(4),), pool_size=(np.int8(2), 2),
                            max_iter=1, random_state=0).fit(IMAGES, y)
    assert clf.predict(IMAGES).shape == (30,)


# -- 5. invscaling with a huge power_t ---------------------------------------------------
def _sgd(cls, power_t):
    return cls((3,), solver="sgd", learning_rate="invscaling", power_t=power_t, max_iter=4,
               n_iter_no_change=100, random_state=0)


@pytest.mark.parametrize("power_t", [0.5, 2.0, 100.0])
def test_invscaling_keeps_sklearn_numbers(power_t):
    ours, theirs = _sgd(MLPClassifier, power_t).fit(X, y), _sgd(SkMLPClassifier, power_t).fit(X, y)
    assert ours._optimizer.learning_rate == theirs._optimizer.learning_rate
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("power_t", [1e6, np.float64(1e6), 1e308])
def test_invscaling_past_float_range_decays_to_zero_without_overflow(power_t):
    # scikit-learn raises OverflowError here (or warns and divides by inf for numpy
    # floats); its rate's limit is 0, and its run at power_t=140 (rate ~1e-209 after
    # the first epoch, 1e-294 after the fourth) is what sknn reproduces
    with pytest.raises((OverflowError, RuntimeWarning)), warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        _sgd(SkMLPClassifier, power_t).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ours = _sgd(MLPClassifier, power_t).fit(X, y)
    assert ours._optimizer.learning_rate == 0.0
    near_zero = _sgd(SkMLPClassifier, 140.0).fit(X, y)
    np.testing.assert_allclose(ours.loss_curve_, near_zero.loss_curve_, rtol=1e-12)


# -- 6. callback arguments ---------------------------------------------------------------
@pytest.mark.parametrize("callback, match", [
    (EarlyStopping(min_delta=math.nan), "min_delta must be a finite non-negative number"),
    (EarlyStopping(min_delta=math.inf), "min_delta must be a finite"),
    (EarlyStopping(min_delta=-0.1), "min_delta must be a finite non-negative"),
    (EarlyStopping(patience=-1), "patience must be a non-negative integer"),
    (EarlyStopping(patience=2.5), "patience must be a non-negative integer"),
    (EarlyStopping(patience=True), "patience must be a non-negative integer"),
    (EarlyStopping(patience=math.nan), "patience must be a non-negative integer"),
    (EarlyStopping(monitor="val_loss"), r"monitor='val_loss' is not one of"),
    (EarlyStopping(monitor=["loss"]), r"monitor=\['loss'\] is not one of"),
    (EarlyStopping(restore_best_weights="yes"), "restore_best_weights must be True or False"),
    (TerminateOnNaN(monitor=None), "monitor=None is not one of"),
    (ReduceLROnPlateau(factor=math.nan), r"factor must be in \(0, 1\)"),
    (ReduceLROnPlateau(min_lr=math.nan), "min_lr must be a finite non-negative"),
    (ReduceLROnPlateau(min_lr=-1.0), "min_lr must be a finite non-negative"),
    (ReduceLROnPlateau(min_delta=math.nan), "min_delta must be a finite"),
    (ReduceLROnPlateau(cooldown=-2), "cooldown must be a non-negative integer"),
    (ReduceLROnPlateau(verbose="loud"), "verbose must be True or False"),
    (LearningRateScheduler(lambda e, lr: lr, verbose=2), "verbose must be True or False"),
    (ModelCheckpoint(None), "path must be a non-empty str or path-like"),
    (ModelCheckpoint("m.joblib", min_delta=math.nan), "min_delta must be a finite"),
    (ModelCheckpoint("m.joblib", save_best_only=None), "save_best_only must be True or False"),
    (CSVLogger(""), "path must be a non-empty str"),
    (CSVLogger("log.csv", separator=";;"), "separator must be a one-character str"),
    (CSVLogger("log.csv", append=1), "append must be True or False"),
    (TensorBoard(log_dir=3), "log_dir must be a non-empty str or path-like"),
])
def test_bad_callback_arguments_are_refused_at_fit_start(callback, match, tmp_path,
                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)  # a wrongly accepted path writes nothing outside
    clf = MLPClassifier((4,), max_iter=3, random_state=0).set_callbacks(callback)
    with pytest.raises((ValueError, TypeError), match=match) as info:
        clf.fit(X, y)
    assert type(callback).__name__ in str(info.value) or "monitor" in str(info.value)
    assert not hasattr(clf, "loss_curve_")  # refused before the first epoch
    assert list(tmp_path.iterdir()) == []


def test_early_stopping_with_nan_min_delta_no_longer_stops_an_improving_fit():
    # the bug: NaN compares false, so every epoch counted as no improvement
    clf = MLPClassifier((8,), max_iter=20, learning_rate_init=0.01, random_state=0)
    clf.set_callbacks(EarlyStopping(patience=2, min_delta=math.nan))
    with pytest.raises(ValueError, match="min_delta"):
        clf.fit(X, y)
    clf.set_callbacks(EarlyStopping(patience=2, min_delta=0.0)).fit(X, y)
    assert clf.n_iter_ > 3 and np.all(np.diff(clf.loss_curve_[:4]) < 0)
