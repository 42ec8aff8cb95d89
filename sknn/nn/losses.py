"""Losses computed from the output layer's pre-activation ``Z`` (logits).

Each loss fuses its output activation ("link"): the network's last layer stays
linear, the loss applies the link internally, and the gradient with respect to ``Z``
takes the simple form ``link(Z) - Y``. Working from logits with ``logaddexp`` and
``logsumexp`` keeps values finite for logits in the thousands.

Reduction, for every loss: a (sample-weighted) mean over samples of the sum over
outputs,

    value = sum_i w_i sum_k l(y_ik, z_ik) / sum_i w_i        (w_i = 1 when None),

so the gradient is ``w_i dl/dz_ik / sum_i w_i``. Unweighted, this is exactly
scikit-learn's MLP output delta ``(out - y) / n``. For several outputs,
scikit-learn *reports* the squared loss averaged over outputs while its gradient
sums them; sknn sums in both, so the reported value is the one being minimized.

A batch whose weights sum to zero carries no information: its value and gradient
are zero.
"""

import numpy as np
from scipy.special import expit, xlogy


class Loss:
    """Base class: subclasses define per-sample values and elementwise gradients.

    Subclasses implement ``_rows(Y, Z)``, the per-sample loss summed over outputs
    (shape (n,)), and ``_raw_gradient(Y, Z, out)``, the unreduced ``dl/dZ`` written
    into ``out``. ``_both`` may be overridden to share work between the two.

    Attributes
    ----------
    name : str
        Registry key.
    out_activation : {'identity', 'logistic', 'softmax', 'exp'}
        The fused link, named as scikit-learn's ``out_activation_``.
    """

    name = None
    out_activation = "identity"

    # -- public API -----------------------------------------------------------------
    def value(self, Y, Z, sample_weight=None):
        """Mean loss.

        Parameters
        ----------
        Y : array-like of shape (n_samples, n_outputs)
            Targets (bool, int or float; cast to ``Z.dtype``).
        Z : ndarray of shape (n_samples, n_outputs)
            Output-layer pre-activations.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        value : float
        """
        Y, Z = self._check(Y, Z)
        return self._reduce(self._rows(Y, Z), sample_weight)

    def gradient(self, Y, Z, sample_weight=None, out=None):
        """Gradient of :meth:`value` with respect to ``Z``.

        Parameters
        ----------
        Y, Z, sample_weight : see :meth:`value`
        out : ndarray of the shape and dtype of ``Z``, optional
            Destination buffer (reused across batches by the training loop).

        Returns
        -------
        dZ : ndarray of the shape and dtype of ``Z``
        """
        Y, Z = self._check(Y, Z)
        out = self._out(Z, out)
        self._raw_gradient(Y, Z, out)
        self._scale(out, sample_weight)
        return out

    def value_and_gradient(self, Y, Z, sample_weight=None, out=None):
        """Both :meth:`value` and :meth:`gradient` in one pass (the training loop's call).

        Returns
        -------
        value : float
        dZ : ndarray of the shape and dtype of ``Z``
        """
        Y, Z = self._check(Y, Z)
        out = self._out(Z, out)
        rows = self._both(Y, Z, out)
        value = self._reduce(rows, sample_weight)
        self._scale(out, sample_weight)
        return value, out

    def predict(self, Z):
        """Apply the inverse link: the model's prediction for logits ``Z``.

        Returns
        -------
        prediction : ndarray of the shape of ``Z`` (a new array)
        """
        return np.array(Z, copy=True)

    def __repr__(self):
        return f"{type(self).__name__}()"

    # -- per-loss hooks ---------------------------------------------------------------
    def _rows(self, Y, Z):
        raise NotImplementedError

    def _raw_gradient(self, Y, Z, out):
        raise NotImplementedError

    def _both(self, Y, Z, out):
        rows = self._rows(Y, Z)
        self._raw_gradient(Y, Z, out)
        return rows

    # -- shared plumbing --------------------------------------------------------------
    @staticmethod
    def _check(Y, Z):
        Z = np.asarray(Z)
        Y = np.asarray(Y, dtype=Z.dtype)
        if Y.shape != Z.shape:
            if Y.ndim == 1 and Z.shape == (Y.shape[0], 1):
                Y = Y[:, np.newaxis]  # a 1-D target for a single-output network
            else:
                raise ValueError(f"Y has shape {Y.shape} but Z has shape {Z.shape}")
        return Y, Z

    @staticmethod
    def _out(Z, out):
        if out is None:
            return np.empty_like(Z)
        if out.shape != Z.shape or out.dtype != Z.dtype:
            raise ValueError(
                f"out has shape {out.shape} and dtype {out.dtype}, "
                f"expected {Z.shape} and {Z.dtype}"
            )
        return out

    @staticmethod
    def _weights(sample_weight, n):
        w = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if w.shape[0] != n:
            raise ValueError(f"sample_weight has {w.shape[0]} entries, expected {n}")
        return w, float(w.sum())

    def _reduce(self, rows, sample_weight):
        n = rows.shape[0]
        if sample_weight is None:
            # float64 accumulation: a float32 batch sum drifts for large batches.
            return float(np.sum(rows, dtype=np.float64)) / n if n else 0.0
        w, total = self._weights(sample_weight, n)
        if total == 0:
            return 0.0
        return float(np.dot(w, rows.astype(np.float64, copy=False))) / total

    def _scale(self, out, sample_weight):
        n = out.shape[0]
        if sample_weight is None:
            if n:
                out /= n
            return
        w, total = self._weights(sample_weight, n)
        if total == 0:
            out.fill(0)
            return
        factor = (w / total).astype(out.dtype, copy=False)
        out *= factor.reshape((n,) + (1,) * (out.ndim - 1))


