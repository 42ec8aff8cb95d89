"""Multilayer perceptrons: drop-in supersets of scikit-learn's MLPClassifier/MLPRegressor."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._base import NETWORK_PARAMETER_CONSTRAINTS, BaseNetwork, store_arguments
from ._class_weight import CLASS_WEIGHT_CONSTRAINT
from ._classifier import NetworkClassifierMixin
from ._labels import check_classes
from ._regressor import LOSS_DOC, REGRESSION_LOSSES, NetworkRegressorMixin
from ._sizes import positive_ints
from ._transform import HiddenRepresentationMixin
from ._weights import check_layer_weights
from .nn import initializers
from .nn.layers import Activation, BatchNormalization, Dense, Dropout, SkipConcat

_PARAMS_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        Width of each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu", "elu", "selu", \
"gelu", "softplus"}, default="relu"
        Hidden-layer activation.
    solver : {"adam", "sgd", "lbfgs", "rmsprop", "adagrad", "adamax", "nadam", \
"adamw"}, default="adam"
        Optimizer. "sgd" and "adam" use scikit-learn's exact arithmetic; "lbfgs" runs
        scipy's L-BFGS-B on the full batch.
    alpha : float, default=0.0001
        L2 penalty: ``0.5 * alpha * ||W||^2 / n_batch`` is added to each batch loss
        (scikit-learn's scaling); biases are not penalized.
    batch_size : int or "auto", default="auto"
        Minibatch size; "auto" is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive", "exponential", "cosine"}, \
default="constant"
        Schedule. As in scikit-learn, "invscaling" and "adaptive" act only with
        ``solver="sgd"``; "exponential" (x0.96 per epoch) and "cosine" (to 0 at
        ``max_iter``) act with every stochastic solver.
    learning_rate_init : float, default=0.001
        Initial step size.
    power_t : float, default=0.5
        Exponent of "invscaling".
    max_iter : int, default=200
        Epochs for stochastic solvers; iterations for "lbfgs".
    shuffle : bool, default=True
        Shuffle samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, shuffling, dropout and the validation split; the same seed as
        scikit-learn's MLP gives the same initial weights.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement.
    verbose : bool, default=False
        Print progress.
    warm_start : bool, default=False
        Reuse the previous solution as initialization.
    momentum : float, default=0.9
        SGD momentum.
    nesterovs_momentum : bool, default=True
        Nesterov momentum for SGD.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stops
        improving and restore the weights of the best epoch.
    validation_fraction : float, default=0.1
        Held-out share for early stopping.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam-family moment decay rates.
    epsilon : float, default=1e-8
        Adam-family numerical stability term.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.
    max_fun : int, default=15000
        Maximum loss evaluations for "lbfgs".
    dropout : float in [0, 1), default=0.0
        Dropout rate after each hidden layer (inverted dropout).
    l1 : float, default=0.0
        L1 penalty ``l1 * |W|_1 / n_batch`` on the weights.
    max_norm : float or None, default=None
        Cap on each unit's incoming weight vector norm, applied after every step.
    batch_norm : bool, default=False
        Batch normalization between each hidden Dense layer and its activation.
    kernel_initializer : str, default="sklearn"
        "sklearn" (scikit-learn's scheme, uniform weights and biases), "auto" (He for
        the relu family, Glorot for tanh/logistic, LeCun for selu) or an explicit
        "glorot_uniform", "he_normal", ... (biases zero).
    clipnorm : float or None, default=None
        Rescale the whole gradient when its global L2 norm exceeds this.
    wide_and_deep : bool, default=False
        Concatenate the input to the last hidden layer before the output layer.
"""

_CLASS_WEIGHT_DOC = """    class_weight : dict, "balanced" or None, default=None
        Weight of each class's samples, multiplied into ``sample_weight`` (scikit-learn's
        meaning): a dict maps labels to weights (missing labels weigh 1); "balanced" is
        ``n_samples / (n_classes * bincount(y))``, counting each sample by its
        ``sample_weight`` (as :class:`~sklearn.linear_model.LogisticRegression`), so
        integer sample weights balance like repeated samples. The early-stopping
        validation score is weighted the same way. ``partial_fit`` takes a dict only
        ("balanced" needs all of y); multilabel targets take None.
"""

