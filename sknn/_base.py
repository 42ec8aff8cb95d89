"""Estimator plumbing shared by every gradient-trained sknn estimator.

``fit -> validate_data -> encode y -> build network (subclass hook) -> make optimizer
-> train``. Subclasses differ only in extra parameter constraints, the layers they
build (:meth:`BaseNetwork._build_layers`), how X is shaped for the network
(:meth:`BaseNetwork._network_input`), the loss, and how outputs decode to predictions.
"""

import copy
import functools
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn import config_context
from sklearn.base import BaseEstimator
from sklearn.callback import CallbackSupportMixin, with_callbacks
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, check_scalar
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.optimize import _check_optimize_result
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
)

from ._array_api import ArrayAPIBoundaryMixin
from ._memmap import page_releaser
from ._persistence import PersistenceMixin
from ._sizes import check_mc_work, check_network_memory
from ._validation import (
    abs_max,
    assert_all_finite,
    is_finite_dense,
    is_ready_matrix,
    validate_data,
)
from .nn import activations, initializers, optimizers, schedules
from .nn.network import Sequential, plan
from .nn.train import (
    EpochHooks,
    TrainConfig,
    TrainingDiverged,
    TrainState,
    held_out_loss,
    lbfgs_block_rows,
    train,
    train_lbfgs,
)

STOCHASTIC_SOLVERS = ("sgd", "adam", "rmsprop", "adagrad", "adamax", "nadam", "adamw")


def store_arguments(est, arguments):
    """``__init__``'s only job (scikit-learn's contract): keep each argument as given.

    ``arguments`` is ``locals()`` at the top of ``__init__``, so classifiers and regressors,
    whose parameters differ (``class_weight``, ``loss``), share one body.
    """
    for name, value in arguments.items():
        if name != "self":
            setattr(est, name, value)


def x_too_large(Xb, dtype):
    """The ValueError for a batch ``Xb`` whose results overflowed the network's ``dtype``
    (predictions, hidden representations, attributions), never returned as NaN or inf."""
    return ValueError(
        f"X is too large for this network: its outputs overflowed to NaN or infinity in "
        f"{np.dtype(dtype)} (max |X| = {abs_max(Xb):.3g}). Scale X as the training data "
        "were scaled.")


def has_partial_fit(est):
    """``available_if`` test: partial_fit is one epoch of the minibatch loop, which
    L-BFGS (a full-batch method) does not have."""
    return est.solver != "lbfgs"


#: Constraints of the parameters every gradient-trained estimator shares.
NETWORK_PARAMETER_CONSTRAINTS = {
    "activation": [StrOptions(set(activations.ACTIVATIONS) - {"softmax"})],
    "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "l1": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions(set(schedules.SCHEDULES))],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "max_norm": [None, Interval(Real, 0, None, closed="neither")],
    "batch_norm": ["boolean"],
    "kernel_initializer": [StrOptions({*initializers.INITIALIZERS, "sklearn", "auto"})],
    "clipnorm": [None, Interval(Real, 0, None, closed="neither")],
}

#: scikit-learn's sentence for a fit that ends in NaN or infinite weights. Every divergence
#: message starts with it, so code that handles scikit-learn's error handles sknn's.
NON_FINITE_WEIGHTS = ("Solver produced non-finite parameter weights. The input data "
                      "may contain large values and need to be preprocessed.")

#: Rows per forward pass at prediction time, so memory stays bounded for any n.
PREDICT_BATCH_ROWS = 4096

#: Most bytes of activations one prediction batch may take (wide layers get fewer rows).
PREDICT_BATCH_BYTES = 256 * 2**20


