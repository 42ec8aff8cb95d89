"""TensorBoard: per-epoch scalars in event files that TensorBoard displays."""

import math

from ._base import SknnCallback, check_path, format_path
from ._logging import epoch_record
from ._tfevents import EventFileWriter


class TensorBoard(SknnCallback):
    """Log ``loss``, ``validation_score`` and ``learning_rate`` for TensorBoard.

    Every fit writes a new event file into ``log_dir``; view them with
    ``tensorboard --logdir <log_dir>`` (``pip install ".[tensorboard]"`` installs
    the viewer; writing needs nothing beyond sknn itself).

    Parameters
    ----------
    log_dir : str or path-like, default="logs"
        Directory of the event files. It may name ``{task}`` (the fit's place in a
        search, e.g. ``"0-3-1"``): TensorBoard shows each subdirectory as a run, so
        ``"logs/{task}"`` compares the fits of a search side by side.

    Notes
    -----
    Scalars are tagged ``epoch_loss``, ``epoch_validation_score`` and
    ``epoch_validation_loss`` (only with ``early_stopping=True``) and
    ``epoch_learning_rate``; the step is the number of
    epochs the network has trained. Each event is flushed as written.
    """

    def __init__(self, log_dir="logs"):
        self.log_dir = log_dir

    def _start(self, estimator, context, run):
        check_path(self, "log_dir")
        run["writer"] = EventFileWriter(format_path(self.log_dir, context))

    def _on_epoch_end(self, estimator, context, run):
        record = epoch_record(estimator)
        step = record.pop("epoch")
        scalars = {f"epoch_{k}": v for k, v in record.items()
                   if not (k.startswith("validation_") and math.isnan(v))}
        run["writer"].add_scalars(step, scalars)
        return False

    def _finish(self, estimator, run):
        if "writer" in run:
            run["writer"].close()
