"""Callbacks that set the optimizer's learning rate between epochs.

The optimizer reads ``learning_rate`` at every step, and the estimator's own schedule
(``learning_rate="invscaling"``, ``"exponential"``...) writes it at the end of each
epoch *before* the callbacks run, so a rate set here is the one the next epoch uses.
"""

from numbers import Real

from ._base import (
    SknnCallback,
    check_amount,
    check_count,
    check_flag,
    check_monitor,
    current_learning_rate,
    epochs_trained,
    is_improvement,
    monitored_value,
)


def _set_learning_rate(estimator, lr, who):
    lr = float(lr)
    if not lr > 0:  # also rejects NaN
        raise ValueError(f"{who} produced learning rate {lr!r}; it must be positive.")
    estimator._optimizer.learning_rate = lr


class LearningRateScheduler(SknnCallback):
    """Set the learning rate at the start of every epoch from a function.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> new_lr``, with ``epoch`` the number of epochs this
        network has trained so far (0 on the first epoch of a fresh ``fit``; it keeps
        counting across ``warm_start`` fits and ``partial_fit`` calls) and ``lr`` the
        current rate.
    verbose : bool, default=False
        Print each change.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.callbacks import LearningRateScheduler
    >>> X, y = load_iris(return_X_y=True)
    >>> halve = LearningRateScheduler(lambda epoch, lr: 0.01 * 0.5 ** epoch)
    >>> clf = MLPClassifier((8,), max_iter=3, learning_rate_init=0.01, random_state=0)
    >>> clf = clf.set_callbacks(halve).fit(X, y)
    >>> clf._optimizer.learning_rate
    0.0025
    """

    def __init__(self, schedule, verbose=False):
        self.schedule = schedule
        self.verbose = verbose

    def _start(self, estimator, context, run):
        if not callable(self.schedule):
            raise TypeError(f"schedule must be a callable (epoch, lr) -> lr, "
                            f"got {type(self.schedule).__name__}")
        check_flag(self, "verbose")

    def _on_epoch_begin(self, estimator, run):
        epoch, lr = epochs_trained(estimator), current_learning_rate(estimator)
        new = self.schedule(epoch, lr)
        _set_learning_rate(estimator, new, "LearningRateScheduler's schedule")
        if self.verbose and new != lr:
            print(f"Epoch {epoch + 1}: learning rate set to {float(new):g}")


class ReduceLROnPlateau(SknnCallback):
    """Multiply the learning rate by ``factor`` when a monitored quantity plateaus.

    Parameters
    ----------
    monitor : {"loss", "validation_score", "validation_loss"}, default="loss"
        What must improve (see :class:`EarlyStopping`).
    factor : float in (0, 1), default=0.1
        ``new_lr = max(lr * factor, min_lr)``.
    patience : int, default=10
        Epochs without improvement before the rate is reduced.
    min_delta : float, default=1e-4
        An epoch improves only if it beats the best value by more than this.
    cooldown : int, default=0
        Epochs to wait after a reduction before counting non-improving epochs again.
    min_lr : float, default=0.0
        Lower bound of the rate.
    verbose : bool, default=False
        Print each reduction.

    Notes
    -----
    The estimator's own ``n_iter_no_change``/``tol`` rule stops training on a
    plateau too (it reduces the rate itself only with ``learning_rate="adaptive"``):
    give it a larger ``n_iter_no_change`` than ``patience``, or ``np.inf``, so that
    this callback gets to act.
    """

    def __init__(self, monitor="loss", factor=0.1, patience=10, min_delta=1e-4,
                 cooldown=0, min_lr=0.0, verbose=False):
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.min_delta = min_delta
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.verbose = verbose

    def _start(self, estimator, context, run):
        check_monitor(self.monitor, estimator)
        if isinstance(self.factor, bool) or not isinstance(self.factor, Real) or not (
                0 < self.factor < 1):
            raise ValueError(f"ReduceLROnPlateau: factor must be in (0, 1), got {self.factor!r}")
        check_count(self, "patience")
        check_count(self, "cooldown")
        check_amount(self, "min_delta")
        check_amount(self, "min_lr")
        check_flag(self, "verbose")
        run.update(best=None, wait=0, cooldown=0)

    def _on_epoch_end(self, estimator, context, run):
        value = monitored_value(estimator, self.monitor)
        cooling = run["cooldown"] > 0
        if cooling:  # epochs right after a reduction do not count against the new rate
            run["cooldown"] -= 1
            run["wait"] = 0
        if is_improvement(value, run["best"], self.monitor, self.min_delta):
            run["best"], run["wait"] = value, 0
        elif not cooling:
            run["wait"] += 1
            if run["wait"] >= self.patience:
                self._reduce(estimator, run)
        return False

    def _reduce(self, estimator, run):
        lr = current_learning_rate(estimator)
        new = max(lr * self.factor, self.min_lr)
        if new < lr:
            _set_learning_rate(estimator, new, "ReduceLROnPlateau")
            if self.verbose:
                print(f"Epoch {estimator.n_iter_}: reducing learning rate to {new:g}")
        run["wait"], run["cooldown"] = 0, self.cooldown
