"""Batch normalization over every axis but the last (features, or channels of NHWC maps)."""

import numpy as np

from .base import Layer


class BatchNormalization(Layer):
    """``A = gamma * (X - mean) / sqrt(var + epsilon) + beta``, statistics per last-axis unit.

    In training the mean and variance are the batch's, and running averages are
    updated as ``running = momentum * running + (1 - momentum) * batch``; at inference the
    running averages are used. Works for (n, features) and channels-last (n, H, W, C).

    Parameters
    ----------
    momentum : float, default=0.99
        Weight of the old running statistics (Keras's convention).
    epsilon : float, default=1e-3
        Added to the variance for stability.

    Attributes
    ----------
    params : {"gamma": ndarray of shape (C,), "beta": ndarray of shape (C,)}
    state : {"running_mean": ndarray of shape (C,), "running_var": ndarray of shape (C,)}
    """

    has_training_mode = True

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None):
        super().__init__(name)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)

    def param_shapes(self, input_shape):
        c = int(input_shape[-1])
        return {"gamma": (c,), "beta": (c,)}

    def activation_size(self, input_shape):
        # xhat, A, dX and a dY * xhat temporary
        return 4 * int(np.prod(input_shape, dtype=object))

    def build(self, input_shape, rng, dtype):
        c = int(input_shape[-1])
        self.add_param("gamma", np.ones(c, dtype=dtype))
        self.add_param("beta", np.zeros(c, dtype=dtype))
        self.state = {
            "running_mean": np.zeros(c, dtype=dtype),
            "running_var": np.ones(c, dtype=dtype),
        }
        return super().build(input_shape, rng, dtype)

    def forward(self, X, training=False):
        axes = tuple(range(X.ndim - 1))
        if training:
            mean = X.mean(axis=axes)
            var = X.var(axis=axes)
            m = self.momentum
            self.state["running_mean"] *= m
            self.state["running_mean"] += (1 - m) * mean
            self.state["running_var"] *= m
            self.state["running_var"] += (1 - m) * var
        else:
            mean, var = self.state["running_mean"], self.state["running_var"]
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        xhat = np.subtract(X, mean, out=self.buffer("xhat", X.shape, X.dtype))
        xhat *= inv_std
        A = np.multiply(xhat, self.params["gamma"], out=self.buffer("A", X.shape, X.dtype))
        A += self.params["beta"]
        self._cache = (xhat, inv_std.astype(X.dtype, copy=False), training)
        return A

    def backward(self, dY):
        xhat, inv_std, training = self._cache
        axes = tuple(range(dY.ndim - 1))
        np.sum(dY, axis=axes, out=self.grads["beta"])
        np.sum(dY * xhat, axis=axes, out=self.grads["gamma"])
        scale = self.params["gamma"] * inv_std
        if not training:
            return dY * scale
        # d/dX of the batch-statistics normalization, all three paths summed:
        # dX = gamma/std * (dY - mean(dY) - xhat * mean(dY * xhat))
        n = dY.size // dY.shape[-1]
        dX = dY - self.grads["beta"] / n
        dX -= xhat * (self.grads["gamma"] / n)
        dX *= scale
        return dX

    def __repr__(self):
        return "BatchNormalization()"
