"""``score`` with sknn's boundary rules: scikit-learn's metric, with y checked first.

scikit-learn's ``ClassifierMixin.score``/``RegressorMixin.score`` hand y straight to
``accuracy_score``/``r2_score``, which report bad targets in numpy's words ("could not
convert string to float", "Input contains NaN" without naming y, "'<' not supported" for mixed label
types) or warn "invalid value encountered in cast" for NaN labels. Found by ``tests/test_hostile_inputs.py``.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_array

from ._labels import check_label_types
from ._validation import _NOT_A_NUMBER

__all__ = ["checked_score"]


def checked_score(estimator, score, X, y, sample_weight=None):
    """``score(X, y, sample_weight=sample_weight)`` after checking y (label types that
    sort, regression targets that are finite numbers), with numpy's warnings silenced.

    Parameters
    ----------
    estimator : estimator instance
    score : callable
        scikit-learn's mixin method, bound to ``estimator``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    score : float
    """
    if is_classifier(estimator):
        check_label_types(y)  # the metric sorts the labels
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")  # NaN named as y
    else:
        y = _regression_targets(estimator, y)
    with np.errstate(all="ignore"):
        value = score(X, y, sample_weight=sample_weight)
    if not is_classifier(estimator) and len(y) > 1 and not np.isfinite(value):
        # R^2 of one sample is NaN by definition (scikit-learn warns); otherwise the
        # squared deviations of y overflowed float64.
        raise ValueError(f"y is too large to score: its squared deviations overflow "
                         f"float64 (max |y| = {np.abs(y).max():.3g}). Scale y.")
    return value


def _regression_targets(estimator, y):
    try:
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
    except (ValueError, TypeError) as exc:
        if _NOT_A_NUMBER.search(str(exc)) or "bytes/strings" in str(exc):
            raise ValueError(f"y must hold numbers (regression targets); {exc}") from exc
        raise
    n_outputs = 1 if y.ndim == 1 else y.shape[1]
    if n_outputs != getattr(estimator, "n_outputs_", n_outputs):
        raise ValueError(f"y has {n_outputs} output(s) (columns), but "
                         f"{type(estimator).__name__} predicts {estimator.n_outputs_}.")
    return y
