import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.neural_network._base import (
    binary_log_loss as sk_binary_log_loss,
    log_loss as sk_log_loss,
    poisson_loss as sk_poisson_loss,
    squared_loss as sk_squared_loss,
)

from sknn.nn import losses
from sknn.nn.gradcheck import check_loss_gradient

NAMES = sorted(losses.LOSSES)
N = 12


def _data(name, n_outputs, seed=0, n=N):
    """Targets and logits suited to ``name``, with residuals away from kinks."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(0.0, 1.5, size=(n, n_outputs))
    if name == "log_loss":
        Y = np.eye(n_outputs)[rng.integers(0, n_outputs, n)]
    elif name == "binary_log_loss":
        Y = rng.random((n, n_outputs)) < 0.5
    elif name == "poisson":
        Y = rng.poisson(2.0, size=(n, n_outputs))
    else:
        # |z - y| stays in (0.2, 0.8) or (1.2, 3): off the kinks at 0 and at delta=1.
        shape = (n, n_outputs)
        small, large = rng.uniform(0.2, 0.8, shape), rng.uniform(1.2, 3, shape)
        mag = np.where(rng.random(shape) < 0.5, small, large)
        Y = Z - mag * rng.choice([-1.0, 1.0], size=(n, n_outputs))
    return Y, Z


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_central_differences(name, n_outputs, weighted):
    if name == "log_loss" and n_outputs == 1:
        n_outputs = 2  # softmax over a single column is constant
    Y, Z = _data(name, n_outputs)
    sw = np.random.default_rng(1).uniform(0.1, 3.0, N) if weighted else None
    check_loss_gradient(losses.get(name), Y, Z, sample_weight=sw)


def test_huber_gradient_with_other_delta():
    Y, Z = _data("huber", 3)
    # Residual magnitudes lie in (0.2, 0.8) and (1.2, 3): both sides of delta=0.5.
    check_loss_gradient(losses.get("huber", delta=0.5), Y, Z)


@pytest.mark.parametrize("weighted", [False, True])
def test_squared_error_matches_sklearn(weighted):
    Y, Z = _data("squared_error", 1)
    sw = np.linspace(0.5, 2.0, N) if weighted else None
    loss = losses.get("squared_error")
    np.testing.assert_allclose(loss.value(Y, Z, sw), sk_squared_loss(Y, Z, sw), rtol=1e-12)
    # scikit-learn's output delta for identity output and squared loss: (out - y) / n
    np.testing.assert_allclose(loss.gradient(Y, Z), (Z - Y) / N, rtol=1e-14)


def test_multioutput_squared_error_sums_where_sklearn_averages():
    Y, Z = _data("squared_error", 3)
    value = losses.get("squared_error").value(Y, Z)
    np.testing.assert_allclose(value, 3 * sk_squared_loss(Y, Z), rtol=1e-12)


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_poisson_matches_sklearn_half_deviance(n_outputs, weighted):
    Y, Z = _data("poisson", n_outputs)
    Y = Y.astype(float)
    Y[0, 0] = 0.0  # y log y at y = 0
    sw = np.linspace(0.5, 2.0, N) if weighted else None
    loss = losses.get("poisson")
    np.testing.assert_allclose(loss.value(Y, Z, sw), sk_poisson_loss(Y, np.exp(Z), sw), rtol=1e-12)
    np.testing.assert_allclose(loss.predict(Z), np.exp(Z))


@pytest.mark.parametrize("weighted", [False, True])
def test_binary_log_loss_matches_sklearn(weighted):
    rng = np.random.default_rng(3)
    Z = rng.uniform(-12, 12, size=(40, 3))
    Y = (rng.random((40, 3)) < 0.5).astype(float)
    sw = rng.uniform(0.1, 2, 40) if weighted else None
    value = losses.get("binary_log_loss").value(Y, Z, sw)
    np.testing.assert_allclose(value, sk_binary_log_loss(Y, expit(Z), sw), rtol=1e-10)


@pytest.mark.parametrize("weighted", [False, True])
def test_log_loss_matches_sklearn(weighted):
    rng = np.random.default_rng(4)
    Z = rng.uniform(-12, 12, size=(40, 4))
    Y = np.eye(4)[rng.integers(0, 4, 40)]
    sw = rng.uniform(0.1, 2, 40) if weighted else None
    value = losses.get("log_loss").value(Y, Z, sw)
    np.testing.assert_allclose(value, sk_log_loss(Y, softmax(Z, axis=1), sw), rtol=1e-10)
    # scikit-learn's output delta for softmax + log-loss: (p - y) / n
    np.testing.assert_allclose(
        losses.get("log_loss").gradient(Y, Z), (softmax(Z, axis=1) - Y) / 40, atol=1e-16
    )


@pytest.mark.parametrize("name", NAMES)
def test_value_and_gradient_equals_separate_calls(name):
    Y, Z = _data(name, 3, seed=5)
    sw = np.random.default_rng(6).uniform(0.1, 3.0, N)
    loss = losses.get(name)
    for w in (None, sw):
        value, grad = loss.value_and_gradient(Y, Z, w)
        assert isinstance(value, float)
        np.testing.assert_allclose(value, loss.value(Y, Z, w), rtol=1e-14)
        np.testing.assert_allclose(grad, loss.gradient(Y, Z, w), rtol=1e-14, atol=1e-18)


@pytest.mark.parametrize("name", NAMES)
def test_out_buffer_is_used(name):
    Y, Z = _data(name, 3, seed=7)
    loss = losses.get(name)
    expected = loss.gradient(Y, Z)
    buf = np.full_like(Z, np.nan)
    assert loss.gradient(Y, Z, out=buf) is buf
    np.testing.assert_array_equal(buf, expected)
    buf[:] = np.nan
    value, grad = loss.value_and_gradient(Y, Z, out=buf)
    assert grad is buf
    np.testing.assert_array_equal(buf, expected)
    np.testing.assert_allclose(value, loss.value(Y, Z))
    with pytest.raises(ValueError, match="out has shape"):
        loss.gradient(Y, Z, out=np.empty((N, 2)))


@pytest.mark.parametrize("name", NAMES)
def test_integer_weights_equal_repeated_samples(name):
    Y, Z = _data(name, 2, seed=8)
    counts = np.random.default_rng(9).integers(1, 4, N)
    loss = losses.get(name)
    Yr, Zr = np.repeat(np.asarray(Y), counts, axis=0), np.repeat(Z, counts, axis=0)
    np.testing.assert_allclose(loss.value(Y, Z, counts), loss.value(Yr, Zr), rtol=1e-12)
    summed = np.add.reduceat(loss.gradient(Yr, Zr), np.r_[0, np.cumsum(counts)[:-1]], axis=0)
    np.testing.assert_allclose(loss.gradient(Y, Z, counts), summed, rtol=1e-12, atol=1e-15)


def test_zero_weight_batch_contributes_nothing():
    Y, Z = _data("squared_error", 2)
    value, grad = losses.get("squared_error").value_and_gradient(Y, Z, np.zeros(N))
    assert value == 0.0 and not grad.any()


def test_known_values():
    r = np.array([[0.5], [3.0]])
    huber = losses.get("huber")
    assert huber.value(np.zeros_like(r), r) == pytest.approx((0.125 + 2.5) / 2)
    np.testing.assert_array_equal(huber.gradient(np.zeros_like(r), r), [[0.25], [0.5]])
    absolute = losses.get("absolute_error")
    assert absolute.value(np.zeros((2, 1)), np.array([[-1.0], [3.0]])) == 2.0
    np.testing.assert_array_equal(
        absolute.gradient(np.zeros((2, 1)), np.array([[-1.0], [3.0]])), [[-0.5], [0.5]]
    )


def test_log_losses_stable_for_huge_logits():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        Z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
        Y = np.array([[0], [1], [1], [0]])
        value, grad = losses.get("binary_log_loss").value_and_gradient(Y, Z)
        assert value == pytest.approx(2000.0 / 4)
        np.testing.assert_allclose(grad, [[0.25], [-0.25], [0.0], [0.0]])
        Z = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0]])
        Y = np.array([[0, 1, 0], [1, 0, 0]])
        value, grad = losses.get("log_loss").value_and_gradient(Y, Z)
        assert value == pytest.approx(2000.0 / 2)
        np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-300)
        for name in ["squared_error", "absolute_error", "huber"]:
            value, grad = losses.get(name).value_and_gradient(Y, Z)
            assert np.isfinite(value) and np.all(np.isfinite(grad))


@pytest.mark.parametrize("name", NAMES)
def test_float32_gradient_and_bool_targets(name):
    Y, Z = _data(name, 3, seed=10)
    Z32 = Z.astype(np.float32)
    loss = losses.get(name)
    value, grad = loss.value_and_gradient(Y, Z32)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(value, loss.value(Y, Z), rtol=1e-5)
    np.testing.assert_allclose(grad, loss.gradient(Y, Z), rtol=1e-4, atol=1e-6)


def test_one_dimensional_target_for_single_output():
    Y, Z = _data("squared_error", 1)
    loss = losses.get("squared_error")
    assert loss.value(Y.ravel(), Z) == loss.value(Y, Z)
    with pytest.raises(ValueError, match="shape"):
        loss.value(Y.ravel()[:-1], Z)


def test_predict_applies_inverse_link():
    Z = np.random.default_rng(11).normal(size=(5, 3))
    np.testing.assert_allclose(losses.get("log_loss").predict(Z), softmax(Z, axis=1))
    np.testing.assert_allclose(losses.get("binary_log_loss").predict(Z), expit(Z))
    ident = losses.get("squared_error").predict(Z)
    np.testing.assert_array_equal(ident, Z)
    assert ident is not Z


def test_registry():
    expected = {
        "squared_error": "identity",
        "absolute_error": "identity",
        "huber": "identity",
        "poisson": "exp",
        "binary_log_loss": "logistic",
        "log_loss": "softmax",
    }
    assert {name: losses.get(name).out_activation for name in NAMES} == expected
    assert losses.get("huber", delta=2.5).delta == 2.5
    loss = losses.get("poisson")
    assert losses.get(loss) is loss
    with pytest.raises(ValueError) as info:
        losses.get("hinge")
    assert str(info.value) == f"loss='hinge' is not one of {sorted(expected)}"
