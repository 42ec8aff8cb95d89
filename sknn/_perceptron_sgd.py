"""``ThresholdPerceptron(step="sign")``: scikit-learn's Perceptron, reproduced step by step.

scikit-learn's Perceptron is SGD on the hinge loss with threshold 0 at a constant
learning rate. What this module reproduces, from the behaviour of scikit-learn 1.9:

* One-vs-rest: each output unit is a binary problem fitted on its own, with its own
  shuffling seed and its own stopping epoch; ``n_iter_`` is the largest.
* Per sample, in order: score ``z = w . x + b``; shrink ``w`` by
  ``max(0, 1 - (1 - l1_ratio) * eta0 * alpha)``; add ``eta0 * y * c * x`` (and to ``b``)
  when ``y * z <= 0``, ``c`` the sample weight times the class weight; then, for L1
  and elastic-net, the cumulative truncated-gradient penalty (Tsuruoka, Tsujii and
  Ananiadou, 2009) on the sample's nonzero features. Sparse X scales the intercept's
  updates by 0.01.
* Stopping: the epoch's mean unweighted hinge loss plus penalty (or, with early
  stopping, the unit's sample-weighted validation accuracy) has not improved by
  ``tol`` for ``n_iter_no_change`` epochs.
* Shuffling: each epoch applies the same Fisher-Yates permutation again, drawn from
  Marsaglia's 32-bit xorshift generator seeded from ``random_state`` in the order
  scikit-learn draws its seeds. Validation rows keep their place in the shuffle and
  are skipped.
"""

import math

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils import check_random_state

from ._perceptron_kernel import CHUNK, _criterion, _exact_scores, _fit_chunk

MAX_INT = np.iinfo(np.int32).max
SPARSE_INTERCEPT_SCALE = 0.01  # scikit-learn damps the intercept's updates for sparse X
SCALE_HINT = "Scaling input data with StandardScaler or MinMaxScaler might help."
OVERFLOW = "Floating-point under-/overflow occurred at epoch #{}. " + SCALE_HINT  # sklearn's


