"""Rosenblatt's perceptron: threshold logic units trained one sample at a time.

The textbook's rule, for output unit j and input i (``x_0 = 1`` feeds the bias)::

    theta_ij <- theta_ij + eta * (y_j - a_j) * x_i,   a_j = step(theta_j . x)

Weights change only on mistakes, which makes an exact fast kernel possible: see
:mod:`sknn._perceptron_kernel`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
)

from ._array_api import ArrayAPIBoundaryMixin
from ._class_weight import CLASS_WEIGHT_CONSTRAINT, class_weights, refuse_balanced_partial_fit
from ._labels import check_label_types
from ._perceptron_checks import (
    _check_scores_finite,
    _checked_copy,
    _classes_of,
    _indicator_flags,
    _warn_max_iter,
)
from ._perceptron_kernel import CHUNK, _accuracy, _criterion, _dense, _fit_chunk, _fit_samples
from ._perceptron_sgd import SCALE_HINT, fit_units
from ._persistence import PersistenceMixin, weights_problem
from ._scoring import checked_score
from ._sizes import check_weight_memory
from ._validation import abs_max, validate_data

__all__ = ["ThresholdPerceptron"]

class ThresholdPerceptron(ArrayAPIBoundaryMixin, PersistenceMixin, ClassifierMixin,
                          BaseEstimator):
    """Perceptron of threshold logic units, trained by the textbook's per-sample rule.

    A stand-in for :class:`sklearn.linear_model.Perceptron` (same parameter names,
    defaults and meanings), plus the textbook's step function and initial weights.
    Output units: one for binary ``y``; one per class (one-vs-rest targets, predict
    the highest score) for ``K > 2`` classes; one per column of a 0/1 indicator ``y``,
    whose raw outputs ``predict`` returns (so [1, 1], "cat and dog", can happen).
    There is no ``predict_proba``: a threshold unit outputs 0 or 1, not a
    probability; ``decision_function`` gives the scores.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet"} or None, default=None
        After each sample's step (every sample, right or wrong) the weights, not the
        intercepts, shrink: ``W *= 1 - eta0 * alpha * r2`` then every weight moves
        ``eta0 * alpha * r1`` towards zero without crossing it, with
        ``(r1, r2) = (0, 1)`` for "l2", ``(1, 0)`` for "l1", ``(l1_ratio, 1 - l1_ratio)``
        for "elasticnet". L1 penalties run a slower sample-by-sample loop.
    alpha : float, default=0.0001
        Strength of the penalty.
    l1_ratio : float in [0, 1], default=0.15
        Share of L1 in the elastic-net penalty.
    fit_intercept : bool, default=True
        Learn a bias per unit (the weight of the constant input ``x_0 = 1``).
    max_iter : int, default=1000
        Maximum number of epochs (passes over the data).
    tol : float or None, default=1e-3
        Stop when the epoch's mean perceptron criterion ``mean(sum_j max(0, -s_j z_j))``
        (``s_j = +1`` for a positive target, else -1) has not fallen below the best
        so far minus ``tol`` for ``n_iter_no_change`` epochs in a row. None: run
        ``max_iter`` epochs.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    verbose : int, default=0
        Print one line per epoch when positive.
    eta0 : float, default=1.0
        Learning rate eta.
    n_jobs : int or None, default=None
        Accepted for compatibility; unused, as all units update together in one
        matrix-vector product.
    random_state : int, RandomState instance or None, default=0
        Seeds shuffling, ``init="random"`` and the early-stopping split.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified) and stop
        when its accuracy has not risen by ``tol`` for ``n_iter_no_change`` epochs.
    validation_fraction : float in (0, 1), default=0.1
    n_iter_no_change : int, default=5
    class_weight : dict, "balanced" or None, default=None
        Multiplies the update of samples of each class (1-D ``y`` only); with K > 2
        classes, unit k weights its positive samples by class k's weight.
    warm_start : bool, default=False
        Start ``fit`` from the previous solution.
    step : {"heaviside", "sign"}, default="heaviside"
        Heaviside: the textbook's rule, a = 1 if z > 0 else 0, targets 0/1. Sign:
        :class:`sklearn.linear_model.Perceptron`'s rule, targets y = -1/+1, add
        ``eta0 * y * x`` whenever ``y * z <= 0`` (ties included), penalties shrink before
        the update, each unit fitted one-vs-rest with scikit-learn's seeds, shuffling,
        stopping and early-stopping split (see :mod:`sknn._perceptron_sgd`). It gives
        scikit-learn's ``coef_``, ``intercept_``, ``n_iter_`` and ``t_`` for float64 X
        (float32 X is trained in float64, where scikit-learn stays in float32).
        Without a penalty, scores near 0 are recomputed with scikit-learn's arithmetic,
        so ties on data such as iris are decided as it decides them; with a penalty,
        scikit-learn stores the weights as a scale times a vector, and a score exactly
        0 up to rounding could in principle be decided differently.
    init : {"zeros", "ones", "random"}, default="zeros"
        Initial weights and intercepts; "random" draws them from N(0, 0.01**2).

    Attributes
    ----------
    coef_ : ndarray of shape (n_units, n_features)
    intercept_ : ndarray of shape (n_units,)
    classes_ : ndarray of shape (n_classes,)
        Class labels; ``arange(n_outputs)`` for indicator ``y``.
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Samples processed (weight-update steps) plus one, as scikit-learn counts.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Defined only when X has string feature names.

    Examples
    --------
    >>> from sknn import ThresholdPerceptron
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> ThresholdPerceptron().fit(X, [0, 0, 0, 1]).predict(X).tolist()  # AND
    [0, 0, 0, 1]
    """

    _parameter_constraints = {
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, None, None, closed="neither"), None],
        "shuffle": ["boolean"],
        "verbose": ["verbose"],
        "eta0": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
        "warm_start": ["boolean"],
        "step": [StrOptions({"heaviside", "sign"})],
        "init": [StrOptions({"zeros", "ones", "random"})],
    }

    def __init__(
        self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
        max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, n_jobs=None,
        random_state=0, early_stopping=False, validation_fraction=0.1,
        n_iter_no_change=5, class_weight=None, warm_start=False, step="heaviside",
        init="zeros",
    ):  # fmt: skip
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.step = step
        self.init = init

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    @property
    def predict_proba(self):
        """Not available: a threshold unit outputs 0 or 1, not a probability."""
        raise AttributeError(
            "ThresholdPerceptron has no predict_proba: threshold units output 0/1 "
            "decisions, not probabilities. Use decision_function for scores, or "
            "sknn's MLPClassifier for probabilities."
        )

    # -- fitting ----------------------------------------------------------------------
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Train on (X, y) for up to ``max_iter`` epochs of the per-sample rule.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a 0/1 indicator matrix (one unit per column).
        coef_init : ndarray of shape (n_units, n_features), optional
        intercept_init : ndarray of shape (n_units,), optional
            Initial weights, overriding ``init`` and ``warm_start``.
        sample_weight : ndarray of shape (n_samples,), optional
            Multiplies each sample's update and loss.

        Returns
        -------
        self : ThresholdPerceptron
        """
        self._validate_params()
        X, P, C, sw = self._prepare(X, y, sample_weight, reset=True)
        rng = check_random_state(self.random_state)
        keep = self.warm_start and hasattr(self, "coef_")
        W, b = self._previous(X, P) if keep else self._initial(X, P, rng)
        W, b = self._override(W, b, coef_init, intercept_init)
        # overflow is checked on the results below; numpy's own warnings stay inside
        with np.errstate(over="ignore", invalid="ignore"):
            if self.step == "sign":  # scikit-learn's Perceptron, step by step
                self.n_iter_ = fit_units(self, W, b, X, P, C, sw, self.max_iter)
                self.t_ = 1 + self.n_iter_ * X.shape[0]
            else:
                Xt, Pt, Ct, validation = self._split(X, P, C, rng) if self.early_stopping else (
                    X, P, C, None)  # fmt: skip
                self.t_ = 1
                self.n_iter_ = self._epochs(W, b, Xt, Pt, Ct, rng, validation)
            _check_scores_finite(X, W, b)
        if self.tol is not None and self.n_iter_ == self.max_iter:
            _warn_max_iter(self.max_iter)
        self.coef_, self.intercept_ = W, b
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of the per-sample rule over (X, y), continuing from the last call.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        classes : array-like of shape (n_classes,), optional
            All classes of 1-D ``y``; required on the first call, ignored later.
        sample_weight : ndarray of shape (n_samples,), optional

        Returns
        -------
        self : ThresholdPerceptron
        """
        first = not hasattr(self, "coef_")
        if first:
            self._validate_params()
            if classes is None and np.ndim(y) == 1:
                raise ValueError("classes must be passed on the first call to partial_fit")
            if self.early_stopping:  # scikit-learn's sentence
                raise ValueError("early_stopping should be False with partial_fit")
        refuse_balanced_partial_fit(self.class_weight)
        X, P, C, sw = self._prepare(X, y, sample_weight, reset=first, classes=classes)
        rng = check_random_state(self.random_state)
        if first:
            self.coef_, self.intercept_ = self._initial(X, P, rng)
            self.t_ = 1
        W, b = self.coef_.copy(), self.intercept_.copy()  # kept unless the epoch succeeds
        with np.errstate(over="ignore", invalid="ignore"):
            if self.step == "sign":
                fit_units(self, W, b, X, P, C, sw, max_iter=1)
            else:
                self._epoch(W, b, X, P, C, rng)
            _check_scores_finite(X, W, b)
        self.coef_, self.intercept_ = W, b
        self.t_ += X.shape[0]
        self.n_iter_ = 1
        return self

    # -- prediction -------------------------------------------------------------------
    def score(self, X, y, sample_weight=None):
        return checked_score(self, super().score, X, y, sample_weight)

    score.__doc__ = ClassifierMixin.score.__doc__

    def decision_function(self, X):
        """Scores ``z = X @ coef_.T + intercept_`` of the output units.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) for binary y, else (n_samples, n_units)
        """
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=np.float64, reset=False)
        with np.errstate(over="ignore", invalid="ignore"):
            Z = _dense(X @ self.coef_.T) + self.intercept_
        if not np.isfinite(Z).all():
            raise ValueError(
                f"X has values too large for this model (|X| up to {abs_max(X):.3g}): the "
                "decision scores overflow. Scale X as the training data was scaled."
            )
        return Z.ravel() if Z.shape[1] == 1 and not self._indicator else Z

    def predict(self, X):
        """Class labels, or the units' raw 0/1 outputs for indicator ``y``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            For indicator ``y``, 1 where a unit fires (z > 0): several units may fire.
        """
        Z = self.decision_function(X)
        if self._indicator:
            return (Z > 0).astype(np.int64)
        if Z.ndim == 1:
            return self.classes_[(Z > 0).astype(np.intp)]
        return self.classes_[np.argmax(Z, axis=1)]

    def _loaded_state_problem(self):
        """What is wrong with a loaded coef_/intercept_ (finite floats, shapes), or None."""
        if "coef_" not in vars(self):
            return None
        W, b = self.coef_, self.intercept_
        problem = weights_problem("coef_ values", W) or weights_problem("intercept_ values", b)
        if problem:
            return problem
        n_classes = len(getattr(self, "classes_", ()))
        units = n_classes if getattr(self, "_indicator", False) or n_classes > 2 else 1
        expected = ((units, getattr(self, "n_features_in_", -1)), (units,))
        if (W.shape, b.shape) != expected:
            return (f"coef_ and intercept_ have shapes {W.shape} and {b.shape}, where "
                    f"{n_classes} classes and n_features_in_ need {expected[0]} and {expected[1]}")
        return None

    # -- helpers ----------------------------------------------------------------------
    def _prepare(self, X, y, sample_weight, reset, classes=None):
        """Validate X, y; return X, positive-target flags P, update weights C and sample weights."""
        X, y = validate_data(
            self, X, y, accept_sparse="csr", dtype=np.float64, multi_output=True, reset=reset
        )
        check_label_types(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)  # one column is 1-D labels, with sklearn's warning
        if reset:
            self._indicator = y.ndim == 2
            self.classes_ = _classes_of(y, classes)
        P = self._positive_targets(y)
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        C = np.repeat(sw[:, None], P.shape[1], axis=1)
        if self.class_weight is not None:
            if self._indicator:
                raise ValueError("class_weight needs 1-D class labels y, not an indicator matrix")
            # scikit-learn's Perceptron counts classes without sample_weight for "balanced"
            cw = class_weights(self.class_weight, self.classes_, y)
            # one-vs-rest: a unit weights its positive samples by its class's weight
            C *= cw[np.searchsorted(self.classes_, y)][:, None] if P.shape[1] == 1 else (
                np.where(P, cw, 1.0)
            )
        return X, P, C, sw

    def _positive_targets(self, y):
        """Bool array of shape (n_samples, n_units): which units should fire."""
        if self._indicator:
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y must be a 0/1 indicator matrix with {len(self.classes_)} columns, "
                    f"as in the first fit; got shape {y.shape}"
                )
            return _indicator_flags(y)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D class labels, as in the first fit; got shape {y.shape}")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y has labels {unknown.tolist()} not in classes {self.classes_.tolist()}")
        if len(self.classes_) == 2:
            return (y == self.classes_[1])[:, None]
        return y[:, None] == self.classes_[None, :]

    def _initial(self, X, P, rng):
        """Initial (W, b) of shapes (n_units, n_features), (n_units,) per ``init``."""
        shape = (P.shape[1], X.shape[1])
        # the weights, the copy an epoch starts from, and one temporary of their size
        check_weight_memory(self, shape, copies=3, advice=(
            f"each unit has one weight per feature and X has {X.shape[1]:,}: select or "
            "hash fewer features (sklearn.feature_selection, FeatureHasher)"))
        if self.init == "random":
            W, b = rng.normal(0.0, 0.01, shape), rng.normal(0.0, 0.01, shape[0])
        else:
            fill = 1.0 if self.init == "ones" else 0.0
            W, b = np.full(shape, fill), np.full(shape[0], fill)
        return W, b if self.fit_intercept else np.zeros(shape[0])

    def _previous(self, X, P):
        """Copies of the last fit's (W, b) for ``warm_start``; ValueError when X and y need
        another shape (other number of features, or of output units)."""
        shape = (P.shape[1], X.shape[1])
        if self.coef_.shape != shape:
            # scikit-learn's sentence: its multiclass and binary paths word it differently
            sklearn = ("Provided ``coef_`` does not match dataset." if shape[0] > 1 else
                       "Provided coef_init does not match dataset.")  # fmt: skip
            raise ValueError(
                f"{sklearn} warm_start=True continues the previous fit, whose coef_ has shape "
                f"{self.coef_.shape} (output units, features), but this X and y need {shape}. "
                "Fit with warm_start=False to start afresh."
            )
        return self.coef_.copy(), self.intercept_.copy()

    def _override(self, W, b, coef_init, intercept_init):
        """(W, b) replaced by copies of the given initial values, shapes checked."""
        if coef_init is not None:
            W = _checked_copy(coef_init, W.shape, "coef_init")
        if intercept_init is not None:
            b = _checked_copy(intercept_init, b.shape, "intercept_init")
        return W, b

    def _split(self, X, P, C, rng):
        """Hold out ``validation_fraction`` of the samples, stratified by class."""
        stratify = None if self._indicator else np.argmax(P, axis=1) if P.shape[1] > 1 else P[:, 0]
        train, val = train_test_split(
            np.arange(X.shape[0]), test_size=self.validation_fraction,
            stratify=stratify, random_state=rng,
        )  # fmt: skip
        return X[train], P[train], C[train], (X[val], P[val])

    def _epochs(self, W, b, X, P, C, rng, validation):
        """Run epochs until convergence or ``max_iter``; return the number run."""
        tol = -np.inf if self.tol is None else self.tol
        best_loss, best_score, stale = np.inf, -np.inf, 0
        for epoch in range(1, self.max_iter + 1):
            loss = self._epoch(W, b, X, P, C, rng) / X.shape[0]
            self.t_ += X.shape[0]
            if validation is not None:
                score = _accuracy(_dense(validation[0] @ W.T) + b, validation[1], self._indicator)
                stale = stale + 1 if score < best_score + tol else 0
                best_score = max(best_score, score)
            else:
                stale = stale + 1 if loss > best_loss - tol else 0
                best_loss = min(best_loss, loss)
            if self.verbose:
                print(f"-- Epoch {epoch}: mean loss {loss:.6f}, |W| {np.linalg.norm(W):.4g}")
            if stale >= self.n_iter_no_change:
                return epoch
        return self.max_iter

    def _epoch(self, W, b, X, P, C, rng):
        """One pass of the rule over the (shuffled) samples; W, b change in place."""
        # gather shuffled rows chunk by chunk: each chunk is still in cache when scored
        order = rng.permutation(X.shape[0]) if self.shuffle else np.arange(X.shape[0])
        r1 = {None: 0.0, "l2": 0.0, "l1": 1.0, "elasticnet": self.l1_ratio}[self.penalty]
        strength = 0.0 if self.penalty is None else self.eta0 * self.alpha
        decay, l1 = max(0.0, 1.0 - strength * (1.0 - r1)), strength * r1
        args = (self.eta0, decay)
        if l1 > 0:
            X, P, C = X[order], P[order], C[order]
            Z = _fit_samples(W, b, X, P, C, *args, l1, self.step, self.fit_intercept)
            loss = _criterion(Z, P, C)
        else:
            chunks = (order[s : s + CHUNK] for s in range(0, X.shape[0], CHUNK))
            loss = sum(
                _criterion(_fit_chunk(W, b, X[c], P[c], C[c], *args, self.step,
                                      self.fit_intercept), P[c], C[c])
                for c in chunks
            )  # fmt: skip
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(
                f"Floating-point under-/overflow occurred in training. {SCALE_HINT} "
                "Or lower eta0."
            )
        return loss
