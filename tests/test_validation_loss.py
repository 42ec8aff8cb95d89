"""validation_loss_curve_: the loss on the data held out by ``early_stopping=True``.

Each recorded value is checked against scikit-learn's own metrics, computed through the
public prediction methods (inference mode) on a copy of the network taken at the end of
that epoch, plus the weight penalties of the training loss. Where the attribute is None
or absent is checked against scikit-learn's ``validation_scores_``. Then: batching,
divergence, Pipeline, GridSearchCV, clone, joblib, skops and the convolutional network.
"""

import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits, load_iris, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import (
    log_loss,
    mean_absolute_error,
    mean_poisson_deviance,
    mean_squared_error,
)
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _epoch_callback import NetworkRecorder
from sknn import ConvNetClassifier, MLPClassifier, MLPRegressor
from sknn.callbacks import EarlyStopping
from sknn.nn.network import Sequential

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
X_BIN, Y_BIN = make_classification(200, 6, random_state=0)
X_DIA, Y_DIA = load_diabetes(return_X_y=True)
X_DIA, Y_DIA = StandardScaler().fit_transform(X_DIA), Y_DIA / 100  # positive: Poisson too


def fit_recording(est, X, y, sample_weight=None):
    """Fit ``est``; return the held-out (X, encoded Y, weights) and the epoch networks."""
    held, split = {}, est._split_validation

    def spy(*args):
        parts = split(*args)
        held["X"], held["Y"], held["sw"] = parts[3]
        return parts

    est._split_validation = spy
    recorder = NetworkRecorder()
    est.set_callbacks(recorder).fit(X, y, sample_weight=sample_weight)
    return held, recorder.networks


def penalty(est, n_eff):
    """The training loss's penalties on the kernels (not the biases):
    0.5 * alpha * ||W||^2 / n + l1 * |W|_1 / n."""
    kernels = [layer.params["W"] for layer in est.network_.leaves if "W" in layer.params]
    W = np.concatenate([k.ravel() for k in kernels])
    return (0.5 * est.alpha * np.dot(W, W) + est.l1 * np.abs(W).sum()) / n_eff


def classifier_loss(est, X, Y, sw):
    labels = est.classes_[Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(int)]
    return log_loss(labels, est.predict_proba(X), sample_weight=sw, labels=est.classes_)


REGRESSION_METRICS = {  # sknn's per-sample losses in scikit-learn's metrics
    "squared_error": lambda y, p, sw: 0.5 * mean_squared_error(y, p, sample_weight=sw),
    "absolute_error": lambda y, p, sw: mean_absolute_error(y, p, sample_weight=sw),
    "poisson": lambda y, p, sw: 0.5 * mean_poisson_deviance(y, p, sample_weight=sw),
}


def regressor_loss(est, X, Y, sw):
    return REGRESSION_METRICS[est.loss](Y.ravel(), est.predict(X), sw)


def replayed(est, held, networks, data_loss):
    """Each epoch's held-out loss, recomputed with the public API on that epoch's network;
    also returned without its penalty."""
    X, Y, sw = held["X"], held["Y"], held["sw"]
    n_eff = X.shape[0] if sw is None else sw.sum()
    final, full, data_only = est.network_, [], []
    try:
        for net in networks:
            est.network_ = net
            data_only.append(data_loss(est, X, Y, sw))
            full.append(data_only[-1] + penalty(est, n_eff))
    finally:
        est.network_ = final
    return full, data_only


def weights(n, seed=0):
    return np.random.RandomState(seed).uniform(0.2, 3.0, n)


