"""First-order optimizers that update one flat parameter buffer in place.

The network keeps every parameter in one contiguous 1-D buffer (layers hold views
into it), so an optimizer step is a handful of large vectorized operations. Each
optimizer owns its state (moments, velocities), allocated lazily on the first
``step`` with the parameters' dtype, plus scratch arrays written with ``out=`` so
that a step of ``sgd`` or ``adam`` allocates nothing.

``learning_rate`` is the current rate, read at every step: learning-rate schedules
change it between epochs. ``learning_rate_init`` keeps the starting value.

``sgd`` and ``adam`` perform scikit-learn's arithmetic operation for operation, so
they give the same iterates as ``MLPClassifier``'s solvers to rounding.
"""

import math

import numpy as np


def _update_moments(grads, m, v, tmp, beta_1, beta_2):
    """Adam's moment updates in place: ``m <- b1 m + (1-b1) g``, ``v <- b2 v + (1-b2) g^2``."""
    # Same operation order as scikit-learn's AdamOptimizer, so results agree bitwise.
    m *= beta_1
    np.multiply(grads, 1 - beta_1, out=tmp)
    m += tmp
    np.square(grads, out=tmp)
    tmp *= 1 - beta_2
    v *= beta_2
    v += tmp


#: Entries updated per pass. Each chunk costs a dozen NumPy calls of ~1 us, so chunks
#: must be large; 131072 float32 values (512 kB) per array keep an optimizer's handful
#: of arrays in cache (Adam at 0.2M float32 parameters: 463 us per step in chunks of
#: 2**15, 379 us in chunks of 2**17). The passes stay NumPy's: BLAS axpy/scal would fuse
#: some of them, but OpenBLAS threads them, and a threaded level-1 call on a busy
#: machine waits for a descheduled thread (Adam 13 ms -> 540 ms per step at 3M
#: parameters with the second core taken).
CHUNK = 131072


class Optimizer:
    """Base class: owns state for one flat parameter buffer.

    Parameters
    ----------
    learning_rate : float
        Initial step size.

    Attributes
    ----------
    learning_rate : float
        Current step size (schedules may set it between steps).
    learning_rate_init : float
        The step size given at construction.
    """

    name = None
    #: Names of the state arrays (and scratch arrays) allocated by :meth:`_allocate`.
    _state_names = ()
    _n_scratch = 1

    def __init__(self, learning_rate=0.001):
        self.learning_rate_init = learning_rate
        self.learning_rate = float(learning_rate)
        self.reset()

    def reset(self):
        """Drop the state (moments, step count); the next ``step`` starts afresh."""
        self.t = 0
        self._state = None
        self._scratch = None

    def step(self, params, grads, prepare=None):
        """Update ``params`` in place from ``grads``.

        The update runs over chunks of :data:`CHUNK` entries: each elementwise pass
        then reads and writes data still in cache, where whole-buffer passes would go
        to memory for every one of an optimizer's dozen operations.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameter buffer, modified in place.
        grads : ndarray of shape (n_params,)
            Gradient of the loss with respect to ``params``.
        prepare : callable or None
            ``prepare(chunk_slice)`` runs on each chunk before its update, while it is
            in cache (the training loop adds weight penalties to ``grads`` there).
        """
        if params.shape != grads.shape or params.ndim != 1:
            raise ValueError(
                f"params and grads must be 1-D of equal size, got {params.shape} "
                f"and {grads.shape}"
            )
        if self._state is None:
            self._allocate(params)
        elif self._state_size != (params.size, params.dtype.str):
            raise ValueError(
                f"{type(self).__name__} state was built for {self._state_size[0]} "
                f"{np.dtype(self._state_size[1])} parameters, got {params.size} {params.dtype}; "
                "call reset() first"
            )
        self.t += 1
        self._begin_step()
        n = params.size
        for start in range(0, n, CHUNK):
            chunk = slice(start, min(start + CHUNK, n))
            if prepare is not None:
                prepare(chunk)
            size = chunk.stop - start
            self._update(params[chunk], grads[chunk], *(s[chunk] for s in self._state),
                         *(s[:size] for s in self._scratch))

    def _begin_step(self):
        """Per-step (not per-chunk) bookkeeping beyond ``t``; none by default."""

    def _allocate(self, params):
        self._state = [self._initial_state(params) for _ in self._state_names]
        size = min(params.size, CHUNK)
        self._scratch = [np.empty(size, dtype=params.dtype) for _ in range(self._n_scratch)]
        # plain values (a dtype's string, not np.dtype): skops loads them without trust
        self._state_size = (params.size, params.dtype.str)

    def _initial_state(self, params):
        return np.zeros_like(params)

    def _update(self, params, grads, *arrays):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate!r})"


