"""Index arithmetic of convolution and pooling: pure functions, no state, no classes.

Layout
------
Everything in the core is **channels last (NHWC)**: a batch of images is an array of
shape ``(n, H, W, C)``, a convolution kernel has shape ``(kh, kw, c_in, c_out)``. This
is the one place that says so; layers and estimators rely on it.

Why NHWC: the patch matrix built by :func:`im2col` then has rows ``(n, out_row, out_col)``
and columns ``(kernel_row, kernel_col, channel)``, so the forward product
``cols @ W.reshape(-1, c_out)`` is one GEMM whose result *is* the NHWC output (no
transpose), and the kernel gradient ``cols.T @ dY`` is another GEMM on the same
contiguous matrix. Copies along the channel axis move whole contiguous runs.

Convolution is a patch matrix times a kernel matrix: :func:`im2col` materializes the
patches with one strided copy (one shifted copy per kernel offset for single-channel
images), so that the forward pass and the kernel gradient are one BLAS GEMM each. The
input gradient goes the other way: a batched GEMM gives every offset's patch
gradient, and :func:`col2im` adds each offset's block onto the input gradient.

Pooling of NHWC maps is separable: a window maximum (or mean) over rows, then over
columns. The row pass moves whole image rows (long contiguous runs), and the column
pass works on an array already shrunk by the row pool; both keep the offset that won,
so the backward pass routes every gradient to exactly one input even when values tie.

A max pool right after a convolution can do better: ``im2col(..., blocks=pool)``
orders the patch rows by window offset, so the GEMM writes each offset's outputs as
one contiguous block and :func:`max_blocks` pools with elementwise maxima of whole
blocks (strided slices with short runs of channels cost about three times as much per
value). :func:`unblock` restores NHWC order where it is needed.

The only Python loops run over kernel (or pool) offsets, never over samples or pixels.
"""

from ._im2col import col2im, col2im_by_offset, conv_geometry, im2col, unblock
from ._pooling import (
                       avg_pool,
                       avg_pool_backward,
                       max_blocks,
                       max_blocks_backward,
                       max_pool,
                       max_pool_backward,
                       pool_geometry,
)

__all__ = ["avg_pool", "avg_pool_backward", "col2im", "col2im_by_offset", "conv_geometry",
           "im2col", "max_blocks", "max_blocks_backward", "max_pool", "max_pool_backward",
           "pool_geometry", "unblock"]
