"""One sigmoid neuron as a logic gate, and the two-layer network that computes XOR.

A single neuron ``a = g(theta0 + theta . x)`` with the logistic ``g`` draws one
hyperplane through input space, so it computes OR, AND, NAND, NOR and NOT but not
XOR, whose classes no hyperplane separates. Stacking neurons (OR and NAND feeding an
AND) fixes that: :func:`xor_network`.

:class:`LogicGateNeuron` is a thin subclass of the estimator plumbing that
:class:`~sknn.MLPClassifier` uses: its network is one ``Dense(1)`` output layer, so
fitting it is logistic regression by gradient descent on log-loss in the shared
training loop.
"""

import warnings

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ._base import NETWORK_PARAMETER_CONSTRAINTS, BaseNetwork
from ._classifier import NetworkClassifierMixin
from ._labels import check_classes
from ._weights import as_weights
from .mlp import MLPClassifier
from .nn.layers import Dense

__all__ = ["GATES", "LogicGateNeuron", "NotLinearlySeparableWarning", "xor_network"]

#: The textbook's gate weights as ``(theta0, theta1, ...)``: bias first.
GATES = {
    "or": (-10.0, 20.0, 20.0),
    "and": (-30.0, 20.0, 20.0),
    "nand": (30.0, -20.0, -20.0),
    "nor": (10.0, -20.0, -20.0),
    "not": (10.0, -20.0),
}


class NotLinearlySeparableWarning(UserWarning):
    """A single neuron could not fit training data that no hyperplane separates."""


def _zeros(rng, fan_in, fan_out, shape, dtype):
    # One neuron has no symmetry to break and a convex loss, so starting at zero (as
    # logistic regression solvers do) loses nothing and makes fitting deterministic.
    return np.zeros(shape, dtype=dtype), np.zeros(fan_out, dtype=dtype)


def linearly_separable(X, y):
    """Whether some hyperplane ``w . x + b = 0`` puts each class strictly on its side.

    Solves the linear feasibility problem ``s_i (w . x_i + b) >= 1`` with
    ``s_i = +1`` for the second class and ``-1`` for the first (any strict separator
    can be rescaled to margin 1).

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Two distinct labels.

    Returns
    -------
    separable : bool or None
        None if the solver could not decide (numerical trouble).
    """
    classes = np.unique(y)
    signs = np.where(y == classes[-1], 1.0, -1.0)
    ones = np.ones((X.shape[0], 1))
    if sp.issparse(X):
        A = sp.diags(-signs) @ sp.hstack([X, ones], format="csr")
    else:
        A = -signs[:, None] * np.hstack([X, ones])
    n_vars = X.shape[1] + 1
    result = scipy.optimize.linprog(np.zeros(n_vars), A_ub=A, b_ub=-np.ones(X.shape[0]),
                                    bounds=[(None, None)] * n_vars, method="highs")
    return {0: True, 2: False}.get(result.status)  # 0: feasible point found; 2: infeasible


