"""Shape-only layers: no arithmetic, so they return views whenever NumPy can."""

import numpy as np

from .base import Layer


class Flatten(Layer):
    """Flatten each sample: ``(n, d1, d2, ...) -> (n, d1 * d2 * ...)``.

    With channels-last images the flat order is row, column, channel.
    """

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape, dtype=object)),)

    def activation_size(self, input_shape):
        return 0  # views: no values of its own

    multiply_adds = activation_size

    def forward(self, X, training=False):
        return X.reshape(X.shape[0], -1)

    def backward(self, dY):
        return dY.reshape(dY.shape[0], *self.input_shape)

    def __repr__(self):
        return "Flatten()"


class Reshape(Layer):
    """Give each sample a new shape with the same number of values.

    Parameters
    ----------
    target_shape : tuple of int
        Per-sample shape; at most one entry may be -1 (inferred).
    """

    def __init__(self, target_shape, name=None):
        super().__init__(name)
        self.target_shape = tuple(int(v) for v in target_shape)
        if sum(v == -1 for v in self.target_shape) > 1 or any(
                v < 1 and v != -1 for v in self.target_shape):
            raise ValueError(f"target_shape must be positive ints and at most one -1, "
                             f"got {target_shape!r}")

    def compute_output_shape(self, input_shape):
        size = int(np.prod(input_shape, dtype=object))
        known = int(np.prod([v for v in self.target_shape if v != -1], dtype=object))
        shape = tuple(size // known if v == -1 else v for v in self.target_shape)
        if int(np.prod(shape, dtype=object)) != size:
            raise ValueError(f"cannot reshape per-sample shape {tuple(input_shape)} "
                             f"({size} values) to {self.target_shape}")
        return shape

    def activation_size(self, input_shape):
        return 0  # views: no values of its own

    multiply_adds = activation_size

    def forward(self, X, training=False):
        return X.reshape(X.shape[0], *self.output_shape)

    def backward(self, dY):
        return dY.reshape(dY.shape[0], *self.input_shape)

    def __repr__(self):
        return f"Reshape({self.target_shape})"
