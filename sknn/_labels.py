"""One check every sknn classifier runs on its labels before sorting them."""

from numbers import Number

import numpy as np

__all__ = ["check_classes", "check_label_types"]


def _kind(label):
    """'number' for any number (bool, int, float, NumPy scalar), else the type's name."""
    return "number" if isinstance(label, Number) else type(label).__name__


def check_label_types(y):
    """ValueError when object-dtype labels mix types that cannot be sorted together.

    Classes are sorted (``np.unique``), and Python cannot order, e.g., ``0`` and ``"a"``
    or ``"a"`` and ``None``; numeric labels of several kinds (``0`` and ``1.5``) sort fine.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Labels as the estimator received them, after ``validate_data``.

    Raises
    ------
    ValueError
        Naming ``y`` and the label types it mixes.
    """
    y = np.asarray(y)
    if y.dtype != object:
        return
    labels = y.ravel()
    if len({_kind(label) for label in labels}) > 1:
        names = sorted({type(label).__name__ for label in labels})
        raise ValueError(
            f"y mixes label types ({', '.join(names)}), which cannot be sorted into "
            "classes. Use labels of one kind: all numbers or all strings (e.g. y.astype(str))."
        )


def _is_nonfinite(label):
    return isinstance(label, Number) and not np.isfinite(complex(label))


def check_classes(classes):
    """The ``classes`` a user passed (``partial_fit``, ``from_weights``), as a 1-D array.

    NaN or infinity cannot be a class: it never equals a predicted label and, cast
    to int by scikit-learn's target checks, it leaks a NumPy RuntimeWarning. Nested
    lists would silently turn a classifier multilabel.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)

    Returns
    -------
    classes : ndarray of shape (n_classes,)

    Raises
    ------
    ValueError
        Naming ``classes`` when it is not 1-D, holds NaN or infinity, or mixes label
        types that cannot be sorted.
    """
    array = np.asarray(classes)
    if array.ndim != 1:
        raise ValueError("classes must be a 1-D list of labels; got an array of shape "
                         f"{array.shape}.")
    check_label_types(array)
    if array.dtype.kind in "fc" or array.dtype == object:
        bad = [label for label in array.tolist() if _is_nonfinite(label)]
        if bad:
            raise ValueError(f"classes must be finite labels; got {bad[0]!r} in "
                             f"{array.tolist()[:10]}.")
    return array
