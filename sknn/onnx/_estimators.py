"""skl2onnx converters and shape calculators of sknn's estimators.

Every gradient-trained estimator is converted the same way: its network's layers
(:func:`~sknn.onnx._layers.convert_layers`), then the output activation named by
``out_activation_``, then the decoding into labels. The perceptron has no network:
its units are one affine map, converted by the same :func:`~sknn.onnx._layers.affine`.
"""

import numpy as np
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)

from ..perceptron import ThresholdPerceptron
from ._activations import output_link
from ._graph import SKNN_ORDER, Graph, Value
from ._layers import affine, convert_layers


def _float_type(operator):
    """skl2onnx's convention: a double input makes a double graph, anything else float."""
    return DoubleTensorType if isinstance(operator.inputs[0].type, DoubleTensorType) else (
        FloatTensorType)


def _graph(scope, operator, container):
    dtype = np.float64 if _float_type(operator) is DoubleTensorType else np.float32
    return Graph(scope, container, dtype)


def _input(graph, operator, per_sample_shape):
    """The input cast to the graph's type, and reshaped as sknn reshapes X for the
    network: images (n, H, W), (n, H, W, C) and flat rows all become (n, H, W, C)."""
    x = graph.cast(operator.inputs[0].full_name)
    if len(per_sample_shape) > 1:
        x = graph.reshape(x, [-1, *per_sample_shape])
    return Value(x, SKNN_ORDER)


def _network_output(scope, operator, container):
    """The graph, and the name of the estimator's output after its output activation."""
    est = operator.raw_operator
    graph = _graph(scope, operator, container)
    net = est.network_
    logits = convert_layers(graph, net.layers, _input(graph, operator, net.input_shape))
    return graph, output_link(graph, est.out_activation_, logits.name)


def _class_labels(classes):
    """Class labels as ONNX can hold them (int64 or str), with their tensor type.

    Float labels are integral (scikit-learn refuses continuous targets), so they
    become int64 as in skl2onnx's converters; booleans become 0 and 1.
    """
    classes = np.asarray(classes)
    if classes.dtype.kind in "iubf":
        return classes.astype(np.int64), Int64TensorType
    if all(isinstance(c, str) for c in classes):
        return classes.astype(str), StringTensorType
    raise ValueError(f"classes_ {classes.tolist()} cannot be ONNX labels: they must be "
                     "numbers or strings")


def _decode(graph, operator, scores, threshold, n_units, multilabel):
    """Write labels (output 0) from ``scores`` of shape (n, n_units).

    One unit: ``classes_[scores > threshold]``; several exclusive units: the class of
    the first maximum; multilabel: the 0/1 indicator ``scores > threshold``.
    """
    label_out = operator.outputs[0].full_name
    above = graph.node("Greater", [scores, graph.const(threshold, hint="threshold")])
    if multilabel:
        return graph.node("Identity", [graph.cast(above, np.int64)], output=label_out)
    if n_units == 1:
        index = graph.reshape(graph.cast(above, np.int64), [-1])
    else:
        index = graph.node("ArgMax", [scores], axis=1, keepdims=0)
    classes, _ = _class_labels(operator.raw_operator.classes_)
    return graph.node("Gather", [graph.const(classes, classes.dtype, "classes"), index],
                      output=label_out)


def _n_units(est):
    """Output units: the perceptron's rows of ``coef_``, else the network's outputs."""
    return est.coef_.shape[0] if isinstance(est, ThresholdPerceptron) else est.n_outputs_


def _is_multilabel(est):
    if isinstance(est, ThresholdPerceptron):
        return est._indicator  # fitted on a 0/1 indicator matrix
    return est.n_outputs_ > 1 and est.out_activation_ == "logistic"


def _both_columns(graph, column, negate):
    """(n, 2) from one column: ``[1 - p, p]`` (probabilities) or ``[-z, z]`` (scores)."""
    first = (graph.node("Neg", [column]) if negate
             else graph.node("Sub", [graph.const(1.0, hint="one"), column]))
    return graph.node("Concat", [first, column], axis=1)


def convert_network_classifier(scope, operator, container):
    """MLPClassifier, ConvNetClassifier, LogicGateNeuron: labels and probabilities."""
    graph, p = _network_output(scope, operator, container)
    est = operator.raw_operator
    multilabel = _is_multilabel(est)
    _decode(graph, operator, p, 0.5, est.n_outputs_, multilabel)
    proba = p if multilabel or est.n_outputs_ > 1 else (
        _both_columns(graph, p, negate=False))
    graph.node("Identity", [proba], output=operator.outputs[1].full_name)


def convert_network_regressor(scope, operator, container):
    """MLPRegressor, ConvNetRegressor: predictions of shape (n, n_outputs)."""
    graph, y = _network_output(scope, operator, container)
    graph.node("Identity", [y], output=operator.outputs[0].full_name)


def convert_perceptron(scope, operator, container):
    """ThresholdPerceptron: labels and decision values ``X @ coef_.T + intercept_``
    (for one unit, ``[-z, z]``: one column per class, as skl2onnx's linear models)."""
    est = operator.raw_operator
    graph = _graph(scope, operator, container)
    z = affine(graph, _input(graph, operator, ()).name, est.coef_.T, est.intercept_)
    multilabel = _is_multilabel(est)
    _decode(graph, operator, z, 0.0, est.coef_.shape[0], multilabel)
    scores = z if multilabel or est.coef_.shape[0] > 1 else _both_columns(graph, z, negate=True)
    graph.node("Identity", [scores], output=operator.outputs[1].full_name)


def classifier_shapes(operator):
    """Output types: labels of shape (n,) (or (n, n_labels) for multilabel) and
    probabilities or scores of shape (n, n_classes)."""
    est = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    _, label_type = _class_labels(est.classes_)
    multilabel = _is_multilabel(est)
    n_cols = max(2, _n_units(est))
    operator.outputs[0].type = label_type([n, n_cols] if multilabel else [n])
    operator.outputs[1].type = _float_type(operator)([n, n_cols])


def regressor_shapes(operator):
    """Output type: predictions of shape (n, n_outputs)."""
    n = operator.inputs[0].get_first_dimension()
    est = operator.raw_operator
    operator.outputs[0].type = _float_type(operator)([n, est.n_outputs_])
