"""Save and load sknn models with skops: loading runs no code from the file.

:func:`save` writes a ``.skops`` file; :func:`load` reads it back, trusting only
sknn's own classes (:data:`TRUSTED_TYPES`) besides the NumPy, SciPy and
scikit-learn types skops trusts by default. A file naming any other type is
refused with :class:`skops.io.exceptions.UntrustedTypesFoundException`.

Training-time callbacks are not saved. :func:`save` writes the model without the
callbacks attached with ``set_callbacks`` (scikit-learn's ``ProgressBar`` and
``ScoringMonitor``, sknn's :mod:`sknn.callbacks`), on the estimator and on any
Pipeline or search around it, so a saved model loads whatever callbacks its fit ran
with. They belong to a run, not to the model: they hold open files, listener
addresses and the authentication keys of scikit-learn's progress and scoring
listeners, none of which should travel in a model file or means anything in another
process. The estimator you pass keeps its callbacks; set them again on a loaded model
before refitting it. (Trusting scikit-learn's callback classes instead would keep them
loadable, but would write those keys into the file.)

pickle and joblib, by contrast, *execute* what the file says on load; use them only
for files you made yourself or received from someone you trust. They save the
callbacks with the model. See :mod:`sknn._persistence` for the details. Requires
skops: ``pip install ".[persist]"`` from a checkout, or ``pip install "skops>=0.13"``;
see :doc:`/install`.

Examples
--------
>>> import os, tempfile
>>> from sklearn.datasets import load_iris
>>> from sknn import MLPClassifier
>>> from sknn.io import load, save
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier((8,), max_iter=300, random_state=0).fit(X, y)
>>> path = os.path.join(tempfile.mkdtemp(), "clf.skops")
>>> save(clf, path)
>>> (load(path).predict(X) == clf.predict(X)).all()
np.True_
"""

import copy

from sklearn.base import BaseEstimator

from ._persistence import SknnVersionWarning, trusted_types

#: Every sknn class a saved sknn model may contain, as ``"module.QualName"`` strings;
#: pass it as ``trusted`` to :func:`skops.io.load`.
TRUSTED_TYPES = trusted_types()

__all__ = ["TRUSTED_TYPES", "SknnVersionWarning", "load", "save"]


def _skops_io():
    try:
        import skops.io
    except ImportError as exc:  # an optional extra
        raise ImportError("sknn.io needs skops: pip install 'skops>=0.13' "
                          "(or pip install '.[persist]' in an sknn checkout)") from exc
    return skops.io


def save(estimator, path):
    """Write ``estimator`` to ``path`` in skops format.

    Parameters
    ----------
    estimator : estimator instance
        Any fitted sknn estimator, alone or inside a Pipeline or search.
    path : str or path-like
        Conventionally ending in ``.skops``.
    """
    _skops_io().dump(_without_fit_callbacks(estimator), path)


_CALLBACKS = "_skl_callbacks"  # where scikit-learn's set_callbacks keeps them


def _without_fit_callbacks(estimator):
    """``estimator`` itself, or a deep copy of it whose estimators carry no callbacks.

    Parameters
    ----------
    estimator : estimator instance
        Possibly a Pipeline or search holding other estimators.

    Returns
    -------
    estimator : estimator instance
    """
    holders = _callback_holders(estimator, set())
    if not holders:
        return estimator
    # the callbacks are not copied (they may hold open files or sockets): deepcopy takes
    # the memo's None for each of their lists, and the attribute is then removed
    memo = {id(vars(holder)[_CALLBACKS]): None for holder in holders}
    copied = copy.deepcopy(estimator, memo)
    for holder in _callback_holders(copied, set()):
        del holder.__dict__[_CALLBACKS]
    return copied


def _callback_holders(obj, seen):
    """Every estimator in ``obj`` (through lists, tuples, dicts and estimators' attributes)
    with callbacks set."""
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, (list, tuple)):
        children, found = obj, []
    elif isinstance(obj, dict):
        children, found = list(obj.values()), []
    elif isinstance(obj, BaseEstimator):
        children = [value for name, value in vars(obj).items() if name != _CALLBACKS]
        found = [obj] if _CALLBACKS in vars(obj) else []
    else:
        return []
    for child in children:
        found += _callback_holders(child, seen)
    return found


def load(path, trusted=()):
    """Load a skops file, trusting sknn's classes and ``trusted`` besides skops' defaults.

    Parameters
    ----------
    path : str or path-like
    trusted : sequence of str, default=()
        Further type names to trust, e.g. a custom transformer of your own in the
        same Pipeline. Check ``skops.io.get_untrusted_types(file=path)`` first.

    Returns
    -------
    estimator : estimator instance

    Raises
    ------
    skops.io.exceptions.UntrustedTypesFoundException
        If the file names a type that is neither trusted by skops nor listed here.
    """
    return _skops_io().load(path, trusted=[*TRUSTED_TYPES, *trusted])