@pytest.mark.parametrize("sample_weight", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("params", [
    dict(dropout=0.5, alpha=0.5, l1=0.02),
    dict(batch_norm=True, alpha=0.05),
], ids=["dropout", "batch_norm"])
@pytest.mark.parametrize("X, y", [(X_IRIS, Y_IRIS), (X_BIN, Y_BIN)], ids=["multiclass", "binary"])
def test_classifier_validation_loss_is_log_loss_plus_penalty(X, y, params, sample_weight):
    est = MLPClassifier((10,), early_stopping=True, max_iter=12, n_iter_no_change=np.inf,
                        learning_rate_init=0.02, random_state=0, **params)
    sw = weights(len(y)) if sample_weight else None
    held, networks = fit_recording(est, X, y, sw)
    full, data_only = replayed(est, held, networks, classifier_loss)
    assert len(est.validation_loss_curve_) == len(est.validation_scores_) == est.n_iter_ == 12
    np.testing.assert_allclose(est.validation_loss_curve_, full, rtol=1e-9)
    # The penalty is really part of it (the test would see it missing).
    assert not np.allclose(est.validation_loss_curve_, data_only, rtol=1e-6)


@pytest.mark.parametrize("loss", sorted(REGRESSION_METRICS))
def test_regressor_validation_loss_is_the_training_loss_on_held_out_data(loss):
    est = MLPRegressor(hidden_layer_sizes=(10,), loss=loss, early_stopping=True, max_iter=10,
                       n_iter_no_change=np.inf, alpha=1.0, random_state=0)
    held, networks = fit_recording(est, X_DIA, Y_DIA, weights(len(Y_DIA)))
    full, _ = replayed(est, held, networks, regressor_loss)
    np.testing.assert_allclose(est.validation_loss_curve_, full, rtol=1e-9)


def test_convnet_classifier_records_it_too():
    X, y = load_digits(return_X_y=True)
    est = ConvNetClassifier(filters=(4,), dense_layers=(8,), input_shape=(8, 8), batch_size=32,
                            early_stopping=True, max_iter=4, n_iter_no_change=np.inf,
                            alpha=0.1, random_state=0)
    held, networks = fit_recording(est, X[:400] / 16, y[:400])
    held["X"] = held["X"].reshape(len(held["X"]), -1)  # as the user gives it: flat pixels
    full, _ = replayed(est, held, networks, classifier_loss)
    assert est.network_.params.dtype == np.float32  # hence float32's precision below
    np.testing.assert_allclose(est.validation_loss_curve_, full, rtol=1e-6)


def test_validation_runs_in_bounded_batches(monkeypatch):
    params = dict(hidden_layer_sizes=(8,), early_stopping=True, max_iter=5,
                  validation_fraction=0.3, random_state=0)
    whole = MLPClassifier(**params).fit(X_IRIS, Y_IRIS).validation_loss_curve_
    rows, forward = [], Sequential.forward

    def counting_forward(self, X, training=False):
        if not training:
            rows.append(X.shape[0])
        return forward(self, X, training)

    monkeypatch.setattr(Sequential, "forward", counting_forward)
    est = MLPClassifier(**params)
    est._predict_batch_rows = 8  # 45 held-out rows: 6 passes per epoch
    est.fit(X_IRIS, Y_IRIS)
    assert rows == [8, 8, 8, 8, 8, 5] * 5
    np.testing.assert_allclose(est.validation_loss_curve_, whole, rtol=1e-12)


# -- None or absent exactly where scikit-learn leaves validation_scores_ ----------------------
@pytest.mark.parametrize("params", [
    dict(early_stopping=False), dict(early_stopping=True), dict(solver="lbfgs"),
    dict(solver="lbfgs", early_stopping=True),
])
def test_presence_follows_sklearns_validation_scores(params):
    sk = SkClassifier((5,), max_iter=5, random_state=0, **params).fit(X_IRIS, Y_IRIS)
    ours = MLPClassifier((5,), max_iter=5, random_state=0, **params).fit(X_IRIS, Y_IRIS)
    assert hasattr(ours, "validation_loss_curve_") == hasattr(sk, "validation_scores_")
    if hasattr(sk, "validation_scores_"):
        assert (ours.validation_loss_curve_ is None) == (sk.validation_scores_ is None)


def test_partial_fit_records_none_as_sklearn():
    sk = SkRegressor(hidden_layer_sizes=(5,), random_state=0).partial_fit(X_DIA, Y_DIA)
    ours = MLPRegressor(hidden_layer_sizes=(5,), random_state=0).partial_fit(X_DIA, Y_DIA)
    assert sk.validation_scores_ is None and ours.validation_loss_curve_ is None
    ours.partial_fit(X_DIA, Y_DIA)
    assert ours.validation_loss_curve_ is None and len(ours.loss_curve_) == 2


def test_warm_start_extends_it_with_the_scores_as_sklearn():
    params = dict(hidden_layer_sizes=(5,), early_stopping=True, warm_start=True,
                  max_iter=4, random_state=0)
    sk, ours = SkRegressor(**params), MLPRegressor(**params)
    for _ in range(2):
        sk.fit(X_DIA, Y_DIA)
        ours.fit(X_DIA, Y_DIA)
    assert len(sk.validation_scores_) == 8
    assert len(ours.validation_loss_curve_) == len(ours.validation_scores_) == 8
    np.testing.assert_allclose(ours.validation_scores_, sk.validation_scores_, rtol=1e-6)


def test_partial_fit_after_an_early_stopping_fit_drops_the_record():
    # scikit-learn raises a TypeError from inside its loop here.
    sk = SkRegressor(hidden_layer_sizes=(5,), early_stopping=True, max_iter=4, random_state=0)
    sk.fit(X_DIA, Y_DIA).set_params(early_stopping=False)
    with pytest.raises(TypeError):
        sk.partial_fit(X_DIA, Y_DIA)
    ours = MLPRegressor(hidden_layer_sizes=(5,), early_stopping=True, max_iter=4, random_state=0)
    ours.fit(X_DIA, Y_DIA).set_params(early_stopping=False)
    ours.partial_fit(X_DIA, Y_DIA)
    assert ours.validation_loss_curve_ is None and ours.validation_scores_ is None
    assert ours.best_validation_score_ is None and len(ours.loss_curve_) == 5
    assert ours.best_loss_ == ours.loss_curve_[-1]  # the training loss rule again


def test_switching_early_stopping_on_in_a_warm_start_records_from_then_on():
    est = early(early_stopping=False, warm_start=True, max_iter=5, n_iter_no_change=np.inf)
    est.fit(X_IRIS, Y_IRIS)
    assert est.validation_loss_curve_ is None
    est.set_params(early_stopping=True, max_iter=12)
    held, networks = fit_recording(est, X_IRIS, Y_IRIS)
    assert len(est.validation_loss_curve_) == len(est.validation_scores_) == 12
    assert len(est.loss_curve_) == 17
    best = int(np.argmax(est.validation_scores_))
    assert best < 11  # the weights kept are not simply the last ones
    np.testing.assert_array_equal(est.network_.params, networks[best].params)
    full, _ = replayed(est, held, networks, classifier_loss)
    np.testing.assert_allclose(est.validation_loss_curve_, full, rtol=1e-9)


# -- divergence -----------------------------------------------------------------------------
def test_a_diverging_fit_records_non_finite_losses_without_runtime_warnings():
    params = dict(hidden_layer_sizes=100, activation="identity", solver="sgd",
                  learning_rate_init=1, max_iter=20, early_stopping=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.warns(ConvergenceWarning, match="diverged"):
            est = MLPRegressor(**params).fit(X_IRIS, Y_IRIS)
    curve = np.array(est.validation_loss_curve_)
    assert len(curve) == len(est.validation_scores_) and not np.isfinite(curve[-1])
    assert np.all(np.isfinite(est.predict(X_IRIS)))  # the best epoch's weights were kept


# -- meta-estimators and persistence ---------------------------------------------------------
def early(**kw):
    return MLPClassifier(**{**dict(hidden_layer_sizes=(8,), early_stopping=True, max_iter=15,
                                   random_state=0), **kw})


def test_pipeline_and_clone_record_what_a_bare_fit_records():
    X_raw, _ = load_iris(return_X_y=True)
    bare = early().fit(StandardScaler().fit_transform(X_raw), Y_IRIS)
    pipe = make_pipeline(StandardScaler(), clone(bare)).fit(X_raw, Y_IRIS)
    assert pipe[-1].validation_loss_curve_ == bare.validation_loss_curve_


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_with_a_validation_loss_monitor(n_jobs):
    est = early(max_iter=60, n_iter_no_change=np.inf, learning_rate_init=0.1)
    est.set_callbacks(EarlyStopping("validation_loss", patience=3, min_delta=0.02))
    search = GridSearchCV(est, {"alpha": [1e-4, 1e-1]}, cv=2, n_jobs=n_jobs).fit(X_IRIS, Y_IRIS)
    best = search.best_estimator_
    refit = clone(est).set_params(**search.best_params_).fit(X_IRIS, Y_IRIS)
    assert best.validation_loss_curve_ == refit.validation_loss_curve_
    assert len(best.validation_loss_curve_) == best.n_iter_ < 60  # the callback stopped it


def test_joblib_and_skops_keep_it(tmp_path):
    est = early().fit(X_IRIS, Y_IRIS)
    joblib.dump(est, tmp_path / "m.joblib")
    assert joblib.load(tmp_path / "m.joblib").validation_loss_curve_ == est.validation_loss_curve_
    skops_io = pytest.importorskip("skops.io")
    import sknn

    loaded = skops_io.loads(skops_io.dumps(est), trusted=sknn.TRUSTED_TYPES)
    assert loaded.validation_loss_curve_ == est.validation_loss_curve_


def test_verbose_prints_it_after_sklearns_score_line(capsys):
    est = early(max_iter=3, verbose=True).fit(X_IRIS, Y_IRIS)
    lines = capsys.readouterr().out.splitlines()
    scores = [i for i, line in enumerate(lines) if line.startswith("Validation score: ")]
    assert len(scores) == 3
    assert [lines[i + 1] for i in scores] == [
        f"Validation loss: {v:.8f}" for v in est.validation_loss_curve_]
