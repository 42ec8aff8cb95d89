"""Elementwise (and row-wise softmax) activation functions with their derivatives.

Every activation is a small stateless object with two methods:

* ``forward(Z, out=None)`` returns ``A = f(Z)``; with ``out`` given the result is
  written there, and ``out`` may be ``Z`` itself (in-place evaluation);
* ``backward(dA, A, Z)`` returns ``dZ = dA * f'(Z)`` (for softmax the row-wise
  Jacobian-vector product) and may overwrite ``dA`` to save an allocation.

When ``uses_output`` is True the derivative is a function of the output ``A`` alone,
so a layer may evaluate the activation in place over ``Z`` and pass ``Z=None`` to
``backward``. Input dtype is kept: float32 in, float32 out.

The registry :data:`ACTIVATIONS` maps names to shared instances; :func:`get` resolves
a name (or passes an instance through).
"""

import numpy as np
from scipy.special import erf, expit

# Constants of the self-normalizing SELU (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

# Python floats, not NumPy scalars: NumPy scalars would promote float32 arrays.
_SQRT_HALF = 0.5**0.5
_INV_SQRT_2PI = 1.0 / (2.0 * 3.141592653589793) ** 0.5


class Activation:
    """Base class of activation functions.

    Attributes
    ----------
    name : str
        Registry key.
    uses_output : bool
        True when ``f'(Z)`` can be computed from ``A = f(Z)`` alone; ``backward``
        then receives ``Z=None``.
    """

    name = None
    uses_output = True

    def forward(self, Z, out=None):
        """Return ``A = f(Z)``.

        Parameters
        ----------
        Z : ndarray of shape (n_samples, ...)
            Pre-activations.
        out : ndarray of the shape of ``Z``, optional
            Destination; may be ``Z`` itself.

        Returns
        -------
        A : ndarray of the shape and dtype of ``Z``
        """
        raise NotImplementedError

    def backward(self, dA, A, Z):
        """Return ``dZ = dA * f'(Z)``; ``dA`` may be overwritten and returned.

        Parameters
        ----------
        dA : ndarray of shape (n_samples, ...)
            Gradient with respect to the output.
        A : ndarray of the shape of ``dA``
            Output of ``forward``.
        Z : ndarray of the shape of ``dA`` or None
            Input of ``forward``; None is allowed when ``uses_output`` is True.

        Returns
        -------
        dZ : ndarray of the shape of ``dA``
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """Identity: ``f(z) = z``.

    Without ``out`` the input array itself is returned (no copy).
    """

    name = "identity"

    def forward(self, Z, out=None):
        if out is None or out is Z:
            return Z
        np.copyto(out, Z)
        return out

    def backward(self, dA, A, Z):
        return dA


class Logistic(Activation):
    """Logistic sigmoid: ``f(z) = 1 / (1 + exp(-z))``, ``f' = A (1 - A)``."""

    name = "logistic"

    def forward(self, Z, out=None):
        # expit never overflows, unlike a literal 1 / (1 + exp(-z)) at z = -1000.
        return expit(Z, out=out)

    def backward(self, dA, A, Z):
        dA *= A
        dA *= 1 - A
        return dA


class Tanh(Activation):
    """Hyperbolic tangent: ``f(z) = tanh(z)``, ``f' = 1 - A**2``."""

    name = "tanh"

    def forward(self, Z, out=None):
        return np.tanh(Z, out=out)

    def backward(self, dA, A, Z):
        tmp = np.square(A)
        np.subtract(1, tmp, out=tmp)
        dA *= tmp
        return dA


class ReLU(Activation):
    """Rectified linear unit: ``f(z) = max(z, 0)``, ``f' = 1[A > 0]``."""

    name = "relu"

    def forward(self, Z, out=None):
        return np.maximum(Z, 0, out=out)

    def backward(self, dA, A, Z):
        # Multiplying by the boolean mask is branch-free, several times faster than
        # masked assignment (dA[A <= 0] = 0) on random-signed activations.
        np.multiply(dA, A > 0, out=dA)
        return dA


class LeakyReLU(Activation):
    """Leaky ReLU with negative slope 0.01: ``f(z) = max(z, 0.01 z)``.

    The sign of ``A`` is the sign of ``Z``, so the derivative comes from ``A``.
    """

    name = "leaky_relu"

    def __init__(self, negative_slope=0.01):
        if not 0 <= negative_slope < 1:
            raise ValueError(f"negative_slope={negative_slope!r} must be in [0, 1)")
        self.negative_slope = negative_slope

    def forward(self, Z, out=None):
        # max(z, a z) equals the piecewise definition for 0 <= a < 1 and has no branch.
        scaled = np.multiply(Z, self.negative_slope)
        return np.maximum(Z, scaled, out=out)

    def backward(self, dA, A, Z):
        slope = np.multiply(A > 0, 1 - self.negative_slope, dtype=dA.dtype)
        slope += self.negative_slope
        dA *= slope
        return dA

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope!r})"


