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
    n, H, W, C = input_shape
    (Ho, ph), (Wo, pw) = (conv_geometry(H, kernel[0], strides[0], padding),
                          conv_geometry(W, kernel[1], strides[1], padding))
    d = dcols.reshape(kernel[0], kernel[1], n, Ho, Wo, C)
    if out is None:
        out = np.empty(input_shape, dtype=dcols.dtype)
    blocks = list(_offset_blocks((H, W), (Ho, Wo), kernel, strides, (ph, pw)))
    # An offset whose block covers every pixel can be assigned instead of added,
    # which saves zeroing dX (the centre tap of a stride-1 'same' convolution does).
    full = next((b for b in blocks if _covers(b, H, W)), None)
    if full is None:
        out.fill(0)
    for i, j, ro, co, ri, ci in blocks:
        if full is not None and (i, j) == full[:2]:
            out[...] = d[i, j]
    for i, j, ro, co, ri, ci in blocks:
        if full is None or (i, j) != full[:2]:
            out[:, ri, ci] += d[i, j, :, ro, co]
    return out


def _covers(block, H, W):
    """Whether an offset block reads every input pixel exactly once (stride 1, full)."""
    _, _, _, _, ri, ci = block
    return (ri.step in (1, None) and ci.step in (1, None)
            and ri.stop - ri.start == H and ci.stop - ci.start == W)


def pool_geometry(size, pool, stride):
    """Output length of a 'valid' pooling window along one axis."""
    if pool > size:
        raise ValueError(f"pool of size {pool} is larger than the input of size {size}")
    return (size - pool) // stride + 1


def _axis_slices(size, pool, stride, axis):
    """Index tuples selecting, for each window offset, the inputs it reads along ``axis``."""
    n_out = pool_geometry(size, pool, stride)
    for k in range(pool):
        sl = slice(k, k + (n_out - 1) * stride + 1, stride)
        yield (slice(None),) * axis + (sl,)


def _max_axis(X, axis, pool, stride, alloc, tag, with_argmax):
    """Window maximum along one axis, and the window offset holding it (or None)."""
    if pool == 1 and stride == 1:
        return X, None
    shape = list(X.shape)
    shape[axis] = pool_geometry(X.shape[axis], pool, stride)
    out = _alloc(alloc, "max_" + tag, tuple(shape), X.dtype)
    views = [X[s] for s in _axis_slices(X.shape[axis], pool, stride, axis)]
    if not with_argmax:
        np.copyto(out, views[0])
        for v in views[1:]:
            np.maximum(out, v, out=out)
        return out, None
    won = _alloc(alloc, "argmax_" + tag, tuple(shape), np.uint8)
    if pool == 2:
        # strict '>' keeps the first maximum; bool and uint8 share their bytes
        np.greater(views[1], views[0], out=won.view(bool))
        np.maximum(views[0], views[1], out=out)
        return out, won
    np.copyto(out, views[0])
    won.fill(0)
    for k, v in enumerate(views[1:], start=1):
        np.copyto(won, k, where=v > out)
        np.maximum(out, v, out=out)
    return out, won


def _max_axis_backward(dY, won, in_shape, axis, pool, stride, out):
    """Route ``dY`` along one axis to the offsets recorded in ``won``."""
    if won is None:
        return dY
    tiled = pool == stride and in_shape[axis] % pool == 0
    if not tiled:
        out.fill(0)
    slices = list(_axis_slices(in_shape[axis], pool, stride, axis))
    if tiled and pool == 2:
        # the winner gets dY, the other input dY - dY = 0: two passes, no comparisons
        np.multiply(dY, won.view(bool), out=out[slices[1]])
        np.subtract(dY, out[slices[1]], out=out[slices[0]])
        return out
    hit = np.empty(dY.shape, dtype=bool)
    for k, sl in enumerate(slices):
        np.equal(won, k, out=hit)
        if tiled:
            np.multiply(dY, hit, out=out[sl])
        else:
            out[sl] += dY * hit
    return out


def _check_pool(X, pool, strides):
    if X.ndim != 4:
        raise ValueError(f"expected images of shape (n, H, W, C), got shape {X.shape}")
    if pool[0] > 256 or pool[1] > 256:
        raise ValueError(f"pool of size {tuple(pool)} has more than 256 offsets along an axis")
    pool_geometry(X.shape[1], pool[0], strides[0])
    pool_geometry(X.shape[2], pool[1], strides[1])


