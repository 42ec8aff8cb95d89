"""The convolution and pooling kernels against naive loops over every pixel."""

import numpy as np
import pytest

from sknn.nn import conv_kernels as ck

GEOMETRIES = [
    # (H, W, kernel, strides, padding)
    (5, 5, (3, 3), (1, 1), "valid"),
    (5, 5, (3, 3), (1, 1), "same"),
    (6, 7, (3, 2), (2, 1), "same"),
    (7, 6, (2, 3), (2, 3), "valid"),
    (4, 4, (4, 4), (1, 1), "same"),
    (5, 4, (1, 1), (2, 2), "same"),
    (3, 8, (1, 5), (1, 2), "same"),
    (2, 2, (5, 5), (1, 1), "same"),
]


def naive_conv_geometry(size, k, s, padding):
    if padding == "valid":
        return (size - k) // s + 1, 0
    out = int(np.ceil(size / s))
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2


def naive_im2col(X, kernel, strides, padding):
    n, H, W, C = X.shape
    (Ho, ph), (Wo, pw) = (naive_conv_geometry(H, kernel[0], strides[0], padding),
                          naive_conv_geometry(W, kernel[1], strides[1], padding))
    cols = np.zeros((n, Ho, Wo, kernel[0], kernel[1], C), X.dtype)
    for b in range(n):
        for r in range(Ho):
            for c in range(Wo):
                for i in range(kernel[0]):
                    for j in range(kernel[1]):
                        y, x = r * strides[0] + i - ph, c * strides[1] + j - pw
                        if 0 <= y < H and 0 <= x < W:
                            cols[b, r, c, i, j] = X[b, y, x]
    return cols.reshape(n * Ho * Wo, -1)


def naive_conv(X, Wk, strides, padding):
    """Direct definition of the (cross-correlation) convolution, one output at a time."""
    n, H, W, _ = X.shape
    kh, kw, _, F = Wk.shape
    (Ho, ph), (Wo, pw) = (naive_conv_geometry(H, kh, strides[0], padding),
                          naive_conv_geometry(W, kw, strides[1], padding))
    Y = np.zeros((n, Ho, Wo, F))
    for b in range(n):
        for r in range(Ho):
            for c in range(Wo):
                for i in range(kh):
                    for j in range(kw):
                        y, x = r * strides[0] + i - ph, c * strides[1] + j - pw
                        if 0 <= y < H and 0 <= x < W:
                            Y[b, r, c] += X[b, y, x] @ Wk[i, j]
    return Y


@pytest.mark.parametrize("H, W, kernel, strides, padding", GEOMETRIES)
def test_im2col_matches_loop(H, W, kernel, strides, padding):
    X = np.random.default_rng(0).standard_normal((2, H, W, 3))
    expected = naive_im2col(X, kernel, strides, padding)
    np.testing.assert_array_equal(ck.im2col(X, kernel, strides, padding), expected)
    # dirty reused buffers must give the same result: padding bands are rewritten
    alloc = DirtyBuffers()
    for _ in range(2):
        np.testing.assert_array_equal(ck.im2col(X, kernel, strides, padding, alloc), expected)


@pytest.mark.parametrize("H, W, kernel, strides, padding", GEOMETRIES)
def test_im2col_single_channel(H, W, kernel, strides, padding):
    X = np.random.default_rng(0).standard_normal((2, H, W, 1))
    cols = ck.im2col(X, kernel, strides, padding, DirtyBuffers())
    np.testing.assert_array_equal(cols, naive_im2col(X, kernel, strides, padding))


class DirtyBuffers:
    """An allocator like ``Layer.buffer`` whose fresh arrays hold NaN, not zeros."""

    def __init__(self):
        self.arrays = {}

    def __call__(self, key, shape, dtype):
        if key not in self.arrays or self.arrays[key].shape != shape:
            self.arrays[key] = np.full(shape, np.nan if np.dtype(dtype).kind == "f" else 7, dtype)
        return self.arrays[key]


