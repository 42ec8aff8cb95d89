"""Input attributions: which input values a fitted network's output depends on.

Three gradient methods, all computed by the core's own backward pass (no finite
differences) on an inference-mode twin of the network (:meth:`Sequential.twin
<sknn.nn.network.Sequential.twin>`: dropout off, batch norm on its running
statistics):

* :func:`saliency`: the gradient ``df/dx`` (Simonyan et al., 2014);
* :func:`gradient_x_input`: ``x * df/dx`` (Shrikumar et al., 2016);
* :func:`integrated_gradients`: ``(x - x') * mean_k df/dx(x' + a_k (x - x'))`` over a
  straight path from a baseline ``x'`` (Sundararajan et al., 2017), whose values sum to
  ``f(x) - f(x')`` (completeness) up to the quadrature error.

``f`` is one scalar per row: by default the predicted probability of class ``target``
(classifiers) or the prediction of output ``target`` (regressors);
``response_method="decision_function"`` attributes a classifier's raw output (logit)
instead.

Works for every gradient-trained estimator (``MLPClassifier``, ``MLPRegressor``,
``ConvNetClassifier``, ``ConvNetRegressor``, ``LogicGateNeuron``), bare, fitted in a
search, or as the last step of a Pipeline: then ``X`` is transformed by the preceding
steps as ``predict`` would, and attributions are with respect to the network's input,
the transformed features. Rows are processed in batches (the estimator's prediction batch size), so
memory stays bounded for any number of rows. Calls never modify the estimator, and
may run while other threads predict with it or compute attributions.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.validation import assert_all_finite, check_is_fitted

from ._array_api import at_array_api_boundary
from ._base import BaseNetwork, x_too_large
from ._classifier import NetworkClassifierMixin
from .nn import activations

__all__ = ["gradient_x_input", "integrated_gradients", "saliency"]

#: Upper limit of ``n_steps``: beyond it the quadrature error of the midpoint rule is
#: far below float precision and only the run time grows.
MAX_STEPS = 10_000

_COMMON = {
    "estimator": "no_validation",  # checked by _unwrap, with sknn's own message
    "X": ["array-like", "sparse matrix"],
    "target": "no_validation",  # class labels of any type: checked by _targets
    "response_method": [StrOptions({"auto", "predict_proba", "decision_function",
                                    "predict"})],
}


@at_array_api_boundary
@validate_params(_COMMON, prefer_skip_nested_validation=True)
def saliency(estimator, X, *, target=None, response_method="auto"):
    """Gradient of the chosen output with respect to each input value.

    Parameters
    ----------
    estimator : estimator
        A fitted ``MLPClassifier``, ``MLPRegressor``, ``ConvNetClassifier``,
        ``ConvNetRegressor`` or ``LogicGateNeuron``, or a Pipeline or fitted search
        ending in one.
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or image shape
        Inputs as ``predict`` takes them ((n, H, W), (n, H, W, C) or flat for a
        convnet). Sparse rows are densified one batch at a time.
    target : label, int or array-like of shape (n_samples,), default=None
        Classifiers: the class whose probability (or logit) is explained, a label of
        ``classes_``, one for all rows or one per row; None explains each row's
        predicted class (multilabel: its most probable label). Regressors: the output
        index; None for a single output.
    response_method : {"auto", "predict_proba", "decision_function", "predict"}, \
default="auto"
        What ``f`` is: "auto" is "predict_proba" for classifiers and "predict" for
        regressors; "decision_function" is a classifier's logit (binary: the
        log-odds of ``target``).

    Returns
    -------
    attributions : ndarray of the shape of X (after a Pipeline's transforms)
        ``df/dX`` in the network's compute dtype (float32 for a network fitted in
        float32).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.inspection import saliency
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), activation="tanh", alpha=1.0, solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> saliency(clf, X[:2]).shape
    (2, 4)
    """
    return _attribute(estimator, X, target, response_method, _saliency_batch)


@at_array_api_boundary
@validate_params(_COMMON, prefer_skip_nested_validation=True)
def gradient_x_input(estimator, X, *, target=None, response_method="auto"):
    """Each input value times the gradient with respect to it, ``x * df/dx``.

    The first-order Taylor share of each input in ``f(x) - f(0)``; for a linear
    ``f`` it is exact. Parameters as :func:`saliency`.

    Parameters
    ----------
    estimator : estimator
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or image shape
    target : label, int or array-like of shape (n_samples,), default=None
    response_method : {"auto", "predict_proba", "decision_function", "predict"}, \
