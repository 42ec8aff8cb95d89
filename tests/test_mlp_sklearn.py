"""The MLPs inside scikit-learn: estimator checks, Pipeline, searches, persistence,
and scikit-learn's callback API."""

import io

import joblib
import numpy as np
import pytest
from sklearn.callback import ScoringMonitor
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from _epoch_callback import EpochCallback
from sknn import MLPClassifier, MLPRegressor

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


@parametrize_with_checks([MLPClassifier(max_iter=50, random_state=0),
                          MLPRegressor(max_iter=50, random_state=0)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


def test_digits_pipeline_scores_at_least_097_held_out(digits):
    X_train, X_test, y_train, y_test = digits
    model = make_pipeline(StandardScaler(), MLPClassifier((128,), random_state=0))
    assert model.fit(X_train, y_train).score(X_test, y_test) >= 0.97


def test_grid_search_over_architecture_and_training_in_parallel(digits):
    X_train, X_test, y_train, y_test = digits
    grid = {
        "mlpclassifier__hidden_layer_sizes": [(32,), (32, 16)],
        "mlpclassifier__learning_rate_init": [1e-3, 1e-2],
        "mlpclassifier__solver": ["adam", "sgd"],
        "mlpclassifier__alpha": [1e-4],
        "mlpclassifier__dropout": [0.0, 0.2],
    }
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=30, random_state=0))
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X_train, y_train)
    assert len(search.cv_results_["params"]) == 16
    assert search.best_score_ > 0.9 and search.score(X_test, y_test) > 0.9


@pytest.mark.parametrize("est", [MLPClassifier((10,), max_iter=30, random_state=0, dropout=0.1,
                                               batch_norm=True),
                                 MLPRegressor(hidden_layer_sizes=(10,), max_iter=30, random_state=0,
                                              wide_and_deep=True)])
def test_joblib_round_trip_gives_identical_predictions(est):
    est.fit(X_IRIS, Y_IRIS)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict(X_IRIS), est.predict(X_IRIS))
    loaded.set_params(warm_start=True, max_iter=2).fit(X_IRIS, Y_IRIS)  # still trainable
    assert not np.array_equal(loaded.coefs_[0], est.coefs_[0])


def test_fixed_random_state_gives_identical_models():
    params = dict(hidden_layer_sizes=(12,), max_iter=20, random_state=3, dropout=0.2,
                  early_stopping=True)
    a = MLPClassifier(**params).fit(X_IRIS, Y_IRIS)
    b = MLPClassifier(**params).fit(X_IRIS, Y_IRIS)
    np.testing.assert_array_equal(a.network_.params, b.network_.params)
    assert a.loss_curve_ == b.loss_curve_


class StopAfter(EpochCallback):
    """A callback that asks to stop after ``n`` epochs (scikit-learn's FitCallback)."""

    def __init__(self, n):
        self.n = n
        self.epochs = 0

    def on_epoch(self, estimator):
        self.epochs += 1
        return self.epochs >= self.n


def test_a_callback_can_stop_training():
    stopper = StopAfter(4)
    est = MLPClassifier((8,), max_iter=100, random_state=0).set_callbacks(stopper)
    est.fit(X_IRIS, Y_IRIS)
    assert est.n_iter_ == 4 and len(est.loss_curve_) == 4


def test_scoring_monitor_sees_every_epoch_bare_and_in_pipeline():
    for make in (lambda m: m, lambda m: make_pipeline(StandardScaler(), m)):
        monitor = ScoringMonitor(scoring="accuracy")
        model = MLPClassifier((8,), max_iter=6, random_state=0).set_callbacks(monitor)
        make(model).fit(X_IRIS, Y_IRIS)
        epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
        assert len(epochs) == 6 and all(0 <= row["accuracy"] <= 1 for row in epochs)


def test_progress_bar_inside_grid_search():
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    search = GridSearchCV(MLPClassifier(max_iter=3, random_state=0),
                          {"hidden_layer_sizes": [(4,), (8,)]}, cv=2)
    search.set_callbacks(ProgressBar())
    search.fit(X_IRIS, Y_IRIS)
    assert search.best_estimator_.n_iter_ == 3
