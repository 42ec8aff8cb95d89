"""Convolution, activation and max pooling fused: ``A = maxpool(act(conv(X, W) + b))``."""

import numpy as np

from ..conv_kernels import max_blocks, max_blocks_backward, unblock
from .base import _size
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

    @property
    def _blocks(self):
        return self.pool_size

    # A sub-batch's pre-pool maps and their gradient (max_blocks_backward's) never live
    # at once: backward needs only the pool's switches of the forward's maps.
    _shared_keys = {"dmax_blocks": "pre_pool"}

    def activation_size(self, input_shape):
        # the pooled output A and its gradient, the pool's switches (P - 1 bools per
        # pooled value, as float32 values rounded up), dX of the input's size, and
        # before a non-monotone activation the pre-pool Z and act(Z), which backward
        # needs whole
        Ho, Wo, F = Conv2D.compute_output_shape(self, input_shape)
        pooled = _size(self.compute_output_shape(input_shape))
        switches = pooled * -(-(self.pool_size[0] * self.pool_size[1] - 1) // 4)
        kept = 2 * pooled + switches + _size(input_shape)
        return kept if self._late else kept + 2 * Ho * Wo * F

    def _sub_batch_values(self, input_shape):
        # besides Conv2D's: the pre-pool Z (then its gradient) and the gradient's NHWC copy
        Ho, Wo, F = Conv2D.compute_output_shape(self, input_shape)
        return super()._sub_batch_values(input_shape) + 2 * Ho * Wo * F

    def forward(self, X, training=False):
        act, F, late = self.activation, self.filters, self._late
        (ph, pw), (Ho, Wo, _) = self.pool_size, self.conv_shape
        P, n, dtype = ph * pw, X.shape[0], self.params["W"].dtype
        conv, pooled = Ho * Wo, Ho * Wo // P  # rows per image, before and after the pool
        spans, rows = self._sub_batches(X)
        # Before a monotone activation backward needs neither Z nor act(Z): they are
        # sub-batch scratch, and the pool's maxima overwrite Z. Otherwise backward
        # needs them for act', whole.
        Z = None if late else self.buffer("Z", (n * conv, F), dtype)
        A_full = None if late or act.uses_output else self.buffer("A_full", (n * conv, F), dtype)
        A = self.buffer("A", (n * pooled, F), dtype)
        Y = self.buffer("Y", A.shape, dtype) if late and not act.uses_output else None
        Wk, switches = self._kernel_matrix(), []
        for s, e in spans:
            alloc = self._pool_workspace(s, e, rows, n)
            cols = self._patches(X, s, e, rows)
            Zc = alloc("pre_pool", ((e - s) * conv, F), dtype) if late else Z[s * conv:e * conv]
            np.matmul(cols, Wk, out=Zc)
            if not late:
                Zc = act.forward(Zc, out=Zc if A_full is None else A_full[s * conv:e * conv])
            Yc, won = max_blocks(Zc.reshape(P, -1, F), alloc=alloc,
                                 with_argmax=training or self.keep_cache, overwrite=late)
            out = slice(s * pooled, e * pooled)
            if late:
                act.forward(Yc, out=A[out])
                if Y is not None:
                    Y[out] = Yc
            else:
                A[out] = Yc
            switches.append(won)
        A_full = Z if A_full is None else A_full
        keep = training or self.keep_cache  # as Conv2D: prediction keeps no reference to X
        self._cache = (X if keep else None, cols, Z, A_full, Y, A, switches)
        return A.reshape(n, *self.output_shape)

    def _pool_workspace(self, s, e, rows, n):
        """Sub-batch scratch for images ``s:e``, except the pool's switches.

        The switches (``max_blocks``'s ``won*`` arrays, bools of the pooled output's
        size) are what backward keeps of the pre-pool maps: they go to the rows
        ``s:e`` of whole-batch arrays.
        """
        chunk = self._workspace(e - s, rows)
        pooled = self.output_shape[0] * self.output_shape[1]

        def alloc(key, shape, dtype):
            if key.startswith("won"):
                return self.buffer(key, (n * pooled, self.filters), dtype)[s * pooled:e * pooled]
            return chunk(key, shape, dtype)
        return alloc

    def backward(self, dY):
        X, cols, Z, A_full, Y, A, switches = self._cache
        if X is None:
            raise RuntimeError("ConvMaxPool2D.backward needs a forward pass with training=True "
                               "(or keep_cache=True)")
        act, F, P = self.activation, self.filters, self.pool_size[0] * self.pool_size[1]
        dY = dY.reshape(A.shape)
        if self._late:
            dY = act.backward(dY, A, None if act.uses_output else Y)
        conv = self.conv_shape[0] * self.conv_shape[1]
        pooled, rows = conv // P, self._sub_batches(X)[1]

        def sub_batch_grad(s, e, alloc):
            dZ = max_blocks_backward(dY[s * pooled:e * pooled], switches[s // rows], P,
                                     alloc=alloc).reshape(-1, F)
            if self._late:
                return dZ
            z = slice(s * conv, e * conv)
            return act.backward(dZ, A_full[z], None if act.uses_output else Z[z])

        return self._backward_sub_batches(X, cols, sub_batch_grad)

    def _nhwc(self, dZ, images, alloc):
        # col2im wants NHWC rows: undo the window-offset order
        Ho, Wo, F = self.conv_shape
        out = alloc("dZ_nhwc", (images, Ho, Wo, F), dZ.dtype)
        P = self.pool_size[0] * self.pool_size[1]
        return unblock(dZ.reshape(P, -1, F), images, (Ho, Wo), self.pool_size,
                       out=out).reshape(-1, F)

    def __repr__(self):
        return super().__repr__().replace("Conv2D(", "ConvMaxPool2D(", 1)[:-1] + (
            f", pool_size={self.pool_size})")
