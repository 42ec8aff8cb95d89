"""Sequential: a stack of layers whose parameters live in one flat buffer."""

import functools
import threading
from typing import NamedTuple

import numpy as np

from .layers.base import _size


def _layout_problem(params, layout):
    """What keeps a loaded flat buffer from holding the layers' parameters, or None."""
    if not isinstance(params, np.ndarray) or params.ndim != 1:
        return f"the parameter buffer is not a 1-D array (got {type(params).__name__} " \
               f"of shape {np.shape(params)})"  # fmt: skip
    start = 0
    for layer, name, first, stop, shape in layout:
        if first != start or stop - first != int(np.prod(shape, dtype=np.int64)):
            return f"the layout of {type(layer).__name__} parameter {name!r} is inconsistent"
        start = stop
    if params.size != start:
        return f"the parameter buffer holds {params.size} values where the layers need {start}"
    return None


def _leaves(layers):
    """Every layer that owns parameters or state, containers expanded, in order."""
    for layer in layers:
        yield layer
        yield from _leaves(getattr(layer, "sublayers", ()))


class LayerPlan(NamedTuple):
    """What one layer will need, from shapes alone (see :func:`plan`)."""

    layer: object
    input_shape: tuple
    output_shape: tuple
    n_params: int  # trainable scalars
    activations: int  # values per sample kept by a training batch
    multiply_adds: int  # per sample, forward pass


def plan(layers, input_shape):
    """Size a stack of layers for per-sample ``input_shape`` without building it.

    Containers (layers with ``sublayers``) are followed by their sublayers' entries.
    Nothing is allocated, so this is how an estimator refuses a network too large for
    memory before trying to build it.

    Returns
    -------
    entries : list of LayerPlan
        One per layer, in order, sublayers included.

    Raises
    ------
    ValueError
        If some layer cannot take the shape that reaches it.
    """
    entries, shape = [], tuple(int(s) for s in input_shape)
    for layer in layers:
        sub = getattr(layer, "sublayers", None)
        if sub:
            entries += plan(sub, shape)
        out = tuple(layer.compute_output_shape(shape))
        n_params = sum(_size(p) for p in layer.param_shapes(shape).values())
        entries.append(LayerPlan(layer, shape, out, n_params, layer.activation_size(shape),
                                 layer.multiply_adds(shape)))
        shape = out
    return entries


def activation_bytes(entries, batch_rows, itemsize):
    """Bytes of activations, caches and scratch of a training batch of ``batch_rows``
    rows through the layers of :func:`plan`'s ``entries``."""
    per_row = sum(e.activations for e in entries) * batch_rows
    bounded = sum(e.layer.workspace_size(e.input_shape, batch_rows) for e in entries)
    return (per_row + bounded) * itemsize


def format_bytes(n):
    """``n`` bytes as a short human figure (``'52.2 GiB'``)."""
    n = float(n)
    units = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
    for unit in units:
        if n < 1024 or unit == units[-1]:
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024


def _shallow_copy(obj):
    # Not copy.copy: that goes through __getstate__/__setstate__, which strip the
    # parameter views and rebind the original layers' gradients.
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


def _twin_layer(layer, twins):
    """A shallow copy of ``layer`` with its own dicts, caches and scratch (see twin)."""
    twin = _shallow_copy(layer)
    twin.params, twin.grads = dict(layer.params), dict(layer.grads)  # rebound by _bind
    twin._local = threading.local()
    twin._cache = None
    twin.keep_cache = True
    if hasattr(layer, "mc"):  # dropout: inference mode, no Monte Carlo noise
        twin.mc, twin._mask = False, None
    if hasattr(layer, "sublayers"):
        twin.sublayers = [_twin_layer(sub, twins) for sub in layer.sublayers]
    twins[id(layer)] = twin
    return twin


