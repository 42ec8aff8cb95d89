"""The few ONNX-building steps every converter shares: constants, nodes, axis order.

Inside the graph a tensor is either in **sknn order** (the axes sknn's core uses: flat
``(n, features)`` or channels-last ``(n, H, W, C)``) or in **NCHW** order, the only
layout ONNX's ``Conv`` and pooling operators take. Images enter in sknn order, are
transposed once before the first convolution, and stay NCHW through every following
conv, pool, batch-norm and activation layer; ``Flatten`` transposes back, so that the
flat order (row, column, channel) and hence the dense weights are sknn's own.
"""

from collections import namedtuple

import numpy as np
from onnx import TensorProto, helper, numpy_helper

#: Axis order of a tensor: sknn's own, or channels first (4-D only).
SKNN_ORDER, NCHW = "sknn", "nchw"

#: A tensor of the graph: its ONNX name and its axis order.
Value = namedtuple("Value", ["name", "order"])

#: The oldest opset whose operators mean what the converters need (``Softmax`` over
#: one axis of an n-d tensor arrived in opset 13).
MIN_OPSET = 13


class Graph:
    """Adds one estimator's nodes and constants to skl2onnx's container.

    Parameters
    ----------
    scope : skl2onnx Scope
        Source of unique names.
    container : skl2onnx ModelComponentContainer
        Receives the nodes and initializers.
    dtype : {numpy.float32, numpy.float64}
        The graph's float type (its input's, skl2onnx's convention); every float
        constant is stored in it.

    Attributes
    ----------
    native : bool
        Whether onnxruntime has kernels for ``Conv``, ``AveragePool`` and ``Erf`` in
        this type (float32 only); float64 graphs use :mod:`sknn.onnx._portable`.
    """

    def __init__(self, scope, container, dtype):
        opset = getattr(container, "target_opset", None)
        if opset is not None and opset < MIN_OPSET:
            raise ValueError(f"sknn's ONNX converters need target_opset >= {MIN_OPSET}, "
                             f"got target_opset={opset}")
        self.scope, self.container = scope, container
        self.dtype = np.dtype(dtype)
        self.native = self.dtype == np.float32

    def const(self, value, dtype=None, hint="const"):
        """Store ``value`` as an initializer (in the graph's float type unless ``dtype``
        says otherwise; str arrays become string tensors) and return its name."""
        name = self.scope.get_unique_variable_name(hint)
        arr = np.asarray(value)
        if arr.dtype.kind in "UO":
            data = [str(s).encode("utf-8") for s in arr.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(arr.shape), data)
            return name
        arr = np.ascontiguousarray(arr, dtype=self.dtype if dtype is None else dtype)
        self.container.add_initializer(name, None, None, numpy_helper.from_array(arr, name))
        return name

    def node(self, op, inputs, output=None, **attrs):
        """Add one ``op`` node; return the name of its (single) output."""
        output = output or self.scope.get_unique_variable_name(op.lower())
        self.container.add_node(op, list(inputs), [output],
                                name=self.scope.get_unique_operator_name(op), **attrs)
        return output

    def cast(self, name, dtype=None):
        """``name`` cast to ``dtype`` (default: the graph's float type)."""
        dtype = self.dtype if dtype is None else np.dtype(dtype)
        return self.node("Cast", [name], to=helper.np_dtype_to_tensor_dtype(dtype))

    def reshape(self, name, shape):
        """``name`` reshaped to ``shape`` (-1 allowed once, e.g. for the batch axis)."""
        return self.node("Reshape", [name, self.const(shape, np.int64, "shape")])

    def to_nchw(self, value):
        """``value`` as a channels-first 4-D tensor, transposing only if needed."""
        if value.order == NCHW:
            return value.name
        return self.node("Transpose", [value.name], perm=[0, 3, 1, 2])

    def to_sknn_order(self, value):
        """``value`` in sknn's axis order, transposing back only if needed."""
        if value.order == SKNN_ORDER:
            return value.name
        return self.node("Transpose", [value.name], perm=[0, 2, 3, 1])
