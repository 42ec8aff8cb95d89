import numpy as np
import pytest
from scipy.special import expit

from sknn.nn import activations
from sknn.nn.activations import ACTIVATIONS, get
from sknn.nn.gradcheck import check_function_gradient

NAMES = sorted(ACTIVATIONS)


def _z(shape=(6, 5), seed=0, scale=2.0):
    """Random pre-activations kept away from the kink at 0 (relu, leaky_relu, elu)."""
    Z = np.random.default_rng(seed).standard_normal(shape) * scale
    Z[np.abs(Z) < 0.05] = 0.3
    return Z


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    act = get(name)
    check_function_gradient(
        forward=lambda Z: act.forward(Z),
        backward=lambda dA, Z: act.backward(
            dA, act.forward(Z.copy()), None if act.uses_output else Z
        ),
        Z=_z(),
        what=name,
    )


@pytest.mark.parametrize("name", NAMES)
def test_gradient_in_saturated_regions(name):
    # Large |z| exercises the tails where naive formulas lose precision.
    act = get(name)
    Z = _z(scale=6.0, seed=1)
    check_function_gradient(
        forward=lambda Z: act.forward(Z),
        backward=lambda dA, Z: act.backward(
            dA, act.forward(Z.copy()), None if act.uses_output else Z
        ),
        Z=Z,
        what=name,
        atol=1e-6,
    )


@pytest.mark.parametrize("name", NAMES)
def test_in_place_forward_equals_out_of_place(name):
    act = get(name)
    Z = _z()
    expected = act.forward(Z.copy())
    Zin = Z.copy()
    result = act.forward(Zin, out=Zin)
    assert result is Zin
    np.testing.assert_allclose(Zin, expected, rtol=1e-15, atol=0)
    other = np.empty_like(Z)
    assert act.forward(Z, out=other) is other
    np.testing.assert_allclose(other, expected, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(Z, _z())  # out-of-place left the input alone


@pytest.mark.parametrize("name", NAMES)
def test_float32_kept(name):
    act = get(name)
    Z = _z().astype(np.float32)
    A = act.forward(Z)
    assert A.dtype == np.float32
    dZ = act.backward(np.ones_like(Z), A.copy(), None if act.uses_output else Z)
    assert dZ.dtype == np.float32
    np.testing.assert_allclose(A, act.forward(Z.astype(np.float64)), rtol=1e-5, atol=1e-6)


def test_known_values():
    z = np.array([[-2.0, -0.5, 0.0, 1.5]])
    np.testing.assert_allclose(get("relu").forward(z), [[0, 0, 0, 1.5]])
    np.testing.assert_allclose(get("leaky_relu").forward(z), [[-0.02, -0.005, 0, 1.5]])
    np.testing.assert_allclose(get("elu").forward(z), [[np.expm1(-2), np.expm1(-0.5), 0, 1.5]])
    selu = get("selu").forward(z)
    np.testing.assert_allclose(selu[0, 3], 1.0507009873554805 * 1.5)
    np.testing.assert_allclose(selu[0, 0], 1.0507009873554805 * 1.6732632423543772 * np.expm1(-2))
    # GELU(1) = Phi(1) = 0.8413447460685429 (standard normal CDF)
    np.testing.assert_allclose(get("gelu").forward(np.array([1.0])), [0.8413447460685429])
    np.testing.assert_allclose(get("softplus").forward(z), np.log1p(np.exp(z)))
    np.testing.assert_allclose(get("tanh").forward(z), np.tanh(z))
    np.testing.assert_allclose(get("logistic").forward(z), 1 / (1 + np.exp(-z)))


def test_logistic_and_softplus_stable_for_huge_inputs():
    z = np.array([[-500.0, -100.0, 100.0, 500.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = get("logistic").forward(z)
        np.testing.assert_allclose(A, expit(z))
        assert A[0, 3] == 1.0 and 0 <= A[0, 0] < 1e-200
        S = get("softplus").forward(z)
    np.testing.assert_allclose(S[0, 2:], [100.0, 500.0])
    assert np.all(np.isfinite(S))


def test_softmax_stable_and_normalized():
    Z = np.array([[1000.0, 1000.0, 0.0], [-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = get("softmax").forward(Z)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    np.testing.assert_allclose(A[0], [0.5, 0.5, 0.0])
    # Shifting a row leaves softmax unchanged.
    Z = _z()
    np.testing.assert_allclose(
        get("softmax").forward(Z), get("softmax").forward(Z + 7.0), rtol=1e-12
    )


def test_softmax_works_over_last_axis_of_3d_input():
    act = get("softmax")
    Z = _z(shape=(2, 3, 4))
    check_function_gradient(
        forward=lambda Z: act.forward(Z),
        backward=lambda dA, Z: act.backward(dA, act.forward(Z.copy()), None),
        Z=Z,
        what="softmax 3d",
    )


def test_backward_may_reuse_dA_and_does_not_touch_A():
    for name in NAMES:
        act = get(name)
        Z = _z()
        A = act.forward(Z.copy())
        A_before = A.copy()
        act.backward(np.ones_like(Z), A, None if act.uses_output else Z)
        np.testing.assert_array_equal(A, A_before, err_msg=name)


def test_uses_output_flags():
    for name in ["identity", "logistic", "tanh", "relu", "softmax"]:
        assert get(name).uses_output, name
    assert not get("gelu").uses_output


def test_get_passes_instances_and_rejects_unknown_names():
    act = activations.LeakyReLU(negative_slope=0.2)
    assert get(act) is act
    assert get("relu") is ACTIVATIONS["relu"]
    msg = "activation='relux' is not one of ['elu', 'gelu', 'identity', 'leaky_relu',"
    with pytest.raises(ValueError) as info:
        get("relux")
    assert str(info.value).startswith(msg)
    assert str(info.value).endswith("'softplus', 'tanh']")
    with pytest.raises(ValueError, match="activation=None"):
        get(None)
