"""Array-API inputs at the boundary: the one place where sknn meets non-NumPy arrays.

With ``sklearn.set_config(array_api_dispatch=True)`` (and ``SCIPY_ARRAY_API=1`` set
before scipy is imported, as scikit-learn requires), every public method of every sknn
estimator accepts arrays of any array-API library (``array_api_strict``, PyTorch
tensors, CuPy, ...):

* on entry, every array-API argument (X, y, sample_weight, classes, ...) is moved to a
  NumPy array on the CPU, and the method runs with dispatch off: the core is NumPy, and
  so are the scikit-learn helpers it calls;
* on exit, numeric arrays in the result (labels, probabilities, decision values,
  regression outputs, ``return_std``, transformed X) are moved back to X's namespace
  and device. Labels that are not numbers (strings, objects) have no array-API dtype
  and come back as NumPy arrays. ``fit`` returns the estimator, ``score`` a float.

Fitted attributes (``coefs_``, ``classes_``, ...) stay NumPy arrays: they are the
core's own arrays, and keeping one copy means a model fitted on tensors predicts on
NumPy arrays too, and vice versa. (scikit-learn's array-API estimators keep them in the
namespace of the data they were fitted on, because they compute there.)

With dispatch off (scikit-learn's default), nothing here runs: array-API inputs go
through ``np.asarray`` in validation, and outputs are NumPy, as with scikit-learn's MLP.

:class:`ArrayAPIBoundaryMixin` wraps the methods in :data:`BOUNDARY_METHODS` of every
class that derives from it, including those inherited from mixins and those that later
estimators add, so a new estimator (or a new ``transform``) gets the conversion without
code of its own. Replacing this module by a core that computes in the input's namespace
(GPU arrays) changes nothing in the estimators.
"""

import functools
import inspect

import numpy as np
from sklearn import config_context, get_config
from sklearn.externals.array_api_compat import is_array_api_obj, is_numpy_array
from sklearn.utils._array_api import _is_numpy_namespace, get_namespace_and_device, move_to
from sklearn.utils.metaestimators import available_if

__all__ = ["ArrayAPIBoundaryMixin", "BOUNDARY_METHODS", "at_array_api_boundary",
           "input_namespace", "to_namespace", "to_numpy"]

#: Public methods whose first argument is X; each converts at the boundary.
BOUNDARY_METHODS = ("fit", "partial_fit", "predict", "predict_proba", "predict_log_proba",
                    "decision_function", "transform", "fit_transform", "fit_predict",
                    "score", "score_samples")

#: dtype kinds that every array-API library has (bool, signed, unsigned, float).
_ARRAY_API_KINDS = "biuf"


def input_namespace(X):
    """The array-API namespace and device of X, or None for NumPy and other inputs.

    Parameters
    ----------
    X : array-like, sparse matrix or array-API array

    Returns
    -------
    namespace : tuple of (module, device) or None
        None when dispatch is off or X is not a non-NumPy array-API array.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import input_namespace
    >>> input_namespace(np.zeros((2, 3))) is None
    True
    """
    if not get_config()["array_api_dispatch"] or not _foreign_array(X):
        return None
    xp, _, device = get_namespace_and_device(X)
    return None if _is_numpy_namespace(xp) else (xp, device)


def to_numpy(value, name="X"):
    """``value`` as a NumPy array on the CPU if it is a non-NumPy array-API array,
    else ``value`` itself (NumPy arrays, sparse matrices, lists, frames, None...).

    Parameters
    ----------
    value : object
    name : str, default="X"
        The argument's name, for the error.

    Returns
    -------
    value : object

    Raises
    ------
    TypeError
        When the library cannot hand the array over (e.g. a PyTorch tensor that
        requires grad: sknn's NumPy core cannot carry its gradient).

    Examples
    --------
    >>> from sknn._array_api import to_numpy
    >>> to_numpy([1, 2])
    [1, 2]
    """
    if not _foreign_array(value):
        return value
    try:
        return move_to(value, xp=np, device="cpu")
    except (RuntimeError, TypeError, ValueError, BufferError) as exc:
        raise TypeError(f"{name} ({type(value).__module__}.{type(value).__name__}) could "
                        f"not be copied to a NumPy array for sknn's NumPy core: {exc}") from exc


