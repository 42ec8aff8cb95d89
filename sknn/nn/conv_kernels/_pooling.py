"""Separable max and average pooling of NHWC maps, and max pooling over the
contiguous blocks that :func:`~sknn.nn.conv_kernels.im2col` can produce."""

import numpy as np

from ._im2col import _alloc


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


def max_blocks(Z, alloc=None, with_argmax=True, overwrite=False):
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
    overwrite : bool, default=False
        Write each pair's maximum over the first of the pair, so that no scratch
        arrays are taken (Z is spoilt; Y is then a view of ``Z[0]``). For callers that
        need Z no more, such as a max pool before a monotone activation.

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
            out = a if overwrite else _alloc(alloc, f"max{depth}_{i}", a.shape, a.dtype)
            nxt.append(np.maximum(a, b, out=out))
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
        # Node k of level `depth` covers blocks k * 2**depth onwards, so its gradient
        # can live in the first of them until it is split further down: no scratch
        # arrays. (A pair's gradient and its first child share that block; the split
        # below reads it before overwriting it, elementwise.)
        below = [dZ[k << depth] for k in range(sizes[depth])]
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
