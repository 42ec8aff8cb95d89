"""sknn.callbacks: each callback's rule, checked against an independent record of the
run, on a bare estimator, in a Pipeline and in GridSearchCV, beside scikit-learn's own
callbacks, and when training is interrupted."""

import csv
import os
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.callback import ScoringMonitor
from sklearn.datasets import load_iris, make_regression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from _epoch_callback import EpochCallback
from sknn import MLPClassifier, MLPRegressor
from sknn.callbacks import (
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)
from sknn.callbacks._tfevents import crc32c

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)
XR, YR = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
YR = YR / YR.std()

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class Recorder(EpochCallback):
    """Independent witness: weights, rate and loss at the end of every epoch."""

    def __init__(self):
        self.params, self.rates, self.losses = [], [], []

    def on_epoch(self, estimator):
        self.params.append(estimator.network_.params.copy())
        self.rates.append(estimator._optimizer.learning_rate)
        self.losses.append(estimator.loss_curve_[-1])


class InterruptAt(Recorder):
    """Raises KeyboardInterrupt (as Ctrl-C does) at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_fit_task_end(self, estimator, context):
        super().on_fit_task_end(estimator, context)
        if context.task_name == "epoch" and len(self.losses) == self.epoch:
            raise KeyboardInterrupt


def clf(**kw):
    params = dict(hidden_layer_sizes=(8,), max_iter=40, n_iter_no_change=np.inf,
                  random_state=0, learning_rate_init=0.01)
    return MLPClassifier(**{**params, **kw})


def expected_stop(values, patience, min_delta, larger_is_better=False):
    """The epoch (1-based) at which the patience rule stops on ``values``, or None."""
    best, wait = None, 0
    for epoch, v in enumerate(values, start=1):
        better = best is None or (v > best + min_delta if larger_is_better
                                  else v < best - min_delta)
        if better:
            best, wait = v, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


# -- EarlyStopping ------------------------------------------------------------------------
def test_early_stopping_on_loss_stops_where_the_patience_rule_says():
    full = clf().fit(X, Y).loss_curve_
    stop = expected_stop(full, patience=3, min_delta=0.05)
    assert stop is not None and stop < len(full)
    est = clf().set_callbacks(EarlyStopping(patience=3, min_delta=0.05)).fit(X, Y)
    assert est.n_iter_ == stop
    np.testing.assert_array_equal(est.loss_curve_, full[:stop])


def test_early_stopping_restores_the_best_epochs_weights():
    recorder = Recorder()
    stopper = EarlyStopping(patience=3, min_delta=0.05, restore_best_weights=True)
    est = clf().set_callbacks(stopper, recorder).fit(X, Y)
    losses = np.array(recorder.losses)
    # The best epoch under min_delta: the last one that improved on the best by > 0.05.
    best, best_epoch = None, None
    for i, v in enumerate(losses):
        if best is None or v < best - 0.05:
            best, best_epoch = v, i
    assert best_epoch < len(losses) - 1  # otherwise restoring would prove nothing
    np.testing.assert_array_equal(est.network_.params, recorder.params[best_epoch])
    assert est.score(X, Y) > 0.5  # a usable model


def test_early_stopping_on_validation_score():
    est = clf(early_stopping=True, max_iter=60)
    full = clone(est).fit(X, Y).validation_scores_
    stop = expected_stop(full, patience=4, min_delta=0.0, larger_is_better=True)
    assert stop is not None
    est.set_callbacks(EarlyStopping("validation_score", patience=4)).fit(X, Y)
    assert est.n_iter_ == stop
    assert est.validation_scores_ == full[:stop]


def test_early_stopping_on_validation_loss():
    est = clf(early_stopping=True, max_iter=60, learning_rate_init=0.1)
    full = clone(est).fit(X, Y).validation_loss_curve_
    stop = expected_stop(full, patience=3, min_delta=0.02)  # lower is better
    assert stop is not None and stop < len(full)
    est.set_callbacks(EarlyStopping("validation_loss", patience=3, min_delta=0.02)).fit(X, Y)
    assert est.n_iter_ == stop
    assert est.validation_loss_curve_ == full[:stop]


@pytest.mark.parametrize("monitor", ["validation_score", "validation_loss"])
@pytest.mark.parametrize("callback", [EarlyStopping, ReduceLROnPlateau, TerminateOnNaN,
                                      lambda monitor: ModelCheckpoint("m.joblib", monitor)])
def test_validation_monitors_need_early_stopping(callback, monitor):
    est = clf().set_callbacks(callback(monitor=monitor))
    with pytest.raises(ValueError, match=f"monitor='{monitor}' needs early_stopping=True"):
        est.fit(X, Y)


@pytest.mark.parametrize("bad", [dict(monitor="val_loss"), dict(patience=-1),
                                 dict(min_delta=-0.1)])
def test_early_stopping_rejects_bad_parameters_at_fit(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        clf().set_callbacks(EarlyStopping(**bad)).fit(X, Y)


# -- ModelCheckpoint ----------------------------------------------------------------------
def test_checkpoint_keeps_the_best_epoch(tmp_path):
    every = ModelCheckpoint(tmp_path / "epoch{epoch}.joblib", save_best_only=False)
    best = ModelCheckpoint(tmp_path / "best.joblib")
    est = clf(max_iter=12).set_callbacks(every, best).fit(X, Y)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["best.joblib"] + [f"epoch{e}.joblib" for e in range(1, 13)])
    best_epoch = int(np.argmin(est.loss_curve_)) + 1
    saved = joblib.load(tmp_path / "best.joblib")
    assert saved.n_iter_ == best_epoch
    reference = joblib.load(tmp_path / f"epoch{best_epoch}.joblib")
    np.testing.assert_array_equal(saved.predict_proba(X), reference.predict_proba(X))
    assert not hasattr(saved, "_skl_callbacks")  # a plain model, no training machinery


def test_checkpoint_keeps_the_lowest_validation_loss_epoch(tmp_path):
    every = ModelCheckpoint(tmp_path / "epoch{epoch}-{validation_loss:.6f}.joblib",
                            save_best_only=False)
    best = ModelCheckpoint(tmp_path / "best.joblib", monitor="validation_loss")
    est = clf(max_iter=40, early_stopping=True, learning_rate_init=0.1)
    curve = est.set_callbacks(every, best).fit(X, Y).validation_loss_curve_
    best_epoch = int(np.argmin(curve)) + 1
    # Informative only if the lowest loss is neither the last nor the best-scored epoch.
    assert best_epoch not in (40, int(np.argmax(est.validation_scores_)) + 1)
    assert joblib.load(tmp_path / "best.joblib").n_iter_ == best_epoch
    names = {f"epoch{e}-{v:.6f}.joblib" for e, v in enumerate(curve, start=1)}
    assert names <= set(os.listdir(tmp_path))


def test_checkpoint_in_skops_format_loads_without_trusting_code(tmp_path):
    pytest.importorskip("skops")
    from sknn.io import load

    est = clf(max_iter=5).set_callbacks(ModelCheckpoint(tmp_path / "m.skops")).fit(X, Y)
    np.testing.assert_array_equal(load(tmp_path / "m.skops").predict(X), est.predict(X))


def test_checkpoint_path_with_an_unknown_field_is_a_clear_error(tmp_path):
    est = clf(max_iter=2).set_callbacks(ModelCheckpoint(tmp_path / "{step}.joblib"))
    with pytest.raises(ValueError, match="unknown field 'step'"):
        est.fit(X, Y)


def test_checkpoint_saves_the_final_lbfgs_model(tmp_path):
    est = clf(solver="lbfgs", max_iter=30).set_callbacks(ModelCheckpoint(tmp_path / "m.joblib"))
    est.fit(X, Y)
    np.testing.assert_array_equal(joblib.load(tmp_path / "m.joblib").predict(X), est.predict(X))


# -- learning-rate callbacks --------------------------------------------------------------
def test_reduce_lr_on_plateau_follows_patience_and_cooldown():
    recorder = Recorder()
    # min_delta so large that only the first epoch counts as an improvement.
    reducer = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_delta=1e9, min_lr=0.002)
    clf(max_iter=10).set_callbacks(reducer, recorder).fit(X, Y)
    # Epochs 2, 3 wait -> reduce after 3; 4 cools down; 5, 6 wait -> reduce after 6;
    # 7 cools; 8, 9 -> reduce after 9, clipped at min_lr.
    expected = [0.01] * 2 + [0.005] * 3 + [0.0025] * 3 + [0.002] * 2
    np.testing.assert_allclose(recorder.rates, expected)


def test_reduce_lr_on_plateau_on_validation_loss():
    recorder = Recorder()
    est = clf(early_stopping=True, max_iter=30, learning_rate_init=0.1)
    curve = clone(est).fit(X, Y).validation_loss_curve_
    reducer = ReduceLROnPlateau("validation_loss", factor=0.5, patience=2, min_delta=0.01)
    est.set_callbacks(reducer, recorder).fit(X, Y)
    # Independent replay of the rule on the curve the same fit records until its first
    # reduction: after that the rates differ, and so does the curve.
    first = expected_stop(curve, patience=2, min_delta=0.01)
    assert first is not None and first < 30
    assert recorder.rates[:first - 1] == [0.1] * (first - 1)
    assert recorder.rates[first - 1] == 0.05
    assert est.validation_loss_curve_[:first] == curve[:first]


def test_scheduled_rate_is_the_rate_the_optimizer_uses():
    plain = clf(solver="sgd", learning_rate_init=0.01, max_iter=8).fit(X, Y)
    scheduled = clf(solver="sgd", learning_rate_init=0.5, max_iter=8).set_callbacks(
        LearningRateScheduler(lambda epoch, lr: 0.01)).fit(X, Y)
    np.testing.assert_array_equal(scheduled.loss_curve_, plain.loss_curve_)


def test_scheduler_sees_epochs_counted_across_partial_fit_calls():
    seen = []
    sched = LearningRateScheduler(lambda epoch, lr: seen.append((epoch, lr)) or lr / 2)
    est = clf(solver="sgd").set_callbacks(sched)
    for _ in range(3):
        est.partial_fit(X, Y, classes=np.unique(Y))
    assert seen == [(0, 0.01), (1, 0.005), (2, 0.0025)]


def test_scheduler_rejects_a_non_positive_rate():
    est = clf().set_callbacks(LearningRateScheduler(lambda epoch, lr: 0.0))
    with pytest.raises(ValueError, match="must be positive"):
        est.fit(X, Y)


# -- TerminateOnNaN -----------------------------------------------------------------------
def test_terminate_on_nan_validation_score_stops_and_keeps_a_model():
    est = MLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, max_iter=30, random_state=0,
                       n_iter_no_change=np.inf)
    real_score, calls = est._score, []

    def score_going_nan(*args, **kwargs):  # the held-out R^2 turns NaN at epoch 4
        calls.append(1)
        return real_score(*args, **kwargs) if len(calls) < 4 else float("nan")

    est._score = score_going_nan
    est.set_callbacks(TerminateOnNaN())
    with pytest.warns(RuntimeWarning, match="validation_score became nan at epoch 4"):
        est.fit(XR, YR)
    assert est.n_iter_ == 4
    assert np.all(np.isfinite(est.predict(XR)))


# -- loggers ------------------------------------------------------------------------------
def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_csv_logger_rows_match_the_fitted_history(tmp_path):
    path = tmp_path / "log.csv"
    recorder = Recorder()
    est = clf(max_iter=7, early_stopping=True).set_callbacks(CSVLogger(path), recorder)
    est.fit(X, Y)
    rows = read_csv(path)
    assert [int(r["epoch"]) for r in rows] == list(range(1, 8))
    np.testing.assert_allclose([float(r["loss"]) for r in rows], est.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose([float(r["validation_score"]) for r in rows],
                               est.validation_scores_)
    np.testing.assert_allclose([float(r["validation_loss"]) for r in rows],
                               est.validation_loss_curve_, rtol=1e-12)
    np.testing.assert_allclose([float(r["learning_rate"]) for r in rows], recorder.rates)


def test_csv_logger_appends_across_partial_fit_calls(tmp_path):
    path = tmp_path / "stream.csv"
    est = clf().set_callbacks(CSVLogger(path, append=True, separator=";"))
    for _ in range(3):
        est.partial_fit(X, Y, classes=np.unique(Y))
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch;loss;validation_score;validation_loss;learning_rate"
    assert all(line.split(";")[2:4] == ["nan", "nan"] for line in lines[1:])  # no holdout
    assert [line.split(";")[0] for line in lines[1:]] == ["1", "2", "3"]


def test_crc32c_matches_the_published_check_value():
    # CRC-32C (Castagnoli) of b"123456789" is 0xE3069283 (RFC 3720, appendix B.4).
    assert crc32c(b"123456789") == 0xE3069283


def test_tensorboard_event_file_reads_back_with_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    est = clf(max_iter=6, early_stopping=True).set_callbacks(TensorBoard(tmp_path)).fit(X, Y)
    events = EventAccumulator(str(tmp_path)).Reload()
    assert set(events.Tags()["scalars"]) == {
        "epoch_loss", "epoch_validation_score", "epoch_validation_loss", "epoch_learning_rate"}
    loss = events.Scalars("epoch_loss")
    assert [e.step for e in loss] == list(range(1, 7))
    np.testing.assert_allclose([e.value for e in loss], est.loss_curve_, rtol=1e-6)
    np.testing.assert_allclose([e.value for e in events.Scalars("epoch_validation_score")],
                               est.validation_scores_, rtol=1e-6)
    np.testing.assert_allclose([e.value for e in events.Scalars("epoch_validation_loss")],
                               est.validation_loss_curve_, rtol=1e-6)


def test_tensorboard_reader_rejects_a_corrupted_record(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_file_loader import (
        RawEventFileLoader,
    )

    clf(max_iter=2).set_callbacks(TensorBoard(tmp_path)).fit(X, Y)
    (path,) = tmp_path.iterdir()
    assert len(list(RawEventFileLoader(str(path)).Load())) == 3  # version + 2 epochs
    data = bytearray(path.read_bytes())
    data[-6] ^= 0xFF  # inside the last record's payload: its checksum no longer matches
    path.write_bytes(bytes(data))
    assert len(list(RawEventFileLoader(str(path)).Load())) == 2


# -- in meta-estimators, beside scikit-learn's callbacks, through clone -------------------
def test_callbacks_inside_a_pipeline(tmp_path):
    stopper = EarlyStopping(patience=3, min_delta=0.05)
    pipe = make_pipeline(StandardScaler(), clf().set_callbacks(stopper, CSVLogger(tmp_path / "p.csv")))
    pipe.fit(X, Y)
    mlp = pipe[-1]
    assert mlp.n_iter_ == expected_stop(clf().fit(X, Y).loss_curve_, 3, 0.05)
    assert len(read_csv(tmp_path / "p.csv")) == mlp.n_iter_


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_callbacks_inside_grid_search_write_one_file_per_fit(tmp_path, n_jobs):
    est = clf().set_callbacks(EarlyStopping(patience=3, min_delta=0.05),
                              CSVLogger(tmp_path / "fit-{task}.csv"))
    search = GridSearchCV(est, {"hidden_layer_sizes": [(4,), (8,)]}, cv=2, n_jobs=n_jobs)
    search.fit(X, Y)
    files = sorted(os.listdir(tmp_path))
    assert len(files) == 5  # 2 candidates x 2 splits, and the refit
    for name in files:  # each file holds one fit's epochs, and each fit stopped early
        epochs = [int(row["epoch"]) for row in read_csv(tmp_path / name)]
        assert epochs == list(range(1, len(epochs) + 1)) and 0 < len(epochs) < 40


def test_parallel_fits_sharing_one_callback_keep_separate_records():
    # Threads share the very same callback instances: per-fit state must not mix.
    est = clf().set_callbacks(EarlyStopping(patience=3, min_delta=0.05, restore_best_weights=True))
    grid = {"hidden_layer_sizes": [(4,), (8,), (16,)]}
    serial = GridSearchCV(est, grid, cv=2).fit(X, Y).cv_results_
    with joblib.parallel_backend("threading", n_jobs=2):
        threaded = GridSearchCV(est, grid, cv=2, n_jobs=2).fit(X, Y).cv_results_
    np.testing.assert_array_equal(serial["mean_test_score"], threaded["mean_test_score"])


def test_clone_keeps_the_callbacks_and_they_pickle():
    stopper = EarlyStopping(patience=3, min_delta=0.05)
    est = clf().set_callbacks(stopper)
    twin = clone(est)
    assert twin._skl_callbacks == [stopper]
    assert twin.fit(X, Y).n_iter_ == est.fit(X, Y).n_iter_ < 40
    copy = pickle.loads(pickle.dumps(stopper))
    assert (copy.patience, copy.min_delta) == (3, 0.05)
    assert clf().set_callbacks(copy).fit(X, Y).n_iter_ == est.n_iter_


def test_beside_scikit_learns_progress_bar_and_scoring_monitor(tmp_path, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    monitor = ScoringMonitor(scoring="accuracy")
    est = clf().set_callbacks(ProgressBar(), monitor, EarlyStopping(patience=3, min_delta=0.05),
                              CSVLogger(tmp_path / "log.csv"))
    est.fit(X, Y)
    epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
    assert len(epochs) == est.n_iter_ == len(read_csv(tmp_path / "log.csv"))
    assert est.n_iter_ < 40
    assert all(0 <= row["accuracy"] <= 1 for row in epochs)


def test_a_callback_on_a_non_sknn_estimator_is_a_clear_error():
    with pytest.raises(TypeError, match="sknn's gradient-trained estimators"):
        LogisticRegression().set_callbacks(EarlyStopping()).fit(X, Y)


def test_per_epoch_callbacks_warn_that_lbfgs_has_no_epochs():
    with pytest.warns(UserWarning, match="solver='lbfgs' has none"):
        clf(solver="lbfgs", max_iter=20).set_callbacks(EarlyStopping()).fit(X, Y)


# -- Ctrl-C -------------------------------------------------------------------------------
def test_ctrl_c_leaves_the_best_weights_and_a_warning():
    interrupt = InterruptAt(epoch=9)
    stopper = EarlyStopping(patience=100, min_delta=0.3, restore_best_weights=True)
    est = clf(max_iter=40).set_callbacks(stopper, interrupt)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, Y)
    assert est.n_iter_ == 9
    losses = interrupt.losses
    best, best_epoch = None, None
    for i, v in enumerate(losses):
        if best is None or v < best - 0.3:
            best, best_epoch = v, i
    assert best_epoch < 8  # not the last epoch: restoring must have changed the weights
    np.testing.assert_array_equal(est.network_.params, interrupt.params[best_epoch])
    assert est.predict(X).shape == Y.shape


def test_ctrl_c_inside_a_training_step_leaves_a_usable_model(monkeypatch):
    import sknn.nn.train as train_module

    real_step, calls = train_module._step, []

    def step_then_ctrl_c(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:  # the middle of epoch 3 (2 batches per epoch)
            raise KeyboardInterrupt
        return real_step(*args, **kwargs)

    monkeypatch.setattr(train_module, "_step", step_then_ctrl_c)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = clf(batch_size=75).fit(X, Y)
    assert any("interrupted" in str(w.message) for w in caught)
    assert est.n_iter_ == 2  # the unfinished epoch is not counted
    assert np.all(np.isfinite(est.predict_proba(X)))


def test_progress_bar_on_a_search_with_sknn_callbacks_inside(tmp_path):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    monitor = ScoringMonitor(scoring="accuracy")
    inner = clf().set_callbacks(monitor, EarlyStopping(patience=3, min_delta=0.05))
    search = GridSearchCV(make_pipeline(StandardScaler(), inner),
                          {"mlpclassifier__hidden_layer_sizes": [(4,), (8,)]}, cv=2)
    search.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, Y)
    rows = monitor.get_logs(select="all")
    epochs = [row for log in rows for row in log.data if row["task_name"] == "epoch"]
    assert search.best_estimator_[-1].n_iter_ < 40
    # Every fit (4 in the search and the refit) logged one row per epoch it ran.
    assert len({row["parent_task_id_path"] for row in epochs}) == 5
    assert len(epochs) < 5 * 40


class ErrstateWitness(EpochCallback):
    """Divides by zero in NumPy at every epoch's end, as user code might."""

    def on_epoch(self, estimator):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            np.log(np.zeros(1))
        self.messages = [str(w.message) for w in caught]


def test_callbacks_run_under_the_callers_numpy_error_settings():
    """The loop silences NumPy's floating-point warnings for its own arithmetic only:
    a callback's code warns (or raises) as the caller's settings say."""
    witness = ErrstateWitness()
    clf(max_iter=2).set_callbacks(witness).fit(X, Y)
    assert any("divide by zero" in m for m in witness.messages)
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError):
        clf(max_iter=2).set_callbacks(ErrstateWitness()).fit(X, Y)
    assert np.geterr()["divide"] == "warn"  # and the settings are the caller's again after


def test_tensorboard_logs_a_loss_beyond_float32_as_infinite(tmp_path):
    """Summaries hold float32 values: a loss of ~1e50 is written as +inf, not a crash
    (struct refuses to pack it)."""
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    from sknn import MLPRegressor

    y = np.linspace(-1, 1, len(X)) * 1e25
    est = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    est.set_callbacks(TensorBoard(tmp_path)).fit(X, y)
    assert min(est.loss_curve_) > 1e40  # beyond float32's 3.4e38
    values = [e.value for e in EventAccumulator(str(tmp_path)).Reload().Scalars("epoch_loss")]
    assert values == [np.inf, np.inf]