@pytest.mark.parametrize("H, W, kernel, strides, padding", GEOMETRIES)
def test_im2col_gemm_is_convolution(H, W, kernel, strides, padding):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, H, W, 3))
    Wk = rng.standard_normal((*kernel, 3, 4))
    cols = ck.im2col(X, kernel, strides, padding)
    Y = (cols @ Wk.reshape(-1, 4)).reshape(2, -1, naive_conv(X, Wk, strides, padding).shape[2], 4)
    np.testing.assert_allclose(Y, naive_conv(X, Wk, strides, padding), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("H, W, kernel, strides, padding", GEOMETRIES)
def test_col2im_is_adjoint_of_im2col(H, W, kernel, strides, padding):
    # <im2col(X), D> == <X, col2im(D)> for all X, D defines the adjoint; check it
    # against the naive scatter loop too
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, H, W, 3))
    cols = ck.im2col(X, kernel, strides, padding)
    D = rng.standard_normal(cols.shape)
    # col2im takes the patches offset-major: (kh * kw, n * Ho * Wo, C)
    D_offsets = D.reshape(len(D), kernel[0] * kernel[1], 3).transpose(1, 0, 2)
    dX = ck.col2im(D_offsets, X.shape, kernel, strides, padding, out=np.full(X.shape, np.nan))
    np.testing.assert_allclose(np.sum(cols * D), np.sum(X * dX), rtol=1e-12)
    naive = np.zeros_like(X)
    (Ho, ph), (Wo, pw) = (naive_conv_geometry(H, kernel[0], strides[0], padding),
                          naive_conv_geometry(W, kernel[1], strides[1], padding))
    D6 = D.reshape(2, Ho, Wo, kernel[0], kernel[1], 3)
    for b, r, c, i, j in np.ndindex(2, Ho, Wo, *kernel):
        y, x = r * strides[0] + i - ph, c * strides[1] + j - pw
        if 0 <= y < H and 0 <= x < W:
            naive[b, y, x] += D6[b, r, c, i, j]
    np.testing.assert_allclose(dX, naive, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size, k, s, padding, expected", [
    (28, 3, 1, "same", (28, 1)), (28, 3, 1, "valid", (26, 0)), (28, 2, 2, "same", (14, 0)),
    (7, 3, 2, "same", (4, 1)), (8, 4, 3, "same", (3, 1)), (8, 8, 1, "valid", (1, 0)),
])
def test_conv_geometry(size, k, s, padding, expected):
    assert ck.conv_geometry(size, k, s, padding) == expected


def test_conv_geometry_errors():
    with pytest.raises(ValueError, match="kernel of size 5 is larger than the input of size 4"):
        ck.conv_geometry(4, 5, 1, "valid")
    with pytest.raises(ValueError, match="padding='full' is not one of"):
        ck.conv_geometry(4, 3, 1, "full")
    with pytest.raises(ValueError, match="pool of size 3 is larger"):
        ck.pool_geometry(2, 3, 1)


def naive_pool(X, pool, strides, reduce):
    n, H, W, C = X.shape
    Ho, Wo = (H - pool[0]) // strides[0] + 1, (W - pool[1]) // strides[1] + 1
    Y = np.zeros((n, Ho, Wo, C))
    for b, r, c, ch in np.ndindex(n, Ho, Wo, C):
        y, x = r * strides[0], c * strides[1]
        Y[b, r, c, ch] = reduce(X[b, y:y + pool[0], x:x + pool[1], ch])
    return Y


POOLS = [((2, 2), (2, 2), 6, 6), ((2, 2), (2, 2), 7, 5), ((3, 3), (2, 2), 7, 7),
         ((3, 2), (1, 2), 5, 6), ((2, 3), (3, 3), 8, 9), ((1, 1), (1, 1), 3, 3)]


