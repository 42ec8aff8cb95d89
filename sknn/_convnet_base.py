"""What ConvNetClassifier and ConvNetRegressor share: parameters, input shapes, layers.

The two estimators differ only in their output (:mod:`sknn._classifier` or
:mod:`sknn._regressor`), as MLPClassifier and MLPRegressor do; everything about images
lives here once: the parameters and their documentation, how X of shape (n, H, W),
(n, H, W, C) or (n, n_features) becomes channels-last images, the conv/pool/dense stack
and the advice given when it would not fit in memory.
"""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import NETWORK_PARAMETER_CONSTRAINTS, STOCHASTIC_SOLVERS
from ._sizes import positive_ints
from .nn import initializers
from .nn.layers import (
    Activation,
    AvgPool2D,
    BatchNormalization,
    Conv2D,
    ConvMaxPool2D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    MaxPool2D,
    SpatialDropout2D,
)
from .nn.layers.conv_pool import MONOTONE_ACTIVATIONS
from .nn.network import plan

#: numpydoc of the parameters both convnets share (the regressor inserts ``loss``).
PARAMS_DOC = """
    Parameters
    ----------
    input_shape : tuple of int (H, W) or (H, W, C), default=None
        Per-image shape for flat ``X`` of shape (n_samples, H*W*C). Without it, 2-D
        ``X`` is taken as one-channel 1-D signals (kernels and pools become 1 x k).
        Ignored for image-shaped ``X`` (n, H, W) or (n, H, W, C), except that it must
        then agree with ``X``.
    filters : array-like of int, default=(32, 64)
        Feature maps of each convolution layer.
    kernel_size : int, pair of int, or one of those per conv layer, default=3
    strides : int, pair of int, or one of those per conv layer, default=1
    padding : {"same", "valid"}, default="same"
        "same" zero-pads so each conv layer keeps ``ceil(size / stride)`` positions.
    pool : {"max", "avg"} or None, default="max"
        Pooling after each conv layer. Windows never exceed the feature map: a pool
        larger than what is left is clipped to it (so tiny inputs still fit).
    pool_size : int or pair of int, default=2
        Window and stride of the pooling.
    batch_norm : bool, default=False
        Batch normalization (per channel) between each conv layer and its activation.
    spatial_dropout : float in [0, 1), default=0.0
        Rate of dropping whole feature maps after each conv block.
    dense_layers : array-like of int, default=(128,)
        Hidden dense layers after flattening; ``()`` goes straight to the output.
    dropout : float in [0, 1), default=0.0
        Dropout after each hidden dense layer (enables ``mc_samples`` in predictions).
    activation : str, default="relu"
        Activation of conv and hidden dense layers.
    layers : list of Layer, default=None
        Explicit hidden layers (from :mod:`sknn.nn.layers`) replacing the stack built
        from the parameters above, ``dense_layers`` and ``dropout`` included: the
        network is these layers, a Flatten (unless the list has one) and the output
        layer. The list is copied at fit, never modified.
    solver : {"adam", "sgd", "rmsprop", "adagrad", "adamax", "nadam", "adamw"}, default="adam"
    alpha : float, default=0.0001
        L2 penalty on every kernel (conv and dense), ``0.5 * alpha * ||W||^2 / n_batch``.
    l1 : float, default=0.0
        L1 penalty on every kernel, ``l1 * |W|_1 / n_batch``.
    batch_size : int or "auto", default=64
        Minibatch size ("auto" is ``min(200, n_samples)``).
    learning_rate, learning_rate_init, power_t, max_iter, shuffle, random_state, tol, \
verbose, warm_start, momentum, nesterovs_momentum, early_stopping, \
validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change, max_norm, clipnorm
        As in :class:`~sknn.MLPClassifier` (``max_iter`` counts epochs; default 10).
    kernel_initializer : str, default="auto"
        He initialization for the ReLU family, Glorot otherwise; or any name of
        :mod:`sknn.nn.initializers`.
    dtype : {"float32", "float64"}, default="float32"
        Compute precision; float32 halves memory and roughly doubles speed.
"""