class Sequential:
    """A stack of layers applied in order.

    After :meth:`build`, every parameter of every layer is a view into ``params``, one
    contiguous 1-D buffer, and every gradient a view into ``grads``. Parameters that
    take weight penalties come first, so the training loop regularizes
    ``params[:n_regularized]`` with one vectorized operation and optimizers update the
    whole model with a few.

    Parameters
    ----------
    layers : list of Layer

    Attributes
    ----------
    params : ndarray of shape (n_params,)
    grads : ndarray of shape (n_params,)
    n_regularized : int
        Number of leading entries of ``params`` that penalties apply to.
    input_shape, output_shape : tuple of int
        Per-sample shapes.
    """

    def __init__(self, layers):
        self.layers = list(layers)

    def build(self, input_shape, rng, dtype):
        """Build every layer for per-sample ``input_shape`` and pack the parameters."""
        shape = tuple(int(s) for s in input_shape)
        self.input_shape = shape
        for layer in self.layers:
            shape = tuple(layer.build(shape, rng, dtype))
        self.output_shape = shape
        self.dtype = np.dtype(dtype)
        self._pack()
        return self

    def _pack(self):
        entries = [
            (layer, name, name in layer.regularized)
            for layer in _leaves(self.layers)
            for name in layer.params
        ]
        entries.sort(key=lambda e: not e[2])  # stable: regularized first, order kept
        self.n_regularized = sum(e[0].params[e[1]].size for e in entries if e[2])
        total = sum(e[0].params[e[1]].size for e in entries)
        self.params = np.empty(total, dtype=self.dtype)
        self.grads = np.zeros(total, dtype=self.dtype)
        self._layout, start = [], 0
        for layer, name, _ in entries:
            shape = layer.params[name].shape
            stop = start + int(np.prod(shape, dtype=np.int64))
            self.params[start:stop] = layer.params[name].ravel()
            self._layout.append((layer, name, start, stop, shape))
            start = stop
        self._bind()

    def _bind(self):
        for layer, name, start, stop, shape in self._layout:
            layer._packed = True
            layer.params[name] = self.params[start:stop].reshape(shape)
            layer.grads[name] = self.grads[start:stop].reshape(shape)

    def regularized_views(self):
        """The penalized parameters, one array each (for per-unit constraints)."""
        return [layer.params[name] for layer, name, _, _, _ in self._layout
                if name in layer.regularized]

    # -- computing ------------------------------------------------------------------
    def forward(self, X, training=False):
        """Output of shape ``(n, *output_shape)`` for inputs of shape ``(n, *input_shape)``."""
        for layer in self.layers:
            X = layer.forward(X, training)
        return X

    def backward(self, dY, input_grad=False):
        """Backpropagate ``dY = d loss / d output``, filling ``grads``.

        Parameters
        ----------
        dY : ndarray of shape ``(n, *output_shape)``
        input_grad : bool, default=False
            Also compute the gradient with respect to the network's input. Training
            has no use for it, so by default the first layer skips that product.

        Returns
        -------
        dX : ndarray of shape ``(n, *input_shape)`` or None
            None unless ``input_grad``. A scratch buffer of the first layer: copy it
            before the next backward pass.
        """
        for layer in self.layers:
            layer.skip_input_grad = False
        self.layers[0].skip_input_grad = not input_grad
        for layer in reversed(self.layers):
            dY = layer.backward(dY)
        return dY

    def twin(self):
        """A network computing with this one's parameters and its own everything else.

        The twin's layers share this network's parameter arrays (read, never written)
        but own their gradient buffer, forward caches, scratch buffers and flags, and
        keep their caches at inference (``keep_cache``). So
        ``twin.forward(X, training=False)`` then ``twin.backward(dY, input_grad=True)``
        give gradients of the *inference-mode* network (dropout off, batch norm on its
        running statistics) with respect to its input, while this network's ``grads``
        (which callbacks read after training), caches and predictions in other threads
        stay untouched. Building one costs a copy of the layer objects and a gradient
        buffer the size of ``params``.

        Returns
        -------
        twin : Sequential
        """
        twins = {}
        twin = _shallow_copy(self)
        twin.layers = [_twin_layer(layer, twins) for layer in self.layers]
        twin.grads = np.zeros_like(self.params)
        twin._layout = [(twins[id(layer)], *rest) for layer, *rest in self._layout]
        twin._bind()
        return twin

    def _model_arrays(self):
        """The arrays predictions depend on: the parameters, then the layers' state
        (batch normalization's running statistics), which is not trained by gradients."""
        return [self.params, *(a for leaf in _leaves(self.layers) for a in leaf.state.values())]

    def snapshot(self, into=None):
        """Copy the model: the parameters and the layers' non-trained state.

        Restoring the parameters alone would pair the best epoch's weights with the last
        epoch's batch-normalization statistics, a model that never existed.

        Parameters
        ----------
        into : list of ndarray, optional
            An earlier snapshot of this network, overwritten instead of allocating.

        Returns
        -------
        snapshot : list of ndarray
            For :meth:`restore`.
        """
        if into is None:
            return [a.copy() for a in self._model_arrays()]
        for kept, current in zip(into, self._model_arrays()):
            kept[...] = current
        return into

    def restore(self, snapshot):
        """Put back the parameters and layer state of a :meth:`snapshot`, in place."""
        for current, kept in zip(self._model_arrays(), snapshot):
            current[...] = kept

    def set_mc_dropout(self, on):
        """Keep dropout noise on at inference (Monte Carlo dropout) or turn it off."""
        for layer in _leaves(self.layers):
            if hasattr(layer, "mc"):
                layer.mc = bool(on)

    def clear_buffers(self):
        """Free every layer's scratch arrays and caches."""
        for layer in _leaves(self.layers):
            layer.clear_buffers()
            layer._cache = None

    @property
    def leaves(self):
        return list(_leaves(self.layers))

    # -- persistence ----------------------------------------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        state["grads"] = None  # rebuilt as zeros: gradients are scratch
        if "dtype" in state:
            state["dtype"] = state["dtype"].str  # a plain string: skops trusts no np.dtype
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if isinstance(self.__dict__.get("dtype"), str):
            self.dtype = np.dtype(self.dtype)
        if self.__dict__.get("_layout") is not None:
            self.grads = np.zeros_like(self.params)
            problem = _layout_problem(self.params, self._layout)
            if problem:  # a corrupt file: the estimator holding the network reports it
                self._load_error = problem
                return
            self._bind()  # unpickled params are copies: make them views again

    # -- description ----------------------------------------------------------------
    @functools.cached_property
    def activations_per_row(self):
        """Values per sample a batch keeps across the layers (:func:`plan`'s total),
        planned once: prediction sizes its batches by it at every call."""
        return sum(e.activations for e in plan(self.layers, self.input_shape))

    def summary(self, batch_size=None):
        """A text table of layers, output shapes and parameter counts (as Keras's).

        Parameters
        ----------
        batch_size : int, optional
            If given, a column gives each layer's activation memory for a training
            batch of this many rows (outputs, gradients, caches and scratch, as
            :func:`plan` sizes them), and a last line their total.

        Returns
        -------
        table : str
        """
        header = ("Layer", "Output shape", "Params")
        if batch_size is not None:
            header += (f"Activations (batch {batch_size})",)
        rows, shape, total = [header], tuple(self.input_shape), 0
        for layer in self.layers:
            out = "(None, " + ", ".join(str(s) for s in layer.output_shape) + ")"
            n = sum(leaf.n_params for leaf in _leaves([layer]))
            name = repr(layer) if len(repr(layer)) < 40 else type(layer).__name__
            row = (name, out, f"{n:,}")
            if batch_size is not None:
                entries = plan([layer], shape)
                nbytes = activation_bytes(entries, batch_size, self.dtype.itemsize)
                total += nbytes
                row += (format_bytes(nbytes),)
            rows.append(row)
            shape = tuple(layer.output_shape)
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        line = "-" * (sum(widths) + 2 * (len(widths) - 1))
        cells = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        text = [line, cells[0], line, *cells[1:], line, f"Total params: {self.params.size:,}"]
        if batch_size is not None:
            text.append(f"Activation memory per batch of {batch_size}: {format_bytes(total)}")
        return "\n".join(text + [line])