@pytest.mark.parametrize("pool, strides, H, W", POOLS)
def test_max_pool_matches_loop(pool, strides, H, W):
    X = np.random.default_rng(3).standard_normal((2, H, W, 3))
    Y, switches = ck.max_pool(X, pool, strides, DirtyBuffers())
    np.testing.assert_array_equal(Y, naive_pool(X, pool, strides, np.max))
    Y_inference, none = ck.max_pool(X, pool, strides, DirtyBuffers(), with_argmax=False)
    np.testing.assert_array_equal(Y_inference, Y)
    assert none is None
    # backward: the gradient of each output goes to its window's argmax
    dY = np.random.default_rng(4).standard_normal(Y.shape)
    naive = np.zeros_like(X)
    for b, r, c, ch in np.ndindex(*Y.shape):
        win = X[b, r * strides[0]:r * strides[0] + pool[0], c * strides[1]:c * strides[1] + pool[1], ch]
        i, j = np.unravel_index(np.argmax(win), win.shape)
        naive[b, r * strides[0] + i, c * strides[1] + j, ch] += dY[b, r, c, ch]
    dX = ck.max_pool_backward(dY, switches, X.shape, pool, strides, DirtyBuffers())
    np.testing.assert_allclose(dX, naive, rtol=1e-12, atol=1e-12)


def test_max_pool_ties_route_to_one_input():
    for pool, strides in [((2, 2), (2, 2)), ((3, 3), (3, 3)), ((3, 2), (1, 1))]:
        X = np.zeros((1, 6, 6, 2))  # e.g. a ReLU output that is zero everywhere
        Y, switches = ck.max_pool(X, pool, strides)
        dX = ck.max_pool_backward(np.ones_like(Y), switches, X.shape, pool, strides)
        # each window hands its gradient to exactly one input, not to every tied one
        assert dX.sum() == Y.size
        assert set(np.unique(dX)) <= set(range(Y.size + 1))


