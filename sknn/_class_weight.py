"""``class_weight`` for every sknn classifier: scikit-learn's weights, checked at the boundary.

One computation for :class:`~sknn.ThresholdPerceptron`, :class:`~sknn.MLPClassifier` and
:class:`~sknn.ConvNetClassifier`: scikit-learn's ``compute_class_weight`` ("balanced" is
``n_samples / (n_classes * bincount(y))``; a dict maps labels to weights, missing labels
weigh 1), with errors that name ``class_weight`` instead of a NaN or inf reaching training.
"""

import numpy as np
from sklearn.utils import compute_class_weight
from sklearn.utils._param_validation import StrOptions

__all__ = ["CLASS_WEIGHT_CONSTRAINT", "class_weights", "refuse_balanced_partial_fit"]

#: The ``_parameter_constraints`` entry of ``class_weight``.
CLASS_WEIGHT_CONSTRAINT = [StrOptions({"balanced"}), dict, None]

#: scikit-learn's SGDClassifier sentence for "balanced" in partial_fit.
_SGD_PARTIAL_FIT = (
    "class_weight 'balanced' is not supported for partial_fit. In order to use 'balanced' "
    "weights, use compute_class_weight('balanced', classes=classes, y=y). In place of y you "
    "can use a large enough sample of the full training set target to properly estimate the "
    "class frequency distributions. Pass the resulting weights as the class_weight parameter."
)


def refuse_balanced_partial_fit(class_weight):
    """ValueError (scikit-learn's SGDClassifier sentence) when ``class_weight="balanced"``:
    one batch's class counts are not the data's, so partial_fit cannot compute it.

    Parameters
    ----------
    class_weight : dict, "balanced" or None
    """
    if isinstance(class_weight, str) and class_weight == "balanced":
        raise ValueError(f"{_SGD_PARTIAL_FIT} (sknn: partial_fit needs class_weight as a "
                         "dict of {class: weight}, or use fit.)")


def class_weights(class_weight, classes, y, sample_weight=None, non_negative=False):
    """One weight per class, finite (and ``>= 0`` when ``non_negative``).

    Parameters
    ----------
    class_weight : dict, "balanced" or None
    classes : ndarray of shape (n_classes,)
        Sorted labels; the result follows their order.
    y : ndarray of shape (n_samples,)
        Labels of the samples, all in ``classes``.
    sample_weight : ndarray of shape (n_samples,), default=None
        With "balanced", classes are counted by their total sample weight (as
        :class:`~sklearn.linear_model.LogisticRegression` does), so that integer
        sample weights give the weights of the repeated samples.
    non_negative : bool, default=False
        Refuse negative weights (a negative weight makes a log-loss unbounded below).

    Returns
    -------
    weights : ndarray of shape (n_classes,), float64

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._class_weight import class_weights
    >>> class_weights("balanced", np.array([0, 1]), np.array([0, 0, 0, 1])).tolist()
    [0.6666666666666666, 2.0]
    """
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # checked just below
            weights = compute_class_weight(class_weight, classes=classes, y=y,
                                           sample_weight=sample_weight)
    except ValueError as exc:  # a key that is no class: scikit-learn's sentence, plus both
        if not isinstance(class_weight, dict):
            raise
        raise ValueError(f"{exc} (class_weight has keys {list(class_weight)}; the classes "
                         f"are {classes.tolist()}).") from None
    weights = np.asarray(weights, dtype=np.float64)
    bad = ~np.isfinite(weights) | ((weights < 0) if non_negative else False)
    if not bad.any():
        return weights
    if isinstance(class_weight, str):  # "balanced": a class whose total weight is 0 or less
        raise ValueError(f"class_weight='balanced' divides by each class's total "
                         f"sample_weight, which is 0 or negative for classes "
                         f"{classes[bad].tolist()}.")
    rule = "finite, non-negative numbers" if non_negative else "finite numbers"
    raise ValueError(f"class_weight must hold {rule}; got {class_weight!r}")
