"""ThresholdPerceptron's checks at the boundary: labels, initial weights, overflow, warnings."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets

from ._labels import check_classes, check_label_types
from ._perceptron_kernel import _dense
from ._validation import abs_max
from ._perceptron_sgd import SCALE_HINT


def _check_scores_finite(X, W, b):
    """ValueError when the trained weights give non-finite scores on the training X.

    A cheap bound first: |z| <= max|x| * n_features * max|W| + max|b|; only when the
    bound overflows are the scores computed.
    """
    if not (np.isfinite(W).all() and np.isfinite(b).all()):
        raise ValueError(f"Floating-point under-/overflow occurred in training. {SCALE_HINT}")
    bound = abs_max(X) * X.shape[1] * np.abs(W).max(initial=0.0) + np.abs(b).max(initial=0.0)
    if np.isfinite(bound) or np.isfinite(_dense(X @ W.T) + b).all():
        return
    raise ValueError(
        "ThresholdPerceptron's decision scores overflow on the training X (|X| up to "
        f"{abs_max(X):.3g}). {SCALE_HINT}"
    )


def _warn_max_iter(max_iter):
    """scikit-learn's ConvergenceWarning, with the epoch count."""
    warnings.warn(
        "Maximum number of iteration reached before convergence. Consider increasing "
        f"max_iter to improve the fit. (ThresholdPerceptron stopped at max_iter={max_iter} "
        "epochs; or raise tol.)",
        ConvergenceWarning,
    )


def _classes_of(y, classes):
    """Sorted class labels of 1-D y (or ``classes``), or output indices for 2-D y."""
    if y.ndim == 2:
        return np.arange(y.shape[1])
    check_classification_targets(y)
    if classes is None:
        check_label_types(y)
    labels = np.unique(y) if classes is None else np.unique(check_classes(classes))
    if labels.size < 2:
        raise ValueError(
            f"ThresholdPerceptron needs samples of at least 2 classes; got 1 class: {labels.tolist()}"
        )
    return labels


def _indicator_flags(y):
    """True where a 0/1 indicator matrix holds 1; ValueError for any other value."""
    values = np.unique(y)
    if values.dtype.kind not in "biuf" or not np.isin(values, [0, 1]).all():
        raise ValueError(
            "a 2-D y must be a 0/1 indicator matrix (one column per output unit); "
            f"found values {values[:10].tolist()}"
        )
    return y == 1


def _checked_copy(value, shape, name):
    """A float64 copy of ``value``, or ValueError when its shape is not ``shape``."""
    value = np.array(value, dtype=np.float64)
    if value.shape != shape:
        raise ValueError(f"{name} has shape {value.shape}, expected {shape}")
    return value
