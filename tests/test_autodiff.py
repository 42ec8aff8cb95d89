"""Tests of the forward- and reverse-mode autodiff engines (sknn.autodiff)."""

import numpy as np
import pytest

from sknn.autodiff import (
    Dual,
    Variable,
    exp,
    forward_gradient,
    log,
    relu,
    reverse_gradient,
    sigmoid,
    tanh,
)
from sknn.autodiff.forward import jvp
from sknn.nn.gradcheck import numerical_gradient


def textbook(x, y):
    return (x + y) * (2 * x - 3)


def test_textbook_example_reverse_mode():
    x, y = Variable(1.0), Variable(2.0)
    f = textbook(x, y)
    f.backward()
    assert f.value == -3.0
    assert x.grad == 5.0
    assert y.grad == -1.0


def test_textbook_example_forward_mode():
    f_x = textbook(Dual(1.0, 1.0), Dual(2.0, 0.0))
    f_y = textbook(Dual(1.0, 0.0), Dual(2.0, 1.0))
    assert f_x.value == -3.0
    assert f_x.tangent == 5.0
    assert f_y.tangent == -1.0


def composite(A, b, x):
    """A random-ish expression touching every operation and both engines' functions."""
    h = tanh(A @ x + b)  # (4,)
    g = sigmoid(h * 3 - 1) / (1 + exp(-h)) + relu(h - 0.1) ** 2
    s = log(1 + (A.T @ g) ** 2).sum()  # (3,) -> scalar
    return s - 2 / (g.sum() + 5) + (0.5 - x).mean() + 2 ** (0.1 * g).sum()


@pytest.fixture
def point():
    rng = np.random.default_rng(42)
    return [rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal(3)]


def numeric_grads(f, arrays):
    arrays = [a.copy() for a in arrays]
    value = lambda: float(f(*arrays))  # noqa: E731
    return [numerical_gradient(value, a) for a in arrays]


@pytest.mark.parametrize("engine", [reverse_gradient, forward_gradient])
def test_composite_expression_matches_central_differences(engine, point):
    expected = numeric_grads(composite, point)
    for got, want in zip(engine(composite, *point), expected):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_both_modes_agree_to_rounding(point):
    for r, f in zip(reverse_gradient(composite, *point), forward_gradient(composite, *point)):
        np.testing.assert_allclose(r, f, rtol=1e-12, atol=1e-14)


def test_broadcast_gradients_summed_back_to_operand_shape():
    M = Variable(np.arange(6.0).reshape(2, 3))
    row, col, c = Variable([1.0, 2.0, 3.0]), Variable([[1.0], [-1.0]]), Variable(2.0)
    (M * row + col * c).sum().backward()
    assert row.grad.shape == (3,) and col.grad.shape == (2, 1) and c.grad.shape == ()
    np.testing.assert_array_equal(row.grad, M.value.sum(axis=0))
    np.testing.assert_array_equal(col.grad, [[6.0], [6.0]])  # c * 3 columns
    assert c.grad == 0.0  # col sums to zero


def test_reflected_operators_with_numbers_and_arrays():
    x = Variable([1.0, 2.0])
    a = np.array([3.0, 5.0])
    f = a - x  # ndarray on the left must give a Variable, not an object array
    assert isinstance(f, Variable)
    g = (2.0 / x + a * x + 1.0 - x).sum()
    g.backward()
    np.testing.assert_allclose(x.grad, -2.0 / x.value**2 + a - 1.0)
    d = a * Dual([1.0, 2.0], [1.0, 0.0]) - 1.0
    assert isinstance(d, Dual)
    np.testing.assert_array_equal(d.tangent, [3.0, 0.0])


def test_reused_variable_accumulates_and_backward_is_repeatable():
    x = Variable(3.0)
    f = x * x + x
    f.backward()
    assert x.grad == 7.0
    f.backward()  # grads are reset, not doubled
    assert x.grad == 7.0


def test_matmul_vector_and_matrix_shapes():
    A = Variable(np.arange(6.0).reshape(2, 3))
    v = Variable([1.0, -1.0, 2.0])
    (A @ v).sum().backward()
    np.testing.assert_array_equal(A.grad, np.tile(v.value, (2, 1)))
    np.testing.assert_array_equal(v.grad, A.value.sum(axis=0))


