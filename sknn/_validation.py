"""scikit-learn's ``validate_data`` with sknn's boundary rules on top.

Every sknn estimator validates X and y through :func:`validate_data` here, which adds
two things to scikit-learn's function, both found by ``tests/test_hostile_inputs.py``:

* no numpy ``RuntimeWarning`` reaches the user from validation: the finiteness check
  sums X (``inf + -inf`` warns "invalid value"), type checks cast labels to int
  ("invalid value encountered in cast" for 1e300), and a cast to float32 overflows for
  values beyond its range. The checks still raise their ValueErrors.
* float class labels beyond int64 (1e300) are refused as continuous before scikit-learn's
  label checks cast them to int (which warns).
* a value that is not a number is reported with the input that holds it: scikit-learn
  passes numpy's "could not convert string to float: 'a'" on, which names neither X
  nor y.
"""

import re

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils.validation import assert_all_finite as _sklearn_assert_all_finite
from sklearn.utils.validation import validate_data as _sklearn_validate_data

__all__ = ["assert_all_finite", "is_ready_matrix", "validate_data"]

# numpy's and Python's words for a value that is not a number
_NOT_A_NUMBER = re.compile(r"could not convert|argument must be a string or a (real )?number")
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def validate_data(estimator, X="no_validation", y="no_validation", **check_params):
    """:func:`sklearn.utils.validation.validate_data`, quiet and naming the input.

    Parameters
    ----------
    estimator : estimator instance
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or "no_validation"
    y : array-like of shape (n_samples,) or (n_samples, n_outputs) or "no_validation"
    **check_params
        As for scikit-learn's function (``reset``, ``dtype``, ``accept_sparse``, ...).

    Returns
    -------
    out : ndarray, sparse matrix or tuple of them
        What scikit-learn's function returns.
    """
    try:
        with np.errstate(all="ignore"):
            out = _sklearn_validate_data(estimator, X, y, **check_params)
    except (ValueError, TypeError) as exc:
        named = _named_error(exc, X, y, check_params)
        if named is None:
            raise
        raise named from exc
    if isinstance(out, tuple) and is_classifier(estimator):
        _check_label_range(out[1])
    if check_params.get("y_numeric") and out[1].dtype.kind not in "biuf":
        # scikit-learn converts only object y to numbers and lets strings and dates pass
        raise ValueError(f"y must hold numbers (regression targets); got dtype "
                         f"{out[1].dtype}: {out[1][:3].tolist()}")
    return out


def assert_all_finite(X, *, input_name=""):
    """scikit-learn's finiteness check (its ValueError), without numpy's RuntimeWarning.

    Parameters
    ----------
    X : {ndarray, sparse matrix}
    input_name : str, default=""
        Named in the error.
    """
    with np.errstate(all="ignore"):
        _sklearn_assert_all_finite(X, input_name=input_name)


def is_ready_matrix(X, n_features, *, dtype, allow_nd=False, **_):
    """Whether ``validate_data(..., reset=False, ensure_all_finite=False)`` with these
    options would return X itself without a warning or an error, cheaply decided.

    True only for an exact ``numpy.ndarray`` (no subclass such as a memmap or a matrix)
    with two dimensions (or more where ``allow_nd``: images), at least one row,
    ``n_features`` as its second axis (what scikit-learn counts as features) and a
    native float dtype among ``dtype``: every other input goes through scikit-learn's
    checks and gets their errors.

    Parameters
    ----------
    X : object
        The input to predict from.
    n_features : int
        The fitted ``n_features_in_``.
    dtype : dtype or tuple of dtypes
        The ``dtype`` option given to ``validate_data``.
    allow_nd : bool, default=False
        The ``allow_nd`` option given to ``validate_data``.

    Returns
    -------
    ready : bool

    Examples
    --------
    >>> import numpy as np
    >>> is_ready_matrix(np.zeros((1, 3)), 3, dtype=(np.float64, np.float32))
    True
    >>> is_ready_matrix(np.zeros((1, 3), dtype=int), 3, dtype=(np.float64, np.float32))
    False
    >>> is_ready_matrix(np.zeros((1, 8, 8, 3)), 8, dtype=np.float64, allow_nd=True)
    True
    """
    dtypes = dtype if isinstance(dtype, tuple) else (dtype,)
    return (type(X) is np.ndarray and (X.ndim == 2 or allow_nd and X.ndim > 2)
            and X.shape[0] > 0 and X.shape[1] == n_features
            and any(X.dtype == d for d in dtypes))


def abs_max(X):
    """Largest |x| of a dense or sparse X, with no temporary of a dense X's size (``abs(X)``
    would double the memory of a fit for one number); 0 for an empty X."""
    if not X.size:
        return 0.0
    if sp.issparse(X):
        return float(abs(X).max())  # a copy of the stored values only
    return max(float(X.max()), -float(X.min()))


def is_finite_dense(X):
    """True when X is a float ndarray without NaN or infinity (no copy of X beyond one
    boolean pass); False for anything else, which then goes through
    :func:`assert_all_finite` for scikit-learn's error."""
    return (isinstance(X, np.ndarray) and X.dtype.kind == "f"
            and bool(np.isfinite(X).all()))


def _check_label_range(y):
    """Refuse float labels beyond int64 before scikit-learn's label checks cast them to
    int (which warns "invalid value encountered in cast"); they are never classes."""
    if y.dtype.kind == "f" and y.size:
        largest = float(np.abs(y).max())
        if largest >= 2.0**63:
            raise ValueError(f"Unknown label type: continuous. y holds values as large as "
                             f"{largest:.3g}, which are not class labels; a classifier "
                             "needs discrete classes.")


def _named_error(exc, X, y, check_params):
    """The error to raise instead of ``exc`` (which names no input), or None."""
    message = str(exc)
    if _NOT_A_NUMBER.search(message):
        name = "X" if _not_numeric(X) else "y"
        what = "labels y" if name == "y" else name
        kind = TypeError if isinstance(exc, TypeError) else ValueError  # keep the type
        return kind(f"{what} must hold numbers; {message}")
    if "infinity" in message and _float32(check_params) and _beyond_float32(X):
        return ValueError(f"X holds values beyond float32's range (|x| > {_FLOAT32_MAX:.3g}), "
                          "which the float32 computation turns into infinity. Scale X "
                          "(e.g. StandardScaler) or compute in float64.")
    return None


def _not_numeric(values):
    if isinstance(values, str) and values == "no_validation":
        return False
    try:
        np.asarray(values, dtype=np.float64)
    except (ValueError, TypeError):
        return True
    return False


def _float32(check_params):
    dtype = check_params.get("dtype")
    return dtype is np.float32 or dtype == "float32"


def _beyond_float32(X):
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(X, dtype=np.float64)
    except (ValueError, TypeError):
        return False
    finite = values[np.isfinite(values)]
    return finite.size > 0 and np.abs(finite).max() > _FLOAT32_MAX