def shuffle_positions(seed, n):
    """The permutation one seeded Fisher-Yates pass applies to ``n`` positions.

    Parameters
    ----------
    seed : int
        Seed of the 32-bit xorshift generator (0 means 1).
    n : int

    Returns
    -------
    perm : ndarray of shape (n,)
        ``order[perm]`` is ``order`` after the pass.
    """
    perm, state = np.arange(n), int(seed) or 1
    for i in range(n - 1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = i + (state % 2**31) % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def fit_units(est, W, b, X, P, C, sw, max_iter):
    """Fit every unit of (W, b) in place as scikit-learn's Perceptron would.

    Parameters
    ----------
    est : ThresholdPerceptron
        Supplies the hyperparameters.
    W : ndarray of shape (n_units, n_features)
    b : ndarray of shape (n_units,)
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    P : bool ndarray of shape (n_samples, n_units)
        Positive targets.
    C : ndarray of shape (n_samples, n_units)
        Sample weight times class weight, per unit.
    sw : ndarray of shape (n_samples,)
        Sample weights (they weigh the validation accuracy).
    max_iter : int
        Epochs at most (1 for ``partial_fit``).

    Returns
    -------
    n_iter : int
        Epochs of the unit that ran longest.
    """
    if P.shape[1] == 1:  # binary: the dataset's seed is drawn before the split
        rng = check_random_state(est.random_state)
        rng.randint(1, MAX_INT)
        mask = _validation_mask(est, P[:, 0], sw)
        rngs = [rng]
    else:
        mask = _validation_mask(est, None if est._indicator else np.argmax(P, axis=1), sw)
        seeds = check_random_state(est.random_state).randint(MAX_INT, size=P.shape[1])
        rngs = [np.random.RandomState(seed) for seed in seeds]
        for rng in rngs:
            rng.randint(1, MAX_INT)  # the dataset's own seed, unused for shuffling
    n_iter = 0
    for k, rng in enumerate(rngs):
        unit = (W[k : k + 1], b[k : k + 1], P[:, k : k + 1], C[:, k : k + 1])
        n_iter = max(n_iter, _fit_unit(est, *unit, X, sw, mask, rng.randint(MAX_INT), max_iter))
    return n_iter


def _validation_mask(est, strata, sw):
    """True on the rows held out for early stopping (none without it)."""
    n = sw.shape[0]
    mask = np.zeros(n, dtype=bool)
    if not est.early_stopping:
        return mask
    splitter = ShuffleSplit if strata is None else StratifiedShuffleSplit
    cv = splitter(test_size=est.validation_fraction, random_state=est.random_state)
    train, val = next(cv.split(np.zeros((n, 1)), strata))
    if not np.any(sw[val] > 0):
        raise ValueError(
            "The sample weights for validation set are all zero, consider using a "
            "different random state."
        )
    mask[val] = True
    return mask


def _fit_unit(est, W, b, P, C, X, sw, mask, seed, max_iter):
    """Epochs of one unit (views into the full W, b); return the number run."""
    n = X.shape[0]
    perm = shuffle_positions(seed, n) if est.shuffle else None
    order = np.arange(n)
    tol = -np.inf if est.tol is None else est.tol
    validation = (X[mask], P[mask, 0], sw[mask]) if est.early_stopping else None
    best, stale = (-np.inf if validation else np.inf), 0
    penalty = _Penalty(est, W[0])
    for epoch in range(1, max_iter + 1):
        if perm is not None:
            order = order[perm]
        rows = order[~mask[order]]
        objective = _epoch(est, W, b, X[rows], P[rows], C[rows], penalty, validation is None)
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(OVERFLOW.format(epoch))
        if validation is not None:
            Xv, Pv, wv = validation
            score = np.average(((np.asarray(Xv @ W[0]) + b[0]) > 0) == Pv, weights=wv)
            stale = stale + 1 if tol > -np.inf and score < best + tol else 0
            best = max(best, score)
        else:
            objective /= rows.size
            stale = stale + 1 if tol > -np.inf and objective > best - tol else 0
            best = min(best, objective)
        if est.verbose:
            print(f"-- Epoch {epoch}: objective {objective:.6f}, |w| {np.linalg.norm(W):.4g}")
        if stale >= est.n_iter_no_change:
            return epoch
    return max_iter


class _Penalty:
    """The penalty's constants, and the running totals it keeps across epochs.

    ``sq`` and ``l1`` are the squared L2 and the L1 norm of w as scikit-learn's objective
    sees them: set at the start, scaled with w, and recomputed over a sample's nonzero
    features when it updates w (so they do not follow the L1 truncation).
    """

    def __init__(self, est, w):
        n_features = w.shape[0]
        self.kind = est.penalty
        self.l1_ratio = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": est.l1_ratio}[est.penalty]
        strength = 0.0 if est.penalty is None else est.eta0 * est.alpha
        self.alpha = 0.0 if est.penalty is None else est.alpha
        self.decay = max(0.0, 1.0 - (1.0 - self.l1_ratio) * strength)
        self.l1_step = self.l1_ratio * strength
        self.u = 0.0  # total L1 shrink every weight should have had so far
        self.q = np.zeros(n_features)  # L1 shrink each weight actually had
        self.sq, self.l1 = float(w @ w), float(np.abs(w).sum())


def _epoch(est, W, b, X, P, C, penalty, need_objective):
    """One pass over the rows in order; return the summed hinge loss plus penalty."""
    scale = SPARSE_INTERCEPT_SCALE if sp.issparse(X) else 1.0
    if penalty.l1_step > 0 or (penalty.kind is not None and need_objective):
        return _sgd_samples(W, b, X, P, C, est.eta0, penalty, est.fit_intercept, scale)
    objective = 0.0
    for s in range(0, X.shape[0], CHUNK):
        c = slice(s, s + CHUNK)
        Z = _fit_chunk(W, b, X[c], P[c], C[c], est.eta0, penalty.decay, "sign",
                       est.fit_intercept, scale)  # fmt: skip
        objective += _criterion(Z, P[c], 1.0)
    return objective


def _sgd_samples(W, b, X, P, C, eta, penalty, fit_intercept, scale):
    """scikit-learn's per-sample step for one unit, with the penalty in the objective.

    Parameters
    ----------
    W : ndarray of shape (1, n_features)
    b : ndarray of shape (1,)
    X : ndarray or CSR matrix of shape (m, n_features)
    P, C : ndarray of shape (m, 1)
    eta : float
    penalty : _Penalty
    fit_intercept : bool
    scale : float
        Multiplies the intercept's updates.

    Returns
    -------
    objective : float
        Summed hinge loss plus, per sample, ``alpha * ((1 - r) / 2 * |w|^2 + r * |w|_1)``.
    """
    w, objective, r = W[0], 0.0, penalty.l1_ratio
    X = sp.csr_matrix(X) if sp.issparse(X) else X
    for i in range(X.shape[0]):
        idx, x = (X.indices[X.indptr[i] : X.indptr[i + 1]], X.data[X.indptr[i] : X.indptr[i + 1]]) \
            if sp.issparse(X) else (slice(None), X[i])  # fmt: skip
        y = 1.0 if P[i, 0] else -1.0
        z = _exact_scores(W, b, X, i)[0]
        objective += max(0.0, -y * z)
        if penalty.kind is not None:
            objective += penalty.alpha * ((1 - r) * 0.5 * math.sqrt(penalty.sq) ** 2 + r * penalty.l1)
            w *= penalty.decay
            penalty.sq *= penalty.decay * penalty.decay
            penalty.l1 *= penalty.decay
        update = (eta * y) * C[i, 0] if y * z <= 0 else 0.0
        if update != 0.0:
            w[idx] += x * update
            penalty.sq = float(np.cumsum(w[idx] * w[idx])[-1]) if x.size else 0.0
            penalty.l1 = float(np.cumsum(np.abs(w[idx]))[-1]) if x.size else 0.0
            if fit_intercept:
                b[0] += update * scale
        if penalty.l1_step > 0:
            _truncate(w, idx, penalty)
    return objective


def _truncate(w, idx, penalty):
    """Cumulative L1 penalty on features ``idx``: each weight moves towards zero by what
    it is owed so far, never crossing zero (Tsuruoka et al., 2009)."""
    penalty.u += penalty.l1_step
    old, q = np.array(w[idx]), penalty.q[idx]  # a copy: w[:] would be a view
    new = np.where(old > 0, np.maximum(0.0, old - (penalty.u + q)),
                   np.where(old < 0, np.minimum(0.0, old + (penalty.u - q)), old))  # fmt: skip
    w[idx] = new
    penalty.q[idx] = q + (new - old)