def max_pool(X, pool, strides, alloc=None, with_argmax=True):
    """Max over windows, and which offsets held the (first) maximum.

    ``Y[b, r, c, ch] = max_{i,j} X[b, r*sh + i, c*sw + j, ch]``, computed as a row
    maximum followed by a column maximum.

    Parameters
    ----------
    X : ndarray of shape (n, H, W, C)
    pool, strides : tuple of int (ph, pw), (sh, sw)
    alloc : callable ``alloc(key, shape, dtype) -> ndarray``, optional
        Source of scratch arrays.
    with_argmax : bool, default=True
        Record the winners; inference has no backward pass and skips it.

    Returns
    -------
    Y : ndarray of shape (n, Ho, Wo, C)
    switches : tuple or None
        Opaque record of the winning offsets, for :func:`max_pool_backward`.
    """
    _check_pool(X, pool, strides)
    R, won_rows = _max_axis(X, 1, pool[0], strides[0], alloc, "rows", with_argmax)
    Y, won_cols = _max_axis(R, 2, pool[1], strides[1], alloc, "cols", with_argmax)
    if not with_argmax:
        return Y, None
    return Y, (won_rows, won_cols, R.shape)


def max_pool_backward(dY, switches, input_shape, pool, strides, alloc=None):
    """Route each output gradient to the input that held the window's maximum.

    Parameters
    ----------
    dY : ndarray of shape (n, Ho, Wo, C)
    switches : tuple, as returned by :func:`max_pool`
    input_shape : tuple of int (n, H, W, C)
    pool, strides : tuple of int
    alloc : callable, optional

    Returns
    -------
    dX : ndarray of shape (n, H, W, C)
    """
    won_rows, won_cols, r_shape = switches
    dR = _max_axis_backward(dY, won_cols, r_shape, 2, pool[1], strides[1],
                            _alloc(alloc, "dmax_cols", r_shape, dY.dtype))
    return _max_axis_backward(dR, won_rows, input_shape, 1, pool[0], strides[0],
                              _alloc(alloc, "dmax_rows", tuple(input_shape), dY.dtype))


def _mean_axis(X, axis, pool, stride, out):
    views = [X[s] for s in _axis_slices(X.shape[axis], pool, stride, axis)]
    np.copyto(out, views[0])
    for v in views[1:]:
        out += v
    return out


def avg_pool(X, pool, strides, alloc=None):
    """Mean over windows: ``Y[b, r, c, ch] = mean_{i,j} X[b, r*sh + i, c*sw + j, ch]``.

    Parameters
    ----------
    X : ndarray of shape (n, H, W, C)
    pool, strides : tuple of int
    alloc : callable, optional

    Returns
    -------
    Y : ndarray of shape (n, Ho, Wo, C)
    """
    _check_pool(X, pool, strides)
    n, H, W, C = X.shape
    Ho, Wo = pool_geometry(H, pool[0], strides[0]), pool_geometry(W, pool[1], strides[1])
    R = _mean_axis(X, 1, pool[0], strides[0], _alloc(alloc, "sum_rows", (n, Ho, W, C), X.dtype))
    Y = _mean_axis(R, 2, pool[1], strides[1], _alloc(alloc, "avg", (n, Ho, Wo, C), X.dtype))
    Y *= 1.0 / (pool[0] * pool[1])
    return Y


def _spread_axis(dY, in_shape, axis, pool, stride, out):
    """Adjoint of the window sum along one axis: copy ``dY`` to every offset."""
    tiled = pool == stride and in_shape[axis] % pool == 0
    if not tiled:
        out.fill(0)
    for sl in _axis_slices(in_shape[axis], pool, stride, axis):
        if tiled:
            out[sl] = dY
        else:
            out[sl] += dY
    return out