#: numpydoc of the fitted attributes both convnets share.
ATTRS_DOC = """
    Attributes
    ----------
    input_shape_ : tuple of int (H, W, C)
        Per-sample shape the network was built for.
    network_ : Sequential
        The core network.
    n_outputs_ : int
    out_activation_ : str
    loss_, best_loss_, loss_curve_, validation_scores_, validation_loss_curve_, \
best_validation_score_, t_, n_iter_
        As in :class:`~sknn.MLPClassifier`.
    n_features_in_ : int
        ``X.shape[1]`` seen in fit (image height for image-shaped X).
"""

#: The convnets' shared Notes section: layer fusion and memory.
NOTES_DOC = """
    Notes
    -----
    Images are channels last (see :mod:`sknn.nn.conv_kernels`). A conv layer followed by
    max pooling is built as one :class:`~sknn.nn.layers.ConvMaxPool2D` (the same
    function, computed faster) when the pool divides the conv output; with batch
    normalization, or a pool that leaves a remainder, as separate layers. A
    non-decreasing activation runs after the max pool (``max`` commutes with it, so
    outputs and gradients are the same, on 4x fewer values).

    Memory: a conv layer keeps, per image in a batch, its patch matrix (``Ho * Wo *
    kh * kw * C_in`` values) and its output maps (``Ho * Wo * filters``), so training
    memory grows with ``batch_size`` and the maps' area. The classic remedies all apply:
    smaller batches, ``strides`` > 1 or pooling to shrink the maps early, and float32
    (the default ``dtype``), which halves every array. Prediction runs in batches of
    ``batch_size`` rows (fewer when they would exceed 256 MiB of activations), so it
    needs no more memory than training, for any number of samples. ``fit`` estimates
    this memory from the shapes first and refuses, naming the parameter to change, a
    network larger than the memory available.
"""


def _per_layer(value, n_layers, name):
    """Per-layer (h, w) pairs from an int, one (h, w) pair, or one of those per layer.

    With two conv layers, two ints mean one int per layer (as for ``filters``).
    """
    def pair(v):
        p = positive_ints(v, name) * (2 if isinstance(v, Integral) else 1)
        if len(p) != 2:
            raise ValueError(f"{name} must be a positive int, a pair of them, or one of "
                             f"those per conv layer; got {value!r}")
        return (p[0], p[1])

    if isinstance(value, Integral):
        return [pair(value)] * n_layers
    value = list(value)
    if len(value) == n_layers:
        return [pair(v) for v in value]
    if len(value) == 2:
        return [pair(value)] * n_layers
    raise ValueError(f"{name} has {len(value)} entries but there are {n_layers} conv "
                     f"layers; give an int, a pair, or one per layer (got {value!r})")


