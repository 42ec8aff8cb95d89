"""One float64 central-difference gradient harness for layers, activations and losses.

Every layer, activation and loss of the core is tested through these functions, so a
new layer needs one line in the tests, not a new checker. The scalar checked is
``f = sum(R * forward(X))`` for a fixed random ``R``: its gradient with respect to the
output is ``R``, which is what ``backward`` receives.
"""

import numpy as np

EPS = 1e-6


def numerical_gradient(f, x, eps=EPS):
    """Central-difference gradient of the scalar function ``f()`` with respect to ``x``.

    ``x`` is perturbed in place, one element at a time, and restored.

    Parameters
    ----------
    f : callable
        Takes no argument and returns a float that depends on ``x``.
    x : ndarray
        The array to differentiate with respect to (modified and restored).

    Returns
    -------
    grad : ndarray of the shape of ``x``
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)  # a view: x must be contiguous
    g = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        g[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def assert_close(analytic, numeric, what, rtol=1e-5, atol=1e-7):
    """Assert that two gradients agree, naming the parameter that does not."""
    analytic = np.asarray(analytic, dtype=np.float64)
    err = np.abs(analytic - numeric)
    tol = atol + rtol * np.abs(numeric)
    if not np.all(err <= tol):
        worst = np.unravel_index(np.argmax(err - tol), err.shape)
        raise AssertionError(
            f"gradient of {what} differs from central differences at index {worst}: "
            f"backprop {analytic[worst]!r} vs numeric {numeric[worst]!r} "
            f"(max abs error {err.max():.3g})"
        )


def check_layer_gradients(layer, X, training=True, seed=0, rtol=1e-5, atol=1e-7):
    """Check ``layer.backward`` against central differences, for dX and every param.

    Parameters
    ----------
    layer : Layer
        A layer not yet built; it is built here in float64 for ``X.shape[1:]``.
    X : ndarray of shape ``(n, *input_shape)``
        Input batch (float64). Keep it small: the check costs two forwards per scalar.
    training : bool, default=True
        Mode passed to ``forward``. Layers with random masks (dropout) draw them once;
        ``freeze_noise`` is then set so the perturbed forwards reuse the same mask.
    """
    rng = np.random.default_rng(seed)
    X = np.array(X, dtype=np.float64)
    layer.build(X.shape[1:], rng, np.float64)
    out = layer.forward(X, training=training)
    R = rng.standard_normal(out.shape)
    layer.freeze_noise = True

    def f():
        return float(np.sum(R * layer.forward(X, training=training)))

    layer.forward(X, training=training)
    dX = np.array(layer.backward(R.copy()), dtype=np.float64)
    analytic = {name: g.copy() for name, g in layer.grads.items()}
    assert_close(dX, numerical_gradient(f, X), f"{layer!r} input", rtol, atol)
    for name, p in layer.params.items():
        assert_close(analytic[name], numerical_gradient(f, p), f"{layer!r}.{name}", rtol, atol)


def check_function_gradient(forward, backward, Z, what, rtol=1e-5, atol=1e-7, seed=0):
    """Check an elementwise-or-rowwise function pair ``forward(Z)``/``backward(dY, Z)``."""
    rng = np.random.default_rng(seed)
    Z = np.array(Z, dtype=np.float64)
    R = rng.standard_normal(forward(Z.copy()).shape)
    analytic = backward(R.copy(), Z.copy())
    numeric = numerical_gradient(lambda: float(np.sum(R * forward(Z.copy()))), Z)
    assert_close(analytic, numeric, what, rtol, atol)


def check_loss_gradient(loss, Y, Z, sample_weight=None, rtol=1e-5, atol=1e-7):
    """Check ``loss.gradient(Y, Z, sw)`` against central differences of ``loss.value``."""
    Z = np.array(Z, dtype=np.float64)
    numeric = numerical_gradient(lambda: float(loss.value(Y, Z, sample_weight)), Z)
    assert_close(loss.gradient(Y, Z, sample_weight), numeric, repr(loss), rtol, atol)