def avg_pool_backward(dY, input_shape, pool, strides, alloc=None):
    """Spread each output gradient evenly over its window.

    Parameters
    ----------
    dY : ndarray of shape (n, Ho, Wo, C)
    input_shape : tuple of int (n, H, W, C)
    pool, strides : tuple of int
    alloc : callable, optional

    Returns
    -------
    dX : ndarray of shape (n, H, W, C)
    """
    n, H, W, C = input_shape
    Ho = pool_geometry(H, pool[0], strides[0])
    share = _alloc(alloc, "davg", dY.shape, dY.dtype)
    np.multiply(dY, 1.0 / (pool[0] * pool[1]), out=share)
    dR = _spread_axis(share, (n, Ho, W, C), 2, pool[1], strides[1],
                      _alloc(alloc, "davg_cols", (n, Ho, W, C), dY.dtype))
    return _spread_axis(dR, input_shape, 1, pool[0], strides[0],
                        _alloc(alloc, "davg_rows", tuple(input_shape), dY.dtype))


def max_blocks(Z, alloc=None, with_argmax=True):
    """Elementwise maximum over contiguous blocks: ``Y = max_k Z[k]``.

    With patch rows ordered by pool-window offset (``im2col(..., blocks=pool)``), this
    is the max pool of the convolution's output, computed by a pairwise tree of
    maxima over contiguous arrays instead of strided window slices.

    Parameters
    ----------
    Z : ndarray of shape (P, M, F)
        One block per window offset.
    alloc : callable, optional
    with_argmax : bool, default=True
        Record each comparison's winner for :func:`max_blocks_backward`.

    Returns
    -------
    Y : ndarray of shape (M, F)
    switches : list of list of ndarray of bool, or None
        Per tree level, per pair: True where the second of the pair won.
    """
    level, switches, depth = list(Z), [], 0
    while len(level) > 1:
        nxt, won = [], []
        for i in range(0, len(level) - 1, 2):
            a, b = level[i], level[i + 1]
            if with_argmax:
                # strict '>' keeps the first maximum: one winner per window, even on ties
                won.append(np.greater(b, a, out=_alloc(alloc, f"won{depth}_{i}", a.shape, bool)))
            nxt.append(np.maximum(a, b, out=_alloc(alloc, f"max{depth}_{i}", a.shape, a.dtype)))
        nxt += level[len(level) - len(level) % 2:]  # an odd block out goes up as it is
        switches.append(won)
        level, depth = nxt, depth + 1
    return level[0], (switches if with_argmax else None)


def max_blocks_backward(dY, switches, n_blocks, alloc=None):
    """Adjoint of :func:`max_blocks`: each gradient goes down to its window's winner.

    Parameters
    ----------
    dY : ndarray of shape (M, F)
    switches : as returned by :func:`max_blocks`
    n_blocks : int
        P, the number of blocks of the forward input.
    alloc : callable, optional

    Returns
    -------
    dZ : ndarray of shape (P, M, F)
    """
    sizes = [n_blocks]
    while sizes[-1] > 1:
        sizes.append(-(-sizes[-1] // 2))
    dZ = _alloc(alloc, "dmax_blocks", (n_blocks,) + dY.shape, dY.dtype)
    grads = [dY]
    for depth in reversed(range(len(switches))):
        below = (list(dZ) if depth == 0 else
                 [_alloc(alloc, f"dmax{depth}_{k}", dY.shape, dY.dtype) for k in range(sizes[depth])])
        for i, won in enumerate(switches[depth]):
            # the winner of a pair gets the gradient, the loser d - d = 0
            np.multiply(grads[i], won, out=below[2 * i + 1])
            np.subtract(grads[i], below[2 * i + 1], out=below[2 * i])
        if sizes[depth] % 2:
            np.copyto(below[-1], grads[-1])
        grads = below
    if n_blocks == 1:
        np.copyto(dZ[0], dY)
    return dZ


def unblock(Zb, n, out_hw, blocks, out=None):
    """Rows ordered by :func:`im2col`'s ``blocks`` back to NHWC: (P, M, F) -> (n, Ho, Wo, F)."""
    (Ho, Wo), (bh, bw), F = out_hw, blocks, Zb.shape[-1]
    out = np.empty((n, Ho, Wo, F), Zb.dtype) if out is None else out
    src = Zb.reshape(bh, bw, n, Ho // bh, Wo // bw, F).transpose(2, 3, 0, 4, 1, 5)
    np.copyto(out.reshape(n, Ho // bh, bh, Wo // bw, bw, F), src)
    return out
