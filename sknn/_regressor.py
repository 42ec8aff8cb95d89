"""What every sknn network regressor shares: targets, losses, predictions with spread."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.callback import with_callbacks
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from ._base import has_partial_fit
from ._scoring import checked_score
from ._validation import validate_data
from .nn import losses

REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "poisson")

#: numpydoc of every network regressor's ``loss`` parameter.
LOSS_DOC = """
    loss : {"squared_error", "absolute_error", "huber", "poisson"}, default="squared_error"
        Training loss; "poisson" uses an exponential output. For several outputs
        "squared_error" is summed over outputs (scikit-learn reports its mean).
"""


def _as_network_dtype(Y, dtype):
    """Targets in the network's compute dtype; values beyond its range are refused, since
    the cast would turn them into infinity (and the loss into NaN)."""
    limit = float(np.finfo(dtype).max)
    largest = float(np.abs(Y).max(initial=0))
    if largest > limit:
        raise ValueError(f"y holds values as large as {largest:.3g}, beyond the range of "
                         f"{np.dtype(dtype)} (|y| <= {limit:.3g}) that the network computes "
                         "in. Scale y (e.g. with sklearn.compose.TransformedTargetRegressor) "
                         "or compute in float64.")
    return Y.astype(dtype, copy=False)


class NetworkRegressorMixin(RegressorMixin):
    """Regression on top of :class:`~sknn._base.BaseNetwork`: identity output (``exp``
    for ``loss='poisson'``), one output unit per target column."""

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             reset=reset, **self._x_validation())
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' needs non-negative targets y; got y < 0.")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return X, _as_network_dtype(Y, X.dtype)

    def score(self, X, y, sample_weight=None):
        return checked_score(self, super().score, X, y, sample_weight)

    score.__doc__ = RegressorMixin.score.__doc__

    def _make_loss(self):
        return losses.get(self.loss)

    def _decode_targets(self, Y):
        return Y.ravel() if Y.shape[1] == 1 else Y

    def _score(self, Z, y, sample_weight=None):
        # The validation scorer, on the held-out split's output-layer values Z (run
        # inside the training loop's errstate).
        pred = self._loss.predict(Z)
        if not np.all(np.isfinite(pred)):  # scikit-learn's validation score here is NaN
            return np.nan
        return r2_score(y, pred, sample_weight=sample_weight)

    @available_if(has_partial_fit)
    @with_callbacks  # callbacks are torn down after partial_fit too
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch of minibatch training on (X, y) (not for ``solver='lbfgs'``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        if not hasattr(self, "network_"):
            self._validate_params()
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X, mc_samples=None, return_std=False):
        """Predicted targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        mc_samples : int, default=None
            If set, average this many forward passes with dropout on (Monte Carlo
            dropout), accumulated as they run (memory does not grow with it); the
            same caps as :meth:`MLPClassifier.predict_proba`.
        return_std : bool, default=False
            With ``mc_samples``, also return the standard deviation over the passes.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        y_std : ndarray of the same shape, only with ``return_std=True``
        """
        if return_std and mc_samples is None:
            raise ValueError("return_std=True needs mc_samples: the spread comes from "
                             "Monte Carlo dropout passes.")
        out, std = self._forward(X, mc_samples), None
        if mc_samples is not None:
            out, std = out
        if out.shape[1] == 1:
            out = out.ravel()
            std = None if std is None else std.ravel()
        return (out, std) if return_std else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
