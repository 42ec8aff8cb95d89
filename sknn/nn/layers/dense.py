"""Fully connected layer with its activation fused in: ``A = act(X @ W + b)``."""

import numpy as np
import scipy.sparse as sp

from .. import activations, initializers
from .base import Layer, ones


class Dense(Layer):
    """Fully connected layer ``A = act(X @ W + b)``.

    The activation is fused so that its forward runs in place on the pre-activation
    buffer and its backward reuses the cached output (``relu``, ``tanh``, ``logistic``
    need only ``A``), as scikit-learn's MLP does.

    Parameters
    ----------
    units : int
        Number of output units.
    activation : str or Activation, default="identity"
        Activation applied to ``X @ W + b``.
    kernel_initializer : str or callable, default="auto"
        Name from :mod:`sknn.nn.initializers` (resolved for this layer's activation;
        ``"sklearn"`` also draws random biases), or an initializer returned by
        :func:`sknn.nn.initializers.get`.

    Attributes
    ----------
    params : {"W": ndarray of shape (n_in, units), "b": ndarray of shape (units,)}
    skip_input_grad : bool
        Set by the network on its first layer: nothing consumes ``dX`` there, so its
        GEMM is skipped.
    """

    def __init__(self, units, activation="identity", kernel_initializer="auto", name=None):
        super().__init__(name)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.kernel_initializer = kernel_initializer
        self.skip_input_grad = False

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise ValueError(f"Dense expects flat inputs, got per-sample shape {input_shape}")
        return (self.units,)

    def param_shapes(self, input_shape):
        return {"W": (int(input_shape[0]), self.units), "b": (self.units,)}

    def activation_size(self, input_shape):
        # Z (and A when the activation needs Z kept), and dX of the input's size
        kept = 1 if self.activation.uses_output else 2
        return kept * self.units + int(input_shape[0])

    def multiply_adds(self, input_shape):
        return int(input_shape[0]) * self.units

    def build(self, input_shape, rng, dtype):
        self.output_shape = self.compute_output_shape(input_shape)
        n_in = int(input_shape[0])
        init = initializers.get(self.kernel_initializer, self.activation.name)
        W, b = init(rng, n_in, self.units, self.param_shapes(input_shape)["W"], dtype)
        self.add_param("W", W, regularize=True)
        self.add_param("b", b)
        self.input_shape = (n_in,)
        return self.output_shape

    def forward(self, X, training=False):
        W, b = self.params["W"], self.params["b"]
        Z = self.buffer("Z", (X.shape[0], self.units), W.dtype)
        if sp.issparse(X):
            Z[...] = X @ W
        else:
            np.dot(X, W, out=Z)
        Z += b
        act = self.activation
        # Output-only derivatives let the activation overwrite Z; others keep Z.
        A = act.forward(Z, out=Z if act.uses_output else self.buffer("A", Z.shape, Z.dtype))
        # Only training (and input gradients, keep_cache) needs the cache; at inference it
        # would pin the last input batch (a memmap window, say) in memory.
        self._cache = (X, Z, A) if training or self.keep_cache else None
        return A

    def backward(self, dY):
        X, Z, A = self._cache
        act = self.activation
        dZ = act.backward(dY, A, None if act.uses_output else Z)
        if sp.issparse(X):
            self.grads["W"][...] = X.T @ dZ
        else:
            np.dot(X.T, dZ, out=self.grads["W"])
        np.dot(ones(dZ.shape[0], dZ.dtype), dZ, out=self.grads["b"])  # column sums
        if self.skip_input_grad:
            return None
        return np.dot(dZ, self.params["W"].T, out=self.buffer("dX", X.shape, dZ.dtype))

    def __repr__(self):
        return f"Dense({self.units}, activation={self.activation.name!r})"