class SGD(Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum, as scikit-learn does it:
    ``v <- mu v - lr g``; ``p <- p + (mu v - lr g if nesterov else v)``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    momentum : float, default=0.9
        ``0`` gives plain SGD, ``p <- p - lr g`` (no velocity is stored).
    nesterov : bool, default=True
    """

    name = "sgd"
    _state_names = ("velocity",)
    _n_scratch = 2

    def __init__(self, learning_rate=0.001, momentum=0.9, nesterov=True):
        self.momentum = momentum
        self.nesterov = nesterov
        super().__init__(learning_rate)

    def _update(self, params, grads, velocity, lr_g, nesterov_step):
        np.multiply(grads, self.learning_rate, out=lr_g)
        if self.momentum == 0:
            # 0*v - lr g == -lr g exactly, so skipping the velocity changes nothing.
            params -= lr_g
            return
        velocity *= self.momentum
        velocity -= lr_g
        if self.nesterov:
            # Look ahead along the new velocity: the step is mu v_new - lr g.
            np.multiply(velocity, self.momentum, out=nesterov_step)
            nesterov_step -= lr_g
            params += nesterov_step
        else:
            params += velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba), as scikit-learn does it:
    ``m <- b1 m + (1-b1) g``; ``v <- b2 v + (1-b2) g^2``;
    ``p <- p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps)``.

    Unlike scikit-learn, ``learning_rate`` is not overwritten with the bias-corrected
    rate, so schedules can drive it.

    Parameters
    ----------
    learning_rate : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default=1e-8

    Attributes
    ----------
    t : int
        Number of steps taken (for bias correction).
    """

    name = "adam"
    _state_names = ("m", "v")
    _n_scratch = 2

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def _update(self, params, grads, m, v, tmp, step):
        _update_moments(grads, m, v, tmp, self.beta_1, self.beta_2)
        # Both bias corrections fold into one scalar rate. A Python float (math.sqrt,
        # not np.sqrt) keeps float32 buffers computing in float32.
        lr_t = self.learning_rate * math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.multiply(m, -lr_t, out=step)
        step /= tmp
        params += step


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter):
    ``p <- p (1 - lr wd)``, then the :class:`Adam` step.

    The decay applies to the whole flat buffer, biases and normalization scales
    included, because the optimizer does not know which entries are which.

    Parameters
    ----------
    learning_rate : float, default=0.001
    beta_1, beta_2, epsilon : see :class:`Adam`
    weight_decay : float, default=0.004
    """

    name = "adamw"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 weight_decay=0.004):
        self.weight_decay = weight_decay
        super().__init__(learning_rate, beta_1, beta_2, epsilon)

    def _update(self, params, grads, m, v, tmp, step):
        # Decay with the scheduled rate, not Adam's bias-corrected one (decoupling).
        params *= 1 - self.learning_rate * self.weight_decay
        super()._update(params, grads, m, v, tmp, step)


class RMSprop(Optimizer):
    """RMSprop: ``s <- rho s + (1-rho) g^2``; ``d = lr g / sqrt(s + eps)``;
    with momentum ``b <- mu b + d; p <- p - b``, else ``p <- p - d``.

    ``epsilon`` sits inside the square root, as in Keras.

    Parameters
    ----------
    learning_rate : float, default=0.001
    rho : float, default=0.9
    epsilon : float, default=1e-7
    momentum : float, default=0.0
    """

    name = "rmsprop"
    _state_names = ("mean_square", "buffer")

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7, momentum=0.0):
        self.rho = rho
        self.epsilon = epsilon
        self.momentum = momentum
        super().__init__(learning_rate)

    def _update(self, params, grads, mean_square, buffer, tmp):
        mean_square *= self.rho
        np.square(grads, out=tmp)
        tmp *= 1 - self.rho
        mean_square += tmp
        np.add(mean_square, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grads, tmp, out=tmp)
        tmp *= self.learning_rate
        if self.momentum:
            buffer *= self.momentum
            buffer += tmp
            params -= buffer
        else:
            params -= tmp


class Adagrad(Optimizer):
    """Adagrad: ``s <- s + g^2``; ``p <- p - lr g / sqrt(s + eps)``, ``s`` starting at
    ``initial_accumulator_value``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    initial_accumulator_value : float, default=0.1
    epsilon : float, default=1e-7
    """

    name = "adagrad"
    _state_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def _initial_state(self, params):
        return np.full_like(params, self.initial_accumulator_value)

    def _update(self, params, grads, accumulator, tmp):
        np.square(grads, out=tmp)
        accumulator += tmp
        np.add(accumulator, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grads, tmp, out=tmp)
        tmp *= self.learning_rate
        params -= tmp


class Adamax(Optimizer):
    """Adamax, Adam's infinity-norm variant (Kingma & Ba):
    ``m <- b1 m + (1-b1) g``; ``u <- max(b2 u, |g|)``;
    ``p <- p - lr / (1-b1^t) m / (u + eps)``.

    Parameters
    ----------
    learning_rate : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-7
    """

    name = "adamax"
    _state_names = ("m", "u")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def _update(self, params, grads, m, u, tmp):
        m *= self.beta_1
        np.multiply(grads, 1 - self.beta_1, out=tmp)
        m += tmp
        u *= self.beta_2
        np.abs(grads, out=tmp)
        np.maximum(u, tmp, out=u)
        np.add(u, self.epsilon, out=tmp)
        np.divide(m, tmp, out=tmp)
        tmp *= self.learning_rate / (1 - self.beta_1**self.t)
        params -= tmp


class Nadam(Optimizer):
    """Nadam, Adam with Nesterov momentum, in the Keras (tf.keras 2) formulation of
    Dozat (2016) with a warming momentum schedule ``mu_t = b1 (1 - 0.5 * 0.96^(0.004 t))``:
    ``p <- p - lr m_hat / (sqrt(v / (1-b2^t)) + eps)`` with
    ``m_hat = mu_{t+1} m / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g / (1 - prod_{i<=t} mu_i)``,
    ``m`` and ``v`` being Adam's moments.

    Parameters
    ----------
    learning_rate : float, default=0.001
    beta_1, beta_2 : float, default=0.9, 0.999
    epsilon : float, default=1e-7
    """

    name = "nadam"
    _state_names = ("m", "v")
    _n_scratch = 2

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        super().__init__(learning_rate)

    def reset(self):
        super().reset()
        self.mu_product = 1.0  # prod_{i<=t} mu_i

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (0.004 * t))

    def _begin_step(self):
        self.mu_product *= self._mu(self.t)

    def _update(self, params, grads, m, v, tmp, step):
        mu_t, mu_next = self._mu(self.t), self._mu(self.t + 1)
        _update_moments(grads, m, v, tmp, self.beta_1, self.beta_2)
        # m_hat mixes the look-ahead momentum and the current gradient.
        np.multiply(m, mu_next / (1 - self.mu_product * mu_next), out=step)
        np.multiply(grads, (1 - mu_t) / (1 - self.mu_product), out=tmp)
        step += tmp
        np.divide(v, 1 - self.beta_2**self.t, out=tmp)
        np.sqrt(tmp, out=tmp)
        tmp += self.epsilon
        step /= tmp
        step *= self.learning_rate
        params -= step


OPTIMIZERS = {cls.name: cls for cls in (SGD, Adam, RMSprop, Adagrad, Adamax, Nadam, AdamW)}


def get(name, **kwargs):
    """Build an optimizer from its name (or pass an :class:`Optimizer` through).

    Parameters
    ----------
    name : str or Optimizer
        One of ``'sgd'``, ``'adam'``, ``'rmsprop'``, ``'adagrad'``, ``'adamax'``,
        ``'nadam'``, ``'adamw'``.
    **kwargs
        Constructor arguments (``learning_rate``, ``momentum``, ``beta_1``, ...).

    Returns
    -------
    optimizer : Optimizer

    Raises
    ------
    ValueError
        If ``name`` is not a registered optimizer.
    """
    if isinstance(name, Optimizer):
        return name
    if isinstance(name, str) and name in OPTIMIZERS:
        return OPTIMIZERS[name](**kwargs)
    raise ValueError(f"solver={name!r} is not one of {sorted(OPTIMIZERS)}")