class BaseNetwork(ArrayAPIBoundaryMixin, PersistenceMixin, CallbackSupportMixin,
                  BaseEstimator):
    """Shared fit/partial_fit/predict machinery. Not for direct use.

    Subclasses set ``self.<param>`` in ``__init__`` and implement
    :meth:`_build_layers`, :meth:`_validate_input`, :meth:`_make_loss` and
    :meth:`_score` (the validation score from output-layer values).
    """

    # -- subclass hooks ---------------------------------------------------------------
    def _build_layers(self, input_shape, n_outputs):
        """Layers from the input to the output logits (a list of Layer)."""
        raise NotImplementedError

    def _network_input(self, X, reset):
        """Shape validated X for the network; returns (X, per-sample input shape)."""
        return X, (X.shape[1],)

    def _x_validation(self):
        """Keyword arguments of ``validate_data`` for X (image estimators take n-d X)."""
        return {"accept_sparse": "csr", "dtype": (np.float64, np.float32)}

    def _validate_predict_input(self, X):
        """validate_data for prediction. Finiteness is checked batch by batch in
        :meth:`_logits` instead of in one pass here: a pass over a memory-mapped X
        would make the whole file resident before the first batch.

        A plain 2-D float ndarray with the fitted number of columns, from an estimator
        fitted without feature names, is returned as it is: scikit-learn's checks would
        return it unchanged and silently, and they are most of a one-row predict's time.
        """
        self._check_fitted()
        if not hasattr(self, "feature_names_in_") and is_ready_matrix(
                X, getattr(self, "n_features_in_", None), **self._x_validation()):
            return X
        return validate_data(self, X, reset=False, ensure_all_finite=False,
                             **self._x_validation())

    def _check_fitted(self):
        """check_is_fitted(self, "network_"), skipped when the attribute is there (the
        only thing it checks), because prediction calls it on every request."""
        if not hasattr(self, "network_"):
            check_is_fitted(self, "network_")

    #: Rows per forward pass in ``predict``; estimators with large per-row activations
    #: (convolutional maps) lower it.
    _predict_batch_rows = PREDICT_BATCH_ROWS

    def _validate_input(self, X, y, incremental, reset):
        """validate_data plus target encoding; returns X and Y of shape (n, n_outputs)."""
        raise NotImplementedError

    def _make_loss(self):
        raise NotImplementedError

    def _weigh_samples(self, Y, sample_weight, dtype):
        """The weights training uses, validation scores and callbacks see: classifiers
        multiply ``class_weight`` in; None means every sample weighs 1."""
        return sample_weight

    # -- fitting ------------------------------------------------------------------------
    @with_callbacks
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 input is trained in float32, anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; the loss is their weighted mean.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental):
        first = not hasattr(self, "network_") or (not self.warm_start and not incremental)
        X, Y = self._validate_input(X, y, incremental, reset=first)
        X, input_shape = self._network_input(X, reset=first)
        if sample_weight is not None:
            with np.errstate(over="ignore"):  # a weight beyond float32 fails the check below
                sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype)
        sample_weight = self._weigh_samples(Y, sample_weight, X.dtype)
        rng = check_random_state(self.random_state)
        self._rng = rng
        if first:
            self._initialize(input_shape, Y, X.dtype, rng)
        elif input_shape != self.network_.input_shape:
            raise ValueError(f"X has per-sample shape {input_shape}, but {type(self).__name__} "
                             f"was fitted with {self.network_.input_shape}.")
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {Y.shape[1]} output(s), but {type(self).__name__} was "
                             f"fitted with {self.n_outputs_}; only a new fit (warm_start=False) "
                             "can change them.")
        # a continued fit (partial_fit, warm_start) that diverges gives these weights back
        previous = None if first else self.network_.snapshot()
        ctx = self._init_callback_context(max_subtasks=self.max_iter if not incremental else 1)
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(X, Y, sample_weight)
            else:
                self._fit_stochastic(X, Y, sample_weight, incremental, ctx, metadata)
        except TrainingDiverged as exc:
            kept = self._undo_training(previous)
            raise ValueError(f"{NON_FINITE_WEIGHTS} {type(self).__name__} training "
                             f"diverged: {exc}{kept}") from None
        if not np.all(np.isfinite(self.network_.params)):
            raise ValueError(NON_FINITE_WEIGHTS + self._undo_training(previous))
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata,
                                 reconstruction_attributes={})
        return self

    def _undo_training(self, previous):
        """Never hand back NaN weights: a first fit leaves no model, a continued one the
        ``previous`` snapshot (parameters and batch-norm statistics) with a fresh
        optimizer, whose moments may be NaN too.

        Returns
        -------
        note : str
            What the model is now, for the error message.
        """
        if previous is None:
            del self.network_
            return ""
        self.network_.restore(previous)
        self.__dict__.pop("_optimizer", None)
        return (" The model keeps the weights it had before this call; its optimizer "
                "starts afresh.")

    def _initialize(self, input_shape, Y, dtype, rng):
        """Build the network and reset the training state (first fit)."""
        self.n_outputs_ = Y.shape[1]
        self._loss = self._make_loss()
        self.out_activation_ = self._loss.out_activation
        layers = self._build_layers(input_shape, self.n_outputs_)
        check_network_memory(self, layers, input_shape, np.dtype(dtype),
                             self._batch_rows(Y.shape[0], layers, input_shape, dtype))
        self.network_ = Sequential(layers)
        self.network_.build(input_shape, rng, dtype)
        self._state = TrainState()
        self.__dict__.pop("_optimizer", None)

    def _fit_lbfgs(self, X, Y, sample_weight):
        if any(getattr(layer, "rate", 0) > 0 for layer in self.network_.leaves):
            raise ValueError("dropout needs a stochastic solver; solver='lbfgs' "
                             "minimizes a deterministic full-batch loss.")
        config = self._train_config(X.shape[0], incremental=False)
        result = train_lbfgs(self.network_, self._loss, X, Y, sample_weight, config,
                             self.max_fun)
        # scikit-learn's own check: the same n_iter_ and the same ConvergenceWarning text.
        self.n_iter_ = _check_optimize_result("lbfgs", result, self.max_iter)
        self.loss_ = float(result.fun)

    def _fit_stochastic(self, X, Y, sample_weight, incremental, ctx, metadata):
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
            self._schedule = schedules.get(self.learning_rate, power_t=self.power_t,
                                           n_epochs=self.max_iter)
        X_train, Y_train, sw_train, held_out = self._split_validation(X, Y, sample_weight)
        self._state.use_validation(held_out is not None)
        config = self._train_config(X_train.shape[0], incremental)
        validate = None if held_out is None else self._validator(*held_out, config)
        # Callbacks score on the targets as the user gave them, not their encoding.
        hooks = self._epoch_hooks(ctx, X_train, self._decode_targets(Y_train), metadata,
                                  validate)
        self._state.n_iter = 0  # as scikit-learn: n_iter_ counts this call's epochs
        reason = train(self.network_, self._loss, self._optimizer, self._schedule, X_train,
                       Y_train, sw_train, config, self._state, self._rng, hooks)
        self._publish_state()
        if reason == "diverged":
            warnings.warn(f"{type(self).__name__} training diverged in epoch {self.n_iter_ + 1} "
                          "(the training loss became non-finite); early_stopping kept the "
                          "weights of the best validation epoch. Lower learning_rate_init "
                          "or scale X.", ConvergenceWarning)
        if reason == "max_iter" and not incremental:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                          "reached and the optimization hasn't converged yet.",
                          ConvergenceWarning)

    def _make_optimizer(self):
        lr = self.learning_rate_init
        if self.solver == "sgd":
            return optimizers.get("sgd", learning_rate=lr, momentum=self.momentum,
                                  nesterov=self.nesterovs_momentum)
        if self.solver in ("adam", "adamw", "nadam", "adamax"):
            return optimizers.get(self.solver, learning_rate=lr, beta_1=self.beta_1,
                                  beta_2=self.beta_2, epsilon=self.epsilon)
        return optimizers.get(self.solver, learning_rate=lr)

    def _train_config(self, n_samples, incremental):
        batch_size = min(200, n_samples) if self.batch_size == "auto" else self.batch_size
        if self.batch_size != "auto" and self.batch_size > n_samples:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. "
                          "It is going to be clipped")
        return TrainConfig(
            batch_size=batch_size, max_iter=self.max_iter, shuffle=self.shuffle,
            alpha=self.alpha, l1=self.l1, max_norm=self.max_norm, clipnorm=self.clipnorm,
            tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            incremental=incremental, verbose=bool(self.verbose))

    def _split_validation(self, X, Y, sample_weight):
        """Hold out ``validation_fraction`` of the data when ``early_stopping``.

        Returns the training X, Y and weights, and the held-out ``(X, Y, weights)``
        (None without early stopping)."""
        if not self.early_stopping:
            return X, Y, sample_weight, None
        arrays = [X, Y] + ([] if sample_weight is None else [sample_weight])
        parts = self._holdout(arrays, Y)
        X_tr, X_val, Y_tr, Y_val = parts[:4]
        sw_tr, sw_val = (parts[4], parts[5]) if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError("The validation set is too small. Increase "
                             "'validation_fraction' or the size of your dataset.")
        if sw_val is not None and np.sum(sw_val, dtype=np.float64) == 0:  # no weighted mean
            raise ValueError(
                f"Every sample held out for early stopping weighs 0 (sample_weight times "
                f"class_weight), so the validation score is undefined; give those samples "
                f"weight, raise validation_fraction={self.validation_fraction!r}, or use "
                "early_stopping=False.")
        return X_tr, Y_tr, sw_tr, (X_val, Y_val, sw_val)

    def _validator(self, X_val, Y_val, sw_val, config):
        """The loop's ``validate`` hook: the held-out score and loss of the current
        weights, from one batched forward pass in inference mode (dropout off, batch
        normalization on its running statistics)."""
        y_val = self._decode_targets(Y_val)

        def validate():
            Z = self._logits(X_val, check_finite=False)  # overflow is scored, not raised
            return (self._score(Z, y_val, sw_val),
                    held_out_loss(self.network_, self._loss, Z, Y_val, sw_val, config))

        return validate

    def _holdout(self, arrays, Y):
        """``train_test_split`` of ``arrays`` as scikit-learn's MLP calls it (the same
        partition and the same error sentences), with errors naming validation_fraction
        and the user's labels rather than their encoding."""
        split = functools.partial(train_test_split, test_size=self.validation_fraction)
        stratify = Y if self._stratify_validation() else None
        # scikit-learn's MLP skips the split's own parameter validation, so a bad size is
        # reported by the split's checks; sknn's callers see the same sentence.
        with config_context(skip_parameter_validation=True):
            try:
                return split(*arrays, random_state=self._rng, stratify=stratify)
            except ValueError as exc:
                error = exc
            if stratify is not None:  # same class counts, so the same error, in user labels
                labels = self._decode_targets(Y).reshape(Y.shape[0], 1)  # a 2-D y, as Y
                try:
                    split(np.arange(Y.shape[0]), random_state=0, stratify=labels)
                except ValueError as exc:
                    error = exc
        raise ValueError(
            f"{error} (early_stopping=True holds out validation_fraction="
            f"{self.validation_fraction!r} of the {Y.shape[0]} samples as that test set: "
            "use a validation_fraction in (0, 1) that leaves samples of every class on "
            "both sides, more samples, or early_stopping=False.)") from None

    def _stratify_validation(self):
        return False

    def _decode_targets(self, Y):
        """Encoded targets back to what ``score`` compares predictions with."""
        return Y

    def _epoch_hooks(self, ctx, X, y, metadata, validate):
        """Report each epoch to scikit-learn callbacks as a subtask of the fit task."""
        current = {}

        def begin(epoch):
            current["ctx"] = ctx.subcontext(task_name="epoch")
            current["ctx"].call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)

        def end(epoch):
            self._publish_state()  # callbacks read loss_curve_ etc. as of this epoch
            return current["ctx"].call_on_fit_task_end(
                estimator=self, X=X, y=y, metadata=metadata,
                reconstruction_attributes=lambda: {"network_": copy.deepcopy(self.network_)})

        return EpochHooks(validate=validate, on_epoch_begin=begin, on_epoch_end=end)

    def _publish_state(self):
        """Copy the training state into scikit-learn's fitted attributes."""
        s = self._state
        self.n_iter_, self.t_, self.loss_ = s.n_iter, s.t, s.loss
        self.loss_curve_ = list(s.loss_curve)
        self.best_loss_ = s.best_loss
        self.validation_scores_ = None if s.validation_scores is None else list(s.validation_scores)
        self.validation_loss_curve_ = (None if s.validation_loss_curve is None
                                       else list(s.validation_loss_curve))
        self.best_validation_score_ = s.best_validation_score

    # -- predicting ---------------------------------------------------------------------
    def _forward(self, X, mc_samples=None):
        """Network outputs after the output activation, in batches of rows.

        Returns an array of shape (n_samples, n_outputs) or, for Monte Carlo dropout,
        the mean and the standard deviation over ``mc_samples`` passes, each of that
        shape. The passes are accumulated as they run (Welford's update, in float64),
        so memory does not grow with ``mc_samples``.
        """
        X = self._validate_predict_input(X)
        X, _ = self._network_input(X, reset=False)
        if mc_samples is None:
            return self._loss.predict(self._logits(X))
        self._check_mc_samples(mc_samples, X.shape[0])
        self.network_.set_mc_dropout(True)
        try:
            step = self._predict_rows()
            mean = np.zeros((X.shape[0], self.n_outputs_))
            m2 = np.zeros_like(mean)  # sum of squared deviations from the running mean
            delta = np.empty_like(mean)
            for k in range(1, mc_samples + 1):
                p = self._loss.predict(self._logits(X, step))
                np.subtract(p, mean, out=delta)
                mean += delta / k
                delta *= p - mean
                m2 += delta
        finally:
            self.network_.set_mc_dropout(False)
        dtype = self.network_.params.dtype
        return mean.astype(dtype), np.sqrt(m2 / mc_samples).astype(dtype)

    def _logits(self, X, step=None, check_finite=True):
        """Output-layer values of shape (n_samples, n_outputs), ``step`` rows per forward
        pass (default :meth:`_predict_rows`).

        Overflow (X far beyond the training data's scale, or beyond the float32 range of a
        network fitted in float32) is reported as a ValueError naming X, never returned as
        NaN or inf; the validation scorer passes ``check_finite=False`` to score it instead.
        """
        def forward(Xb):
            return self.network_.forward(Xb, training=False)

        return self._batched(X, forward, self.n_outputs_, step, check_finite)

    def _batched(self, X, forward, width, step=None, check_finite=True):
        """``forward(X_batch)`` (inference mode, values of shape (batch, width)) over the
        rows of network-shaped X, ``step`` at a time, into one array of the network's
        dtype; overflow is checked as described in :meth:`_logits`."""
        n = X.shape[0]
        out = np.empty((n, width), dtype=self.network_.params.dtype)
        step = self._predict_rows() if step is None else step
        release = page_releaser(X)  # a read-only memmap's pages leave RSS once read
        for start in range(0, n, step):
            rows = slice(start, min(start + step, n))
            Xb = X[rows]
            if not is_finite_dense(Xb):  # scikit-learn's check names what is wrong
                assert_all_finite(Xb, input_name="X")
            with np.errstate(over="ignore", invalid="ignore"):  # checked just below
                # e.g. float64 X for a network fitted in float32
                Xn = Xb.astype(out.dtype) if Xb.dtype != out.dtype else Xb
                out[rows] = forward(Xn)
            if check_finite and not np.all(np.isfinite(out[rows])):
                raise x_too_large(Xb, out.dtype)
            if release is not None:
                release(rows.start, rows.stop)
        return out

    def _predict_rows(self):
        """Rows per forward pass: ``_predict_batch_rows``, fewer for wide layers, so a
        batch's activations stay within :data:`PREDICT_BATCH_BYTES`."""
        net = self.network_
        fit = PREDICT_BATCH_BYTES // max(net.activations_per_row * net.params.dtype.itemsize, 1)
        return int(max(1, min(self._predict_batch_rows, fit)))

    def _batch_rows(self, n_samples, layers, input_shape, dtype):
        """Rows a training step holds activations for: L-BFGS's row block (of the
        unbuilt ``layers``), else batch_size clipped to n."""
        if self.solver == "lbfgs":
            per_row = sum(e.activations for e in plan(layers, input_shape))
            return lbfgs_block_rows(layers, per_row, np.dtype(dtype).itemsize, n_samples)
        size = 200 if self.batch_size == "auto" else self.batch_size
        return max(1, min(size, n_samples))

    def _check_mc_samples(self, mc_samples, n_samples):
        if isinstance(mc_samples, bool) or not isinstance(mc_samples, Integral) or mc_samples < 1:
            raise ValueError(f"mc_samples must be a positive integer, got {mc_samples!r}")
        if not any(getattr(layer, "rate", 0) > 0 for layer in self.network_.leaves):
            raise ValueError("mc_samples needs dropout > 0: without dropout every "
                             "Monte Carlo pass gives the same output.")
        check_mc_work(self, int(mc_samples), n_samples)

    def summary(self, batch_size=None):
        """Layers, output shapes, parameter counts and activation memory per batch
        as a text table (Keras-style).

        Parameters
        ----------
        batch_size : int, optional
            Rows of the batch whose activation memory is given per layer (outputs,
            gradients, caches and scratch of a training step). Default: the training
            batch, ``batch_size`` (200 for ``"auto"``); L-BFGS trains on all rows at
            once, so pass the number of samples for it.

        Returns
        -------
        table : str

        Examples
        --------
        >>> from sknn import MLPClassifier
        >>> clf = MLPClassifier((16,), max_iter=20, random_state=0).fit(
        ...     [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
        >>> print(clf.summary().splitlines()[-2])
        Activation memory per batch of 200: 54.7 KiB
        """
        check_is_fitted(self, "network_")
        if batch_size is None:
            batch_size = 200 if self.batch_size == "auto" else self.batch_size
        check_scalar(batch_size, "batch_size", Integral, min_val=1)
        return self.network_.summary(int(batch_size))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
