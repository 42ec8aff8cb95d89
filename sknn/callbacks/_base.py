"""What every sknn training callback shares: the epoch hook, monitors, per-fit state.

scikit-learn calls a callback's hooks for every task of a fit: the estimator's root
``fit`` task and, for sknn's stochastic solvers, one ``epoch`` subtask per epoch. The
fitted attributes (``loss_curve_``, ``validation_scores_``, ``validation_loss_curve_``,
``n_iter_``) are published before each epoch's ``on_fit_task_end``, so a callback reads
them there.

One callback instance may serve many estimators at once: :func:`sklearn.base.clone`
shares it between the clones a search fits, possibly in threads. So nothing about a
fit lives on the callback itself; it lives in a per-estimator record created in
``setup`` and dropped in ``teardown``.
"""

import math
import os
import warnings
from numbers import Integral, Real

import numpy as np

from sklearn.callback._callback_context import get_context_path

#: Quantities a callback can monitor, and whether larger values are better.
MONITORS = {"loss": False, "validation_score": True, "validation_loss": False}

#: The fitted attribute holding each monitored quantity, one value per epoch.
_CURVES = {"loss": "loss_curve_", "validation_score": "validation_scores_",
           "validation_loss": "validation_loss_curve_"}


class SknnCallback:
    """Base of sknn's callbacks: a no-op ``FitCallback`` with an epoch hook.

    Subclasses override :meth:`_on_epoch_end` (return True to stop training) and,
    if they need them, :meth:`_on_epoch_begin`, :meth:`_on_fit_end`,
    :meth:`_start` and :meth:`_finish`.
    """

    #: Whether the callback acts between epochs (and so does nothing for lbfgs).
    _per_epoch = True

    # -- FitCallback protocol -------------------------------------------------------
    def setup(self, estimator, context):
        _check_estimator(self, estimator)
        if self._per_epoch and getattr(estimator, "solver", None) == "lbfgs":
            warnings.warn(f"{type(self).__name__} acts between epochs, and solver='lbfgs' "
                          "has none: it will do nothing during this fit.", UserWarning)
        self._runs()[id(estimator)] = run = {}
        self._start(estimator, context, run)

    def teardown(self, estimator, context):
        run = self._runs().pop(id(estimator), None)
        if run is not None:
            self._finish(estimator, run)

    def on_fit_task_begin(self, estimator, context):
        if context.task_name == "epoch":
            self._on_epoch_begin(estimator, self._run(estimator))

    def on_fit_task_end(self, estimator, context):
        if context.task_name == "epoch":
            return bool(self._on_epoch_end(estimator, context, self._run(estimator)))
        if context is getattr(estimator, "_callback_fit_ctx", None):
            self._on_fit_end(estimator, context, self._run(estimator))
        return False

    # -- hooks for subclasses -------------------------------------------------------
    def _start(self, estimator, context, run):
        """A fit begins; ``run`` is this fit's private dict."""

    def _on_epoch_begin(self, estimator, run):
        """An epoch begins."""

    def _on_epoch_end(self, estimator, context, run):
        """An epoch ended; return True to stop training."""
        return False

    def _on_fit_end(self, estimator, context, run):
        """Training ended (converged, stopped, interrupted or out of epochs)."""

    def _finish(self, estimator, run):
        """The fit is over, even when it raised: release what ``_start`` took."""

    # -- state --------------------------------------------------------------------------
    def _runs(self):
        # Created lazily: __init__ only stores parameters, as in scikit-learn.
        return self.__dict__.setdefault("_active_runs", {})

    def _run(self, estimator):
        return self._runs().setdefault(id(estimator), {})

    def __getstate__(self):
        # Pickled to worker processes (n_jobs > 1) or with a saved model: per-fit
        # records hold open files and weight copies that belong to this process.
        state = self.__dict__.copy()
        state.pop("_active_runs", None)
        # Paths as plain strings: skops trusts str, not pathlib's classes.
        return {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in state.items()}

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({params})"


