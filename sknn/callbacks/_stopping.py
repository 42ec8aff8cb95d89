"""Callbacks that stop training: on a plateau (keeping the best weights) or on NaN."""

import math
import warnings

from ._base import (
    SknnCallback,
    check_amount,
    check_count,
    check_flag,
    check_monitor,
    is_improvement,
    monitored_value,
)


class EarlyStopping(SknnCallback):
    """Stop training when a monitored quantity has stopped improving.

    Parameters
    ----------
    monitor : {"loss", "validation_score", "validation_loss"}, default="loss"
        ``"loss"``: the training loss of each epoch (``loss_curve_``), lower is
        better. ``"validation_score"``: the estimator's score on the data it holds
        out with ``early_stopping=True`` (``validation_scores_``), higher is better.
        ``"validation_loss"``: the loss on that held-out data
        (``validation_loss_curve_``), lower is better; a NaN or infinite value never
        counts as an improvement.
    patience : int, default=10
        Epochs without improvement after which training stops.
    min_delta : float, default=0.0
        An epoch improves only if it beats the best value by more than this.
    restore_best_weights : bool, default=False
        When training ends (stopped by this callback, out of epochs, or interrupted
        with Ctrl-C), put back the weights of the best epoch seen, with its
        batch-normalization running statistics.

    Notes
    -----
    This callback and the estimator's own ``n_iter_no_change``/``tol`` rule both
    stop training; whichever fires first wins. With ``early_stopping=True`` the
    estimator itself puts back the weights of its best validation epoch when training
    ends; ``restore_best_weights=True`` is applied after that, so this callback's best
    epoch is the one kept.
    Its record of the best epoch lasts one call to ``fit`` (or ``partial_fit``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.callbacks import EarlyStopping
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), max_iter=300, n_iter_no_change=1000, random_state=0)
    >>> clf = clf.set_callbacks(EarlyStopping(patience=3, min_delta=0.5)).fit(X, y)
    >>> clf.n_iter_
    4

    On the held-out loss (it needs ``early_stopping=True``, which holds the data out):

    >>> clf = MLPClassifier((8,), early_stopping=True, n_iter_no_change=1000,
    ...                     max_iter=300, random_state=0)
    >>> stopper = EarlyStopping("validation_loss", patience=3, min_delta=0.05)
    >>> clf = clf.set_callbacks(stopper).fit(X, y)
    >>> len(clf.validation_loss_curve_) == clf.n_iter_ < 300
    True
    """

    def __init__(self, monitor="loss", patience=10, min_delta=0.0, restore_best_weights=False):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights

    def _start(self, estimator, context, run):
        check_monitor(self.monitor, estimator)
        check_count(self, "patience")
        check_amount(self, "min_delta")
        check_flag(self, "restore_best_weights")
        run.update(best=None, wait=0, weights=None)

    def _on_epoch_end(self, estimator, context, run):
        value = monitored_value(estimator, self.monitor)
        if is_improvement(value, run["best"], self.monitor, self.min_delta):
            run["best"], run["wait"] = value, 0
            if self.restore_best_weights:
                # Reused arrays: a copy per improvement would allocate every epoch.
                run["weights"] = estimator.network_.snapshot(into=run["weights"])
            return False
        run["wait"] += 1
        return run["wait"] >= self.patience

    def _on_fit_end(self, estimator, context, run):
        if self.restore_best_weights and run.get("weights") is not None:
            estimator.network_.restore(run["weights"])


class TerminateOnNaN(SknnCallback):
    """Stop training, with a warning, once the monitored quantity is NaN or infinite.

    The training loop itself already refuses a non-finite training loss: it raises
    ``ValueError`` before the spoiled step touches the weights, so with
    ``monitor="loss"`` this callback adds nothing but an explicit statement of intent.
    What it adds is a stop on a non-finite *validation score*, which the loop does not
    check: for instance an R² of NaN once a regressor's predictions on the held-out
    data overflow while its training loss is still finite. Training then ends
    gracefully and, with ``early_stopping=True``, the estimator keeps the weights of
    its best validation epoch.

    Parameters
    ----------
    monitor : {"loss", "validation_score", "validation_loss"}, \
default="validation_score"
        Quantity that must stay finite. ``"validation_score"`` and
        ``"validation_loss"`` need ``early_stopping=True`` on the estimator.
    """

    def __init__(self, monitor="validation_score"):
        self.monitor = monitor

    def _start(self, estimator, context, run):
        check_monitor(self.monitor, estimator)

    def _on_epoch_end(self, estimator, context, run):
        value = monitored_value(estimator, self.monitor)
        if math.isfinite(value):
            return False
        warnings.warn(f"TerminateOnNaN: {self.monitor} became {value} at epoch "
                      f"{estimator.n_iter_}; training stopped.", RuntimeWarning)
        return True
