"""Inverted dropout: ``A = X * mask / (1 - rate)`` in training, identity otherwise."""

import numpy as np

from .base import Layer


class Dropout(Layer):
    """Zero each input with probability ``rate`` during training.

    Survivors are scaled by ``1 / (1 - rate)`` so that inference needs no rescaling.
    With ``mc = True`` the noise stays on at inference (Monte Carlo dropout).
    Subclasses that share one mask value over some axes (dropping whole feature maps)
    override :meth:`mask_shape`.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping an input.
    """

    has_training_mode = True

    def __init__(self, rate, name=None):
        super().__init__(name)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.mc = False
        self.freeze_noise = False
        self._mask = None

    def build(self, input_shape, rng, dtype):
        self.rng = rng
        return super().build(input_shape, rng, dtype)

    def mask_shape(self, X):
        """Shape of the random mask for batch ``X`` (one value per element here)."""
        return X.shape

    def forward(self, X, training=False):
        if self.rate == 0.0 or not (training or self.mc):
            self._mask = None
            return X
        shape = self.mask_shape(X)
        mask = self._mask
        if not (self.freeze_noise and mask is not None and mask.shape == shape):
            keep = self.rng.uniform(size=shape) >= self.rate
            # a local first: Monte Carlo passes from several threads each use their own
            mask = self._mask = keep.astype(X.dtype) / X.dtype.type(1.0 - self.rate)
        return np.multiply(X, mask, out=self.buffer("A", X.shape, X.dtype))

    def backward(self, dY):
        if self._mask is None:
            return dY
        dY *= self._mask
        return dY

    def __repr__(self):
        return f"{type(self).__name__}({self.rate})"
