"""Saved models record the versions that wrote them; skops loads them without trusting code.

Two ways to save a fitted sknn estimator:

* :mod:`pickle` / :func:`joblib.dump` — fast and complete, but **loading runs code**:
  a pickle names callables that the loader imports and calls, so a tampered file can
  do anything your account can. Load pickles only from sources you trust.
* :mod:`skops.io` — a zip of JSON and ``.npy`` files. Loading builds objects only of
  types you allow and calls no function named by the file; anything else is refused.
  sknn's fitted state is plain arrays, numbers, strings, lists and dicts held by
  sknn's own classes, and :data:`TRUSTED_TYPES` lists those classes, so
  ``skops.io.load(path, trusted=sknn.TRUSTED_TYPES)`` (or :func:`sknn.io.load`)
  loads any sknn model and nothing else.

Either way the object records the sknn and scikit-learn versions it was saved with,
and loading it under other versions warns (:class:`SknnVersionWarning`): the layout
of fitted state may change between releases.
"""

import importlib
import pkgutil
import warnings

import numpy as np
import sklearn

#: Attributes that belong to a running fit, never to a saved model: scikit-learn's
#: callback contexts hold the whole task tree of the fit in progress.
_FIT_ONLY_ATTRIBUTES = ("_callback_fit_ctx", "_skl_callbacks_to_teardown", "_parent_callback_ctx")

#: Modules whose classes make up fitted sknn state (besides the estimators and layers).
_STATE_MODULES = (
    "sknn.nn.network", "sknn.nn.activations", "sknn.nn.losses", "sknn.nn.optimizers",
    "sknn.nn.schedules", "sknn.callbacks",
)


class SknnVersionWarning(UserWarning):
    """A saved model is loaded under other sknn or scikit-learn versions than it was saved with.

    Attributes
    ----------
    estimator_name : str
    saved_versions, current_versions : dict of str to str
        ``{"sknn": ..., "scikit-learn": ...}``.
    """

    def __init__(self, estimator_name, saved_versions, current_versions):
        self.estimator_name = estimator_name
        self.saved_versions = saved_versions
        self.current_versions = current_versions

    def __str__(self):
        saved = ", ".join(f"{k} {v}" for k, v in self.saved_versions.items())
        now = ", ".join(f"{k} {v}" for k, v in self.current_versions.items())
        return (f"{self.estimator_name} was saved with {saved} and is loaded with {now}. "
                "The model may not load correctly or may predict differently; refit it "
                "or use the versions it was saved with.")


def _current_versions():
    from . import __version__

    return {"sknn": __version__, "scikit-learn": sklearn.__version__}


class PersistenceMixin:
    """Record the library versions in the saved state and check them on load.

    Used by pickle, joblib, :func:`copy.deepcopy` and skops alike, since all of them go
    through ``__getstate__``/``__setstate__``. The versions are plain strings, so skops
    needs no extra trusted type for them.
    """

    def __getstate__(self):
        state = dict(super().__getstate__())  # object's default returns __dict__ itself
        for name in _FIT_ONLY_ATTRIBUTES:
            state.pop(name, None)
        versions = _current_versions()
        state["_sknn_version"] = versions["sknn"]
        state["_sknn_sklearn_version"] = versions["scikit-learn"]
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved = {"sknn": state.pop("_sknn_version", "unknown"),
                 "scikit-learn": state.pop("_sknn_sklearn_version", "unknown")}
        current = _current_versions()
        if saved != current:
            warnings.warn(SknnVersionWarning(type(self).__name__, saved, current))
        super().__setstate__(state)
        problem = self._loaded_state_problem()
        if problem:
            raise ValueError(
                f"The saved {type(self).__name__} is corrupt: {problem}. Load an intact copy "
                "of the file or refit the model."
            )

    def _loaded_state_problem(self):
        """What is wrong with the fitted state just loaded (a network's weights), or None.

        Checks that the weights are finite floating-point numbers whose shapes fit the
        architecture, by passing one row of zeros through the network.
        """
        network = vars(self).get("network_")
        if network is None:
            return None
        problem = vars(network).pop("_load_error", None)
        if problem:
            return problem
        return weights_problem("network weights", network.params) or _shape_problem(self, network)


def weights_problem(name, values):
    """What keeps ``values`` from being finite floating-point weights, or None."""
    if not isinstance(values, np.ndarray) or values.dtype.kind != "f":
        kind = values.dtype if isinstance(values, np.ndarray) else type(values).__name__
        return f"its {name} are not floating-point numbers (got {kind})"
    bad = values.size - int(np.isfinite(values).sum())
    if bad:
        return f"{bad} of its {values.size} {name} are NaN or infinite"
    return None


def _shape_problem(estimator, network):
    """What keeps one row of zeros from passing through ``network`` as fitted, or None."""
    try:
        with np.errstate(all="ignore"):
            out = network.forward(np.zeros((1, *network.input_shape), network.params.dtype))
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        return f"its layers' weight shapes do not fit together ({exc})"
    finally:
        network.clear_buffers()
    expected = (1, *network.output_shape)
    n_outputs = getattr(estimator, "n_outputs_", expected[-1])
    if out.shape != expected or expected[-1] != n_outputs:
        return (f"its network outputs shape {out.shape[1:]} per sample where the model "
                f"needs {n_outputs} outputs")
    return None


def _sknn_estimator_classes():
    """Every estimator class sknn defines, found among loaded BaseEstimator subclasses."""
    from sklearn.base import BaseEstimator

    found, todo = set(), [BaseEstimator]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("sknn."):
                found.add(sub)
    return found


def _classes_in(module):
    """Classes that ``module`` names, exceptions aside (they are never model state)."""
    names = getattr(module, "__all__", None) or dir(module)
    objects = [getattr(module, name) for name in names]
    return {obj for obj in objects if isinstance(obj, type) and not issubclass(obj, BaseException)}


def trusted_types():
    """Names of every sknn class that may appear in a saved sknn model.

    Returns
    -------
    names : list of str
        Sorted ``"module.QualName"`` strings, the form :func:`skops.io.load` takes in
        ``trusted``. Each is a class sknn defines; none runs code of the file's
        choosing when skops rebuilds it: objects are made with ``__new__`` and given
        their saved attributes, which are arrays, numbers, strings, lists, dicts and
        other objects of these classes. No function is trusted: built layers do not
        save their initializer.
    """
    from sknn.nn import layers
    from sknn.nn.train import TrainState  # the rest of train.py never lands in a model

    objects = set(_sknn_estimator_classes()) | {TrainState}
    modules = [importlib.import_module(name) for name in _STATE_MODULES]
    modules += [importlib.import_module(f"sknn.nn.layers.{name}")
                for name in _layer_module_names(layers)]
    for module in modules:
        objects |= _classes_in(module)
    names = {f"{obj.__module__}.{obj.__qualname__}" for obj in objects}
    return sorted(name for name in names if name.startswith("sknn."))


def _layer_module_names(package):
    return [info.name for info in pkgutil.iter_modules(package.__path__)]