def test_sum_over_axis_and_keepdims_gradients():
    X = Variable(np.arange(6.0).reshape(2, 3))
    w = np.array([[1.0], [10.0]])
    (X.sum(axis=1, keepdims=True) * w).sum().backward()
    np.testing.assert_array_equal(X.grad, [[1.0] * 3, [10.0] * 3])
    (X.sum(axis=0) * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(X.grad, [[1.0, 2.0, 3.0]] * 2)


def test_sigmoid_and_relu_at_extremes():
    z = Variable([-800.0, 0.0, 800.0])
    s = z.sigmoid()
    np.testing.assert_array_equal(s.value, [0.0, 0.5, 1.0])
    s.sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0, 0.25, 0.0])
    r = Dual([-1.0, 0.0, 2.0], [1.0, 1.0, 1.0]).relu()
    np.testing.assert_array_equal(r.tangent, [0.0, 0.0, 1.0])


def test_caller_array_is_not_modified_or_aliased():
    a = np.array([1.0, 2.0])
    v, d = Variable(a), Dual(a, a)
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad, [2.0, 4.0])
    v.value[0] = 99.0
    d.tangent[1] = 99.0
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_functions_accept_plain_numbers():
    assert tanh(0.0) == 0.0
    assert relu(-2.0) == 0.0
    assert sigmoid(0.0) == 0.5


def test_clear_errors():
    with pytest.raises(ValueError, match="needs a seed"):
        Variable([1.0, 2.0]).backward()
    with pytest.raises(ValueError, match="seed has shape"):
        (Variable([1.0, 2.0]) * 2).backward(seed=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="1-D and 2-D"):
        Variable(np.ones((2, 2, 2))) @ Variable(np.ones((2, 2)))
    with pytest.raises(ValueError, match="inner dimensions"):
        Dual(np.ones((2, 3))) @ Dual(np.ones(2))
    with pytest.raises(ValueError, match="tangent has shape"):
        Dual([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="value must be a number"):
        Variable("abc")
    with pytest.raises(ValueError, match="2 inputs but 1 directions"):
        jvp(textbook, [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="scalar output"):
        forward_gradient(lambda x: x * 2, np.ones(2))


def test_deep_chain_does_not_hit_recursion_limit():
    x = Variable(1.0)
    f = x
    for _ in range(5000):
        f = f * 1.0001
    f.backward()
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-9)


def test_forward_vs_reverse_example_runs(capsys):
    import runpy
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "autodiff_forward_vs_reverse.py"
    runpy.run_path(str(path))["main"]()
    out = capsys.readouterr().out
    assert "df/dx = 5, df/dy = -1" in out
    assert " 1000        1     1000" in out


def test_oracle_core_backprop_matches_reverse_mode():
    """The core's hand-written backprop of a 3->4->2 tanh network with softmax log-loss
    gives the same parameter gradients as reverse-mode autodiff of the same loss."""
    from sknn.nn import losses
    from sknn.nn.layers import Dense
    from sknn.nn.network import Sequential

    rng = np.random.default_rng(7)
    net = Sequential([Dense(4, activation="tanh"), Dense(2)]).build((3,), rng, np.float64)
    hidden, output = net.layers
    for layer in net.layers:  # nonzero biases, so their gradients are exercised too
        layer.params["b"][...] = rng.standard_normal(layer.params["b"].shape)
    X = rng.standard_normal((6, 3))
    Y = np.eye(2)[rng.integers(0, 2, size=6)]

    loss, dZ = losses.get("log_loss").value_and_gradient(Y, net.forward(X, training=True))
    net.backward(dZ)

    W1, b1 = Variable(hidden.params["W"]), Variable(hidden.params["b"])
    W2, b2 = Variable(output.params["W"]), Variable(output.params["b"])
    Z = tanh(X @ W1 + b1) @ W2 + b2
    shift = Z.value.max(axis=1, keepdims=True)  # a constant: it cancels in the gradient
    lse = log(exp(Z - shift).sum(axis=1)) + shift[:, 0]
    auto_loss = (lse - (Z * Y).sum(axis=1)).mean()
    auto_loss.backward()

    assert auto_loss.value == pytest.approx(loss, rel=1e-12)
    for var, layer, name in [(W1, hidden, "W"), (b1, hidden, "b"), (W2, output, "W"), (b2, output, "b")]:
        np.testing.assert_allclose(layer.grads[name], var.grad, rtol=1e-10, atol=1e-12, err_msg=name)
