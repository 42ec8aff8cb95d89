"""Forward-mode automatic differentiation with dual numbers.

A :class:`Dual` carries a value ``v`` and a tangent ``t``: the derivative of ``v``
along one chosen input direction. Each operation applies the chain rule as it goes
(``(a * b).t = a.t * b.v + a.v * b.t``), so one forward pass gives the derivative of
every output along *one* direction. The full gradient of a scalar function of ``n``
inputs needs ``n`` passes (see :func:`gradient`), where reverse mode needs one.

Examples
--------
>>> from sknn.autodiff import Dual
>>> x, y = Dual(1.0, 1.0), Dual(2.0, 0.0)   # direction d/dx
>>> f = (x + y) * (2 * x - 3)
>>> float(f.value), float(f.tangent)
(-3.0, 5.0)
"""

import numpy as np

from ._operators import DerivedOperators
from .reverse import as_float_array, matmul_operands


class Dual(DerivedOperators):
    """A value with its tangent (derivative along one direction).

    Parameters
    ----------
    value : float or array-like
        The primal value (copied to a float64 array).
    tangent : float or array-like, default=0.0
        The derivative of ``value`` along the chosen direction; a scalar is
        broadcast to the shape of ``value``. ``0`` marks a constant.

    Attributes
    ----------
    value : ndarray
    tangent : ndarray of the shape of ``value``
    """

    # Makes ``ndarray * Dual`` call Dual.__rmul__ instead of looping over it.
    __array_priority__ = 1000

    def __init__(self, value, tangent=0.0):
        self.value = np.array(as_float_array(value, "value"))
        tangent = as_float_array(tangent, "tangent")
        if tangent.size != 1 and tangent.shape != self.value.shape:
            raise ValueError(
                f"tangent has shape {tangent.shape}, expected the value's {self.value.shape}"
            )
        self.tangent = np.array(np.broadcast_to(tangent, self.value.shape))

    def __repr__(self):
        return f"Dual({self.value!r}, {self.tangent!r})"

    @property
    def shape(self):
        """tuple of int : shape of ``value``."""
        return self.value.shape

    # -- binary operators: value rule, then the tangent by the chain rule ---------------
    def __add__(self, other):
        other = _lift(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __mul__(self, other):
        other = _lift(other)
        return Dual(
            self.value * other.value,
            self.tangent * other.value + self.value * other.tangent,
        )

    def __truediv__(self, other):
        other = _lift(other)
        q = self.value / other.value
        return Dual(q, (self.tangent - q * other.tangent) / other.value)

    def __pow__(self, exponent):
        if isinstance(exponent, Dual):
            return (exponent * self.log()).exp()
        p = as_float_array(exponent, "exponent")
        return Dual(self.value**p, p * self.value ** (p - 1) * self.tangent)

    def __rpow__(self, base):
        return Dual(base) ** self

    def __matmul__(self, other):
        other = _lift(other)
        matmul_operands(self.value, other.value)
        return Dual(
            self.value @ other.value,
            self.tangent @ other.value + self.value @ other.tangent,
        )

    def __neg__(self):
        return Dual(-self.value, -self.tangent)


    # -- reductions and shape ----------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        """Sum over ``axis`` (all axes by default); differentiation is linear."""
        return Dual(
            np.sum(self.value, axis=axis, keepdims=keepdims),
            np.sum(self.tangent, axis=axis, keepdims=keepdims),
        )

    def mean(self, axis=None, keepdims=False):
        """Mean over ``axis`` (all axes by default)."""
        return Dual(
            np.mean(self.value, axis=axis, keepdims=keepdims),
            np.mean(self.tangent, axis=axis, keepdims=keepdims),
        )

    @property
    def T(self):
        """Dual : the transpose (reversed axes)."""
        return Dual(self.value.T, self.tangent.T)

    # -- elementwise functions: f(v) and f'(v) * t -------------------------------------
    def exp(self):
        """Elementwise e**x."""
        e = np.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self):
        """Elementwise natural logarithm."""
        return Dual(np.log(self.value), self.tangent / self.value)

    def tanh(self):
        """Elementwise hyperbolic tangent."""
        t = np.tanh(self.value)
        return Dual(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self):
        """Elementwise logistic function 1 / (1 + e**-x)."""
        s = 0.5 * (1.0 + np.tanh(0.5 * self.value))  # overflow-free form
        return Dual(s, s * (1.0 - s) * self.tangent)

    def relu(self):
        """Elementwise max(x, 0); the derivative at 0 is taken as 0."""
        positive = self.value > 0
        return Dual(np.where(positive, self.value, 0.0), np.where(positive, self.tangent, 0.0))


_lift = Dual._lift  # constants become Duals with zero derivative


def jvp(f, inputs, directions):
    """One forward pass: ``f(inputs)`` and its derivative along ``directions``.

    Parameters
    ----------
    f : callable
        Takes ``len(inputs)`` :class:`Dual` and returns a Dual.
    inputs, directions : sequence of float or array-like
        Point and direction; ``directions[i]`` has the shape of ``inputs[i]``.

    Returns
    -------
    value, tangent : ndarray
        The output and its directional derivative (Jacobian-vector product).
    """
    if len(inputs) != len(directions):
        raise ValueError(f"{len(inputs)} inputs but {len(directions)} directions")
    out = f(*(Dual(x, d) for x, d in zip(inputs, directions)))
    return out.value, out.tangent


def gradient(f, *inputs):
    """Gradient of a scalar function by forward mode: one pass per input element.

    Parameters
    ----------
    f : callable
        Takes as many :class:`Dual` as ``inputs`` and returns a scalar Dual.
    *inputs : float or array-like
        Point at which to differentiate.

    Returns
    -------
    grads : tuple of ndarray
        ``grads[i]`` has the shape of ``inputs[i]``.
    """
    arrays = [as_float_array(x, "input") for x in inputs]
    grads = [np.zeros_like(a) for a in arrays]
    for i, a in enumerate(arrays):
        for j in range(a.size):
            # the direction is the unit vector of element j of input i
            directions = [np.zeros_like(b) for b in arrays]
            directions[i].reshape(-1)[j] = 1.0
            _, tangent = jvp(f, arrays, directions)
            if tangent.size != 1:
                raise ValueError(f"gradient() needs a scalar output, got shape {tangent.shape}")
            grads[i].reshape(-1)[j] = tangent.item()
    return tuple(grads)