def to_namespace(result, namespace):
    """``result`` with its numeric NumPy arrays moved to ``namespace``.

    This is the output half of the boundary; a method that builds its own output
    outside :data:`BOUNDARY_METHODS` calls it with ``input_namespace(X)``.

    Parameters
    ----------
    result : object
        An ndarray, a tuple of them (``return_std``), or anything else (returned as is).
    namespace : tuple of (module, device) or None
        From :func:`input_namespace`; None returns ``result`` unchanged.

    Returns
    -------
    result : object
        Arrays of bool, integer and float dtype in the namespace and on the device;
        arrays of strings or objects (labels) stay NumPy.

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import to_namespace
    >>> to_namespace(np.array([0, 1]), None)
    array([0, 1])
    """
    if namespace is None:
        return result
    if isinstance(result, tuple):
        return tuple(to_namespace(part, namespace) for part in result)
    if isinstance(result, np.ndarray) and result.dtype.kind in _ARRAY_API_KINDS:
        xp, device = namespace
        return move_to(result, xp=xp, device=device)
    return result


def at_array_api_boundary(method):
    """Wrap ``method(self, X, ...)``: array-API arguments in, NumPy inside, X's
    namespace out (see the module docstring). A no-op while dispatch is off.

    Parameters
    ----------
    method : callable

    Returns
    -------
    wrapped : callable

    Examples
    --------
    >>> import numpy as np
    >>> from sknn._array_api import at_array_api_boundary
    >>> class Doubler:
    ...     @at_array_api_boundary
    ...     def transform(self, X):
    ...         return 2 * np.asarray(X)
    >>> Doubler().transform([1, 2])
    array([2, 4])
    """
    if getattr(method, "_array_api_boundary", False):
        return method
    signature = inspect.signature(method)

    @functools.wraps(method)
    def boundary(self, *args, **kwargs):
        if not get_config()["array_api_dispatch"]:
            return method(self, *args, **kwargs)
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:  # let the method report its own wrong call
            return method(self, *args, **kwargs)
        arguments = list(bound.arguments.items())[1:]  # (name, value) after self
        namespace = input_namespace(arguments[0][1]) if arguments else None
        for name, value in arguments:
            bound.arguments[name] = to_numpy(value, name)
        with config_context(array_api_dispatch=False):
            result = method(*bound.args, **bound.kwargs)
        return to_namespace(result, namespace)

    boundary._array_api_boundary = True
    return boundary


class ArrayAPIBoundaryMixin:
    """Puts every method in :data:`BOUNDARY_METHODS` of a subclass (its own and those it
    inherits from any base) behind :func:`at_array_api_boundary`.

    Examples
    --------
    A method that a later estimator adds (here ``transform``) converts without code of
    its own:

    >>> import numpy as np
    >>> from sknn._array_api import ArrayAPIBoundaryMixin
    >>> class Halver(ArrayAPIBoundaryMixin):
    ...     def transform(self, X):
    ...         return np.asarray(X) / 2
    >>> Halver.transform._array_api_boundary
    True
    >>> Halver().transform([2.0, 4.0])
    array([1., 2.])
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in BOUNDARY_METHODS:
            raw = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
            wrapped = _wrapped(raw)
            if wrapped is not None:
                setattr(cls, name, wrapped)


def _wrapped(raw):
    """The boundary version of a class attribute, or None when it needs none (absent,
    already wrapped, or not a plain method, like the perceptron's ``predict_proba``
    property that raises AttributeError)."""
    if callable(getattr(raw, "fn", None)) and callable(getattr(raw, "check", None)):
        # scikit-learn's available_if descriptor: wrap the method, keep the condition
        if getattr(raw.fn, "_array_api_boundary", False):
            return None
        return available_if(raw.check)(at_array_api_boundary(raw.fn))
    if callable(raw) and not getattr(raw, "_array_api_boundary", False):
        return at_array_api_boundary(raw)
    return None


def _foreign_array(value):
    return is_array_api_obj(value) and not is_numpy_array(value)
