"""Save and load sknn models with skops: loading runs no code from the file.

:func:`save` writes a ``.skops`` file; :func:`load` reads it back, trusting only
sknn's own classes (:data:`TRUSTED_TYPES`) besides the NumPy, SciPy and
scikit-learn types skops trusts by default. A file naming any other type is
refused with :class:`skops.io.exceptions.UntrustedTypesFoundException`.

pickle and joblib, by contrast, *execute* what the file says on load; use them only
for files you made yourself or received from someone you trust. See
:doc:`/install` for the extra. Requires skops: ``pip install ".[persist]"`` from a
checkout, or ``pip install "skops>=0.13"``.

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
    _skops_io().dump(estimator, path)


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
