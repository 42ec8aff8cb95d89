"""2-D convolution with its activation fused in: ``A = act(conv(X, W) + b)``."""

import numpy as np

from .. import activations, initializers
from ..conv_kernels import col2im_by_offset, conv_geometry, im2col
from .base import Layer


def _pair(value, what):
    """An int or a pair of ints as a pair of positive ints, with a clear error."""
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise ValueError(f"{what} must be a positive int or a pair of them, got {value!r}")
    return tuple(int(v) for v in pair)


def image_shape(input_shape, layer):
    """Check that a per-sample shape is (H, W, C), naming the layer otherwise."""
    if len(input_shape) != 3:
        raise ValueError(
            f"{layer} expects images of per-sample shape (height, width, channels), "
            f"got {tuple(input_shape)}"
        )
    if min(input_shape) < 1:
        raise ValueError(f"{layer} got images of per-sample shape {tuple(input_shape)}: "
                         "every axis needs at least 1 value")
    return tuple(int(v) for v in input_shape)


class Conv2D(Layer):
    """2-D convolution (cross-correlation) over channels-last images.

    ``A[b, r, c, f] = act(sum_{i,j,ch} Xpad[b, r*sh + i, c*sw + j, ch] W[i, j, ch, f] + b[f])``,
    computed as one GEMM of the patch matrix with the kernel matrix.

    Parameters
    ----------
    filters : int
        Number of output channels (feature maps).
    kernel_size : int or tuple of int (kh, kw), default=3
    strides : int or tuple of int (sh, sw), default=1
    padding : {'valid', 'same'}, default='valid'
        'same' zero-pads so that the output has ``ceil(H / sh)`` rows.
    activation : str or Activation, default='identity'
        Applied in place to the pre-activation buffer.
    kernel_initializer : str or callable, default='auto'
        Name from :mod:`sknn.nn.initializers`; fans are ``kh*kw*c_in`` and ``kh*kw*filters``.
    use_bias : bool, default=True

    Attributes
    ----------
    params : {"W": ndarray of shape (kh, kw, c_in, filters), "b": ndarray of shape (filters,)}
        ``W`` is regularized (L1/L2 penalties apply to it), ``b`` is not.
    skip_input_grad : bool
        Set by the network on its first layer: nothing consumes ``dX`` there, so the
        input-gradient GEMM and col2im are skipped.
    """

    def __init__(self, filters, kernel_size=3, strides=1, padding="valid",
                 activation="identity", kernel_initializer="auto", use_bias=True, name=None):
        super().__init__(name)
        if not isinstance(filters, (int, np.integer)) or filters < 1:
            raise ValueError(f"filters must be a positive int, got {filters!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"padding={padding!r} is not one of ['valid', 'same']")
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.padding = padding
        self.activation = activations.get(activation)
        self.kernel_initializer = kernel_initializer
        self.use_bias = bool(use_bias)
        self.skip_input_grad = False

    def compute_output_shape(self, input_shape):
        H, W, C = image_shape(input_shape, repr(self))
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        try:
            Ho = conv_geometry(H, kh, sh, self.padding)[0]
            Wo = conv_geometry(W, kw, sw, self.padding)[0]
        except ValueError as exc:
            raise ValueError(f"{self!r} on input of shape {(H, W, C)}: {exc}") from None
        return (Ho, Wo, self.filters)

    def param_shapes(self, input_shape):
        (kh, kw), C = self.kernel_size, int(input_shape[-1])
        shapes = {"W": (kh, kw, C, self.filters)}
        if self.use_bias:
            shapes["b"] = (self.filters,)
        return shapes

    def activation_size(self, input_shape):
        # patch matrix (kh*kw*C per output position), one offset's patch gradient
        # (C per position), Z and A, and dX of the input's size
        Ho, Wo, F = Conv2D.compute_output_shape(self, input_shape)  # before any pooling
        (kh, kw), C = self.kernel_size, int(input_shape[-1])
        patches = Ho * Wo * (kh * kw * C + 1)
        return (patches + Ho * Wo * C + 2 * Ho * Wo * F
                + int(input_shape[0]) * int(input_shape[1]) * C)

    def multiply_adds(self, input_shape):
        Ho, Wo, F = Conv2D.compute_output_shape(self, input_shape)  # before any pooling
        (kh, kw), C = self.kernel_size, int(input_shape[-1])
        return Ho * Wo * kh * kw * C * F

    def build(self, input_shape, rng, dtype):
        self.output_shape = Conv2D.compute_output_shape(self, input_shape)
        (kh, kw), (H, W, C) = self.kernel_size, image_shape(input_shape, repr(self))
        init = initializers.get(self.kernel_initializer, self.activation.name)
        kernel, bias = init(rng, kh * kw * C, kh * kw * self.filters, (kh, kw, C, self.filters), dtype)
        self.add_param("W", kernel, regularize=True)
        if self.use_bias:
            self.add_param("b", bias)
        self.input_shape = (H, W, C)
        return self.output_shape

    def forward(self, X, training=False):
        n = X.shape[0]
        cols = im2col(X, self.kernel_size, self.strides, self.padding,
                      alloc=self.buffer, ones_column=self.use_bias)
        Z = self.buffer("Z", (cols.shape[0], self.filters), self.params["W"].dtype)
        np.matmul(cols, self._kernel_matrix(), out=Z)
        act = self.activation
        # Output-only derivatives (relu, tanh, logistic) let the activation overwrite Z.
        A = act.forward(Z, out=Z if act.uses_output else self.buffer("A", Z.shape, Z.dtype))
        self._cache = (X.shape, cols, Z, A)
        return A.reshape(n, *self.output_shape)

    def _kernel_matrix(self):
        """``W`` as a (kh*kw*c_in, filters) matrix, with the bias as an extra last row.

        The patch matrix carries a matching column of ones, so one GEMM adds the bias.
        """
        W = self.params["W"].reshape(-1, self.filters)
        if not self.use_bias:
            return W
        Wb = self.buffer("Wb", (W.shape[0] + 1, self.filters), W.dtype)
        Wb[:-1] = W
        Wb[-1] = self.params["b"]
        return Wb

    def backward(self, dY):
        x_shape, cols, Z, A = self._cache
        act = self.activation
        dZ = act.backward(dY.reshape(A.shape), A, None if act.uses_output else Z)
        self._kernel_grads(cols, dZ)
        if self.skip_input_grad:
            return None
        return self._input_grad(dZ, x_shape)

    def _kernel_grads(self, cols, dZ):
        """``[dW; db] = patches^T dZ``: the ones column of the patches yields db in the
        same GEMM. Any consistent row order of ``cols`` and ``dZ`` gives the same sums."""
        gW = self.grads["W"].reshape(-1, self.filters)
        if self.use_bias:
            gWb = self.buffer("dWb", (gW.shape[0] + 1, self.filters), dZ.dtype)
            np.matmul(cols.T, dZ, out=gWb)
            gW[...] = gWb[:-1]
            self.grads["b"][...] = gWb[-1]
        else:
            np.matmul(cols.T, dZ, out=gW)

    def _input_grad(self, dZ, x_shape):
        """dX from dZ of shape (n * Ho * Wo, filters) in NHWC row order."""
        kh, kw, c_in, _ = self.params["W"].shape
        W_t = self.params["W"].reshape(kh * kw, c_in, self.filters).transpose(0, 2, 1)
        # One offset's patch gradient at a time, (N, F) @ (F, C), into one reused
        # buffer: all kh*kw of them at once would be the largest array of the backward
        # pass (9 times the input's size for 3x3 kernels).
        dcol = self.buffer("dcol", (dZ.shape[0], c_in), dZ.dtype)
        dX = self.buffer("dX", x_shape, dZ.dtype)
        return col2im_by_offset(lambda k: np.matmul(dZ, W_t[k], out=dcol), x_shape,
                                self.kernel_size, self.strides, self.padding, out=dX)

    def __repr__(self):
        return (f"Conv2D({self.filters}, kernel_size={self.kernel_size}, strides={self.strides}, "
                f"padding={self.padding!r}, activation={self.activation.name!r})")
