"""Checks for weights that come from outside a fit (``from_weights``): one place, clear errors."""

import numpy as np

__all__ = ["as_weights", "check_layer_weights"]

_SHAPES = {0: "a single number", 1: "a 1-D array", 2: "a 2-D array (fan_in, fan_out)"}


def as_weights(value, name, ndim):
    """``value`` as a non-empty array of finite real numbers with ``ndim`` dimensions.

    Parameters
    ----------
    value : array-like
    name : str
        How the caller named it, e.g. ``"coefs[1]"``; every error names it.
    ndim : {0, 1, 2}

    Returns
    -------
    weights : ndarray of floating dtype (float32 and float64 kept, others float64)

    Raises
    ------
    TypeError
        When ``value`` does not hold real numbers (strings, objects, complex).
    ValueError
        When it has another number of dimensions, no entries, or NaN/inf entries.
    """
    try:
        array = np.asarray(value)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be {_SHAPES[ndim]}; got a ragged sequence ({exc})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {_SHAPES[ndim]}; got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} has no entries (shape {array.shape})")
    array = array if array.dtype.kind == "f" else array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or infinite values")
    return array


def check_layer_weights(coefs, intercepts):
    """Checked per-layer weights: ``coefs[i]`` 2-D, ``intercepts[i]`` 1-D of its width.

    Parameters
    ----------
    coefs : sequence of array-like, ``coefs[i]`` of shape (fan_in, fan_out)
    intercepts : sequence of array-like, ``intercepts[i]`` of shape (fan_out,)

    Returns
    -------
    coefs, intercepts : lists of ndarray

    Raises
    ------
    TypeError, ValueError
        Naming the argument and the layer index.
    """
    if isinstance(coefs, np.ndarray) or isinstance(intercepts, np.ndarray):
        raise TypeError("coefs and intercepts must be lists with one array per layer; "
                        "got a single array")  # fmt: skip
    coefs, intercepts = list(coefs), list(intercepts)
    if not coefs or len(coefs) != len(intercepts):
        raise ValueError("coefs and intercepts need one array per layer, as many of each; got "
                         f"{len(coefs)} coefs and {len(intercepts)} intercepts")  # fmt: skip
    coefs = [as_weights(c, f"coefs[{i}]", 2) for i, c in enumerate(coefs)]
    intercepts = [as_weights(b, f"intercepts[{i}]", 1) for i, b in enumerate(intercepts)]
    for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
        if intercept.shape[0] != coef.shape[1]:
            raise ValueError(f"intercepts[{i}] has {intercept.shape[0]} values, but coefs[{i}] "
                             f"has {coef.shape[1]} output units (columns)")  # fmt: skip
    return coefs, intercepts
