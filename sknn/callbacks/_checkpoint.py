"""ModelCheckpoint: save the model during training, by default only when it improves."""

import copy
import os
import tempfile

import joblib

from .._persistence import _FIT_ONLY_ATTRIBUTES
from ._base import (
    SknnCallback,
    check_amount,
    check_flag,
    check_monitor,
    check_path,
    epochs_trained,
    format_path,
    is_improvement,
    monitored_value,
)

# A checkpoint is a model to predict with: besides what a saved model never holds
# (the running fit's contexts), it leaves out the callbacks, this one included.
_RUN_ATTRIBUTES = ("_skl_callbacks", *_FIT_ONLY_ATTRIBUTES)


def model_snapshot(estimator):
    """A shallow copy of ``estimator`` that pickles as a plain fitted model.

    The copy shares arrays with ``estimator``, so save it before training goes on.
    """
    snapshot = copy.copy(estimator)
    for name in _RUN_ATTRIBUTES:
        snapshot.__dict__.pop(name, None)
    return snapshot


def save_model(estimator, path):
    """Write ``estimator`` to ``path`` atomically: skops for ``*.skops``, else joblib.

    The file is written under a temporary name and renamed, so an interrupted save
    (Ctrl-C, a full disk) never leaves a truncated checkpoint behind.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".sknn-checkpoint-")
    os.close(fd)
    try:
        snapshot = model_snapshot(estimator)
        if path.endswith(".skops"):
            import skops.io  # an optional extra: ``pip install ".[persist]"``

            skops.io.dump(snapshot, tmp)
        else:
            joblib.dump(snapshot, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class ModelCheckpoint(SknnCallback):
    """Save the estimator after epochs, keeping the best one seen (Keras-style).

    Parameters
    ----------
    path : str or path-like
        Where to save. A path ending in ``.skops`` is written with :mod:`skops.io`
        (load it with :func:`sknn.io.load`, no code runs), any other with
        :func:`joblib.dump`. It may name the fields ``{epoch}`` (epochs trained, from
        1), ``{loss}``, ``{validation_score}``, ``{validation_loss}`` (NaN without
        ``early_stopping=True``) and ``{task}`` (the fit's place in a search, e.g.
        ``"0-3-1"``: give every fit of a parallel search its own file).
    monitor : {"loss", "validation_score", "validation_loss"}, default="loss"
        Quantity that decides which epoch is best (see :class:`EarlyStopping`).
    save_best_only : bool, default=True
        Save only when ``monitor`` improves on the best so far; otherwise save after
        every epoch.
    min_delta : float, default=0.0
        Improvement below this does not count.

    Notes
    -----
    The saved object is a fitted estimator without callbacks attached; inside a
    ``Pipeline`` that is the network step alone, without the fitted steps before it.
    The best value seen lasts one call to ``fit``. With ``solver="lbfgs"``, which has no
    epochs, the final model is saved when training ends.

    Examples
    --------
    >>> import os, tempfile, joblib
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.callbacks import ModelCheckpoint
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "best.joblib")
    >>> clf = MLPClassifier((8,), max_iter=20, random_state=0)
    >>> clf = clf.set_callbacks(ModelCheckpoint(path)).fit(X, y)
    >>> best = joblib.load(path)
    >>> best.predict(X[:3]).shape
    (3,)
    """

    _per_epoch = False  # saves the final lbfgs model instead of warning

    def __init__(self, path, monitor="loss", save_best_only=True, min_delta=0.0):
        self.path = path
        self.monitor = monitor
        self.save_best_only = save_best_only
        self.min_delta = min_delta

    def _start(self, estimator, context, run):
        check_path(self, "path")
        check_monitor(self.monitor, estimator)
        check_flag(self, "save_best_only")
        check_amount(self, "min_delta")
        run["best"] = None

    def _on_epoch_end(self, estimator, context, run):
        value = monitored_value(estimator, self.monitor)
        improved = is_improvement(value, run["best"], self.monitor, self.min_delta)
        if improved:
            run["best"] = value
        if improved or not self.save_best_only:
            self._save(estimator, context, epochs_trained(estimator))
        return False

    def _on_fit_end(self, estimator, context, run):
        if estimator.solver == "lbfgs":
            self._save(estimator, context, estimator.n_iter_)

    def _save(self, estimator, context, epoch):
        path = format_path(self.path, context, epoch=epoch, loss=estimator.loss_,
                           validation_score=monitored_value(estimator, "validation_score"),
                           validation_loss=monitored_value(estimator, "validation_loss"))
        save_model(estimator, path)
