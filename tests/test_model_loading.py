"""Loading saved models: whatever callbacks a fit ran with, and files that were tampered with.

Issue 9: a model saved with ``sknn.io.save`` after ``set_callbacks(ProgressBar())`` could
not be loaded; a skops file whose weights were replaced by NaNs, or cut short, loaded
and predicted NaN (or failed inside NumPy).
"""

import io
import json
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.datasets import load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknn
from sknn.callbacks import CSVLogger, EarlyStopping, ModelCheckpoint

skops_io = pytest.importorskip("skops.io")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def sklearn_callbacks(tmp_path):
    pytest.importorskip("rich")  # scikit-learn's ProgressBar draws with rich
    return [ProgressBar(), ScoringMonitor(scoring="accuracy")]


def sknn_callbacks(tmp_path):
    return [EarlyStopping("loss", patience=2), CSVLogger(tmp_path / "log.csv"),
            ModelCheckpoint(tmp_path / "best.joblib", monitor="loss")]  # fmt: skip


@pytest.mark.parametrize("callbacks", [sklearn_callbacks, sknn_callbacks])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_a_model_saved_with_callbacks_attached_loads(tmp_path, callbacks, in_pipeline):
    X, y = iris()
    clf = sknn.MLPClassifier((4,), solver="sgd", max_iter=5, random_state=0)
    model = make_pipeline(StandardScaler(), clf) if in_pipeline else clf
    # scikit-learn's callbacks go on the outermost estimator, sknn's on the sknn one
    holder = model if callbacks is sklearn_callbacks else clf
    attached = callbacks(tmp_path)
    holder.set_callbacks(*attached)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    sknn.io.save(model, tmp_path / "model.skops")
    loaded = sknn.io.load(tmp_path / "model.skops")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    parts = [loaded, *(step for _, step in loaded.steps)] if in_pipeline else [loaded]
    assert not any(hasattr(part, "_skl_callbacks") for part in parts)  # saved without them
    assert holder._skl_callbacks == attached  # saving leaves the caller's estimator alone
    joblib.dump(model, tmp_path / "model.joblib")  # joblib keeps working, callbacks and all
    again = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_a_model_without_callbacks_is_saved_as_is(tmp_path, monkeypatch):
    import copy

    X, y = iris()
    clf = sknn.MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    monkeypatch.setattr(copy, "deepcopy", None)  # no copy is made when none is needed
    sknn.io.save(clf, tmp_path / "m.skops")
    np.testing.assert_array_equal(sknn.io.load(tmp_path / "m.skops").predict(X), clf.predict(X))
