"""The perceptron's exact fast kernel: the per-sample rule without per-sample Python work
for samples already classified right.

Weights change only on mistakes, so :func:`_fit_chunk` scores a chunk of samples with one
matrix product, finds the first sample some unit gets wrong, applies its update to the
remaining scores incrementally (one matrix-vector product), and goes on from there. The
result is the per-sample rule, up to floating-point rounding. L1 and elastic-net
penalties touch every weight at every sample, so :func:`_fit_samples` runs them sample
by sample.

Two rules share the kernel. ``step="heaviside"`` is the textbook's: update
``eta * (t - a) * x`` on a mistake, then shrink the weights. ``step="sign"`` is
scikit-learn's Perceptron (SGD on the hinge loss with threshold 0): shrink the weights,
then add ``eta * y * x`` whenever ``y * z <= 0``; :mod:`sknn._perceptron_sgd` runs it.
"""

import numpy as np
import scipy.sparse as sp

CHUNK = 64  # rows scored per matrix product; larger chunks make each mistake costlier


def _step_output(Z, step):
    """Unit outputs a = step(z): heaviside gives 1 for z > 0 else 0 (as bool); sign gives -1, 0, +1."""
    return np.sign(Z) if step == "sign" else Z > 0


def _wrong(Z, P, step):
    """Where a unit's output misses its target; ``P`` is True for positive targets."""
    wrong = (Z > 0) != P
    if step == "sign":
        wrong |= Z == 0  # sign(0) = 0 matches neither target -1 nor +1
    return wrong


def _targets(P, step):
    """Unit targets from positive flags: 0/1 (heaviside) or -1/+1 (sign)."""
    return 2.0 * P - 1.0 if step == "sign" else P.astype(np.float64)


def _criterion(Z, P, C):
    """Perceptron criterion sum(C * max(0, -s * z)), s = +1 for positive targets, else -1.

    The rule above is stochastic gradient descent on this loss (per unit and sample).
    """
    return float(np.sum(C * np.maximum(0.0, np.where(P, -Z, Z))))


def _update(Z, P, T, etaC, step):
    """Each unit's update factor for one row (zero where the unit was right).

    Textbook (heaviside): eta * (t - a). scikit-learn (sign): eta * y on every y * z <= 0,
    a tie included, where the textbook's ``t - sign(z)`` would double a wrong sign's step.
    """
    if step == "sign":
        return etaC * T * _wrong(Z, P, step)
    return etaC * (T - _step_output(Z, step))


def _fit_chunk(W, b, Xc, P, C, eta, decay, step, fit_intercept, intercept_scale=1.0):
    """Apply the per-sample rule to the rows of ``Xc`` in order; update W, b in place.

    Parameters
    ----------
    W : ndarray of shape (n_units, n_features)
    b : ndarray of shape (n_units,)
    Xc : ndarray or CSR matrix of shape (m, n_features)
    P : bool ndarray of shape (m, n_units)
        Positive targets.
    C : ndarray of shape (m, n_units)
        Sample (and class) weights multiplying each update.
    eta : float
    decay : float
        L2 shrink factor applied to W after every sample (1.0 for none).
    step : {"heaviside", "sign"}
        The textbook's rule (shrink after the update) or scikit-learn's (before it).
    fit_intercept : bool
    intercept_scale : float, default=1.0
        Multiplies the intercept's updates (scikit-learn uses 0.01 for sparse X).

    Returns
    -------
    Z : ndarray of shape (m, n_units)
        The scores each sample met, before its own update.
    """
    m = Xc.shape[0]
    lag = 0 if step == "sign" else 1  # sklearn shrinks W before adding the update
    powers = decay ** np.arange(m + 1)  # row j meets decay**j * W plus later updates
    decays = decay != 1.0
    Z = _dense(Xc @ W.T)
    if decays:
        Z *= powers[:m, None]
    Z += b
    sparse, n_units = sp.issparse(Xc), W.shape[0]
    etaC = eta * C
    # Both rules update a wrong unit by eta * C * (+1 for a positive target, -1 else):
    # the textbook's t - a and scikit-learn's y are that sign on every mistake.
    signed_rate = etaC * _targets(P, "sign")
    # scikit-learn's rule without decay: near-ties are decided with its own arithmetic
    exact = step == "sign" and not decays
    margin = _tie_margins(Xc, W, b, etaC, intercept_scale) if exact else None
    rows, errors = [], []
    start = 0
    # Hot loop: one iteration per mistake, so keep it to a dozen NumPy calls.
    while start < m:
        # row-major: the first wrong (row, unit) pair lies in the first row with a mistake
        bad = _wrong(Z[start:], P[start:], step)
        if exact:
            bad |= np.abs(Z[start:]) <= margin[start:, None]
        bad = bad.ravel()
        k = bad.argmax()  # first True, or 0 when there is none
        if not bad[k]:
            break
        i, first = start + k // n_units, k - k % n_units
        wrong = bad[first : first + n_units]  # row i's units
        if exact:
            Z[i] = _exact_scores(W, b, Xc, i)
            wrong = _wrong(Z[i], P[i], step)  # the near-ties, decided
            if not wrong.any():
                start = i + 1
                continue
        e = signed_rate[i] * wrong  # (n_units,), zero where the unit was right
        if exact:
            _add_outer(W, e, Xc, i)  # now, in sample order, as scikit-learn rounds
        else:
            rows.append(i)
            errors.append(e)
        if fit_intercept:
            b += e if intercept_scale == 1.0 else intercept_scale * e
        if i + 1 < m:
            # row j > i meets W + decay**(j - i - 1 + lag) * e x_i^T: its scores move by that . x_j
            g = _dense(Xc[i + 1 :] @ Xc[i : i + 1].T).ravel() if sparse else Xc[i + 1 :] @ Xc[i]
            if decays:
                g *= powers[lag : m - i - 1 + lag]
            if fit_intercept:
                g += intercept_scale  # the bias input x_0 = 1 of every later row
            Z[i + 1 :] += g[:, None] * e
        start = i + 1
    if decays:
        W *= powers[m]
    if rows:
        E = np.array(errors)
        if decays:
            E *= powers[m - 1 + lag - np.array(rows)][:, None]
        W += _dense(Xc[rows].T @ E).T
    return Z