class LogicGateNeuron(NetworkClassifierMixin, BaseNetwork):
    """One sigmoid neuron ``a = g(theta0 + theta @ x)``: a learnable logic gate.

    A binary classifier: ``predict_proba`` is the logistic ``g`` of the decision
    value and ``predict`` thresholds it at 0.5. ``fit`` is logistic regression by
    full-batch gradient descent on log-loss, run by the same training loop as
    :class:`~sknn.MLPClassifier` on a network of one ``Dense(1)`` layer; weights start
    at zero, so fitting is deterministic. It learns OR, AND, NAND, NOR and NOT from
    their truth tables; use :meth:`from_gate` for the textbook's weights.

    The separability criterion: after ``fit``, if the neuron still misclassifies a
    training sample (training accuracy < 1), a linear program over the training set
    (cheap next to training) decides whether any hyperplane separates the two
    classes. If none does (XOR is the classic case), ``fit`` warns
    :class:`NotLinearlySeparableWarning` with the training accuracy reached: no
    single neuron can do better than a hyperplane. If one does, the shortfall is the
    optimizer's (or ``alpha``'s), and ``fit`` warns
    :class:`~sklearn.exceptions.ConvergenceWarning` instead. ``partial_fit`` (one
    epoch) does not judge.

    Parameters
    ----------
    solver : {"adam", "sgd", "lbfgs", "rmsprop", "adagrad", "adamax", "nadam", \
"adamw"}, default="adam"
        Optimizer of the shared loop; "sgd" is plain gradient descent (no momentum).
    learning_rate_init : float, default=0.1
        Step size. Adam's steps are about this size per weight whatever the scale
        of X, so 0.1 grows the textbook's weights of magnitude ~20 in a few hundred
        epochs.
    max_iter : int, default=1000
        Maximum number of epochs (full-batch steps; iterations for "lbfgs").
    tol : float, default=1e-4
        Improvement of the training loss below which an epoch counts as none.
    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before training stops.
    alpha : float, default=0.0
        L2 penalty ``0.5 * alpha * ||theta||^2 / n_samples`` (``theta0`` is not
        penalized). With separable data and ``alpha=0`` the weights would grow
        without bound; the ``tol`` rule stops them.
    warm_start : bool, default=False
        Continue from the previous weights.
    verbose : bool, default=False
        Print the loss of every epoch.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        ``theta1, theta2, ...``; a view, so writing to it changes the neuron.
    intercept_ : float
        ``theta0``, the bias.
    classes_ : ndarray of shape (2,)
        Class labels; ``predict_proba[:, 1]`` is the probability of ``classes_[1]``.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Feature names, when X has string column names.
    n_iter_ : int
        Epochs run by the last call to ``fit``.
    t_ : int
        Training samples seen.
    loss_ : float or None
        Last epoch's training loss (None for :meth:`from_gate`).
    loss_curve_ : list of float
        Training loss per epoch.
    best_loss_ : float
        Lowest training loss.
    n_outputs_ : int
        Always 1.
    out_activation_ : str
        Always "logistic".
    network_ : Sequential
        The underlying core network: one ``Dense(1)`` layer.

    Examples
    --------
    >>> from sknn import LogicGateNeuron
    >>> X = [[0, 0], [0, 1], [1, 0], [1, 1]]
    >>> LogicGateNeuron.from_gate("and").predict(X).tolist()
    [0, 0, 0, 1]
    >>> LogicGateNeuron().fit(X, [0, 1, 1, 1]).predict(X).tolist()
    [0, 1, 1, 1]
    """

    _parameter_constraints = {
        name: NETWORK_PARAMETER_CONSTRAINTS[name]
        for name in ("solver", "learning_rate_init", "max_iter", "tol", "n_iter_no_change",
                     "alpha", "warm_start", "verbose")
    }

    # Settings of the shared loop that a single gate neuron fixes rather than exposes:
    # full-batch steps in a fixed order, no momentum, no extras meant for deep nets.
    batch_size = "auto"  # replaced by the full batch in _train_config
    shuffle = False
    random_state = None  # nothing is random: zero initial weights, fixed order
    early_stopping = False
    validation_fraction = 0.1
    learning_rate = "constant"
    power_t = 0.5
    momentum = 0.0
    nesterovs_momentum = False
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-8
    l1 = 0.0
    max_norm = None
    clipnorm = None
    max_fun = 15000

    def __init__(self, *, solver="adam", learning_rate_init=0.1, max_iter=1000, tol=1e-4,
                 n_iter_no_change=10, alpha=0.0, warm_start=False, verbose=False):
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.warm_start = warm_start
        self.verbose = verbose

    # -- the network and its targets ---------------------------------------------------
    def _build_layers(self, input_shape, n_outputs):
        return [Dense(1, "identity", _zeros)]

    def _size_advice(self, entry, kind):
        """What to change when the network is too large for memory (see BaseNetwork)."""
        if kind == "activations":  # the whole training set is one batch
            return "train on fewer rows at a time with MLPClassifier(hidden_layer_sizes=())"
        return (f"the neuron has one weight per feature and X has {entry.input_shape[0]:,}: "
                "select or hash fewer features (sklearn.feature_selection, FeatureHasher)")

    def _train_config(self, n_samples, incremental):
        config = super()._train_config(n_samples, incremental)
        config.batch_size = n_samples  # gradient descent on the whole training set
        return config

    def _set_classes(self, y):
        y_type = type_of_target(y, input_name="y")
        if y_type == "continuous":
            raise ValueError(
                "Unknown label type: continuous. LogicGateNeuron is a classifier and needs "
                "y with two class labels (such as 0 and 1); got real values.")
        if y_type not in ("binary", "unknown"):  # "unknown" gets the base class's error
            y = np.asarray(y)
            got = (f"{y_type} y of shape {y.shape} (one neuron has one output)" if y.ndim > 1
                   else f"{len(np.unique(y))} classes: {np.unique(y)[:10].tolist()}")
            raise ValueError(
                "Only binary classification is supported. LogicGateNeuron is a single "
                f"sigmoid neuron and separates two classes; got {got}. Use MLPClassifier "
                "for more classes or several outputs.")
        super()._set_classes(y)

    # -- fitting -----------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Learn ``theta`` by gradient descent on log-loss.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs, e.g. a truth table's rows.
        y : array-like of shape (n_samples,)
            Two classes, e.g. the gate's outputs 0/1.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; the loss is their weighted mean.

        Returns
        -------
        self : LogicGateNeuron
            The fitted neuron.

        Warns
        -----
        NotLinearlySeparableWarning
            When training accuracy is below 1 and no hyperplane separates the classes.
        ConvergenceWarning
            When training accuracy is below 1 although one does.
        """
        super().fit(X, y, sample_weight)
        self._warn_if_not_separated(X, y)
        return self

    def _warn_if_not_separated(self, X, y):
        # stacklevel=4 names the caller's line: warn <- here <- fit <- the array-API
        # boundary (sknn._array_api) <- the caller
        y = column_or_1d(y)
        accuracy = self.score(X, y)
        if accuracy == 1.0:
            return
        X = check_array(X, accept_sparse="csr", dtype=np.float64)
        separable = linearly_separable(X, y)
        if separable is None:
            warnings.warn(f"Training accuracy reached {accuracy:.2f} < 1, and the linear "
                          "program could not decide whether the data are linearly "
                          "separable.", ConvergenceWarning, stacklevel=4)
        elif not separable:
            warnings.warn(
                "The training data are not linearly separable: no hyperplane splits the "
                "two classes, so a single neuron cannot classify them all. Training "
                f"accuracy reached {accuracy:.2f}. A network with a hidden layer can (see "
                "sknn.xor_network and MLPClassifier).", NotLinearlySeparableWarning,
                stacklevel=4)
        else:
            warnings.warn(
                f"The training data are linearly separable, but after {self.n_iter_} "
                f"epoch(s) the neuron reached training accuracy {accuracy:.2f}. Increase "
                "max_iter or learning_rate_init, lower alpha or tol, or scale X.",
                ConvergenceWarning, stacklevel=4)

    # -- fixed weights -----------------------------------------------------------------
    @classmethod
    def from_weights(cls, coef, intercept, classes=(0, 1), **params):
        """A fitted neuron with given weights (no training).

        Parameters
        ----------
        coef : array-like of shape (n_features,)
            ``theta1, theta2, ...``.
        intercept : float
            ``theta0``.
        classes : array-like of shape (2,), default=(0, 1)
            Labels for outputs 0 and 1.
        **params
            Constructor parameters, used if the neuron is later refitted.

        Returns
        -------
        neuron : LogicGateNeuron
        """
        coef = as_weights(coef, "coef (theta1, theta2, ...)", ndim=1)
        intercept = float(as_weights(intercept, "intercept (theta0)", ndim=0))
        classes = check_classes(classes)
        if classes.shape != (2,) or classes[0] == classes[1]:
            raise ValueError(f"classes must be two distinct labels; got {classes.tolist()}.")
        est = cls(**params)
        est._validate_params()
        est._set_classes(classes)
        est.n_features_in_ = coef.size
        est._initialize((coef.size,), np.zeros((1, 1)), np.float64, None)
        est.coef_[...] = coef
        est.intercept_ = intercept
        est._publish_state()
        return est

    @classmethod
    def from_gate(cls, name):
        """A fitted neuron computing a logic gate with the textbook's weights.

        Parameters
        ----------
        name : {"or", "and", "nand", "nor", "not"}
            The gate, case-insensitive. "not" takes one input, the others two.

        Returns
        -------
        neuron : LogicGateNeuron
            With ``intercept_, *coef_`` equal to ``GATES[name]``, classes ``[0, 1]``.
        """
        key = name.lower() if isinstance(name, str) else name
        if key not in GATES:
            raise ValueError(f"Unknown gate {name!r}; valid gate names are {sorted(GATES)}.")
        theta0, *theta = GATES[key]
        return cls.from_weights(theta, theta0)

    # -- the weights as the textbook names them ----------------------------------------
    def _dense(self):
        check_is_fitted(self, "network_")
        return self.network_.layers[0]

    @property
    def coef_(self):
        return self._dense().params["W"][:, 0]

    @property
    def intercept_(self):
        return float(self._dense().params["b"][0])

    @intercept_.setter
    def intercept_(self, value):
        self._dense().params["b"][0] = value

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = False
        return tags


def xor_network():
    """The textbook's two-layer network that computes XOR, as a fitted MLPClassifier.

    Hidden unit 1 is OR (``-10 + 20 x1 + 20 x2``), hidden unit 2 is NAND
    (``30 - 20 x1 - 20 x2``), and the output is AND of the two
    (``-30 + 20 h1 + 20 h2``), all logistic: XOR = OR and NAND.

    Returns
    -------
    clf : MLPClassifier
        Fitted, with ``coefs_ = [W1 of shape (2, 2), W2 of shape (2, 1)]``,
        ``intercepts_ = [b1 of shape (2,), b2 of shape (1,)]`` and classes ``[0, 1]``.

    Examples
    --------
    >>> from sknn import xor_network
    >>> xor_network().predict([[0, 0], [0, 1], [1, 0], [1, 1]]).tolist()
    [0, 1, 1, 0]
    """
    W1 = [[20.0, -20.0], [20.0, -20.0]]  # column j holds hidden unit j's input weights
    b1 = [-10.0, 30.0]
    W2 = [[20.0], [20.0]]
    b2 = [-30.0]
    return MLPClassifier.from_weights([W1, W2], [b1, b2], classes=[0, 1],
                                      activation="logistic")