def _row_sum(L):
    """Sum an (n, k) elementwise loss over outputs."""
    return L.sum(axis=tuple(range(1, L.ndim))) if L.ndim > 1 else L


class SquaredError(Loss):
    """Squared error with identity link: ``l = (z - y)^2 / 2``, ``dl/dz = z - y``.

    For one output the value equals scikit-learn's ``squared_loss``.
    """

    name = "squared_error"
    out_activation = "identity"

    def _rows(self, Y, Z):
        R = Z - Y
        return self._rows_from_residual(R)

    @staticmethod
    def _rows_from_residual(R):
        flat = R.reshape(R.shape[0], -1)
        return 0.5 * np.einsum("ij,ij->i", flat, flat)

    def _raw_gradient(self, Y, Z, out):
        np.subtract(Z, Y, out=out)

    def _both(self, Y, Z, out):
        # The residual is the raw gradient; the value reuses it before scaling.
        np.subtract(Z, Y, out=out)
        return self._rows_from_residual(out)


class AbsoluteError(Loss):
    """Absolute error with identity link: ``l = |z - y|``, ``dl/dz = sign(z - y)``."""

    name = "absolute_error"
    out_activation = "identity"

    def _rows(self, Y, Z):
        return _row_sum(np.abs(Z - Y))

    def _raw_gradient(self, Y, Z, out):
        np.subtract(Z, Y, out=out)
        np.sign(out, out=out)

    def _both(self, Y, Z, out):
        np.subtract(Z, Y, out=out)
        rows = _row_sum(np.abs(out))
        np.sign(out, out=out)
        return rows


class Huber(Loss):
    """Huber loss with identity link, ``r = z - y``:
    ``l = r^2 / 2`` if ``|r| <= delta`` else ``delta (|r| - delta / 2)``;
    ``dl/dz = clip(r, -delta, delta)``.

    Parameters
    ----------
    delta : float, default=1.0
        Residual size where the loss turns from quadratic to linear.
    """

    name = "huber"
    out_activation = "identity"

    def __init__(self, delta=1.0):
        if not delta > 0:
            raise ValueError(f"delta={delta!r} must be positive")
        self.delta = delta

    def _rows_from_residual(self, R):
        a = np.abs(R)
        # With q = min(|r|, delta): q (|r| - q/2) is r^2/2 inside, delta(|r| - delta/2) outside.
        q = np.minimum(a, self.delta)
        a -= 0.5 * q
        a *= q
        return _row_sum(a)

    def _rows(self, Y, Z):
        return self._rows_from_residual(Z - Y)

    def _raw_gradient(self, Y, Z, out):
        np.subtract(Z, Y, out=out)
        np.clip(out, -self.delta, self.delta, out=out)

    def _both(self, Y, Z, out):
        np.subtract(Z, Y, out=out)
        rows = self._rows_from_residual(out)
        np.clip(out, -self.delta, self.delta, out=out)
        return rows

    def __repr__(self):
        return f"Huber(delta={self.delta!r})"


