"""Convolution's patch matrices: im2col, col2im, and the block order a fused max pool
uses (see the package docstring for the layout)."""

import numpy as np

_PADDINGS = ("valid", "same")


def conv_geometry(size, kernel, stride, padding):
    """Output length and padding of one spatial axis.

    Parameters
    ----------
    size, kernel, stride : int
        Input length, window length and step along the axis.
    padding : {'valid', 'same'}
        'valid' uses only whole windows inside the input; 'same' pads with zeros so
        that the output has ``ceil(size / stride)`` positions (the extra zero goes
        after the input when the total padding is odd).

    Returns
    -------
    out : int
        Number of output positions.
    pad_before : int
        Zeros logically added before the input.
    """
    if padding == "valid":
        if kernel > size:
            raise ValueError(
                f"kernel of size {kernel} is larger than the input of size {size} "
                "with padding='valid'"
            )
        return (size - kernel) // stride + 1, 0
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return out, total // 2
    raise ValueError(f"padding={padding!r} is not one of {list(_PADDINGS)}")


def _valid_range(n_out, offset, stride, pad, size):
    """Output positions ``r`` with ``0 <= r*stride + offset - pad < size``, as [lo, hi)."""
    shift = offset - pad
    lo = max(0, -(shift // stride)) if shift < 0 else 0
    # largest r with r*stride + shift <= size - 1
    hi = min(n_out, (size - 1 - shift) // stride + 1) if size - 1 - shift >= 0 else 0
    return lo, max(lo, hi)


def _offset_blocks(in_hw, out_hw, kernel, strides, pads):
    """For each kernel offset, the output block and the input block it reads.

    Yields ``(i, j, out_rows, out_cols, in_rows, in_cols)`` where the four are slices.
    """
    (H, W), (Ho, Wo), (kh, kw), (sh, sw), (ph, pw) = in_hw, out_hw, kernel, strides, pads
    for i in range(kh):
        r0, r1 = _valid_range(Ho, i, sh, ph, H)
        rs = r0 * sh + i - ph
        for j in range(kw):
            c0, c1 = _valid_range(Wo, j, sw, pw, W)
            cs = c0 * sw + j - pw
            yield (
                i, j, slice(r0, r1), slice(c0, c1),
                slice(rs, rs + (r1 - r0 - 1) * sh + 1, sh) if r1 > r0 else slice(0, 0),
                slice(cs, cs + (c1 - c0 - 1) * sw + 1, sw) if c1 > c0 else slice(0, 0),
            )


def _alloc(alloc, key, shape, dtype):
    """A scratch array from the caller's allocator (e.g. ``Layer.buffer``) or a new one."""
    return np.empty(shape, dtype) if alloc is None else alloc(key, shape, dtype)


def _padded(X, kernel, strides, padding, alloc):
    """``X`` with the zero padding of a 'same' convolution, and the output size."""
    n, H, W, C = X.shape
    (Ho, ph), (Wo, pw) = (conv_geometry(H, kernel[0], strides[0], padding),
                          conv_geometry(W, kernel[1], strides[1], padding))
    Hp, Wp = max(H + ph, (Ho - 1) * strides[0] + kernel[0]), max(W + pw, (Wo - 1) * strides[1] + kernel[1])
    if (Hp, Wp) == (H, W):
        return X, Ho, Wo
    Xp = _alloc(alloc, "im2col_pad", (n, Hp, Wp, C), X.dtype)
    # a reused buffer may hold anything: zero the border bands, copy the interior
    Xp[:, :ph] = 0
    Xp[:, ph + H:] = 0
    Xp[:, ph:ph + H, :pw] = 0
    Xp[:, ph:ph + H, pw + W:] = 0
    Xp[:, ph:ph + H, pw:pw + W] = X
    return Xp, Ho, Wo


def _patches(Xp, out_hw, kernel, strides, blocks):
    """A strided view of every patch: shape (bh, bw, n, Ho/bh, Wo/bw, kh, kw, C).

    Output row ``r = r' * bh + a`` (and column alike) comes first by ``a``: with
    ``blocks`` equal to a pool window, each window offset is one contiguous block of
    rows of the patch matrix, and so of the GEMM's output.
    """
    (Ho, Wo), (kh, kw), (sh, sw), (bh, bw) = out_hw, kernel, strides, blocks
    if Ho % bh or Wo % bw:
        raise ValueError(f"output of {Ho} x {Wo} positions does not split into "
                         f"{bh} x {bw} blocks")
    n, C, s = Xp.shape[0], Xp.shape[3], Xp.strides
    return np.lib.stride_tricks.as_strided(
        Xp, (bh, bw, n, Ho // bh, Wo // bw, kh, kw, C),
        (sh * s[1], sw * s[2], s[0], bh * sh * s[1], bw * sw * s[2], s[1], s[2], s[3]),
        writeable=False)


def im2col(X, kernel, strides=(1, 1), padding="valid", alloc=None, ones_column=False,
           blocks=(1, 1)):
    """Patch matrix of a batch of images.

    ``cols[(b, r, c), (i, j, ch)] = Xpad[b, r*sh + i, c*sw + j, ch]``, where ``Xpad`` is
    ``X`` with zero padding.

    Parameters
    ----------
    X : ndarray of shape (n, H, W, C)
    kernel : tuple of int (kh, kw)
    strides : tuple of int (sh, sw)
    padding : {'valid', 'same'}
    alloc : callable ``alloc(key, shape, dtype) -> ndarray``, optional
        Source of scratch arrays (``Layer.buffer`` reuses them across batches).
    ones_column : bool, default=False
        Append a column of ones, so that a bias stacked under the kernel matrix is
        added by the GEMM itself and its gradient comes out of the kernel-gradient GEMM
        (a separate column sum over all pixels costs more than both).
    blocks : tuple of int (bh, bw), default=(1, 1)
        Order the rows ``(a, b, n, r', c')`` with ``r = r' bh + a``, ``c = c' bw + b``
        instead of ``(n, r, c)``: then a ``bh x bw`` max pool of the GEMM's output is
        an elementwise maximum of ``bh * bw`` contiguous blocks (see :func:`max_blocks`).

    Returns
    -------
    cols : ndarray of shape (n * Ho * Wo, kh * kw * C + ones_column)
        C-contiguous when ``C > 1``. With one channel it is the transpose of a
        C-contiguous array: each kernel offset is then one contiguous shifted copy of
        the image instead of scattered single pixels, and BLAS reads either layout
        without a copy.
    """
    Xp, Ho, Wo = _padded(X, kernel, strides, padding, alloc)
    patches = _patches(Xp, (Ho, Wo), kernel, strides, blocks)
    (kh, kw), (n, C) = kernel, (X.shape[0], X.shape[3])
    K, N, extra = kh * kw * C, n * Ho * Wo, int(bool(ones_column))
    if C == 1:
        buf = _alloc(alloc, "im2col", (K + extra, N), X.dtype)
        cols = buf[:K].reshape(kh, kw, *patches.shape[:5])  # leading rows: a view
        for i in range(kh):
            for j in range(kw):
                cols[i, j] = patches[..., i, j, 0]
        buf[K:] = 1
        return buf.T
    buf = _alloc(alloc, "im2col", (N, K + extra), X.dtype)
    item, row = buf.itemsize, buf.strides[0]
    # One strided view enumerates every patch; one copy materializes them all, moving
    # contiguous runs of kw * C values (a whole kernel row of channels) at a time.
    row_strides = np.cumprod((1,) + patches.shape[4:0:-1])[::-1] * row
    dest = np.lib.stride_tricks.as_strided(
        buf, patches.shape, tuple(row_strides) + (kw * C * item, C * item, item))
    np.copyto(dest, patches)
    buf[:, K:] = 1
    return buf


def col2im(dcols, input_shape, kernel, strides=(1, 1), padding="valid", out=None):
    """Adjoint of :func:`im2col`: sum each patch entry back onto the pixel it came from.

    The patches arrive **offset-major**, ``dcols[i * kw + j, (b, r, c), ch]``, which is
    what the batched product ``dY @ W[i, j].T`` yields for every offset at once; each
    offset then adds one block with contiguous rows to the input gradient.

    Parameters
    ----------
    dcols : ndarray of shape (kh * kw, n * Ho * Wo, C)
    input_shape : tuple of int (n, H, W, C)
    kernel, strides, padding
        As given to :func:`im2col`.
    out : ndarray of shape (n, H, W, C), optional
        Destination (overwritten).

    Returns
    -------
    dX : ndarray of shape (n, H, W, C)
    """
    return col2im_by_offset(lambda k: dcols[k], input_shape, kernel, strides, padding,
                            out=out, dtype=dcols.dtype)


def col2im_by_offset(offset_grad, input_shape, kernel, strides=(1, 1), padding="valid",
                     out=None, dtype=None):
    """:func:`col2im` with the patch gradient of one kernel offset at a time.

    ``offset_grad(k)`` returns offset ``k = i * kw + j``'s block, of shape
    ``(n * Ho * Wo, C)``; it is called once per offset and its result is consumed
    before the next call, so it may reuse one buffer: a layer then holds one offset's
    patch gradient instead of all ``kh * kw`` of them (the largest array of a
    convolution's backward pass for large images). Offsets are summed in the same
    order as :func:`col2im`'s, so both give the same floats.

    Parameters
    ----------
    offset_grad : callable ``offset_grad(k) -> ndarray of shape (n * Ho * Wo, C)``
    input_shape : tuple of int (n, H, W, C)
    kernel, strides, padding
        As given to :func:`im2col`.
    out : ndarray of shape (n, H, W, C), optional
        Destination (overwritten).
    dtype : numpy dtype, optional
        Of a new ``out`` (default float64).

    Returns
    -------
    dX : ndarray of shape (n, H, W, C)

    Examples
    --------
    >>> import numpy as np
    >>> d = np.ones((9, 4, 1))  # 3x3 kernel, 'same', one 2x2 image: 4 positions
    >>> col2im_by_offset(lambda k: d[k], (1, 2, 2, 1), (3, 3), padding="same")[0, :, :, 0]
    array([[4., 4.],
           [4., 4.]])
    """
    n, H, W, C = input_shape
    (Ho, ph), (Wo, pw) = (conv_geometry(H, kernel[0], strides[0], padding),
                          conv_geometry(W, kernel[1], strides[1], padding))
    blocks = list(_offset_blocks((H, W), (Ho, Wo), kernel, strides, (ph, pw)))
    # An offset whose block covers every pixel can be assigned instead of added,
    # which saves zeroing dX (the centre tap of a stride-1 'same' convolution does).
    full = next((b for b in blocks if _covers(b, H, W)), None)
    order = blocks if full is None else [full] + [b for b in blocks if b is not full]
    if out is None:
        out = np.empty(input_shape, dtype=dtype)
    if full is None:
        out.fill(0)
    for i, j, ro, co, ri, ci in order:
        d = offset_grad(i * kernel[1] + j).reshape(n, Ho, Wo, C)
        if full is not None and (i, j) == full[:2]:
            out[...] = d
        else:
            out[:, ri, ci] += d[:, ro, co]
    return out


def _covers(block, H, W):
    """Whether an offset block reads every input pixel exactly once (stride 1, full)."""
    _, _, _, _, ri, ci = block
    return (ri.step in (1, None) and ci.step in (1, None)
            and ri.stop - ri.start == H and ci.stop - ci.start == W)




def unblock(Zb, n, out_hw, blocks, out=None):
    """Rows ordered by :func:`im2col`'s ``blocks`` back to NHWC: (P, M, F) -> (n, Ho, Wo, F)."""
    (Ho, Wo), (bh, bw), F = out_hw, blocks, Zb.shape[-1]
    out = np.empty((n, Ho, Wo, F), Zb.dtype) if out is None else out
    src = Zb.reshape(bh, bw, n, Ho // bh, Wo // bw, F).transpose(2, 3, 0, 4, 1, 5)
    np.copyto(out.reshape(n, Ho // bh, bh, Wo // bw, bw, F), src)
    return out