class ELU(Activation):
    """Scaled exponential linear unit: ``f(z) = scale * (z if z > 0 else alpha (e^z - 1))``.

    ``scale=1, alpha=1`` is the ELU of Clevert et al.; the SELU constants give
    :class:`SELU`. For ``z <= 0``, ``f'(z) = scale alpha e^z = A + scale alpha``, so the
    derivative comes from ``A``.
    """

    name = "elu"

    def __init__(self, alpha=1.0, scale=1.0):
        self.alpha = alpha
        self.scale = scale

    def forward(self, Z, out=None):
        # Clamp before expm1 so large positive z never overflows the unused branch.
        neg = np.minimum(Z, 0)
        np.expm1(neg, out=neg)
        neg *= self.alpha
        out = np.maximum(Z, 0, out=out)
        out += neg
        if self.scale != 1.0:
            out *= self.scale
        return out

    def backward(self, dA, A, Z):
        sa = self.scale * self.alpha
        # Branch-free: positives get scale, non-positives get min(A, 0) + scale*alpha.
        slope = np.multiply(A > 0, self.scale - sa, dtype=dA.dtype)
        slope += np.minimum(A, 0)
        slope += sa
        dA *= slope
        return dA

    def __repr__(self):
        return f"{type(self).__name__}(alpha={self.alpha!r}, scale={self.scale!r})"


class SELU(ELU):
    """SELU: ``f(z) = 1.0507 * (z if z > 0 else 1.6733 (e^z - 1))`` (Klambauer et al.)."""

    name = "selu"

    def __init__(self):
        super().__init__(alpha=SELU_ALPHA, scale=SELU_SCALE)

    def __repr__(self):
        return "SELU()"


class GELU(Activation):
    """Gaussian error linear unit, exact form: ``f(z) = z Phi(z) = z (1 + erf(z/sqrt 2)) / 2``.

    ``f'(z) = Phi(z) + z phi(z)`` needs ``Z``, so ``uses_output`` is False.
    """

    name = "gelu"
    uses_output = False

    def forward(self, Z, out=None):
        cdf = np.multiply(Z, _SQRT_HALF)
        erf(cdf, out=cdf)
        cdf += 1
        cdf *= 0.5
        return np.multiply(Z, cdf, out=out)

    def backward(self, dA, A, Z):
        # phi(z) = exp(-z^2/2) / sqrt(2 pi); derivative = Phi(z) + z phi(z)
        pdf = np.square(Z)
        pdf *= -0.5
        np.exp(pdf, out=pdf)
        pdf *= _INV_SQRT_2PI
        pdf *= Z
        cdf = np.multiply(Z, _SQRT_HALF)
        erf(cdf, out=cdf)
        cdf += 1
        cdf *= 0.5
        pdf += cdf
        dA *= pdf
        return dA


class Softplus(Activation):
    """Softplus: ``f(z) = log(1 + e^z)``, ``f'(z) = expit(z) = 1 - e^(-A)``.

    ``logaddexp(0, z)`` never overflows; ``-expm1(-A)`` keeps full relative precision
    of the derivative even where it is tiny (very negative ``z``).
    """

    name = "softplus"

    def forward(self, Z, out=None):
        return np.logaddexp(0, Z, out=out)

    def backward(self, dA, A, Z):
        slope = np.negative(A)
        np.expm1(slope, out=slope)
        np.negative(slope, out=slope)
        dA *= slope
        return dA


class Softmax(Activation):
    """Softmax over the last axis: ``f(z)_k = e^(z_k) / sum_j e^(z_j)``.

    Backward is the row-wise Jacobian product ``dZ = A * (dA - sum(dA * A))``.
    """

    name = "softmax"

    def forward(self, Z, out=None):
        # Subtracting the row max leaves the result unchanged and prevents overflow.
        row_max = Z.max(axis=-1, keepdims=True)
        out = np.subtract(Z, row_max, out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def backward(self, dA, A, Z):
        inner = np.einsum("...k,...k->...", dA, A)
        dA -= inner[..., np.newaxis]
        dA *= A
        return dA


ACTIVATIONS = {
    act.name: act
    for act in (
        Identity(),
        Logistic(),
        Tanh(),
        ReLU(),
        LeakyReLU(),
        ELU(),
        SELU(),
        GELU(),
        Softplus(),
        Softmax(),
    )
}


def get(name):
    """Resolve an activation name (or pass an :class:`Activation` through).

    Parameters
    ----------
    name : str or Activation

    Returns
    -------
    activation : Activation

    Raises
    ------
    ValueError
        If ``name`` is not a registered activation.
    """
    if isinstance(name, Activation):
        return name
    if isinstance(name, str) and name in ACTIVATIONS:
        return ACTIVATIONS[name]
    raise ValueError(f"activation={name!r} is not one of {sorted(ACTIVATIONS)}")
