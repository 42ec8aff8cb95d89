"""The one training loop shared by every gradient-trained estimator.

Per batch: ``out = net.forward(Xb, training=True)``; ``loss, d_out = loss(Yb, out)``;
``net.backward(d_out)``; penalties and clipping on the flat gradient;
``optimizer.step(params, grads)``. Per epoch: the stopping rule (training loss or a
validation score, scikit-learn's ``tol``/``n_iter_no_change``; the validation loss is
recorded beside the score), the learning-rate schedule, and the epoch hooks through
which callbacks see and stop training.
L-BFGS, a full-batch method, goes through :func:`train_lbfgs` instead.
"""

import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.optimize
import scipy.sparse as sp


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite: training stopped before weights were spoiled."""


#: numpy's floating-point error handling inside the loops. Overflow is not reported
#: operation by operation: a non-finite loss raises TrainingDiverged and the estimator
#: checks the final weights, so the user gets one message in sknn's words.
QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

#: Activation bytes per block of rows in L-BFGS's full-batch evaluations. The loss and
#: its gradient are (weighted) means over samples, so they accumulate over row blocks
#: whose activations stay in cache, where whole-batch elementwise passes go to memory
#: (20,000 x 20 rows, MLP(100), float64: 20.5 ms per evaluation whole, 12 ms in blocks
#: of 1,000 rows). Blocks also bound the memory of large full-batch fits.
LBFGS_BLOCK_BYTES = 2 * 2**20


@dataclass
class TrainConfig:
    """Settings of one call to :func:`train` (the estimator's hyperparameters)."""

    batch_size: int
    max_iter: int
    shuffle: bool = True
    alpha: float = 0.0  # L2: 0.5 * alpha * ||W||^2 / n_batch added to the loss
    l1: float = 0.0  # L1: l1 * |W|_1 / n_batch added to the loss
    max_norm: float | None = None  # cap on each unit's incoming weight norm
    clipnorm: float | None = None  # cap on the global gradient norm
    tol: float = 1e-4
    n_iter_no_change: float = 10
    incremental: bool = False  # one epoch (partial_fit)
    verbose: bool = False


@dataclass
class TrainState:
    """What outlives one call to :func:`train` (``warm_start``, ``partial_fit``)."""

    n_iter: int = 0
    t: int = 0  # samples seen
    loss: float | None = None
    loss_curve: list = field(default_factory=list)
    best_loss: float | None = np.inf
    no_improvement_count: int = 0
    validation_scores: list | None = None
    validation_loss_curve: list | None = None  # recorded beside validation_scores
    best_validation_score: float | None = None
    best_params: list | None = None  # Sequential.snapshot() of the best epoch

    def use_validation(self, on=True):
        """Monitor a validation score (``on``) or the training loss, as
        ``early_stopping`` asks for this call, following scikit-learn's convention for
        the fitted attributes. ``early_stopping`` may change between warm-started fits
        and ``partial_fit`` calls: switched on, the validation record continues (or
        starts); switched off, it is dropped and the training loss rule resumes."""
        if not on:
            if self.validation_scores is not None:
                self.validation_scores = self.validation_loss_curve = None
                self.best_validation_score = self.best_params = None
                self.best_loss = np.inf
            return
        self.validation_scores = [] if self.validation_scores is None else self.validation_scores
        if self.validation_loss_curve is None:
            self.validation_loss_curve = []
        if self.best_validation_score is None:
            self.best_validation_score = -np.inf
        self.best_loss = None


@dataclass
class EpochHooks:
    """Callables the loop calls between epochs; each may be None.

    ``validate() -> (score, loss)`` evaluates the model on held-out data: a score
    (higher is better, it drives the stopping rule) and the loss (recorded only);
    ``on_epoch_begin(epoch)``; ``on_epoch_end(epoch) -> bool`` returns True to stop.
    """

    validate: object = None
    on_epoch_begin: object = None
    on_epoch_end: object = None


def train(net, loss, optimizer, schedule, X, Y, sample_weight, config, state, rng,
          hooks=None):
    """Minibatch training of ``net`` in place.

    Parameters
    ----------
    net : Sequential
        A built network; ``net.params`` is updated in place.
    loss : Loss
        Computes ``(value, d value / d out)`` from the network's raw output.
    optimizer : Optimizer
    schedule : Schedule
    X : ndarray or sparse matrix of shape ``(n_samples, *input_shape)``
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    config : TrainConfig
    state : TrainState
        Updated in place: losses, counters, best parameters.
    rng : numpy RandomState or Generator
        Shuffles the samples.
    hooks : EpochHooks or None

    Returns
    -------
    reason : str
        Why training stopped: "converged", "max_iter", "callback", "incremental",
        "interrupted" or "diverged" (a non-finite loss while a validation score is
        monitored: the best validated weights are kept, as scikit-learn keeps them).

    Raises
    ------
    TrainingDiverged
        A batch loss became non-finite and there are no validated weights to keep.
    """
    hooks = _with_callers_errstate(hooks or EpochHooks())
    with np.errstate(**QUIET):
        return _train(net, loss, optimizer, schedule, X, Y, sample_weight, config, state,
                      rng, hooks)


def _with_callers_errstate(hooks):
    """``hooks`` whose epoch callbacks run under the caller's NumPy error settings.

    They run the user's callbacks, whose warnings (or ``np.seterr(all="raise")``
    errors) are theirs to see; the loop's :data:`QUIET` settings are for sknn's own
    arithmetic, which reports a non-finite loss itself. ``validate`` is sknn's: it
    stays quiet.
    """
    settings = np.geterr()

    def under_settings(hook):
        if hook is None:
            return None

        def call(*args):
            with np.errstate(**settings):
                return hook(*args)
        return call

    return replace(hooks, on_epoch_begin=under_settings(hooks.on_epoch_begin),
                   on_epoch_end=under_settings(hooks.on_epoch_end))


def _train(net, loss, optimizer, schedule, X, Y, sample_weight, config, state, rng, hooks):
    """:func:`train` without its errstate."""
    n = X.shape[0]
    batch_size = int(np.clip(config.batch_size, 1, n))
    sample_idx = np.arange(n)
    reason = "max_iter"
    try:
        for _ in range(config.max_iter):
            if hooks.on_epoch_begin is not None:
                hooks.on_epoch_begin(state.n_iter)
            if config.shuffle:
                perm = np.arange(n)
                rng.shuffle(perm)
                sample_idx = sample_idx[perm]
            epoch_loss = _run_epoch(net, loss, optimizer, X, Y, sample_weight,
                                    sample_idx if config.shuffle else None,
                                    batch_size, config)
            reason = _end_epoch(net, optimizer, schedule, epoch_loss, n, config, state, hooks)
            if reason is not None:
                break
            reason = "max_iter"
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.")
        reason = "interrupted"
    except TrainingDiverged:
        if state.validation_scores is None or state.best_params is None:
            raise
        reason = "diverged"
    if state.validation_scores is not None and state.best_params is not None:
        net.restore(state.best_params)  # early stopping keeps the best epoch
    return reason


def _run_epoch(net, loss, optimizer, X, Y, sample_weight, sample_idx, batch_size, config):
    """One pass over the data; returns the sample-averaged training loss."""
    n = X.shape[0]
    total = 0.0
    scratch = np.empty(net.n_regularized, dtype=net.params.dtype)
    # Batches are gathered into, and loss gradients written to, arrays reused all epoch.
    dense = not sp.issparse(X)
    X_buf = np.empty((batch_size, *X.shape[1:]), dtype=X.dtype) if dense else None
    Y_buf = np.empty((batch_size, Y.shape[1]), dtype=Y.dtype)
    d_buf = np.empty((batch_size, *net.output_shape), dtype=net.params.dtype)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        nb = stop - start
        if sample_idx is None:
            rows = slice(start, stop)
            Xb, Yb = X[rows], Y[rows]
        else:
            rows = sample_idx[start:stop]
            Xb = np.take(X, rows, axis=0, out=X_buf[:nb]) if dense else X[rows]
            Yb = np.take(Y, rows, axis=0, out=Y_buf[:nb])
        swb = None if sample_weight is None else sample_weight[rows]
        value = _step(net, loss, optimizer, Xb, Yb, swb, config, scratch, d_buf[:nb])
        total += value * nb
    return total / n


def _step(net, loss, optimizer, Xb, Yb, swb, config, scratch, d_buf):
    """Forward, backward and one optimizer step on a batch; returns its loss."""
    n_eff = _effective_size(Xb.shape[0], swb)
    if n_eff == 0:
        # No sample of the batch counts (e.g. class_weight 0 for its classes): the loss
        # defines its value and gradient as 0, and a penalty per zero samples has no
        # meaning, so the batch makes no step.
        return 0.0
    value = _loss_and_backprop(net, loss, Xb, Yb, swb, n_eff, config, d_buf)
    if not math.isfinite(value):  # raised before the step: the weights stay finite
        raise TrainingDiverged(
            f"the training loss became {value}. Lower learning_rate_init, scale X "
            "(e.g. with StandardScaler) or set clipnorm."
        )
    if config.clipnorm is not None:  # the norm needs the whole penalized gradient first
        _add_penalty_grads(net, config, n_eff, scratch)
        norm = math.sqrt(float(np.dot(net.grads, net.grads)))
        if norm > config.clipnorm:
            net.grads *= config.clipnorm / norm
        optimizer.step(net.params, net.grads)
    elif config.alpha or config.l1:
        # Penalize each chunk of the gradient just before the optimizer updates it,
        # while it is in cache.
        optimizer.step(net.params, net.grads, lambda chunk: _add_penalty_grads(
            net, config, n_eff, scratch, chunk.start, chunk.stop))
    else:
        optimizer.step(net.params, net.grads)
    if config.max_norm is not None:
        _apply_max_norm(net, config.max_norm)
    return value


def _loss_and_backprop(net, loss, X, Y, sample_weight, n_eff, config, d_buf=None):
    """Penalized loss of a batch, with the data part of its gradient in ``net.grads``.

    ``n_eff`` is the batch size, or the sum of its sample weights
    (:func:`_effective_size`): what penalties are divided by.

    Returns
    -------
    value : float
    """
    return (_data_loss_and_backprop(net, loss, X, Y, sample_weight, d_buf)
            + _penalize(net, config, n_eff))


def _data_loss_and_backprop(net, loss, X, Y, sample_weight, d_buf=None):
    """The (sample-weighted) mean loss of a batch, without penalties; its gradient is
    left in ``net.grads``."""
    out = net.forward(X, training=True)
    value, d_out = loss.value_and_gradient(Y, out, sample_weight, out=d_buf)
    net.backward(d_out)
    return value


def held_out_loss(net, loss, Z, Y, sample_weight, config):
    """The training loss's formula on held-out outputs: what :func:`train` would record
    for these samples taken as one batch, without a step.

    The (sample-weighted) mean loss plus the weight penalties divided by the number of
    samples (or the sum of their weights), as for a training batch: scikit-learn's
    convention, ``0.5 * alpha * ||W||^2 / n``.

    Parameters
    ----------
    net : Sequential
        The network whose weights are penalized.
    loss : Loss
    Z : ndarray of shape (n_samples, n_outputs)
        Output-layer values computed by the caller in inference mode (dropout off,
        batch normalization on its running statistics).
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,) or None
    config : TrainConfig
        Supplies ``alpha`` and ``l1``.

    Returns
    -------
    value : float
        NaN or infinite when ``Z`` overflowed; call it under :data:`QUIET` (as the loop
        does) so that no RuntimeWarning is raised then.
    """
    value = loss.value(Y, Z, sample_weight)
    return value + _penalize(net, config, _effective_size(Z.shape[0], sample_weight))


def _effective_size(n_samples, sample_weight):
    """What penalties are divided by: the sample count, or the sum of the weights.

    Summed in float64: float32 weights near float32's maximum would sum to infinity.
    """
    return n_samples if sample_weight is None else float(np.sum(sample_weight, dtype=np.float64))


def _penalize(net, config, n_eff):
    """Weight penalties added to the batch loss, scaled by 1/n as scikit-learn does."""
    W = net.params[: net.n_regularized]
    penalty = 0.0
    if config.alpha:
        penalty += 0.5 * config.alpha * float(np.dot(W, W)) / n_eff
    if config.l1:
        penalty += config.l1 * float(np.abs(W).sum()) / n_eff
    return penalty


def _add_penalty_grads(net, config, n_eff, scratch, start=0, stop=None):
    """Add the penalties' gradients to ``grads[start:stop]`` (only kernels take them)."""
    stop = net.n_regularized if stop is None else min(stop, net.n_regularized)
    if start >= stop:
        return
    W, G, tmp = net.params[start:stop], net.grads[start:stop], scratch[: stop - start]
    if config.alpha:
        np.multiply(W, config.alpha / n_eff, out=tmp)
        G += tmp
    if config.l1:
        np.sign(W, out=tmp)
        tmp *= config.l1 / n_eff
        G += tmp


def _apply_max_norm(net, max_norm):
    """Rescale each unit's incoming weights to norm at most ``max_norm`` (Keras MaxNorm)."""
    for W in net.regularized_views():
        axes = tuple(range(W.ndim - 1))
        norms = np.sqrt(np.sum(W * W, axis=axes))
        W *= np.minimum(1.0, max_norm / np.maximum(norms, 1e-12))


def _end_epoch(net, optimizer, schedule, epoch_loss, n, config, state, hooks):
    """Book-keeping after an epoch; returns why to stop, or None to go on."""
    state.n_iter += 1
    state.t += n
    state.loss = epoch_loss
    state.loss_curve.append(epoch_loss)
    if config.verbose:
        print(f"Iteration {state.n_iter}, loss = {epoch_loss:.8f}")
    _update_no_improvement(net, config, state, hooks)
    schedule.epoch_end(optimizer, state.t, state.n_iter)
    if hooks.on_epoch_end is not None and hooks.on_epoch_end(state.n_iter - 1):
        return "callback"
    if state.no_improvement_count > config.n_iter_no_change:
        what = "Validation score" if state.validation_scores is not None else "Training loss"
        if config.verbose:
            print(f"{what} did not improve more than tol={config.tol:f} for "
                  f"{config.n_iter_no_change} consecutive epochs.")
        if schedule.on_plateau(optimizer, config.verbose):
            return "converged"
        state.no_improvement_count = 0
    return "incremental" if config.incremental else None


def _update_no_improvement(net, config, state, hooks):
    """scikit-learn's rule: count epochs that did not improve by more than ``tol``."""
    if state.validation_scores is not None:
        score, validation_loss = hooks.validate()
        state.validation_scores.append(score)
        state.validation_loss_curve.append(validation_loss)
        if config.verbose:
            print(f"Validation score: {score:f}")  # scikit-learn's line, unchanged
            print(f"Validation loss: {validation_loss:.8f}")
        improved = score >= state.best_validation_score + config.tol
        state.no_improvement_count = 0 if improved else state.no_improvement_count + 1
        if score > state.best_validation_score:
            state.best_validation_score = score
            state.best_params = net.snapshot(into=state.best_params)
        return
    last = state.loss_curve[-1]
    improved = last <= state.best_loss - config.tol
    state.no_improvement_count = 0 if improved else state.no_improvement_count + 1
    state.best_loss = min(state.best_loss, last)


def lbfgs_block_rows(layers, values_per_row, itemsize, n):
    """Rows per block of L-BFGS's evaluations of ``n`` rows: about
    :data:`LBFGS_BLOCK_BYTES` of activations, or all ``n`` when a layer's training
    forward depends on the whole batch (batch normalization's statistics).

    Parameters
    ----------
    layers : list of Layer
        The network's top-level layers (built or not).
    values_per_row : int
        Activation values a training row keeps across the layers (:func:`plan`'s total).
    itemsize : int
        Bytes per value.
    n : int
        Rows of the full batch.

    Returns
    -------
    rows : int
    """
    if any(layer.has_training_mode for layer in layers):
        return n
    return int(min(n, max(1, LBFGS_BLOCK_BYTES // max(1, values_per_row * itemsize))))


def _row_blocks(net, n):
    """Row slices of :func:`lbfgs_block_rows` rows covering ``n`` rows."""
    rows = lbfgs_block_rows(net.layers, net.activations_per_row, net.params.dtype.itemsize, n)
    return [slice(start, min(start + rows, n)) for start in range(0, n, rows)]


def _weighted_blocks(blocks, sample_weight, n_eff):
    """Each row block with its share of the samples (or of the sample weights), blocks
    of zero weight left out; None when the batch is one block or weighs nothing (the
    whole batch is then evaluated at once, and the loss defines a weightless one)."""
    if len(blocks) == 1 or n_eff == 0:
        return None
    shares = [(rows, _effective_size(rows.stop - rows.start,
                                     None if sample_weight is None else sample_weight[rows])
               / n_eff) for rows in blocks]
    return [(rows, share) for rows, share in shares if share > 0]


def _full_batch_loss_and_grad(net, loss, X, Y, sample_weight, n_eff, config, blocks, total):
    """The penalized full-batch loss, its gradient left in ``net.grads``.

    ``blocks`` is :func:`_weighted_blocks`'s list (None: the whole batch at once): each
    block's mean loss and gradient count by its share, so the sum is the whole batch's
    mean, up to rounding. ``total`` accumulates the gradient (shape of ``net.grads``).
    """
    if blocks is None:
        return _loss_and_backprop(net, loss, X, Y, sample_weight, n_eff, config)
    value = 0.0
    total[...] = 0
    for rows, share in blocks:
        swb = None if sample_weight is None else sample_weight[rows]
        value += share * _data_loss_and_backprop(net, loss, X[rows], Y[rows], swb)
        net.grads *= share
        total += net.grads
    net.grads[...] = total
    return value + _penalize(net, config, n_eff)


def train_lbfgs(net, loss, X, Y, sample_weight, config, max_fun):
    """Full-batch L-BFGS-B through :func:`scipy.optimize.minimize`.

    Each evaluation runs the batch through the network in row blocks
    (:data:`LBFGS_BLOCK_BYTES`) and sums their shares of the loss and gradient.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        ``nit``, ``fun`` (the final loss), ``status`` and ``message`` of the run; the
        network holds the final parameters ``x``.
    """
    scratch = np.empty(net.n_regularized, dtype=net.params.dtype)
    with np.errstate(**QUIET):  # weights near float64's maximum overflow: the loss reports it
        n_eff = _effective_size(X.shape[0], sample_weight)  # the same at every evaluation
    # the blocks and their shares are the same at every evaluation
    blocks = _weighted_blocks(_row_blocks(net, X.shape[0]), sample_weight, n_eff)
    total = None if blocks is None else np.empty_like(net.grads)

    def loss_and_grad(w):
        net.params[...] = w
        value = _full_batch_loss_and_grad(net, loss, X, Y, sample_weight, n_eff, config,
                                          blocks, total)
        _add_penalty_grads(net, config, n_eff, scratch)
        return value, net.grads.astype(np.float64)

    with np.errstate(**QUIET):
        result = scipy.optimize.minimize(
            loss_and_grad, net.params.astype(np.float64), method="L-BFGS-B", jac=True,
            options={"maxfun": max_fun, "maxiter": config.max_iter, "gtol": config.tol},
        )
        net.params[...] = result.x  # may overflow a float32 network: checked by the caller
    if not np.isfinite(result.fun):
        raise TrainingDiverged(f"L-BFGS reached a non-finite loss ({result.fun}).")
    return result