_ATTRS_DOC = """
    Attributes
    ----------
    coefs_ : list of ndarray, length n_layers - 1
        ``coefs_[i]`` of shape (fan_in, fan_out) is the weight matrix of layer i;
        writing to it changes the model.
    intercepts_ : list of ndarray, length n_layers - 1
        ``intercepts_[i]`` of shape (fan_out,).
    loss_ : float
        Last epoch's training loss (penalty included).
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    loss_curve_ : list of float
        Training loss per epoch (stochastic solvers).
    validation_scores_ : list of float or None
        Held-out score per epoch with ``early_stopping``.
    validation_loss_curve_ : list of float or None
        Held-out loss per epoch with ``early_stopping``: the training loss's formula on
        the held-out split, in inference mode (no dropout; batch normalization on its
        running statistics), sample-weighted, plus the same penalties divided by the
        held-out sample count (or weight sum), ``0.5 * alpha * ||W||^2 / n_val``. NaN or
        inf for an epoch whose held-out outputs overflowed. None without
        ``early_stopping`` and after ``partial_fit``, as ``validation_scores_``; not set
        by "lbfgs".
    best_validation_score_ : float or None
        Best held-out score with ``early_stopping``.
    t_ : int
        Training samples seen.
    n_iter_ : int
        Epochs (or L-BFGS iterations) run by the last call.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        Output activation ("softmax", "logistic", "identity" or "exp").
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Feature names, when X has string column names.
    network_ : Sequential
        The underlying core network.
"""


class _MLPMixin:
    """What both perceptrons share: the layer stack, coefs_/intercepts_, from_weights."""

    _parameter_constraints = {
        **NETWORK_PARAMETER_CONSTRAINTS,
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "wide_and_deep": ["boolean"],
    }

    def _hidden_sizes(self):
        return positive_ints(self.hidden_layer_sizes, "hidden_layer_sizes")

    def _size_advice(self, entry, kind):
        """What to change when ``entry`` (a LayerPlan) is the largest part of the memory
        a network needs (``kind``: "params" or "activations")."""
        if kind == "activations" and self.solver != "lbfgs":
            return f"reduce batch_size={self.batch_size!r}"
        advice = f"reduce hidden_layer_sizes={self.hidden_layer_sizes!r}"
        if kind == "activations":  # L-BFGS holds every sample's activations at once
            advice += ", or use a minibatch solver such as solver='adam'"
        return advice

    def _build_layers(self, input_shape, n_outputs):
        init = initializers.get(self.kernel_initializer, self.activation)
        layers, sizes = [], self._hidden_sizes()
        if self.wide_and_deep and not sizes:
            raise ValueError("wide_and_deep=True concatenates the input to the last hidden "
                             "layer, so it needs at least one; got hidden_layer_sizes="
                             f"{self.hidden_layer_sizes!r}")
        for width in sizes:
            if self.batch_norm:
                layers += [Dense(width, "identity", init), BatchNormalization(),
                           Activation(self.activation)]
            else:
                layers.append(Dense(width, self.activation, init))
            if self.dropout:
                layers.append(Dropout(self.dropout))
        if self.wide_and_deep:
            layers = [SkipConcat(layers)]
        self.n_layers_ = len(sizes) + 2
        return layers + [Dense(n_outputs, "identity", init)]

    def _dense_layers(self):
        check_is_fitted(self, "network_")
        return [layer for layer in self.network_.leaves if isinstance(layer, Dense)]

    @property
    def coefs_(self):
        return [layer.params["W"] for layer in self._dense_layers()]

    @coefs_.setter
    def coefs_(self, values):
        self._copy_into("W", values)

    @property
    def intercepts_(self):
        return [layer.params["b"] for layer in self._dense_layers()]

    @intercepts_.setter
    def intercepts_(self, values):
        self._copy_into("b", values)

    def _copy_into(self, name, values):
        layers = self._dense_layers()
        if len(values) != len(layers):
            raise ValueError(f"expected {len(layers)} arrays, got {len(values)}")
        for layer, value in zip(layers, values):
            value = np.asarray(value)
            if value.shape != layer.params[name].shape:
                raise ValueError(f"weight shape {value.shape} does not match the "
                                 f"network's {layer.params[name].shape}")
            layer.params[name][...] = value

    @classmethod
    def _from_weights(cls, coefs, intercepts, params, set_targets):
        """Build a fitted estimator around given weights; ``set_targets(est)`` sets the
        target encoding and returns the number of output units."""
        coefs, intercepts = check_layer_weights(coefs, intercepts)
        dtype = np.result_type(coefs[0].dtype, np.float32)
        est = cls(hidden_layer_sizes=tuple(c.shape[1] for c in coefs[:-1]), **params)
        est._validate_params()
        n_outputs = set_targets(est)
        if coefs[-1].shape[1] != n_outputs:
            raise ValueError(f"coefs[{len(coefs) - 1}] has {coefs[-1].shape[1]} output units "
                             f"(columns), but the last layer needs {n_outputs}")
        est.n_features_in_ = coefs[0].shape[0]
        est._initialize((coefs[0].shape[0],), np.zeros((1, n_outputs)), dtype,
                        np.random.RandomState(0))
        for i, (layer, coef) in enumerate(zip(est._dense_layers(), coefs)):
            if coef.shape != layer.params["W"].shape:  # e.g. widths that do not chain
                raise ValueError(f"coefs[{i}] has shape {coef.shape}, but layer {i} of this "
                                 f"architecture needs {layer.params['W'].shape}")
        est.coefs_, est.intercepts_ = coefs, intercepts
        est._publish_state()
        return est


