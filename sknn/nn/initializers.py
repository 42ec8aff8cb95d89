"""Weight initializers: scaled random kernels, zero biases.

Every initializer has the signature

    init(rng, fan_in, fan_out, shape, dtype) -> (kernel, bias)

with ``kernel`` of ``shape`` and ``bias`` of shape ``(shape[-1],)``, both of
``dtype``. ``rng`` may be a ``numpy.random.RandomState`` or ``Generator``: only
``uniform`` and ``normal``, which both provide, are used. For a convolution kernel
of shape ``(kh, kw, c_in, c_out)`` the caller passes ``fan_in = kh*kw*c_in`` and
``fan_out = kh*kw*c_out``.

The scales keep activations' variance roughly constant across layers
(``l`` is the uniform half-width, ``std`` the normal standard deviation):

* ``glorot_uniform``: ``l = sqrt(6 / (fan_in + fan_out))``; ``glorot_normal``:
  ``std = sqrt(2 / (fan_in + fan_out))``;
* ``he_uniform``: ``l = sqrt(6 / fan_in)``; ``he_normal``: ``std = sqrt(2 / fan_in)``;
* ``lecun_uniform``: ``l = sqrt(3 / fan_in)``; ``lecun_normal``: ``std = sqrt(1 / fan_in)``;
* ``sklearn``: ``l = sqrt(factor / (fan_in + fan_out))`` for kernel *and* bias.

The ``*_normal`` variants draw from a plain (untruncated) normal with exactly the
stated standard deviation. ``sklearn`` reproduces scikit-learn's MLP scheme bit for
bit (``factor`` is 2 for the logistic activation, 6 otherwise; the bias is drawn from
the same uniform right after the kernel), so a ``RandomState`` seeded as scikit-learn's
gives identical starting weights. ``auto`` picks by activation: He for the
ReLU family, LeCun normal for SELU, Glorot otherwise.
"""

import functools

import numpy as np


def _zero_bias(kernel, shape, dtype):
    return kernel.astype(dtype, copy=False), np.zeros(shape[-1], dtype=dtype)


def _uniform(rng, limit, shape, dtype):
    return _zero_bias(rng.uniform(-limit, limit, size=shape), shape, dtype)


def _normal(rng, std, shape, dtype):
    return _zero_bias(rng.normal(0.0, std, size=shape), shape, dtype)


def glorot_uniform(rng, fan_in, fan_out, shape, dtype=np.float64):
    """Glorot/Xavier uniform: ``W ~ U(-l, l)``, ``l = sqrt(6 / (fan_in + fan_out))``."""
    return _uniform(rng, np.sqrt(6.0 / (fan_in + fan_out)), shape, dtype)


def glorot_normal(rng, fan_in, fan_out, shape, dtype=np.float64):
    """Glorot/Xavier normal: ``W ~ N(0, 2 / (fan_in + fan_out))``, untruncated."""
    return _normal(rng, np.sqrt(2.0 / (fan_in + fan_out)), shape, dtype)


def he_uniform(rng, fan_in, fan_out, shape, dtype=np.float64):
    """He/Kaiming uniform: ``W ~ U(-l, l)``, ``l = sqrt(6 / fan_in)``."""
    return _uniform(rng, np.sqrt(6.0 / fan_in), shape, dtype)


def he_normal(rng, fan_in, fan_out, shape, dtype=np.float64):
    """He/Kaiming normal: ``W ~ N(0, 2 / fan_in)``, untruncated."""
    return _normal(rng, np.sqrt(2.0 / fan_in), shape, dtype)


def lecun_uniform(rng, fan_in, fan_out, shape, dtype=np.float64):
    """LeCun uniform: ``W ~ U(-l, l)``, ``l = sqrt(3 / fan_in)``."""
    return _uniform(rng, np.sqrt(3.0 / fan_in), shape, dtype)


def lecun_normal(rng, fan_in, fan_out, shape, dtype=np.float64):
    """LeCun normal: ``W ~ N(0, 1 / fan_in)``, untruncated (the SELU recommendation)."""
    return _normal(rng, np.sqrt(1.0 / fan_in), shape, dtype)


def sklearn_uniform(rng, fan_in, fan_out, shape, dtype=np.float64, factor=6.0):
    """scikit-learn's MLP scheme: kernel then bias from ``U(-l, l)``,
    ``l = sqrt(factor / (fan_in + fan_out))``.

    Parameters
    ----------
    factor : float, default=6.0
        2.0 for the logistic activation, 6.0 otherwise (as scikit-learn does).
    """
    limit = np.sqrt(factor / (fan_in + fan_out))
    # Draw order matters for reproducing scikit-learn: the whole kernel, then the bias.
    kernel = rng.uniform(-limit, limit, size=shape)
    bias = rng.uniform(-limit, limit, size=shape[-1])
    return kernel.astype(dtype, copy=False), bias.astype(dtype, copy=False)


INITIALIZERS = {
    f.__name__: f
    for f in (glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal)
}
_NAMES = sorted([*INITIALIZERS, "sklearn", "auto"])

# Activation -> initializer for "auto". Rectifier-like units halve the variance
# they pass on, which He's factor 2 compensates; SELU's fixed point assumes LeCun normal.
_AUTO = {
    "relu": "he_uniform",
    "leaky_relu": "he_uniform",
    "elu": "he_uniform",
    "gelu": "he_uniform",
    "softplus": "he_uniform",
    "selu": "lecun_normal",
}


def _activation_name(activation):
    return activation if activation is None or isinstance(activation, str) else activation.name


def get(name, activation=None):
    """Resolve an initializer name to a callable.

    Parameters
    ----------
    name : str or callable
        One of ``'glorot_uniform'``, ``'glorot_normal'``, ``'he_uniform'``,
        ``'he_normal'``, ``'lecun_uniform'``, ``'lecun_normal'``, ``'sklearn'``,
        ``'auto'``, or a callable with the initializer signature (returned as is).
    activation : str or Activation, optional
        The layer's activation; used by ``'auto'`` and ``'sklearn'``.

    Returns
    -------
    init : callable
        ``init(rng, fan_in, fan_out, shape, dtype) -> (kernel, bias)``.

    Raises
    ------
    ValueError
        If ``name`` is not a known initializer.
    """
    if callable(name):
        return name
    activation = _activation_name(activation)
    if name == "auto":
        return INITIALIZERS[_AUTO.get(activation, "glorot_uniform")]
    if name == "sklearn":
        factor = 2.0 if activation == "logistic" else 6.0
        # A partial of a module-level function pickles, unlike a closure.
        return functools.partial(sklearn_uniform, factor=factor)
    if isinstance(name, str) and name in INITIALIZERS:
        return INITIALIZERS[name]
    raise ValueError(f"kernel_initializer={name!r} is not one of {_NAMES}")
