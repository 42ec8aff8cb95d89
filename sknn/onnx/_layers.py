"""ONNX forms of the core's layers (:mod:`sknn.nn.layers`), one function per layer class.

Each converter takes the :class:`~sknn.onnx._graph.Graph`, a built layer and the
input :class:`~sknn.onnx._graph.Value`, reads only the layer's public attributes
(``params``, ``state``, ``activation``, ``kernel_size``, ...) and returns the output
Value. Lookup is by exact class, so a user-defined subclass (whose ``forward`` may
compute something else) is refused rather than converted as its parent.
"""

import numpy as np

from ..nn.conv_kernels import conv_geometry, pool_geometry
from ..nn.layers import (
    Activation,
    AvgPool2D,
    BatchNormalization,
    Conv2D,
    ConvMaxPool2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    Reshape,
    SkipConcat,
    SpatialDropout2D,
)
from ..nn.layers.conv_pool import MONOTONE_ACTIVATIONS
from . import _portable as portable
from ._activations import activation
from ._graph import NCHW, SKNN_ORDER, Value


def affine(graph, x, W, b):
    """``x @ W + b`` (MatMul and Add) for x of shape (n, n_in), W (n_in, n_out)."""
    y = graph.node("MatMul", [x, graph.const(W, hint="W")])
    return graph.node("Add", [y, graph.const(b, hint="b")])


def _channel_axis(value):
    return 1 if value.order == NCHW else -1


def _act(graph, activation_, value):
    """``activation_`` applied to a Value (softmax over its channel axis)."""
    return Value(activation(graph, activation_, value.name, _channel_axis(value)), value.order)


def _dense(graph, layer, value):
    y = affine(graph, value.name, layer.params["W"], layer.params["b"])
    return Value(activation(graph, layer.activation, y), SKNN_ORDER)


def _activation(graph, layer, value):
    return _act(graph, layer.activation, value)


def _batch_norm(graph, layer, value):
    # Inference uses the running statistics, so the layer is one multiply-add:
    # gamma (x - mean) / sqrt(var + eps) + beta = x * scale + (beta - mean * scale).
    mean, var = (layer.state[k].astype(np.float64) for k in ("running_mean", "running_var"))
    scale = layer.params["gamma"].astype(np.float64) / np.sqrt(var + layer.epsilon)
    shift = layer.params["beta"].astype(np.float64) - mean * scale
    if value.order == NCHW:  # per channel: broadcast over (C, H, W)
        scale, shift = scale[:, None, None], shift[:, None, None]
    y = graph.node("Mul", [value.name, graph.const(scale, hint="bn_scale")])
    return Value(graph.node("Add", [y, graph.const(shift, hint="bn_shift")]), value.order)


def _removed(graph, layer, value):
    # Dropout and spatial dropout are the identity at inference.
    return value


def _conv_geometry(layer):
    """Output (height, width) of a Conv2D's convolution and its (before, after) pads."""
    out, pads = [], []
    for size, k, s in zip(layer.input_shape[:2], layer.kernel_size, layer.strides):
        n_out, before = conv_geometry(size, k, s, layer.padding)
        out.append(n_out)
        pads.append((before, max((n_out - 1) * s + k - size, 0) - before))
    return tuple(out), tuple(pads)


def _conv_node(graph, layer, value):
    """The convolution (and bias) of a Conv2D, before its activation."""
    out_hw, pads = _conv_geometry(layer)
    bias = layer.params["b"] if layer.use_bias else None
    if not graph.native:
        y = portable.conv(graph, graph.to_sknn_order(value), layer.params["W"], bias,
                          layer.strides, pads, out_hw)
        return Value(y, SKNN_ORDER), out_hw
    inputs = [graph.to_nchw(value),
              graph.const(layer.params["W"].transpose(3, 2, 0, 1), hint="kernel")]
    if bias is not None:
        inputs.append(graph.const(bias, hint="bias"))
    y = graph.node("Conv", inputs, kernel_shape=list(layer.kernel_size),
                   strides=list(layer.strides),
                   pads=[pads[0][0], pads[1][0], pads[0][1], pads[1][1]])
    return Value(y, NCHW), out_hw


def _pool_node(graph, kind, value, in_hw, pool_size, strides):
    """Max or average pooling of ``value`` (windows without padding)."""
    if not graph.native:
        out_hw = [pool_geometry(n, p, s) for n, p, s in zip(in_hw, pool_size, strides)]
        y = portable.pool(graph, graph.to_sknn_order(value), kind, pool_size, strides, out_hw)
        return Value(y, SKNN_ORDER)
    op = "MaxPool" if kind == "max" else "AveragePool"
    return Value(graph.node(op, [graph.to_nchw(value)], kernel_shape=list(pool_size),
                            strides=list(strides)), NCHW)


def _conv(graph, layer, value):
    return _act(graph, layer.activation, _conv_node(graph, layer, value)[0])


def _conv_max_pool(graph, layer, value):
    y, out_hw = _conv_node(graph, layer, value)
    pool = dict(in_hw=out_hw, pool_size=layer.pool_size, strides=layer.pool_size)
    # As the layer does: a non-decreasing activation commutes with the max, so it runs
    # after the pool; any other runs before it.
    if layer.activation.name in MONOTONE_ACTIVATIONS:
        return _act(graph, layer.activation, _pool_node(graph, "max", y, **pool))
    return _pool_node(graph, "max", _act(graph, layer.activation, y), **pool)


def _pool(kind):
    def convert(graph, layer, value):
        return _pool_node(graph, kind, value, layer.input_shape[:2], layer.pool_size,
                          layer.strides)
    return convert


def _flatten(graph, layer, value):
    # back to channels last first, so that the flat order is sknn's (row, column, channel)
    return Value(graph.node("Flatten", [graph.to_sknn_order(value)], axis=1), SKNN_ORDER)


def _reshape(graph, layer, value):
    y = graph.reshape(graph.to_sknn_order(value), [-1, *layer.output_shape])
    return Value(y, SKNN_ORDER)


def _skip_concat(graph, layer, value):
    deep = convert_layers(graph, layer.sublayers, value)
    return Value(graph.node("Concat", [deep.name, value.name], axis=1), SKNN_ORDER)


CONVERTERS = {
    Dense: _dense,
    Activation: _activation,
    BatchNormalization: _batch_norm,
    Dropout: _removed,
    SpatialDropout2D: _removed,
    Conv2D: _conv,
    ConvMaxPool2D: _conv_max_pool,
    MaxPool2D: _pool("max"),
    AvgPool2D: _pool("avg"),
    Flatten: _flatten,
    Reshape: _reshape,
    SkipConcat: _skip_concat,
}


def convert_layers(graph, layers, value):
    """Apply the ONNX form of each layer in turn; return the last output Value.

    Raises
    ------
    ValueError
        Naming the first layer that has no ONNX form.
    """
    for layer in layers:
        convert = CONVERTERS.get(type(layer))
        if convert is None:
            raise ValueError(
                f"layer {layer!r} ({type(layer).__module__}.{type(layer).__qualname__}) has "
                f"no ONNX form; sknn converts {sorted(c.__name__ for c in CONVERTERS)}")
        value = convert(graph, layer, value)
    return value
