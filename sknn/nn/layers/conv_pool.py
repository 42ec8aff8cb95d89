"""Convolution, activation and max pooling fused: ``A = maxpool(act(conv(X, W) + b))``."""

import numpy as np

from ..conv_kernels import im2col, max_blocks, max_blocks_backward, unblock
from .conv import Conv2D, _pair

#: Non-decreasing activations: ``max(f(a), f(b)) == f(max(a, b))``.
MONOTONE_ACTIVATIONS = frozenset(
    {"identity", "relu", "leaky_relu", "elu", "selu", "tanh", "logistic", "softplus"})


class ConvMaxPool2D(Conv2D):
    """A :class:`Conv2D` followed by non-overlapping max pooling, in one layer.

    ``A[b, r, c, f] = max_{a, d} act(Z)[b, r*ph + a, c*pw + d, f]`` with ``Z`` the
    convolution of :class:`Conv2D`. Same result as ``Conv2D`` then ``MaxPool2D``, but
    faster: the patch rows are ordered by window offset (``im2col(..., blocks=pool)``),
    so the GEMM writes each offset's outputs as one contiguous block and the pool is a
    tree of elementwise maxima over whole blocks, not strided window slices. A
    non-decreasing activation (relu, tanh, ...) commutes with the maximum and runs after
    the pool, on ``ph * pw`` times fewer values.

    Parameters
    ----------
    filters, kernel_size, strides, padding, activation, kernel_initializer, use_bias
        As :class:`Conv2D`.
    pool_size : int or tuple of int (ph, pw), default=2
        Pool window and stride. The convolution's output height and width must be
        multiples of it (use ``Conv2D`` and ``MaxPool2D`` otherwise).

    Attributes
    ----------
    params : {"W": ndarray of shape (kh, kw, c_in, filters), "b": ndarray of shape (filters,)}
    conv_shape : tuple of int
        Per-sample shape of the convolution's output, before pooling.
    """

    def __init__(self, filters, kernel_size=3, strides=1, padding="valid",
                 activation="identity", kernel_initializer="auto", use_bias=True,
                 pool_size=2, name=None):
        super().__init__(filters, kernel_size, strides, padding, activation,
                         kernel_initializer, use_bias, name)
        self.pool_size = _pair(pool_size, "pool_size")

    def compute_output_shape(self, input_shape):
        Ho, Wo, F = super().compute_output_shape(input_shape)
        ph, pw = self.pool_size
        if Ho % ph or Wo % pw:
            raise ValueError(
                f"{self!r}: the convolution's output of {Ho} x {Wo} positions is not a "
                f"multiple of the pool; use Conv2D followed by MaxPool2D instead")
        return (Ho // ph, Wo // pw, F)

    def build(self, input_shape, rng, dtype):
        self.conv_shape = super().build(input_shape, rng, dtype)
        self.output_shape = self.compute_output_shape(input_shape)
        return self.output_shape

    @property
    def _late(self):
        return self.activation.name in MONOTONE_ACTIVATIONS

    def forward(self, X, training=False):
        act, F = self.activation, self.filters
        cols = im2col(X, self.kernel_size, self.strides, self.padding, alloc=self.buffer,
                      ones_column=self.use_bias, blocks=self.pool_size)
        Z = self.buffer("Z", (cols.shape[0], F), self.params["W"].dtype)
        np.matmul(cols, self._kernel_matrix(), out=Z)
        A_full = None
        if not self._late:
            A_full = act.forward(Z, out=Z if act.uses_output else self.buffer("A_full", Z.shape, Z.dtype))
        P = self.pool_size[0] * self.pool_size[1]
        pre = Z if A_full is None else A_full
        # Before a monotone activation, backward needs Y but not Z: the pool's
        # maxima then overwrite Z instead of taking scratch arrays of their own.
        Y, switches = max_blocks(pre.reshape(P, -1, F), alloc=self.buffer,
                                 with_argmax=training or self.keep_cache,
                                 overwrite=self._late)
        A = Y
        if self._late:
            A = act.forward(Y, out=self.buffer("A", Y.shape, Y.dtype))
        self._cache = (X.shape, cols, Z, A_full, Y, A, switches)
        return A.reshape(X.shape[0], *self.output_shape)

    def backward(self, dY):
        x_shape, cols, Z, A_full, Y, A, switches = self._cache
        if switches is None:
            raise RuntimeError("ConvMaxPool2D.backward needs a forward pass with training=True "
                               "(or keep_cache=True)")
        act, F, P = self.activation, self.filters, self.pool_size[0] * self.pool_size[1]
        dY = dY.reshape(A.shape)
        if self._late:
            dY = act.backward(dY, A, None if act.uses_output else Y)
        dZ = max_blocks_backward(dY, switches, P, alloc=self.buffer).reshape(-1, F)
        if not self._late:
            dZ = act.backward(dZ, A_full, None if act.uses_output else Z)
        self._kernel_grads(cols, dZ)
        if self.skip_input_grad:
            return None
        # col2im wants NHWC rows: undo the window-offset order once
        Ho, Wo, _ = self.conv_shape
        dZ_nhwc = unblock(dZ.reshape(P, -1, F), x_shape[0], (Ho, Wo), self.pool_size,
                          out=self.buffer("dZ_nhwc", (x_shape[0], Ho, Wo, F), dZ.dtype))
        return self._input_grad(dZ_nhwc.reshape(-1, F), x_shape)

    def __repr__(self):
        return super().__repr__().replace("Conv2D(", "ConvMaxPool2D(", 1)[:-1] + (
            f", pool_size={self.pool_size})")
