"""Max and average pooling over channels-last images (windows without padding)."""

from ..conv_kernels import avg_pool, avg_pool_backward, max_pool, max_pool_backward, pool_geometry
from .base import Layer
from .conv import _pair, image_shape


class _Pool2D(Layer):
    """Shared parameters and shape logic of the pooling layers.

    Parameters
    ----------
    pool_size : int or tuple of int (ph, pw), default=2
    strides : int or tuple of int (sh, sw), optional
        Defaults to ``pool_size`` (non-overlapping windows).
    """

    def __init__(self, pool_size=2, strides=None, name=None):
        super().__init__(name)
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else _pair(strides, "strides")

    def compute_output_shape(self, input_shape):
        H, W, C = image_shape(input_shape, repr(self))
        try:
            Ho = pool_geometry(H, self.pool_size[0], self.strides[0])
            Wo = pool_geometry(W, self.pool_size[1], self.strides[1])
        except ValueError as exc:
            raise ValueError(f"{self!r} on input of shape {(H, W, C)}: {exc}") from None
        return (Ho, Wo, C)

    def __repr__(self):
        return f"{type(self).__name__}(pool_size={self.pool_size}, strides={self.strides})"


class MaxPool2D(_Pool2D):
    """Window maximum: ``Y[b, r, c, ch] = max_{i,j} X[b, r*sh + i, c*sw + j, ch]``.

    The backward pass sends each output gradient to the one input that won its window
    (the first one when several tie).
    """

    def forward(self, X, training=False):
        Y, switches = max_pool(X, self.pool_size, self.strides, alloc=self.buffer,
                               with_argmax=training or self.keep_cache)
        self._cache = (X.shape, switches)
        return Y

    def backward(self, dY):
        x_shape, switches = self._cache
        if switches is None:
            raise RuntimeError("MaxPool2D.backward needs a forward pass with training=True "
                               "(or keep_cache=True)")
        return max_pool_backward(dY, switches, x_shape, self.pool_size, self.strides,
                                 alloc=self.buffer)


class AvgPool2D(_Pool2D):
    """Window mean: ``Y[b, r, c, ch] = mean_{i,j} X[b, r*sh + i, c*sw + j, ch]``."""

    def forward(self, X, training=False):
        self._cache = X.shape
        return avg_pool(X, self.pool_size, self.strides, alloc=self.buffer)

    def backward(self, dY):
        return avg_pool_backward(dY, self._cache, self.pool_size, self.strides, alloc=self.buffer)
