"""2-D convolution with its activation fused in: ``A = act(conv(X, W) + b)``."""

import numpy as np

from .. import activations, initializers
from ..conv_kernels import col2im_by_offset, conv_geometry, im2col
from .base import Layer, _size

#: Most values of one sub-batch's patch matrix (4 MiB of float32, 8 MiB of float64).
#: The patch matrix is ``kh * kw * c_in`` times the size of the layer's input (92 MB
#: for a batch of 32 maps of 50 x 50 x 32 under a 3 x 3 kernel): kept whole for the
#: kernel gradient it would be the largest array of a training step and make peak
#: memory grow with the image size times that factor. Batches whose patches take more
#: go through im2col and the GEMMs a few images at a time (at least one), and backward
#: rebuilds each sub-batch's patches into the same workspace. One image of 50 x 50
#: positions already gives a GEMM of 2,500 rows, at full speed; a sub-batch that stays
#: in the processor's caches made 100 x 100 RGB training ~5 % faster than whole
#: batches, and 8 or 16 MiB were no faster while keeping 20 or 60 MiB more (measured).
#: A batch of 32 CIFAR-sized images fits in one piece for the first convolution.
PATCH_WORKSPACE_VALUES = 2**20


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
        # Z and A, and dX of the input's size; the patches and the patch gradient live
        # in the sub-batch workspace (workspace_size), which does not grow with the batch
        Ho, Wo, F = Conv2D.compute_output_shape(self, input_shape)  # before any pooling
        return 2 * Ho * Wo * F + _size(input_shape)

    def workspace_size(self, input_shape, batch_rows):
        # One sub-batch's patches, padded input and one offset's patch gradient
        rows = self._sub_batch_rows(input_shape, batch_rows)
        return rows * self._sub_batch_values(input_shape)

    def _sub_batch_values(self, input_shape):
        """Values per image of the arrays that backward keeps for one sub-batch only."""
        Ho, Wo, _ = Conv2D.compute_output_shape(self, input_shape)
        (kh, kw), (sh, sw), C = self.kernel_size, self.strides, int(input_shape[-1])
        padded = ((Ho - 1) * sh + kh) * ((Wo - 1) * sw + kw) * C if self.padding == "same" else 0
        return self._patch_values(input_shape) + padded + Ho * Wo * C

    def _patch_values(self, input_shape):
        """Values per image of the patch matrix: a row per output position."""
        Ho, Wo, _ = Conv2D.compute_output_shape(self, input_shape)
        (kh, kw), C = self.kernel_size, int(input_shape[-1])
        return Ho * Wo * (kh * kw * C + int(self.use_bias))

    def _sub_batch_rows(self, input_shape, n):
        """Images per sub-batch: as many as fit :data:`PATCH_WORKSPACE_VALUES`, at least one."""
        return max(1, min(n, PATCH_WORKSPACE_VALUES // self._patch_values(input_shape)))

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

    #: Row order of the patch matrix (``im2col``'s ``blocks``); a fused pool changes it.
    _blocks = (1, 1)

    #: Sub-batch scratch arrays that never live at once, and so share a buffer: key -> key.
    _shared_keys = {}

    def forward(self, X, training=False):
        n, spans, rows = X.shape[0], *self._sub_batches(X)
        positions = self.output_shape[0] * self.output_shape[1]
        Z = self.buffer("Z", (n * positions, self.filters), self.params["W"].dtype)
        Wk = self._kernel_matrix()
        for s, e in spans:
            cols = self._patches(X, s, e, rows)
            np.matmul(cols, Wk, out=Z[s * positions:e * positions])
        act = self.activation
        # Output-only derivatives (relu, tanh, logistic) let the activation overwrite Z.
        A = act.forward(Z, out=Z if act.uses_output else self.buffer("A", Z.shape, Z.dtype))
        # backward rebuilds the patches from X; the last sub-batch's are still in the
        # workspace (the whole batch's when it fits in one sub-batch). Prediction keeps
        # no reference to X: it may be a caller's large array.
        self._cache = (X if training or self.keep_cache else None, cols, Z, A)
        return A.reshape(n, *self.output_shape)

    def _sub_batches(self, X):
        """Image ranges ``[s, e)`` of at most ``rows`` images each, and ``rows``."""
        n = X.shape[0]
        rows = self._sub_batch_rows(X.shape[1:], n)
        # an empty batch is one empty sub-batch, as im2col takes it
        return [(s, min(s + rows, n)) for s in range(0, max(n, 1), rows)], rows

    def _workspace(self, images, rows):
        """An ``alloc`` for the arrays of one sub-batch of ``images`` images.

        Each key's array is the leading part of one flat buffer sized for ``rows``
        images (every such array is linear in the number of images), so a last, shorter
        sub-batch reuses the buffer instead of replacing it.
        """
        def alloc(key, shape, dtype):
            size = _size(shape)
            key = self._shared_keys.get(key, key)
            return self.buffer(key, (size // max(images, 1) * rows,), dtype)[:size].reshape(shape)
        return alloc

    def _patches(self, X, s, e, rows):
        """Patch matrix of images ``s:e``, shape ((e - s) * Ho * Wo, kh * kw * c_in + use_bias)."""
        return im2col(X[s:e], self.kernel_size, self.strides, self.padding,
                      alloc=self._workspace(e - s, rows), ones_column=self.use_bias,
                      blocks=self._blocks)

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
        X, cols, Z, A = self._cache
        if X is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward pass with "
                               "training=True (or keep_cache=True)")
        act = self.activation
        dZ = act.backward(dY.reshape(A.shape), A, None if act.uses_output else Z)
        positions = self.output_shape[0] * self.output_shape[1]
        return self._backward_sub_batches(
            X, cols, lambda s, e, alloc: dZ[s * positions:e * positions])

    def _backward_sub_batches(self, X, cols, sub_batch_grad):
        """Fill the kernel gradients and return dX, one sub-batch at a time.

        Parameters
        ----------
        X : ndarray of shape (n, H, W, c_in)
            The forward pass's input.
        cols : ndarray
            The last sub-batch's patch matrix, which forward left in the workspace:
            sub-batches go last to first so that it is not rebuilt.
        sub_batch_grad : callable ``(s, e, alloc) -> ndarray``
            ``dZ`` of images ``s:e``, shape ((e - s) * Ho * Wo, filters), in the patch
            matrix's row order; ``alloc`` gives sub-batch scratch.

        Returns
        -------
        dX : ndarray of shape (n, H, W, c_in), or None with ``skip_input_grad``
        """
        spans, rows = self._sub_batches(X)
        dtype = self.params["W"].dtype
        dX = None if self.skip_input_grad else self.buffer("dX", X.shape, dtype)
        gW = self.grads["W"].reshape(-1, self.filters)
        # the ones column of the patches yields db in the same GEMM, as a last row
        gWb = self.buffer("dWb", (gW.shape[0] + 1, self.filters), dtype) if self.use_bias else gW
        for k, (s, e) in enumerate(reversed(spans)):
            alloc = self._workspace(e - s, rows)
            if k:
                cols = self._patches(X, s, e, rows)
            dZ = sub_batch_grad(s, e, alloc)
            # [dW; db] = patches^T dZ, summed over sub-batches
            if k == 0:
                np.matmul(cols.T, dZ, out=gWb)
            else:
                gWb += np.matmul(cols.T, dZ, out=self.buffer("dWb_part", gWb.shape, dtype))
            if dX is not None:
                self._input_grad(self._nhwc(dZ, e - s, alloc), dX[s:e], alloc)
        if self.use_bias:
            gW[...] = gWb[:-1]
            self.grads["b"][...] = gWb[-1]
        return dX

    def _nhwc(self, dZ, images, alloc):
        """``dZ`` of a sub-batch in NHWC row order, as col2im takes it (already is here)."""
        return dZ

    def _input_grad(self, dZ, dX, alloc):
        """dX of a sub-batch from its dZ of shape (m * Ho * Wo, filters) in NHWC row order.

        Parameters
        ----------
        dZ : ndarray of shape (m * Ho * Wo, filters)
        dX : ndarray of shape (m, H, W, c_in)
            Destination (overwritten).
        alloc : callable
            Sub-batch scratch.
        """
        kh, kw, c_in, _ = self.params["W"].shape
        W_t = self.params["W"].reshape(kh * kw, c_in, self.filters).transpose(0, 2, 1)
        # One offset's patch gradient at a time, (N, F) @ (F, C), into one reused
        # buffer: all kh*kw of them at once would be the largest array of the backward
        # pass (9 times the input's size for 3x3 kernels).
        dcol = alloc("dcol", (dZ.shape[0], c_in), dZ.dtype)
        return col2im_by_offset(lambda k: np.matmul(dZ, W_t[k], out=dcol), dX.shape,
                                self.kernel_size, self.strides, self.padding, out=dX)

    def __repr__(self):
        return (f"Conv2D({self.filters}, kernel_size={self.kernel_size}, strides={self.strides}, "
                f"padding={self.padding!r}, activation={self.activation.name!r})")