default="auto"

    Returns
    -------
    attributions : ndarray of the shape of X (after a Pipeline's transforms)

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sknn import MLPRegressor
    >>> from sknn.inspection import gradient_x_input
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = MLPRegressor(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0).fit(X, y)
    >>> gradient_x_input(reg, X[:3]).shape
    (3, 10)
    """
    def batch(ctx, Xb, units, signs):
        return Xb * _saliency_batch(ctx, Xb, units, signs)

    return _attribute(estimator, X, target, response_method, batch)


@at_array_api_boundary
@validate_params({**_COMMON, "baseline": [None, "array-like", "sparse matrix", Real],
                  "n_steps": [Interval(Integral, 1, MAX_STEPS, closed="both")]},
                 prefer_skip_nested_validation=True)
def integrated_gradients(estimator, X, *, baseline=None, n_steps=50, target=None,
                         response_method="auto"):
    """Integrated gradients along the straight path from ``baseline`` to ``X``.

    ``IG(x) = (x - x') * (1/m) sum_k df/dx(x' + a_k (x - x'))`` with the midpoint rule
    ``a_k = (k + 1/2) / m``, ``m = n_steps``: its error falls as ``1/m**2`` (as the
    trapezoid rule's, with one gradient fewer), and it never evaluates the gradient at
    the baseline itself, where a saturated network may have none. By completeness,
    ``IG(x).sum()`` approaches ``f(x) - f(x')``. With ``target=None`` the class is the
    one predicted at ``x``, held fixed along the path.

    Parameters
    ----------
    estimator : estimator
        As :func:`saliency`.
    X : {array-like, sparse matrix} of shape (n_samples, n_features) or image shape
    baseline : float or array-like, default=None
        The reference input ``x'``, in the space of ``X`` (for a Pipeline, transformed
        by the preceding steps like ``X``): one sample (the shape of ``X[0]``), one per
        row (the shape of ``X``) or a scalar. None is all zeros in the network's input
        space: a black image, or the training mean after a ``StandardScaler``.
    n_steps : int, default=50
        Gradient evaluations per row, in [1, 10000]. Each batch of rows holds at most
        the estimator's prediction batch size of path points.
    target : label, int or array-like of shape (n_samples,), default=None
        As :func:`saliency`.
    response_method : {"auto", "predict_proba", "decision_function", "predict"}, \
default="auto"
        As :func:`saliency`.

    Returns
    -------
    attributions : ndarray of the shape of X (after a Pipeline's transforms)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.inspection import integrated_gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier((8,), activation="tanh", alpha=1.0, solver="lbfgs",
    ...                     random_state=0).fit(X, y)
    >>> mean = X.mean(axis=0)
    >>> ig = integrated_gradients(clf, X[:1], baseline=mean, target=0)
    >>> p = clf.predict_proba(np.vstack([X[:1], mean]))[:, 0]  # P(class 0) at x and mean
    >>> bool(np.isclose(ig.sum(), p[0] - p[1], rtol=1e-2))  # completeness
    True
    """
    def batch(ctx, Xb, units, signs, base):
        return _integrated_batch(ctx, Xb, base, units, signs, n_steps)

    return _attribute(estimator, X, target, response_method, batch, path=(baseline, n_steps))


# -- the shared driver ---------------------------------------------------------------------
class _Context:
    """What one call needs: the estimator, the network twin and the output's link."""

    def __init__(self, est, response_method):
        self.est = est
        self.network = est.network_.twin()
        self.dtype = est.network_.params.dtype
        self.classifier = isinstance(est, NetworkClassifierMixin)
        self.link = _link(est, self.classifier, response_method)


def _attribute(estimator, X, target, response_method, batch_fn, path=None):
    """Validate, then run ``batch_fn`` over batches of rows; returns X's shape.

    ``path`` is ``(baseline, n_steps)`` for integrated gradients: each batch then
    holds ``n_steps`` path points per row, so it has ``n_steps`` times fewer rows.
    """
    est, preprocess = _unwrap(estimator)
    X_raw = X
    if preprocess is not None:
        X = preprocess.transform(X)
    X = est._validate_predict_input(X)
    X_net, _ = est._network_input(X, reset=False)
    ctx = _Context(est, response_method)
    base, rows = None, est._predict_rows()
    if path is not None:
        base = _baseline(path[0], X, X_net, preprocess, X_raw)
        rows = max(1, rows // path[1])
    n = X_net.shape[0]
    units, signs = _targets(ctx, target, n)
    out = np.empty(X_net.shape, dtype=ctx.dtype)
    for start in range(0, n, rows):
        sl = slice(start, min(start + rows, n))
        Xb = _dense_batch(X_net[sl], ctx.dtype)
        ub, sb = _resolve(ctx, Xb, units, signs, sl)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            args = () if base is None else (np.asarray(base[sl], dtype=ctx.dtype),)
            out[sl] = batch_fn(ctx, Xb, ub, sb, *args)
        if not np.all(np.isfinite(out[sl])):
            raise x_too_large(X_net[sl], ctx.dtype)
    return out.reshape(X.shape)


def _unwrap(estimator):
    """(network estimator, preceding pipeline steps or None), with sknn's errors."""
    est = getattr(estimator, "best_estimator_", estimator)
    preprocess = None
    if hasattr(est, "steps"):
        preprocess = est[:-1] if len(est.steps) > 1 else None
        est = est.steps[-1][1]
    if not isinstance(est, BaseNetwork):
        kind = ("a threshold unit's step function has no gradient"
                if type(est).__name__ == "ThresholdPerceptron" else "it has no network_")
        raise TypeError(
            f"input attributions need a gradient-trained sknn estimator (MLPClassifier, "
            f"MLPRegressor, ConvNetClassifier, ConvNetRegressor, LogicGateNeuron), or a "
            f"Pipeline ending in one; got {type(est).__name__}: {kind}.")
    check_is_fitted(est, "network_")
    return est, preprocess


def _dense_batch(Xb, dtype):
    """One batch as a dense array of the network's dtype, checked finite like predict
    (values beyond ``dtype``, float64 X for a float32 network, raise as predict does)."""
    if sp.issparse(Xb):
        Xb = Xb.toarray()
    assert_all_finite(Xb, input_name="X")
    with np.errstate(over="ignore"):
        Xn = np.asarray(Xb, dtype=dtype)
    if Xn is not Xb and not np.all(np.isfinite(Xn)):
        raise x_too_large(Xb, dtype)
    return Xn


# -- what f is -----------------------------------------------------------------------------
def _link(est, classifier, response_method):
    """The output activation ``f`` goes through: an Activation, or "exp", or None (raw)."""
    allowed = (("auto", "predict_proba", "decision_function") if classifier
               else ("auto", "predict"))
    if response_method not in allowed:
        raise ValueError(f"response_method={response_method!r} is not available for "
                         f"{type(est).__name__}; use one of {list(allowed)}.")
    if response_method == "decision_function":
        return None
    if est.out_activation_ == "exp":
        return "exp"
    return activations.get(est.out_activation_)


def _targets(ctx, target, n):
    """Output unit and sign per row (arrays of shape (n,)), or (None, None) for
    "each row's predicted class", resolved batch by batch from the outputs."""
    est = ctx.est
    if target is None:
        if not ctx.classifier and est.n_outputs_ > 1:
            raise ValueError(f"target=None but {type(est).__name__} has {est.n_outputs_} "
                             f"outputs: pass target, an output index in [0, "
                             f"{est.n_outputs_}).")
        if not ctx.classifier:
            return np.zeros(n, dtype=np.intp), np.ones(n)
        return None, None
    values = np.asarray(target)
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != n):
        raise ValueError(f"target must be one label or one per row of X (shape ({n},)); "
                         f"got shape {values.shape}.")
    values = np.broadcast_to(values, (n,))
    index = _class_index(est, values) if ctx.classifier else _output_index(est, values)
    return _units_and_signs(est, index)


def _class_index(est, values):
    classes = est.classes_
    known = np.isin(values, classes)
    if not known.all():
        bad = values[~known][0].tolist()  # a Python scalar: repr without np.int64(...)
        raise ValueError(f"target={bad!r} is not one of the classes {classes.tolist()} "
                         f"of {type(est).__name__}.")
    return np.searchsorted(classes, values)


def _output_index(est, values):
    k = est.n_outputs_
    ok = np.issubdtype(values.dtype, np.integer) and ((values >= 0) & (values < k)).all()
    if not ok:
        raise ValueError(f"target must be an output index in [0, {k}) for "
                         f"{type(est).__name__}; got {values[0].tolist()!r}.")
    return values.astype(np.intp)


def _units_and_signs(est, index):
    """Class index -> (output unit, sign). A binary network has one logistic unit for
    classes_[1]: class 0's probability 1 - p and log-odds -z take the sign -1."""
    if est.n_outputs_ == 1 and getattr(est, "classes_", None) is not None:
        return np.zeros_like(index), np.where(index == 1, 1.0, -1.0)
    return index, np.ones(index.shape)


def _resolve(ctx, Xb, units, signs, rows):
    """Units and signs of one batch; the predicted ones when none were given."""
    if units is not None:
        return units[rows], signs[rows]
    Z = ctx.network.forward(Xb, training=False)
    if ctx.est.n_outputs_ == 1:  # binary: LabelBinarizer's threshold, p > 1/2 <=> z > 0
        return _units_and_signs(ctx.est, (Z[:, 0] > 0).astype(np.intp))
    return _units_and_signs(ctx.est, Z.argmax(axis=1))


# -- gradients -----------------------------------------------------------------------------
def _saliency_batch(ctx, Xb, units, signs):
    """``df/dx`` for one batch: forward, a selector through the link, backward."""
    Z = ctx.network.forward(Xb, training=False)
    dA = np.zeros(Z.shape, dtype=Z.dtype)
    dA[np.arange(Z.shape[0]), units] = signs
    if ctx.link == "exp":  # Poisson's mean exp(z): d exp(z) = exp(z) dz
        dA *= np.exp(Z)
    elif ctx.link is not None:
        A = ctx.link.forward(Z, out=np.empty_like(Z))
        dA = ctx.link.backward(dA, A, Z)
    # The first layer's dX is its scratch buffer: copy before the next pass.
    return np.array(ctx.network.backward(dA, input_grad=True), copy=True)


def _integrated_batch(ctx, Xb, base, units, signs, n_steps):
    """Integrated gradients of one batch of rows, ``n_steps`` path points each."""
    alphas = (np.arange(n_steps) + 0.5) / n_steps
    delta = Xb - base
    total = np.zeros(Xb.shape, dtype=np.float64)  # float64 sum of up to 10,000 terms
    # steps per pass: at most the prediction batch size of path points in memory
    chunk = max(1, ctx.est._predict_rows() // Xb.shape[0])
    for start in range(0, n_steps, chunk):
        a = alphas[start:start + chunk].astype(ctx.dtype)
        a = a.reshape((-1,) + (1,) * Xb.ndim)
        points = (base + a * delta).reshape((-1,) + Xb.shape[1:])
        k = a.shape[0]
        grads = _saliency_batch(ctx, points, np.tile(units, k), np.tile(signs, k))
        total += grads.reshape((k,) + Xb.shape).sum(axis=0, dtype=np.float64)
    return delta * (total / n_steps)


def _baseline(baseline, X, X_net, preprocess, X_raw):
    """The baseline broadcast to X_net's shape (a view: no copy per row)."""
    if baseline is None:
        return np.broadcast_to(np.zeros((), dtype=np.float64), X_net.shape)
    if preprocess is not None:
        baseline = _transform_baseline(baseline, X_raw, preprocess)
    if sp.issparse(baseline):
        baseline = baseline.toarray()
    base = np.asarray(baseline, dtype=np.float64)
    if base.shape not in ((), X.shape[1:], X.shape):
        raise ValueError(f"baseline has shape {base.shape}; expected a scalar, one sample "
                         f"of shape {X.shape[1:]} or one per row, {X.shape}.")
    assert_all_finite(base, input_name="baseline")
    base = np.broadcast_to(base, X.shape)
    return base.reshape(X_net.shape)


def _transform_baseline(baseline, X_raw, preprocess):
    """A raw-space baseline through the pipeline's preceding steps."""
    raw_shape = np.shape(X_raw)
    base = np.asarray(baseline) if not sp.issparse(baseline) else baseline
    if np.ndim(base) == 0:
        base = np.full(raw_shape[1:], float(base))
    if base.shape == tuple(raw_shape[1:]):
        return np.asarray(preprocess.transform(_like(X_raw, base.reshape(1, -1))))[0]
    if base.shape == tuple(raw_shape):
        return preprocess.transform(_like(X_raw, base))
    raise ValueError(f"baseline has shape {base.shape}; expected a scalar, one sample of "
                     f"shape {tuple(raw_shape[1:])} or one per row, {tuple(raw_shape)}.")


def _like(X_raw, rows):
    """``rows`` as a DataFrame with X's columns when X is one, so that steps fitted on
    named columns see the names they expect."""
    if not hasattr(X_raw, "columns") or sp.issparse(rows):
        return rows
    return type(X_raw)(np.asarray(rows), columns=X_raw.columns)
