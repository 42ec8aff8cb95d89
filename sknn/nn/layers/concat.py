"""Wide & deep: concatenate a sub-network's output with its own input (a skip path)."""

import numpy as np
import scipy.sparse as sp

from .base import Layer


class SkipConcat(Layer):
    """``A = [deep(X), X]`` along the feature axis.

    The "deep" path is a list of layers; the input also goes straight ("wide") to
    whatever follows, as in the wide & deep networks of Cheng et al. (2016) and Keras's
    functional-API example. Sparse inputs are densified for the wide path.

    Parameters
    ----------
    layers : list of Layer
        The deep path, applied in order to flat inputs of shape (n, n_features).
    """

    def __init__(self, layers, name=None):
        super().__init__(name)
        self.sublayers = list(layers)
        self.skip_input_grad = False

    @property
    def has_training_mode(self):
        return any(layer.has_training_mode for layer in self.sublayers)

    def compute_output_shape(self, input_shape):
        if not self.sublayers:
            raise ValueError("SkipConcat needs at least one layer on its deep path")
        shape = tuple(input_shape)
        for layer in self.sublayers:
            shape = layer.compute_output_shape(shape)
        return (shape[0] + int(input_shape[0]),)

    def activation_size(self, input_shape):
        # the concatenation (its own layers are sized by sknn.nn.network.plan)
        return 2 * self.compute_output_shape(input_shape)[0]

    def multiply_adds(self, input_shape):
        return 0

    def build(self, input_shape, rng, dtype):
        self.output_shape = self.compute_output_shape(input_shape)
        shape = tuple(input_shape)
        for layer in self.sublayers:
            shape = layer.build(shape, rng, dtype)
        self.input_shape = tuple(input_shape)
        return self.output_shape

    def forward(self, X, training=False):
        H = X
        for layer in self.sublayers:
            H = layer.forward(H, training)
        n_deep = H.shape[1]
        A = self.buffer("A", (X.shape[0], self.output_shape[0]), H.dtype)
        A[:, :n_deep] = H
        A[:, n_deep:] = X.toarray() if sp.issparse(X) else X
        self._n_deep = n_deep
        return A

    def backward(self, dY):
        dH = np.ascontiguousarray(dY[:, : self._n_deep])
        self.sublayers[0].skip_input_grad = self.skip_input_grad
        for layer in reversed(self.sublayers):
            dH = layer.backward(dH)
        if self.skip_input_grad:
            return None
        return dH + dY[:, self._n_deep :]

    def __repr__(self):
        return f"SkipConcat({self.sublayers!r})"