class _ConvNetMixin:
    """Everything a convnet estimator has besides its output: put it before the
    classifier or regressor mixin, and :class:`~sknn._base.BaseNetwork` last."""

    _parameter_constraints = {
        **{k: v for k, v in NETWORK_PARAMETER_CONSTRAINTS.items() if k != "max_fun"},
        "solver": [StrOptions(set(STOCHASTIC_SOLVERS))],
        "input_shape": [None, "array-like"],
        "filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "strides": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "padding": [StrOptions({"same", "valid"})],
        "pool": [StrOptions({"max", "avg"}), None],
        "pool_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "spatial_dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_layers": ["array-like"],
        "layers": [None, list],
        "dtype": [StrOptions({"float32", "float64"})],
    }

    @property
    def _predict_batch_rows(self):
        # Conv activations take ~100 kB per image and layer: predicting in training-sized
        # batches reuses the training scratch buffers instead of allocating larger ones.
        return self.batch_size if isinstance(self.batch_size, Integral) else 64

    # -- input shaping ------------------------------------------------------------------
    def _x_validation(self):
        return {"accept_sparse": False, "allow_nd": True,
                "dtype": np.float32 if self.dtype == "float32" else np.float64}

    def _validate_input(self, X, y, incremental, reset):
        if not reset:
            self._check_sample_shape(X)
        return super()._validate_input(X, y, incremental, reset)

    def _validate_predict_input(self, X):
        if hasattr(self, "input_shape_"):
            self._check_sample_shape(X)
        return super()._validate_predict_input(X)

    def _check_sample_shape(self, X):
        """Compare X's per-sample shape with the fitted one before validate_data, whose
        check of ``n_features_in_`` would speak of "features" for an image's height."""
        try:
            shape = tuple(int(v) for v in np.shape(X))
        except (ValueError, TypeError):
            return  # ragged or odd input: validate_data says what is wrong
        fitted, name = self.input_shape_, type(self).__name__
        flat_fit = getattr(self, "_flat_input", False)
        if len(shape) == 2 and not flat_fit and (
                shape[1] != self.n_features_in_ or (1, shape[1], 1) != fitted):
            # flat X is a 1-D signal; after a flat fit validate_data's message is right
            raise ValueError(f"X has {shape[1]} features per sample, but {name} was fitted "
                             f"on images of shape {fitted} (height, width, channels); pass "
                             f"X of shape (n_samples, {', '.join(map(str, fitted))}).")
        if len(shape) in (3, 4):
            image = shape[1:] + (1,) * (4 - len(shape))
            if image != fitted:
                raise ValueError(f"X has images of shape {image} (height, width, channels), "
                                 f"but {name} was fitted with {fitted}.")
            if flat_fit:
                raise ValueError(f"X has images of shape {image}, but {name} was fitted on "
                                 f"flat rows of {self.n_features_in_} features; reshape X "
                                 f"to (n_samples, {self.n_features_in_}).")

    def _network_input(self, X, reset):
        """Reshape validated X to (n, H, W, C) images; returns (X, (H, W, C))."""
        if reset:
            self._flat_input = X.ndim == 2
            self._checked_input_shape()
        if X.ndim == 3:
            X = X[..., np.newaxis]
        elif X.ndim == 2:
            X = X.reshape(X.shape[0], *self._flat_image_shape(X.shape[1]))
        elif X.ndim != 4:
            raise ValueError(f"{type(self).__name__} expects X of shape (n, H, W), "
                             f"(n, H, W, C) or (n, n_features); got shape {X.shape}")
        shape = tuple(int(s) for s in X.shape[1:])
        if min(shape) < 1:
            raise ValueError(f"X has images of shape {shape} (height, width, channels): "
                             "every axis needs at least 1 value.")
        if self.input_shape is not None and reset:
            expected = tuple(self.input_shape)
            if shape[:len(expected)] != expected or (len(expected) == 2 and shape[2] != 1):
                raise ValueError(f"X has images of shape {shape}, but input_shape="
                                 f"{self.input_shape}")
        if reset:
            self.input_shape_ = shape
        elif hasattr(self, "input_shape_") and shape != self.input_shape_:
            raise ValueError(f"X has images of shape {shape} (height, width, channels), but "
                             f"{type(self).__name__} was fitted with {self.input_shape_}.")
        return X, shape

    def _flat_image_shape(self, n_features):
        """Per-sample shape for flat X: from input_shape, else a 1-D signal (1, n, 1)."""
        if self.input_shape is None:
            return (1, n_features, 1)
        shape = self._checked_input_shape()
        if len(shape) == 2:
            shape += (1,)
        if int(np.prod(shape)) != n_features:
            raise ValueError(f"X has {n_features} features per sample, but input_shape="
                             f"{self.input_shape} holds {int(np.prod(shape))} values")
        return shape

    def _checked_input_shape(self):
        """``input_shape`` as a tuple of 2 or 3 positive ints (None stays None)."""
        if self.input_shape is None:
            return None
        shape = tuple(positive_ints(self.input_shape, "input_shape"))
        if len(shape) not in (2, 3):
            raise ValueError(f"input_shape must be (H, W) or (H, W, C) positive ints, "
                             f"got {self.input_shape!r}")
        return shape

    # -- network ------------------------------------------------------------------------
    def _build_layers(self, input_shape, n_outputs):
        init = initializers.get(self.kernel_initializer, self.activation)
        if self.layers is not None:  # exactly the given layers, then the output
            hidden = self._explicit_layers()
            try:  # shapes only: name the parameter before the network is built
                plan(hidden, input_shape)
            except ValueError as exc:
                raise ValueError(f"layers: {exc}") from None
            if not any(isinstance(layer, Flatten) for layer in hidden):
                hidden.append(Flatten())
            return hidden + [Dense(n_outputs, "identity", init)]
        hidden = self._conv_blocks(input_shape, init)
        hidden.append(Flatten())
        for width in self._dense_widths():
            hidden.append(Dense(width, self.activation, init))
            if self.dropout:
                hidden.append(Dropout(self.dropout))
        return hidden + [Dense(n_outputs, "identity", init)]

    def _explicit_layers(self):
        if not all(isinstance(layer, Layer) for layer in self.layers):
            raise ValueError("layers must be a list of sknn.nn.layers.Layer instances; got "
                             f"{[type(layer).__name__ for layer in self.layers]}")
        return copy.deepcopy(self.layers)  # building must not touch the user's objects

    def _size_advice(self, entry, kind):
        """What to change when ``entry`` (a LayerPlan) is the largest part of the memory
        a network needs (``kind``: "params" or "activations")."""
        if kind == "activations":
            return f"reduce batch_size={self.batch_size!r}"
        if self.layers is not None:
            return "use smaller layers"
        if isinstance(entry.layer, Dense):
            if entry.layer.units >= entry.input_shape[0]:
                return f"reduce dense_layers={self.dense_layers!r}"
            return (f"reduce filters={self.filters!r}, or shrink the maps with larger "
                    f"strides={self.strides!r} or pool_size={self.pool_size!r}")
        kh, kw = entry.layer.kernel_size
        if kh * kw * entry.input_shape[-1] > entry.layer.filters:
            return f"reduce kernel_size={self.kernel_size!r}"
        return f"reduce filters={self.filters!r}"

    def _dense_widths(self):
        return positive_ints(self.dense_layers, "dense_layers")

    def _conv_blocks(self, input_shape, init):
        filters = positive_ints(self.filters, "filters", allow_empty=False)
        n = len(filters)
        kernels = _per_layer(self.kernel_size, n, "kernel_size")
        strides = _per_layer(self.strides, n, "strides")
        pool = _per_layer(self.pool_size, 1, "pool_size")[0]
        signal = input_shape[0] == 1  # 1-D signals: 1 x k windows
        layers, (H, W) = [], input_shape[:2]
        for f, k, s in zip(filters, kernels, strides):
            if signal:
                k, s = (1, k[1]), (1, s[1])
            block, (H, W) = self._conv_block(f, k, s, pool, (H, W), init)
            layers += block
        return layers

    def _conv_block(self, filters, kernel, strides, pool, hw, init):
        """One conv block and the spatial size it leaves, (H, W)."""
        H, W = [self._conv_out(size, k, s) for size, k, s in zip(hw, kernel, strides)]
        # windows larger than what is left are clipped to it (tiny inputs, 1-D signals)
        win = (min(pool[0], H), min(pool[1], W))
        pooled = self.pool is not None and win != (1, 1)
        conv = dict(kernel_size=kernel, strides=strides, padding=self.padding,
                    kernel_initializer=init)
        if pooled and self.pool == "max" and not self.batch_norm and not (H % win[0] or W % win[1]):
            # the fused layer: pooling over contiguous blocks of the GEMM's output
            block = [ConvMaxPool2D(filters, activation=self.activation, pool_size=win, **conv)]
        elif self.batch_norm:
            block = [Conv2D(filters, **conv), BatchNormalization()]
            late = pooled and self.pool == "max" and self.activation in MONOTONE_ACTIVATIONS
            # max commutes with a non-decreasing activation: apply it to 4x fewer values
            block += [] if late else [Activation(self.activation)]
            block += [self._pool_layer(win)] if pooled else []
            block += [Activation(self.activation)] if late else []
        else:
            block = [Conv2D(filters, activation=self.activation, **conv)]
            block += [self._pool_layer(win)] if pooled else []
        if pooled:
            H, W = H // win[0], W // win[1]
        if self.spatial_dropout:
            block.append(SpatialDropout2D(self.spatial_dropout))
        return block, (H, W)

    def _pool_layer(self, win):
        return (MaxPool2D if self.pool == "max" else AvgPool2D)(win)

    def _conv_out(self, size, kernel, stride):
        if self.padding == "same":
            return -(-size // stride)
        if kernel > size:
            raise ValueError(f"kernel of size {kernel} is larger than the input of size "
                             f"{size} left for it with padding='valid'; use a smaller "
                             "kernel_size, fewer conv layers or padding='same'")
        return (size - kernel) // stride + 1

    # -- tags -----------------------------------------------------------------------
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
