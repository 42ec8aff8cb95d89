"""ONNX forms of :mod:`sknn.nn.activations`, one function per activation class."""

from ..nn import activations as act
from ._portable import erf_series

_SQRT_HALF = 0.5**0.5


def _unary(op):
    def convert(graph, activation, x, axis):
        return graph.node(op, [x])
    return convert


def _identity(graph, activation, x, axis):
    return x


def _leaky_relu(graph, activation, x, axis):
    # sknn's max(z, a z): onnxruntime has no float64 LeakyRelu kernel
    scaled = graph.node("Mul", [x, graph.const(activation.negative_slope, hint="slope")])
    return graph.node("Max", [x, scaled])


def _elu(graph, activation, x, axis):
    # sknn's scale * (max(z, 0) + alpha * (e^min(z, 0) - 1)), for ELU and SELU alike
    # (onnxruntime has no float64 Elu or Selu kernels)
    zero = graph.const(0.0, hint="zero")
    neg = graph.node("Sub", [graph.node("Exp", [graph.node("Min", [x, zero])]),
                             graph.const(1.0, hint="one")])
    neg = graph.node("Mul", [neg, graph.const(activation.alpha, hint="elu_alpha")])
    y = graph.node("Add", [graph.node("Max", [x, zero]), neg])
    if activation.scale == 1.0:
        return y
    return graph.node("Mul", [y, graph.const(activation.scale, hint="elu_scale")])


def _softplus(graph, activation, x, axis):
    # log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), which never overflows
    tail = graph.node("Exp", [graph.node("Neg", [graph.node("Abs", [x])])])
    tail = graph.node("Log", [graph.node("Add", [tail, graph.const(1.0, hint="one")])])
    return graph.node("Add", [graph.node("Relu", [x]), tail])


def _gelu(graph, activation, x, axis):
    # sknn's exact form, z * (1 + erf(z / sqrt 2)) / 2, in the same order of operations
    # (ONNX's own Gelu operator needs opset 20).
    scaled = graph.node("Mul", [x, graph.const(_SQRT_HALF, hint="sqrt_half")])
    cdf = graph.node("Erf", [scaled]) if graph.native else erf_series(graph, scaled)
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
    act.SELU: _elu,
    act.GELU: _gelu,
    act.Softplus: _softplus,
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
