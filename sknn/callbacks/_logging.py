"""CSVLogger: one row per epoch in a CSV file."""

import csv
import os

from ._base import (
    SknnCallback,
    check_flag,
    check_path,
    current_learning_rate,
    epochs_trained,
    format_path,
    monitored_value,
)


def epoch_record(estimator):
    """What the logging callbacks write for the epoch that just ended.

    Returns
    -------
    record : dict
        ``epoch`` (epochs trained, from 1), ``loss``, ``validation_score`` and
        ``validation_loss`` (NaN without ``early_stopping=True``) and ``learning_rate``
        (for the next epoch).
    """
    return {
        "epoch": epochs_trained(estimator),
        "loss": float(estimator.loss_curve_[-1]),
        "validation_score": monitored_value(estimator, "validation_score"),
        "validation_loss": monitored_value(estimator, "validation_loss"),
        "learning_rate": current_learning_rate(estimator),
    }


class CSVLogger(SknnCallback):
    """Write ``epoch, loss, validation_score, validation_loss, learning_rate`` after
    every epoch (the validation columns are NaN without ``early_stopping=True``).

    Each row is flushed as it is written, so the file is complete up to the last
    finished epoch even if training is interrupted.

    Parameters
    ----------
    path : str or path-like
        The CSV file. It may name ``{task}`` (the fit's place in a search, e.g.
        ``"0-3-1"``) so that the fits of a parallel search write separate files.
    separator : str, default=","
        Field delimiter.
    append : bool, default=False
        Append to an existing file (no second header) instead of overwriting it.
        ``partial_fit`` streams want ``append=True``: each call is a fit of its own.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.callbacks import CSVLogger
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> clf = MLPClassifier((8,), max_iter=3, random_state=0)
    >>> clf = clf.set_callbacks(CSVLogger(path)).fit(X, y)
    >>> open(path).readline().strip()
    'epoch,loss,validation_score,validation_loss,learning_rate'
    """

    FIELDS = ("epoch", "loss", "validation_score", "validation_loss", "learning_rate")

    def __init__(self, path, separator=",", append=False):
        self.path = path
        self.separator = separator
        self.append = append

    def _start(self, estimator, context, run):
        check_path(self, "path")
        check_flag(self, "append")
        if not (isinstance(self.separator, str) and len(self.separator) == 1):
            # before the file is opened: the csv module would only refuse it at writing
            raise TypeError(f"CSVLogger: separator must be a one-character str, "
                            f"got {self.separator!r}")
        path = format_path(self.path, context)
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fresh = not (self.append and os.path.exists(path) and os.path.getsize(path) > 0)
        run["file"] = open(path, "w" if not self.append else "a", newline="")
        run["writer"] = csv.DictWriter(run["file"], self.FIELDS, delimiter=self.separator)
        if fresh:
            run["writer"].writeheader()
            run["file"].flush()

    def _on_epoch_end(self, estimator, context, run):
        run["writer"].writerow(epoch_record(estimator))
        run["file"].flush()
        return False

    def _finish(self, estimator, run):
        if "file" in run:
            run["file"].close()