class Poisson(Loss):
    """Half Poisson deviance with log link, ``mu = exp(z)``:
    ``l = y log(y) - y z - y + exp(z)``, ``dl/dz = exp(z) - y``.

    Equals scikit-learn's ``poisson_loss(y, exp(z))``; ``y log y`` is taken as 0 at
    ``y = 0``. Like any exp link, ``exp(z)`` overflows to inf for z above ~709
    (float64) or ~88 (float32).
    """

    name = "poisson"
    out_activation = "exp"

    def _rows_from_mu(self, Y, Z, mu):
        L = xlogy(Y, Y)
        L -= Y * Z
        L -= Y
        L += mu
        return _row_sum(L)

    def _rows(self, Y, Z):
        return self._rows_from_mu(Y, Z, np.exp(Z))

    def _raw_gradient(self, Y, Z, out):
        np.exp(Z, out=out)
        out -= Y

    def _both(self, Y, Z, out):
        np.exp(Z, out=out)
        rows = self._rows_from_mu(Y, Z, out)
        out -= Y
        return rows

    def predict(self, Z):
        return np.exp(Z)


class BinaryLogLoss(Loss):
    """Binary cross-entropy with logistic link, per output (binary and multilabel):
    ``l = log(1 + e^z) - y z``, ``dl/dz = expit(z) - y``.

    Equals scikit-learn's ``binary_log_loss(y, expit(z))`` without its probability
    clipping, so it stays exact and finite for any logit.
    """

    name = "binary_log_loss"
    out_activation = "logistic"

    def _rows(self, Y, Z):
        L = np.logaddexp(0, Z)
        L -= Y * Z
        return _row_sum(L)

    def _raw_gradient(self, Y, Z, out):
        expit(Z, out=out)
        out -= Y

    def predict(self, Z):
        return expit(Z)


class LogLoss(Loss):
    """Categorical cross-entropy with softmax link over the last axis (Y one-hot):
    ``l = logsumexp(z) - sum_k y_k z_k``, ``dl/dz = softmax(z) - y``.

    Equals scikit-learn's ``log_loss(y, softmax(z))`` for rows of ``Y`` summing to 1,
    without its probability clipping.
    """

    name = "log_loss"
    out_activation = "softmax"

    @staticmethod
    def _shifted_exp(Z, out):
        """Write exp(Z - rowmax) into ``out``; return rowmax and row sums, shape (n, 1)."""
        # Shifting by the row max keeps exp from overflowing; it cancels in softmax.
        row_max = Z.max(axis=-1, keepdims=True)
        np.subtract(Z, row_max, out=out)
        np.exp(out, out=out)
        return row_max, out.sum(axis=-1, keepdims=True)

    def _rows_from(self, Y, Z, row_max, row_sum):
        lse = (np.log(row_sum) + row_max)[:, 0]
        return lse - np.einsum("ij,ij->i", Y, Z)

    def _rows(self, Y, Z):
        row_max, row_sum = self._shifted_exp(Z, np.empty_like(Z))
        return self._rows_from(Y, Z, row_max, row_sum)

    def _raw_gradient(self, Y, Z, out):
        _, row_sum = self._shifted_exp(Z, out)
        out /= row_sum
        out -= Y

    def _both(self, Y, Z, out):
        row_max, row_sum = self._shifted_exp(Z, out)
        rows = self._rows_from(Y, Z, row_max, row_sum)
        out /= row_sum
        out -= Y
        return rows

    def predict(self, Z):
        P = np.empty_like(Z)
        _, row_sum = self._shifted_exp(np.asarray(Z), P)
        P /= row_sum
        return P


LOSSES = {
    cls.name: cls
    for cls in (SquaredError, AbsoluteError, Huber, Poisson, BinaryLogLoss, LogLoss)
}


def get(name, **kwargs):
    """Build a loss from its name (or pass a :class:`Loss` instance through).

    Parameters
    ----------
    name : str or Loss
    **kwargs
        Constructor arguments, e.g. ``delta`` for ``'huber'``.

    Returns
    -------
    loss : Loss

    Raises
    ------
    ValueError
        If ``name`` is not a registered loss.
    """
    if isinstance(name, Loss):
        return name
    if isinstance(name, str) and name in LOSSES:
        return LOSSES[name](**kwargs)
    raise ValueError(f"loss={name!r} is not one of {sorted(LOSSES)}")
