"""Helpers every Display shares: the lazy matplotlib import and estimator unwrapping."""

import numpy as np


def import_pyplot(caller):
    """``matplotlib.pyplot``, or an ImportError saying how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without matplotlib
        raise ImportError(
            f"{caller} needs matplotlib, an optional dependency of sknn. Install it "
            "with `pip install matplotlib` (or `pip install \".[plots]\"` in an sknn checkout)."
        ) from exc
    return plt


def final_estimator(estimator):
    """The fitted network estimator inside a Pipeline or a fitted search, or itself."""
    if hasattr(estimator, "best_estimator_"):
        estimator = estimator.best_estimator_
    if hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return estimator


def estimator_name(estimator):
    return type(final_estimator(estimator)).__name__


def get_axes(plt, ax):
    """``ax`` and its figure, creating both when ``ax`` is None."""
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    return fig, ax


def axes_grid(plt, n_panels, ax, n_cols, panel_size=1.2):
    """A figure with at least ``n_panels`` axes; returns (figure, flat array of axes).

    ``ax`` may be None (a new figure) or an array-like of Axes with enough entries.
    """
    if ax is not None:
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size < n_panels:
            raise ValueError(f"ax holds {axes.size} Axes, but {n_panels} panels are needed")
        return axes[0].figure, axes
    n_cols = n_cols or int(np.ceil(np.sqrt(n_panels)))
    n_rows = int(np.ceil(n_panels / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, squeeze=False, layout="constrained",
                             figsize=(panel_size * n_cols + 1.0, panel_size * n_rows + 0.8))
    return fig, axes.ravel()