def _tie_margins(Xc, W, b, etaC, intercept_scale):
    """Per row, a bound far above the rounding error of its incrementally updated score.

    A score within it of 0 may have its sign decided by rounding; it is recomputed the
    way scikit-learn computes it (:func:`_exact_scores`). The bound grows W and b by the
    largest update every row of the chunk could make; 1e-9 leaves a wide margin over
    float64's 1e-16 for the chunk's few dozen accumulated terms.
    """
    norms = np.sqrt(_dense(Xc.multiply(Xc).sum(axis=1)).ravel() if sp.issparse(Xc)
                    else np.einsum("ij,ij->i", Xc, Xc))  # fmt: skip
    step = np.abs(etaC).max(initial=0.0)
    w_bound = np.linalg.norm(W) + step * norms.sum()
    b_bound = np.abs(b).max(initial=0.0) + step * Xc.shape[0] * intercept_scale
    return 1e-9 * (norms * w_bound + b_bound + 1e-300)


def _exact_scores(W, b, Xc, i):
    """Row ``i``'s scores as scikit-learn computes them: products summed left to right."""
    if sp.issparse(Xc):
        span = slice(Xc.indptr[i], Xc.indptr[i + 1])
        products = W[:, Xc.indices[span]] * Xc.data[span]
    else:
        products = W * Xc[i]
    if products.shape[1] == 0:
        return b.copy()
    return np.cumsum(products, axis=1)[:, -1] + b


def _add_outer(W, e, Xc, i):
    """W += e x_i^T, for a dense or CSR row."""
    if sp.issparse(Xc):
        span = slice(Xc.indptr[i], Xc.indptr[i + 1])
        W[:, Xc.indices[span]] += np.outer(e, Xc.data[span])
    else:
        W += np.outer(e, Xc[i])


def _fit_samples(W, b, X, P, C, eta, decay, l1, step, fit_intercept):
    """The textbook's rule one sample at a time (when an L1 penalty changes W at every step).

    Same parameters as :func:`_fit_chunk` (heaviside only), plus ``l1``: after the L2
    shrink, every weight moves ``l1`` towards zero, stopping at zero (soft thresholding).
    Returns the scores each sample met, as :func:`_fit_chunk` does.
    """
    T, Z = _targets(P, step), np.empty(P.shape)
    for i in range(X.shape[0]):
        x = _dense(X[i : i + 1]).ravel()
        z = Z[i] = W @ x + b
        if _wrong(z, P[i], step).any():
            e = _update(z, P[i], T[i], eta * C[i], step)
            W += np.outer(e, x)
            if fit_intercept:
                b += e
        W *= decay
        np.copysign(np.maximum(np.abs(W) - l1, 0.0), W, out=W)
    return Z


def _dense(A):
    """A product's result as an ndarray (sparse products may return matrices)."""
    return A.toarray() if sp.issparse(A) else np.asarray(A)


def _accuracy(Z, P, indicator):
    """Share of samples whose decoded prediction is right (all units for indicator y)."""
    if indicator:
        return float(np.mean(((Z > 0) == P).all(axis=1)))
    if P.shape[1] == 1:
        return float(np.mean((Z[:, 0] > 0) == P[:, 0]))
    return float(np.mean(np.argmax(Z, axis=1) == np.argmax(P, axis=1)))