def _check_estimator(callback, estimator):
    from .._base import BaseNetwork  # late: sknn._base imports nothing from here

    if not isinstance(estimator, BaseNetwork):
        raise TypeError(f"{type(callback).__name__} works with sknn's gradient-trained "
                        f"estimators (it reads loss_curve_ and network_); it was set on "
                        f"{type(estimator).__name__}.")


def check_count(callback, name):
    """The callback's ``name`` must be a non-negative int (bools are not counts)."""
    value = getattr(callback, name)
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{type(callback).__name__}: {name} must be a non-negative "
                         f"integer, got {value!r}")


def check_amount(callback, name):
    """The callback's ``name`` must be a finite non-negative number (not NaN or inf)."""
    value = getattr(callback, name)
    if isinstance(value, bool) or not isinstance(value, Real) or not (
            math.isfinite(value) and value >= 0):
        raise ValueError(f"{type(callback).__name__}: {name} must be a finite "
                         f"non-negative number, got {value!r}")


def check_flag(callback, name):
    """The callback's ``name`` must be a bool."""
    value = getattr(callback, name)
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{type(callback).__name__}: {name} must be True or False, "
                        f"got {value!r}")


def check_path(callback, name):
    """The callback's ``name`` must be a path: a str or an os.PathLike."""
    value = getattr(callback, name)
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{type(callback).__name__}: {name} must be a non-empty str or "
                        f"path-like, got {value!r}")


def check_monitor(monitor, estimator=None):
    """Validate a monitor name, and that ``estimator`` will produce it.

    Raises
    ------
    ValueError
        If ``monitor`` is unknown, or is ``"validation_score"`` or
        ``"validation_loss"`` on an estimator that holds out no validation data.
    """
    if not isinstance(monitor, str) or monitor not in MONITORS:
        raise ValueError(f"monitor={monitor!r} is not one of {sorted(MONITORS)}")
    if monitor != "loss" and estimator is not None and not estimator.early_stopping:
        raise ValueError(f"monitor={monitor!r} needs early_stopping=True on "
                         f"{type(estimator).__name__}: it is computed on the "
                         "validation_fraction it then holds out.")


def monitored_value(estimator, monitor):
    """The latest value of ``monitor`` (published before each epoch's callbacks); NaN
    when its curve is None or empty (a validation monitor without early stopping)."""
    values = getattr(estimator, _CURVES[monitor], None)
    return float(values[-1]) if values else math.nan


def is_improvement(value, best, monitor, min_delta):
    """Whether ``value`` beats ``best`` by more than ``min_delta`` in ``monitor``'s sense."""
    if best is None:
        return math.isfinite(value)
    if MONITORS[monitor]:
        return value > best + min_delta
    return value < best - min_delta


def epochs_trained(estimator):
    """Epochs this network has trained, across warm starts and partial_fit calls."""
    return len(estimator._state.loss_curve)


def current_learning_rate(estimator):
    """The optimizer's step size for the next batch (read at every step)."""
    return float(estimator._optimizer.learning_rate)


def task_label(context):
    """A label unique to one fit in a task tree: the task ids from the root, joined.

    In a search each (candidate, split) fit gets its own label (e.g. ``"0-3-1"``), so
    paths formatted with ``{task}`` never collide between parallel fits.
    """
    path = get_context_path(context)
    while path and path[-1].task_name == "epoch":
        path = path[:-1]
    return "-".join(str(ctx.task_id) for ctx in path)


def format_path(template, context, **fields):
    """``template`` with ``{task}`` and ``fields`` filled in, as an OS path."""
    try:
        return os.fspath(str(template).format(task=task_label(context), **fields))
    except (KeyError, IndexError) as exc:
        raise ValueError(f"path {template!r} names an unknown field {exc}; known fields: "
                         f"{sorted(['task', *fields])}") from None