class MLPClassifier(_MLPMixin, HiddenRepresentationMixin, NetworkClassifierMixin, BaseNetwork):
    __doc__ = (
        """Multilayer perceptron classifier: scikit-learn's, plus dropout, batch norm,
    more optimizers, activations and initializers, wide & deep, Monte Carlo dropout.

    Changing the import from ``sklearn.neural_network`` is all a scikit-learn user has
    to do: every parameter, default and fitted attribute has the same meaning, and
    "sgd"/"adam" follow the same arithmetic from the same initial weights.
    """
        + _PARAMS_DOC
        + _CLASS_WEIGHT_DOC
        + _ATTRS_DOC
        + """
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sknn import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True

    With ``early_stopping=True`` the held-out loss is recorded beside the score:

    >>> clf = clf.set_params(early_stopping=True).fit(X, y)
    >>> len(clf.validation_loss_curve_) == len(clf.validation_scores_) == clf.n_iter_
    True

    ``class_weight="balanced"`` raises the held-out recall of a class with 5% of the
    samples (early stopping then also weighs the validation score):

    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import recall_score
    >>> from sklearn.model_selection import train_test_split
    >>> X, y = make_classification(n_samples=2000, weights=[0.95, 0.05], random_state=2)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y,
    ...                                                     random_state=0)
    >>> def minority_recall(class_weight):
    ...     clf = MLPClassifier((16,), early_stopping=True, class_weight=class_weight,
    ...                         random_state=0).fit(X_train, y_train)
    ...     return recall_score(y_test, clf.predict(X_test))
    >>> minority_recall(None) < 0.5 < minority_recall("balanced")
    True
    """
    )

    _parameter_constraints = {
        **_MLPMixin._parameter_constraints,
        "class_weight": CLASS_WEIGHT_CONSTRAINT,
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dropout=0.0, l1=0.0, max_norm=None,
                 batch_norm=False, kernel_initializer="sklearn", clipnorm=None,
                 wide_and_deep=False, class_weight=None):
        store_arguments(self, locals())

    @classmethod
    def from_weights(cls, coefs, intercepts, classes, **params):
        """A fitted classifier with the given weights (no training).

        Parameters
        ----------
        coefs : list of array-like, ``coefs[i]`` of shape (fan_in, fan_out)
        intercepts : list of array-like, ``intercepts[i]`` of shape (fan_out,)
        classes : array-like of shape (n_classes,)
            Labels; two classes take one logistic output unit, more a softmax.
        **params
            Other constructor parameters (e.g. ``activation="logistic"``).

        Returns
        -------
        clf : MLPClassifier
        """
        def set_targets(est):
            est._set_classes(check_classes(classes))
            return 1 if len(est.classes_) == 2 else len(est.classes_)

        return cls._from_weights(coefs, intercepts, params, set_targets)


class MLPRegressor(_MLPMixin, HiddenRepresentationMixin, NetworkRegressorMixin, BaseNetwork):
    __doc__ = (
        """Multilayer perceptron regressor: scikit-learn's, plus dropout, batch norm,
    more optimizers, losses, activations and initializers, wide & deep, and Monte
    Carlo dropout predictions with their spread.
    """
        + _PARAMS_DOC.replace("\n    hidden_layer_sizes",
                              LOSS_DOC + "    hidden_layer_sizes", 1)
        + _ATTRS_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sknn import MLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = make_pipeline(StandardScaler(), MLPRegressor(
    ...     hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=500, random_state=0))
    >>> reg.fit(X, y).score(X, y) > 0.5
    True
    """
    )

    _parameter_constraints = {
        **_MLPMixin._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
    }

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dropout=0.0, l1=0.0, max_norm=None,
                 batch_norm=False, kernel_initializer="sklearn", clipnorm=None,
                 wide_and_deep=False):
        store_arguments(self, locals())

    @classmethod
    def from_weights(cls, coefs, intercepts, **params):
        """A fitted regressor with the given weights (no training).

        Parameters
        ----------
        coefs : list of array-like, ``coefs[i]`` of shape (fan_in, fan_out)
        intercepts : list of array-like, ``intercepts[i]`` of shape (fan_out,)
        **params
            Other constructor parameters.

        Returns
        -------
        reg : MLPRegressor
        """
        return cls._from_weights(coefs, intercepts, params, lambda est: np.shape(coefs[-1])[1])
