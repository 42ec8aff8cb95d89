import math
import tracemalloc

import numpy as np
import pytest
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sknn.nn import optimizers
from sknn.nn.optimizers import OPTIMIZERS

NAMES = sorted(OPTIMIZERS)


def _params_and_grads(n_steps, seed=0):
    """Two parameter arrays (a kernel and a bias) and per-step gradient lists."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    grads = [[rng.normal(size=p.shape) for p in params] for _ in range(n_steps)]
    return params, grads


def _flat(arrays):
    return np.concatenate([a.ravel() for a in arrays])


def _run_both(theirs, ours, n_steps=5):
    params, grads = _params_and_grads(n_steps)
    flat = _flat(params)
    sk_params = [p.copy() for p in params]
    theirs = theirs(sk_params)
    for g in grads:
        theirs.update_params(sk_params, g)
        ours.step(flat, _flat(g))
    return flat, _flat(sk_params), _flat(params)


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.9, 0.0])
def test_sgd_matches_sklearn(nesterov, momentum):
    flat, expected, start = _run_both(
        lambda p: SGDOptimizer(p, learning_rate_init=0.1, lr_schedule="constant",
                               momentum=momentum, nesterov=nesterov),
        optimizers.get("sgd", learning_rate=0.1, momentum=momentum, nesterov=nesterov),
    )
    assert np.abs(flat - start).max() > 0.1  # the steps did move the parameters
    np.testing.assert_allclose(flat, expected, rtol=1e-12, atol=1e-12)


def test_adam_matches_sklearn():
    opt = optimizers.get("adam", learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-6)
    flat, expected, start = _run_both(
        lambda p: AdamOptimizer(p, learning_rate_init=0.01, beta_1=0.8, beta_2=0.99,
                                epsilon=1e-6),
        opt,
    )
    assert opt.t == 5
    assert np.abs(flat - start).max() > 0.01
    np.testing.assert_allclose(flat, expected, rtol=1e-12, atol=1e-12)


def _quadratic(n=20, seed=0):
    """f(p) = sum a_i (p_i - c_i)^2 / 2 with curvatures a_i in [0.5, 5]."""
    rng = np.random.default_rng(seed)
    a, c = rng.uniform(0.5, 5.0, n), rng.normal(size=n)
    return (lambda p: 0.5 * float(np.sum(a * (p - c) ** 2))), (lambda p: a * (p - c))


@pytest.mark.parametrize("name, lr", [
    ("sgd", 0.02), ("adam", 0.05), ("rmsprop", 0.02), ("adagrad", 0.5),
    ("adamax", 0.05), ("nadam", 0.05), ("adamw", 0.05),
])
def test_decreases_convex_quadratic(name, lr):
    f, grad = _quadratic()
    p = np.zeros(20)
    f0 = f(p)
    opt = optimizers.get(name, learning_rate=lr)
    for _ in range(300):
        opt.step(p, grad(p))
    assert f(p) < 0.01 * f0, (name, f(p), f0)


G = np.array([0.5, -2.0, 1e-3])
P0 = np.array([1.0, -1.0, 0.25])


def _one_step(name, **kwargs):
    p = P0.copy()
    optimizers.get(name, **kwargs).step(p, G.copy())
    return p


def test_rmsprop_first_steps_by_hand():
    lr, rho, eps = 0.01, 0.9, 1e-7
    expected = P0 - lr * G / np.sqrt((1 - rho) * G**2 + eps)
    np.testing.assert_allclose(_one_step("rmsprop", learning_rate=lr), expected, rtol=1e-14)
    # With momentum the second step adds mu times the first increment.
    opt, p = optimizers.get("rmsprop", learning_rate=lr, momentum=0.5), P0.copy()
    opt.step(p, G.copy())
    opt.step(p, G.copy())
    d1 = lr * G / np.sqrt((1 - rho) * G**2 + eps)
    d2 = lr * G / np.sqrt(rho * (1 - rho) * G**2 + (1 - rho) * G**2 + eps)
    np.testing.assert_allclose(p, P0 - d1 - (0.5 * d1 + d2), rtol=1e-14)


def test_adagrad_first_step_by_hand():
    expected = P0 - 0.1 * G / np.sqrt(0.1 + G**2 + 1e-7)
    np.testing.assert_allclose(_one_step("adagrad", learning_rate=0.1), expected, rtol=1e-14)


def test_adamax_first_step_by_hand():
    # m = (1-b1) g, u = |g|: the bias-corrected step is lr g / (|g| + eps).
    expected = P0 - 0.1 * G / (np.abs(G) + 1e-7)
    np.testing.assert_allclose(_one_step("adamax", learning_rate=0.1), expected, rtol=1e-14)


def test_nadam_first_step_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7
    mu1 = b1 * (1 - 0.5 * 0.96**0.004)
    mu2 = b1 * (1 - 0.5 * 0.96**0.008)
    m, v = (1 - b1) * G, (1 - b2) * G**2
    m_hat = mu2 * m / (1 - mu1 * mu2) + (1 - mu1) * G / (1 - mu1)
    expected = P0 - lr * m_hat / (np.sqrt(v / (1 - b2)) + eps)
    np.testing.assert_allclose(_one_step("nadam", learning_rate=lr), expected, rtol=1e-13)


def test_adamw_first_step_by_hand():
    lr, wd, b1, b2, eps = 0.1, 0.5, 0.9, 0.999, 1e-8
    adam_step = lr * math.sqrt(1 - b2) / (1 - b1) * (1 - b1) * G / (np.sqrt((1 - b2) * G**2) + eps)
    expected = P0 * (1 - lr * wd) - adam_step
    got = _one_step("adamw", learning_rate=lr, weight_decay=wd)
    np.testing.assert_allclose(got, expected, rtol=1e-13)
    # Without decay AdamW is Adam.
    np.testing.assert_array_equal(_one_step("adamw", learning_rate=lr, weight_decay=0.0),
                                  _one_step("adam", learning_rate=lr))


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32_and_updates_views_in_place(name):
    buffer = np.ones(10, dtype=np.float32)
    params = buffer[2:8]  # a view, as the network's flat buffer slices are
    opt = optimizers.get(name, learning_rate=0.1)
    for _ in range(3):
        opt.step(params, np.full(6, 0.5, dtype=np.float32))
    assert params.dtype == np.float32
    assert all(s.dtype == np.float32 for s in opt._state + opt._scratch)
    assert np.all(buffer[2:8] < 1) and np.all(buffer[:2] == 1) and np.all(buffer[8:] == 1)
    p64 = np.ones(6)
    opt64 = optimizers.get(name, learning_rate=0.1)
    for _ in range(3):
        opt64.step(p64, np.full(6, 0.5))
    np.testing.assert_allclose(params, p64, rtol=1e-5)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_step_allocates_no_full_size_temporaries(name):
    n = 200_000  # 1.6 MB per float64 temporary
    params, grads = np.zeros(n), np.full(n, 0.1)
    opt = optimizers.get(name)
    opt.step(params, grads)  # first step allocates the state
    tracemalloc.start()
    try:
        opt.step(params, grads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * n / 10, f"{name} step allocated {peak} bytes"


@pytest.mark.parametrize("name", NAMES)
def test_learning_rate_attribute_is_read_at_each_step(name):
    opt = optimizers.get(name, learning_rate=0.1)
    assert opt.learning_rate_init == 0.1
    p = P0.copy()
    opt.step(p, G.copy())
    after_first = p.copy()
    opt.learning_rate = 0.0  # what a schedule does between epochs
    opt.step(p, G.copy())
    if name == "sgd":  # momentum keeps moving at lr 0: v <- 0.9 v
        assert not np.array_equal(p, after_first)
        opt.reset()
        opt.step(p, G.copy())
        after_first = p.copy()
        opt.step(p, G.copy())
    np.testing.assert_array_equal(p, after_first)


@pytest.mark.parametrize("name", NAMES)
def test_reset_restarts_from_scratch(name):
    opt = optimizers.get(name, learning_rate=0.1)
    p = P0.copy()
    opt.step(p, G.copy())
    opt.step(p, -G)
    opt.reset()
    assert opt.t == 0
    p = P0.copy()
    opt.step(p, G.copy())
    np.testing.assert_array_equal(p, _one_step(name, learning_rate=0.1))
    with pytest.raises(ValueError, match="reset"):
        opt.step(np.zeros(4), np.zeros(4))


def test_rejects_mismatched_shapes_and_unknown_names():
    with pytest.raises(ValueError, match="1-D of equal size"):
        optimizers.get("adam").step(np.zeros(3), np.zeros(4))
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    with pytest.raises(ValueError) as info:
        optimizers.get("lbfgs")
    assert str(info.value) == (
        "solver='lbfgs' is not one of ['adagrad', 'adam', 'adamax', 'adamw', 'nadam', "
        "'rmsprop', 'sgd']"
    )


@pytest.mark.parametrize("name", sorted(optimizers.OPTIMIZERS))
def test_chunked_update_equals_one_whole_buffer_pass(name, monkeypatch):
    """Buffers larger than CHUNK are updated chunk by chunk; the result is identical."""
    rng = np.random.default_rng(0)
    n = int(2.5 * optimizers.CHUNK)
    params = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    chunked, whole = params.copy(), params.copy()
    opt = optimizers.get(name)
    for g in grads:
        opt.step(chunked, g)
    monkeypatch.setattr(optimizers, "CHUNK", 10 * n)
    opt = optimizers.get(name)
    for g in grads:
        opt.step(whole, g)
    np.testing.assert_array_equal(chunked, whole)


def test_prepare_runs_on_every_chunk_before_its_update():
    n = int(2.5 * optimizers.CHUNK)
    params, grads, seen = np.zeros(n), np.zeros(n), []

    def prepare(chunk):
        seen.append((chunk.start, chunk.stop))
        grads[chunk] = 1.0  # the update must see this

    optimizers.get("sgd", learning_rate=0.5, momentum=0.0).step(params, grads, prepare)
    C = optimizers.CHUNK
    assert seen == [(0, C), (C, 2 * C), (2 * C, n)]
    np.testing.assert_array_equal(params, -0.5)

