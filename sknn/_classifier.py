"""What every sknn network classifier shares: label encoding, probabilities, decoding."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.callback import with_callbacks
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._base import has_partial_fit
from ._class_weight import class_weights, refuse_balanced_partial_fit
from ._labels import check_classes, check_label_types
from ._scoring import checked_score
from ._validation import validate_data
from .nn import losses


class NetworkClassifierMixin(ClassifierMixin):
    """Classification on top of :class:`~sknn._base.BaseNetwork`.

    Binary and multilabel targets get logistic outputs with binary log-loss,
    multiclass targets a softmax with multiclass log-loss (scikit-learn's choices).
    """

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, multi_output=True, reset=reset,
                             **self._x_validation())
        check_label_types(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._set_classes(y)
        else:
            self._check_known_classes(y, incremental)
        return X, self._label_binarizer.transform(y).astype(X.dtype)

    def _set_classes(self, y):
        # One class is accepted, as by scikit-learn: it trains one logistic unit towards
        # 0 and predicts that class (cross-validation on skewed folds keeps running).
        binarizer = LabelBinarizer().fit(y)
        self._label_binarizer = binarizer
        self.classes_ = binarizer.classes_

    def _check_known_classes(self, y, incremental):
        # (The binarizer itself refuses multilabel y after single-label targets.)
        fitted_type, y_type = self._label_binarizer.y_type_, type_of_target(y)
        if fitted_type.startswith("multilabel") and not y_type.startswith("multilabel"):
            raise ValueError(f"y is {y_type}, but {type(self).__name__} was fitted on "
                             f"{fitted_type} targets.")
        classes = unique_labels(y)
        if self.warm_start and not incremental and set(classes) != set(self.classes_):
            raise ValueError("warm_start can only be used where `y` has the same classes "
                             f"as in the previous call to fit. Previously got "
                             f"{self.classes_}, `y` has {classes}")
        if len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
            raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` "
                             f"has {self.classes_}. 'y' has {classes}.")

    def _weigh_samples(self, Y, sample_weight, dtype):
        """``sample_weight`` times each sample's ``class_weight``, in ``dtype``.

        Multiplied in before the early-stopping split, so validation scores (and
        callbacks) weigh samples as training does. Y is the encoded target, of shape
        (n_samples, n_outputs); returns an array of shape (n_samples,) or None.
        """
        class_weight = getattr(self, "class_weight", None)  # LogicGateNeuron has none
        if class_weight is None:
            return sample_weight
        if self._label_binarizer.y_type_.startswith("multilabel"):
            raise ValueError(
                f"class_weight={class_weight!r} needs single-label y (binary or "
                "multiclass): a multilabel sample has several labels, so no one class "
                "weight. Pass sample_weight instead, or class_weight=None.")
        index = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(np.intp)
        per_class = class_weights(class_weight, self.classes_, self.classes_[index],
                                  sample_weight, non_negative=True)
        weights = per_class[index] * (1.0 if sample_weight is None else sample_weight)
        with np.errstate(over="ignore"):  # beyond float32: refused just below
            weights = weights.astype(dtype)
            total = np.sum(weights, dtype=np.float64)
        if not total <= np.finfo(dtype).max:  # inf, or a sum that overflows in dtype
            raise ValueError(f"class_weight={class_weight!r} times sample_weight gives "
                             f"weights beyond the {np.dtype(dtype)} range (or a sum beyond "
                             "it); use smaller weights (only their ratios matter).")
        if total == 0:
            raise ValueError(f"class_weight={class_weight!r} gives every sample of y "
                             "weight 0; at least one must weigh more than 0.")
        return weights

    def score(self, X, y, sample_weight=None):
        return checked_score(self, super().score, X, y, sample_weight)

    score.__doc__ = ClassifierMixin.score.__doc__

    def _make_loss(self):
        if self._label_binarizer.y_type_ == "multiclass":
            return losses.get("log_loss")
        return losses.get("binary_log_loss")

    def _stratify_validation(self):
        return self.n_outputs_ == 1

    def _decode_targets(self, Y):
        return self._label_binarizer.inverse_transform(Y)

    def _score(self, Z, y, sample_weight=None):
        # The validation scorer, on the held-out split's output-layer values Z (run
        # inside the training loop's errstate). Overflowed outputs decode to some class,
        # as scikit-learn's do: the accuracy of a diverging network is low, not an error.
        pred = self._label_binarizer.inverse_transform(self._loss.predict(Z))
        return accuracy_score(y, pred, sample_weight=sample_weight)

    @available_if(has_partial_fit)
    @with_callbacks  # callbacks are torn down after partial_fit too
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch of minibatch training on (X, y) (not for ``solver='lbfgs'``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplied by ``class_weight`` (a dict here: "balanced" needs all of y,
            which one batch is not, and is refused as scikit-learn's SGDClassifier
            refuses it).
        classes : array of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call.

        Returns
        -------
        self : object
        """
        # Every call (set_params may change it); scikit-learn checks the first only, then
        # balances each batch by its own counts.
        refuse_balanced_partial_fit(getattr(self, "class_weight", None))
        if not hasattr(self, "network_"):
            self._validate_params()
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            classes = check_classes(classes)
            check_label_types(y)  # before type_of_target sorts y's labels
            # A multilabel indicator y defines its label columns itself (as in scikit-learn).
            # y is validated in _fit; here only its kind matters, and type_of_target casts
            # float labels to int (warning for inf or 1e300, which validation refuses).
            with np.errstate(invalid="ignore", over="ignore"):
                multilabel = type_of_target(y, input_name="y").startswith("multilabel")
            self._set_classes(y if multilabel else classes)
            self.classes_ = unique_labels(classes)
        elif classes is not None:
            _check_partial_fit_first_call(self, classes)  # raises if classes changed
        return self._fit(X, y, sample_weight, incremental=True)

    def predict_proba(self, X, mc_samples=None):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        mc_samples : int, default=None
            If set, average this many forward passes with dropout on (Monte Carlo
            dropout, Gal & Ghahramani 2016). The passes are accumulated as they run,
            so memory does not grow with it; at most 100,000, and at most 1e13
            multiply-adds over all passes and samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            For multilabel targets, each column is that label's probability.
        """
        p = self._forward(X, mc_samples)
        if mc_samples is not None:
            p = p[0]  # the mean over the passes
        if p.shape[1] == 1:  # binary: one logistic unit gives P(classes_[1])
            return np.hstack([1 - p, p])
        return p

    def predict_log_proba(self, X, mc_samples=None):
        """Logarithm of :meth:`predict_proba` (same parameters)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X, mc_samples))

    def predict(self, X, mc_samples=None):
        """Predicted classes (labels for multilabel y), from :meth:`predict_proba`.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        return self._decode(self.predict_proba(X, mc_samples))

    def _decode(self, proba):
        """Labels from probabilities, as the fitted LabelBinarizer's inverse_transform.

        Binary and multiclass targets are decoded here (the class of the largest
        probability; for binary, the positive class above the binarizer's threshold),
        because scikit-learn's generic version is a large part of a one-row predict.
        """
        lb = self._label_binarizer
        if lb.y_type_ == "multiclass" and not lb.sparse_input_:
            return lb.classes_.take(np.argmax(proba, axis=1))
        if lb.y_type_ == "binary" and not lb.sparse_input_ and len(lb.classes_) == 2:
            positive = proba[:, 1] > (lb.pos_label + lb.neg_label) / 2.0
            return lb.classes_[positive.astype(np.intp)]
        if lb.y_type_ == "binary":
            proba = proba[:, 1:]
        return lb.inverse_transform(proba)

    def decision_function(self, X):
        """Raw output-layer values (logits) before the logistic or softmax.

        Returns
        -------
        scores : ndarray of shape (n_samples,) for binary y, else (n_samples, n_outputs)
        """
        Z = self._logits(self._network_input(self._validate_predict_input(X), reset=False)[0])
        return Z.ravel() if Z.shape[1] == 1 else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