@pytest.mark.parametrize("pool, strides, H, W", POOLS)
def test_avg_pool_matches_loop(pool, strides, H, W):
    X = np.random.default_rng(5).standard_normal((2, H, W, 3))
    Y = ck.avg_pool(X, pool, strides, DirtyBuffers())
    np.testing.assert_allclose(Y, naive_pool(X, pool, strides, np.mean), rtol=1e-12)
    dY = np.random.default_rng(6).standard_normal(Y.shape)
    naive = np.zeros_like(X)
    for b, r, c, ch in np.ndindex(*Y.shape):
        y, x = r * strides[0], c * strides[1]
        naive[b, y:y + pool[0], x:x + pool[1], ch] += dY[b, r, c, ch] / (pool[0] * pool[1])
    dX = ck.avg_pool_backward(dY, X.shape, pool, strides, DirtyBuffers())
    np.testing.assert_allclose(dX, naive, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32():
    X = np.random.default_rng(7).standard_normal((2, 6, 6, 2)).astype(np.float32)
    cols = ck.im2col(X, (3, 3), (1, 1), "same")
    assert cols.dtype == np.float32
    d = np.zeros((9, cols.shape[0], 2), np.float32)
    assert ck.col2im(d, X.shape, (3, 3), (1, 1), "same").dtype == np.float32
    Y, _ = ck.max_pool(X, (2, 2), (2, 2))
    assert Y.dtype == np.float32 and ck.avg_pool(X, (2, 2), (2, 2)).dtype == np.float32


def test_pool_rejects_bad_shapes():
    with pytest.raises(ValueError, match="expected images of shape"):
        ck.max_pool(np.zeros((4, 4, 1)), (2, 2), (2, 2))
    with pytest.raises(ValueError, match="pool of size 5 is larger than the input of size 4"):
        ck.avg_pool(np.zeros((1, 4, 4, 1)), (5, 1), (1, 1))


@pytest.mark.parametrize("C", [1, 3])
def test_im2col_ones_column_folds_a_bias_into_the_gemm(C):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((2, 5, 4, C))
    cols = ck.im2col(X, (3, 3), (1, 1), "same", DirtyBuffers(), ones_column=True)
    np.testing.assert_array_equal(cols[:, :-1], naive_im2col(X, (3, 3), (1, 1), "same"))
    np.testing.assert_array_equal(cols[:, -1], 1.0)


@pytest.mark.parametrize("C", [1, 3])
@pytest.mark.parametrize("blocks, strides, padding", [
    ((2, 2), (1, 1), "same"), ((2, 1), (1, 1), "valid"), ((3, 3), (1, 1), "same"),
    ((1, 2), (2, 1), "same"),
])
def test_im2col_blocks_reorders_rows_by_window_offset(C, blocks, strides, padding):
    X = np.random.default_rng(9).standard_normal((2, 6, 6, C))
    plain = ck.im2col(X, (3, 3), strides, padding)
    blocked = ck.im2col(X, (3, 3), strides, padding, DirtyBuffers(), blocks=blocks)
    n = 2
    Ho = ck.conv_geometry(6, 3, strides[0], padding)[0]
    Wo = ck.conv_geometry(6, 3, strides[1], padding)[0]
    (bh, bw), K = blocks, plain.shape[1]
    expected = (plain.reshape(n, Ho // bh, bh, Wo // bw, bw, K)
                .transpose(2, 4, 0, 1, 3, 5).reshape(-1, K))
    np.testing.assert_array_equal(blocked, expected)
    # and unblock is the inverse permutation
    back = ck.unblock(blocked.reshape(bh * bw, -1, K), n, (Ho, Wo), blocks)
    np.testing.assert_array_equal(back.reshape(-1, K), plain)


def test_im2col_blocks_must_divide_the_output():
    with pytest.raises(ValueError, match="5 x 5 positions does not split into 2 x 2 blocks"):
        ck.im2col(np.zeros((1, 5, 5, 2)), (3, 3), padding="same", blocks=(2, 2))


@pytest.mark.parametrize("P", [1, 2, 3, 4, 5, 9])
def test_max_blocks_matches_max_and_routes_to_one_winner(P):
    rng = np.random.default_rng(10)
    Z = rng.standard_normal((P, 7, 3))
    Z[:, 0] = 0.0  # ties: the gradient must still reach exactly one block
    Y, switches = ck.max_blocks(Z, DirtyBuffers())
    np.testing.assert_array_equal(Y, Z.max(axis=0))
    Y_inference, none = ck.max_blocks(Z, DirtyBuffers(), with_argmax=False)
    np.testing.assert_array_equal(Y_inference, Y)
    assert none is None
    dY = rng.standard_normal(Y.shape)
    dZ = ck.max_blocks_backward(dY, switches, P, DirtyBuffers())
    np.testing.assert_allclose(dZ.sum(axis=0), dY, rtol=1e-12)
    assert np.all(np.count_nonzero(dZ, axis=0) <= 1)
    winners = np.argmax(dZ != 0, axis=0)
    np.testing.assert_array_equal(np.take_along_axis(Z, winners[None], 0)[0], Y)


@pytest.mark.parametrize("strides, padding", [((1, 1), "same"), ((2, 2), "same"),
                                              ((1, 1), "valid"), ((2, 1), "valid")])
def test_col2im_by_offset_equals_col2im_bitwise(strides, padding):
    # the conv layers feed one offset at a time into a reused buffer: same floats
    rng = np.random.default_rng(0)
    shape, kernel = (2, 7, 6, 3), (3, 3)
    Ho = ck.conv_geometry(7, 3, strides[0], padding)[0]
    Wo = ck.conv_geometry(6, 3, strides[1], padding)[0]
    D = rng.standard_normal((9, 2 * Ho * Wo, 3)).astype(np.float32)
    buf = np.empty(D.shape[1:], D.dtype)

    def one_offset(k):
        buf[...] = D[k]
        return buf

    got = ck.col2im_by_offset(one_offset, shape, kernel, strides, padding,
                              out=np.full(shape, np.nan, np.float32))
    np.testing.assert_array_equal(got, ck.col2im(D, shape, kernel, strides, padding))
