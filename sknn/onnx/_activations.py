"""ONNX forms of :mod:`sknn.nn.activations`, one function per activation class."""

from ..nn import activations as act

_SQRT_HALF = 0.5**0.5


def _unary(op):
    def convert(graph, activation, x, axis):
        return graph.node(op, [x])
    return convert


def _identity(graph, activation, x, axis):
    return x


def _leaky_relu(graph, activation, x, axis):
    # max(z, a z) == LeakyRelu's piecewise form for 0 <= a < 1
    return graph.node("LeakyRelu", [x], alpha=float(activation.negative_slope))


def _elu(graph, activation, x, axis):
    y = graph.node("Elu", [x], alpha=float(activation.alpha))
    if activation.scale == 1.0:
        return y
    return graph.node("Mul", [y, graph.const(activation.scale, hint="elu_scale")])


def _selu(graph, activation, x, axis):
    return graph.node("Selu", [x], alpha=float(activation.alpha), gamma=float(activation.scale))


def _gelu(graph, activation, x, axis):
    # sknn's exact form, z * (1 + erf(z / sqrt 2)) / 2, in the same order of operations
    # (ONNX's own Gelu operator needs opset 20).
    cdf = graph.node("Erf", [graph.node("Mul", [x, graph.const(_SQRT_HALF, hint="sqrt_half")])])
    cdf = graph.node("Add", [cdf, graph.const(1.0, hint="one")])
    cdf = graph.node("Mul", [cdf, graph.const(0.5, hint="half")])
    return graph.node("Mul", [x, cdf])


def _softmax(graph, activation, x, axis):
    return graph.node("Softmax", [x], axis=axis)


_CONVERTERS = {
    act.Identity: _identity,
    act.Logistic: _unary("Sigmoid"),
    act.Tanh: _unary("Tanh"),
    act.ReLU: _unary("Relu"),
    act.LeakyReLU: _leaky_relu,
    act.ELU: _elu,
    act.SELU: _selu,
    act.GELU: _gelu,
    act.Softplus: _unary("Softplus"),
    act.Softmax: _softmax,
}


def activation(graph, activation, x, axis=-1):
    """Apply ``activation`` to the tensor named ``x``; return the result's name.

    Parameters
    ----------
    graph : Graph
    activation : sknn.nn.activations.Activation
    x : str
    axis : int, default=-1
        The axis softmax normalizes over: the features, or the channels (1 in NCHW).

    Raises
    ------
    ValueError
        For an activation class without an ONNX form (a user-defined subclass).
    """
    convert = _CONVERTERS.get(type(activation))
    if convert is None:
        raise ValueError(f"activation {activation!r} ({type(activation).__name__}) has no "
                         f"ONNX form; sknn converts {sorted(act.ACTIVATIONS)}")
    return convert(graph, activation, x, axis)


def output_link(graph, name, x):
    """The output activation named by a fitted estimator's ``out_activation_``
    (``'identity'``, ``'logistic'``, ``'softmax'``, or ``'exp'`` for Poisson)."""
    if name == "exp":
        return graph.node("Exp", [x])
    return activation(graph, act.get(name), x)
