"""The one layer contract every layer of the core follows.

A layer is built once for an input shape, then called many times:

* ``build(input_shape, rng, dtype)`` declares parameters with :meth:`Layer.add_param`
  and returns the output shape (per sample, without the batch axis);
* ``forward(X, training)`` computes the output and caches what ``backward`` needs;
* ``backward(dY)`` fills ``self.grads[name]`` **in place** for each
  ``self.params[name]`` and returns ``dX``.

Shapes alone, before anything is allocated: ``compute_output_shape(input_shape)``
(which also refuses an input the layer cannot take) and ``param_shapes(input_shape)``.
``build`` uses them, so the shape arithmetic lives in one place, and
:func:`sknn.nn.network.plan` walks a stack with them to size a network (memory, work)
before building it.

After building, :class:`~sknn.nn.network.Sequential` moves every parameter into one
flat buffer and rebinds ``params[name]`` and ``grads[name]`` to views of it, so a layer
must never rebind those entries itself: it reads ``self.params[k]`` and writes
``self.grads[k][...] = ...`` (or uses ``out=``). Optimizers then update all parameters
with a few large vectorized operations.
"""

import functools
import threading

import numpy as np


def ones(n, dtype):
    """A read-only vector of ``n`` ones: ``ones(n, dtype) @ M`` sums the ``n`` rows of
    ``M`` as one BLAS matrix-vector product, several times faster than ``M.sum(axis=0)``.

    Minibatch sizes recur (the batch, the last partial batch), so vectors of up to
    2**16 rows are cached; longer ones (a full batch) are not kept.
    """
    if n > 2**16:
        return np.ones(n, dtype=dtype)
    return _cached_ones(n, np.dtype(dtype))


@functools.lru_cache(maxsize=8)
def _cached_ones(n, dtype):
    vector = np.ones(n, dtype=dtype)
    vector.flags.writeable = False
    return vector


def _size(shape):
    """Number of values in an array of ``shape``, as a Python int (never overflows)."""
    n = 1
    for v in shape:
        n *= int(v)
    return n


class Layer:
    """Base class of the core's layers.

    Attributes
    ----------
    params : dict of str to ndarray
        Trainable arrays, views into the network's flat parameter buffer once built.
    grads : dict of str to ndarray
        Gradients of the loss with respect to ``params``, same shapes, filled by
        ``backward``.
    regularized : set of str
        Names of the parameters that weight penalties (L2 ``alpha``, ``l1``,
        ``max_norm``) apply to: kernels, not biases or normalization scales.
    state : dict of str to ndarray
        Non-trainable arrays saved with the model (e.g. batch-norm running statistics).
    input_shape, output_shape : tuple of int
        Per-sample shapes, known after ``build``.
    """

    #: Whether ``forward`` behaves differently in training (dropout, batch norm).
    has_training_mode = False

    #: Keep what ``backward`` needs at inference too (``forward(X, training=False)``).
    #: Set only on the layers of :meth:`Sequential.twin`, which computes input
    #: gradients of the inference-mode network; prediction caches nothing.
    keep_cache = False

    def __init__(self, name=None):
        self.name = name
        self.params = {}
        self.grads = {}
        self.regularized = set()
        self.state = {}
        self.input_shape = None
        self.output_shape = None
        self._local = threading.local()

    # -- building -------------------------------------------------------------------
    def build(self, input_shape, rng, dtype):
        """Declare parameters for ``input_shape`` and return the output shape.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample (no batch axis).
        rng : numpy.random.Generator or RandomState
            Source of randomness for initial weights.
        dtype : numpy dtype
            Compute dtype (float32 or float64).

        Returns
        -------
        output_shape : tuple of int
        """
        self.input_shape = tuple(int(v) for v in input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        return self.output_shape

    def compute_output_shape(self, input_shape):
        """Per-sample output shape for ``input_shape``, allocating nothing.

        Raises
        ------
        ValueError
            If the layer cannot take inputs of that shape.
        """
        return tuple(int(v) for v in input_shape)

    def param_shapes(self, input_shape):
        """Shapes of the parameters ``build`` creates for ``input_shape``: dict of str to tuple."""
        return {}

    def activation_size(self, input_shape):
        """Values per sample a training batch keeps for this layer (output and its
        gradient; layers with larger caches or scratch say so)."""
        return 2 * _size(self.compute_output_shape(input_shape))

    def workspace_size(self, input_shape, batch_rows):
        """Values of scratch a batch of ``batch_rows`` rows takes beyond ``activation_size``
        per row: arrays of a bounded sub-batch (convolutions' patch matrices), which stop
        growing past a fixed number of rows."""
        return 0

    def multiply_adds(self, input_shape):
        """Multiply-adds per sample of a forward pass (elementwise layers: one per output)."""
        return _size(self.compute_output_shape(input_shape))

    def add_param(self, name, value, regularize=False):
        """Register a trainable array (called from ``build``)."""
        self.params[name] = value
        self.grads[name] = np.zeros_like(value)
        if regularize:
            self.regularized.add(name)

    # -- computing ------------------------------------------------------------------
    def forward(self, X, training=False):
        """Compute the layer output for a batch ``X`` of shape ``(n, *input_shape)``."""
        raise NotImplementedError

    def backward(self, dY):
        """Fill ``self.grads`` from ``dY`` of shape ``(n, *output_shape)``; return dX."""
        raise NotImplementedError

    # -- helpers --------------------------------------------------------------------
    def buffer(self, key, shape, dtype):
        """A scratch array reused across batches of the same shape.

        Per-batch allocations dominate small networks, so layers write their outputs
        into buffers that live as long as the batch shape does. Each thread has its
        own, so one fitted network can predict from several threads at once.
        """
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            buffers = self._local.buffers = {}
        buf = buffers.get(key)
        if buf is None or buf.shape != shape or buf.dtype != dtype:
            buf = buffers[key] = np.empty(shape, dtype=dtype)
        return buf

    def clear_buffers(self):
        """Drop scratch arrays (before pickling, or to free memory)."""
        self._local = threading.local()

    @property
    def n_params(self):
        """Number of trainable scalars."""
        return int(sum(p.size for p in self.params.values()))

    def __getstate__(self):
        state = self.__dict__.copy()
        # Scratch buffers and forward caches are rebuilt on demand; never persist them.
        del state["_local"]  # thread-local scratch: rebuilt on load
        if state.get("_packed"):
            # The network owns these arrays (views of its flat buffer) and rebinds
            # them on load: storing them here too would save every weight twice.
            state["params"] = dict.fromkeys(self.params)
            state["grads"] = dict.fromkeys(self.grads)
        for key in [k for k in state if k.startswith("_cache")]:
            state[key] = None
        if state.get("_packed") and callable(state.get("kernel_initializer")):
            # A built layer's initializer has done its work; as a callable (often a
            # functools.partial) it is code, which skops rightly refuses to load.
            state["kernel_initializer"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._local = threading.local()

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"
