"""Training diagnostics that plug into scikit-learn's callback API.

:class:`GradientNormHistory` records, after every epoch, the norm of each layer's
gradient. Plotted per layer (:class:`sknn.plotting.GradientNormDisplay`), it shows
gradients vanishing on their way back through a deep sigmoid network, or exploding.

It is an ordinary scikit-learn ``FitCallback``::

    est = MLPClassifier(...).set_callbacks(GradientNormHistory())
    est.fit(X, y)
    est._skl_callbacks[0].norms_        # or GradientNormDisplay.from_estimator(est)
"""

import numpy as np

__all__ = ["GradientNormHistory"]


def _layer_label(layer, index, shape):
    dims = "x".join(str(d) for d in shape)
    return layer.name or f"{type(layer).__name__} {index} ({dims})"


class GradientNormHistory:
    """Record per-layer gradient norms at the end of every training epoch.

    The gradients are the ones the core left in ``estimator.network_`` after the
    epoch's last minibatch (each layer's ``grads`` dict, views into the network's flat
    ``grads`` buffer): each value is the norm of the gradient the optimizer applied in
    that step, the loss gradient plus the gradient of the weight penalties (``alpha``,
    ``l1``), rescaled when ``clipnorm`` clipped it.

    Parameters
    ----------
    include_bias : bool, default=False
        If False, only the penalized parameters count (Dense and Conv2D kernels
        ``W``) and layers without any (batch normalization) are left out. If True,
        every trainable array of a layer (biases, batch-norm scales) goes into its norm.
    ord : {2, inf}, default=2
        Which vector norm of the flattened gradient to record: Euclidean or largest
        absolute value.

    Attributes
    ----------
    layer_names_ : list of str
        One label per recorded layer, input side first (e.g. ``"Dense 1 (64x32)"``).
    norms_ : ndarray of shape (n_epochs, n_layers)
        ``norms_[e, l]`` is layer ``l``'s gradient norm at the end of epoch ``e``.
    epochs_ : ndarray of shape (n_epochs,)
        Epoch numbers, starting at 1; they keep counting across ``partial_fit`` and
        ``warm_start`` calls on the same network.

    Notes
    -----
    A new network (a fresh ``fit``) starts a new history; ``partial_fit`` and
    ``warm_start`` extend it. The history lives in the callback object, so read it in
    the process that trained the model (not from workers of ``n_jobs > 1``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> from sknn.diagnostics import GradientNormHistory
    >>> X, y = load_iris(return_X_y=True)
    >>> history = GradientNormHistory()
    >>> clf = MLPClassifier((8, 8), max_iter=5, random_state=0)
    >>> _ = clf.set_callbacks(history).fit(X, y)
    >>> history.norms_.shape
    (5, 3)
    """

    def __init__(self, *, include_bias=False, ord=2):
        self.include_bias = include_bias
        self.ord = ord

    # -- FitCallback protocol -------------------------------------------------------
    def setup(self, estimator, context):
        if self.ord not in (2, np.inf):
            raise ValueError(f"ord={self.ord!r} is not one of [2, inf]")
        if not hasattr(self, "_rows"):
            self._reset(None)

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        pass

    # ``fitted_estimator`` is left out of the signature on purpose: scikit-learn builds
    # that argument (a deep copy of the network) only for hooks that ask for it.
    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None):
        if getattr(context, "task_name", None) != "epoch":
            return False  # the enclosing "fit" task, not an epoch
        network = getattr(estimator, "network_", None)
        if network is None:
            return False
        if network is not self._network:
            self._reset(network)
        self._rows.append([self._norm(g) for g in self._grads()])
        return False

    # -- recording --------------------------------------------------------------------
    def _reset(self, network):
        self._network = network
        self._rows = []
        self._layers = []
        self.layer_names_ = []
        if network is None:
            return
        counts = {}
        for layer in network.leaves:
            names = list(layer.grads) if self.include_bias else sorted(layer.regularized)
            names = [n for n in names if layer.grads.get(n) is not None]
            if not names:
                continue
            kind = type(layer).__name__
            counts[kind] = counts.get(kind, 0) + 1
            shape = layer.params[names[0]].shape
            self._layers.append((layer, names))
            self.layer_names_.append(_layer_label(layer, counts[kind], shape))

    def _grads(self):
        for layer, names in self._layers:
            yield [layer.grads[n] for n in names]

    def _norm(self, arrays):
        if self.ord == 2:
            return float(np.sqrt(sum(float(np.vdot(a, a)) for a in arrays)))
        return float(max(float(np.max(np.abs(a))) for a in arrays))

    @property
    def norms_(self):
        rows = getattr(self, "_rows", [])
        n_layers = len(getattr(self, "layer_names_", []))
        return np.asarray(rows, dtype=float).reshape(len(rows), n_layers)

    @property
    def epochs_(self):
        return np.arange(1, len(getattr(self, "_rows", [])) + 1)

    def __getstate__(self):
        state = self.__dict__.copy()
        # The network is the estimator's; keep only what was recorded.
        state["_network"], state["_layers"] = None, []
        return state
