"""A standalone activation layer ``A = f(X)``, for where no Dense can fuse it (after
batch normalization or a convolution)."""

from .. import activations
from .base import Layer


class Activation(Layer):
    """Elementwise (softmax: row-wise over the last axis) activation ``A = f(X)``.

    Parameters
    ----------
    activation : str or Activation
        A name from :data:`sknn.nn.activations.ACTIVATIONS`.
    """

    def __init__(self, activation, name=None):
        super().__init__(name)
        self.activation = activations.get(activation)

    def forward(self, X, training=False):
        act = self.activation
        A = act.forward(X, out=self.buffer("A", X.shape, X.dtype))
        self._cache = (A, None if act.uses_output else X)
        return A

    def backward(self, dY):
        A, X = self._cache
        return self.activation.backward(dY, A, X)

    def __repr__(self):
        return f"Activation({self.activation.name!r})"
