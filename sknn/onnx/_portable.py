"""Convolution, pooling and erf from operators that onnxruntime runs in float64.

onnxruntime's CPU provider has float32 kernels for ``Conv``, ``AveragePool`` and
``Erf`` but no float64 ones, so a float64 graph using them is valid ONNX that
onnxruntime refuses to load. Float64 graphs therefore build these from ``Slice``,
``MatMul``, ``Sum``, ``Max`` and arithmetic, on channels-last tensors, as sknn's own
im2col does: a convolution is one matrix product per kernel offset, summed.
"""

import numpy as np
from numpy.polynomial import chebyshev
from scipy.special import erf

# erf(x) rounds to +-1 in float64 beyond |x| = 6 (erfc(6) = 2e-17); inside, a degree-70
# Chebyshev series of erf(6 t) matches scipy's erf to 2e-14 (measured on 2e5 points).
_ERF_RANGE = 6.0
_ERF_COEFS = chebyshev.chebinterpolate(lambda t: erf(_ERF_RANGE * t), 70)


def _windows(graph, x, offsets_hw, out_hw, strides):
    """For each (i, j) offset, ``x[:, i::sh, j::sw, :]`` cut to ``out_hw`` positions."""
    (Ho, Wo), (sh, sw) = out_hw, strides
    for i, j in offsets_hw:
        yield graph.node("Slice", [x, graph.const([i, j], np.int64, "starts"),
                                   graph.const([i + (Ho - 1) * sh + 1, j + (Wo - 1) * sw + 1],
                                               np.int64, "ends"),
                                   graph.const([1, 2], np.int64, "axes"),
                                   graph.const([sh, sw], np.int64, "steps")])


def conv(graph, x, W, b, strides, pads, out_hw):
    """Channels-last convolution ``sum_{i,j} Xpad[:, i::sh, j::sw, :] @ W[i, j] + b``.

    Parameters
    ----------
    x : str
        Input of shape (n, H, W, C).
    W : ndarray of shape (kh, kw, C, F)
    b : ndarray of shape (F,) or None
    strides : pair of int
    pads : pair of (before, after) pairs, rows then columns
    out_hw : pair of int
        Output height and width.
    """
    (top, bottom), (left, right) = pads
    if top or bottom or left or right:
        x = graph.node("Pad", [x, graph.const([0, top, left, 0, 0, bottom, right, 0],
                                              np.int64, "pads")])
    offsets = [(i, j) for i in range(W.shape[0]) for j in range(W.shape[1])]
    terms = [graph.node("MatMul", [patch, graph.const(W[i, j], hint="W")])
             for (i, j), patch in zip(offsets, _windows(graph, x, offsets, out_hw, strides))]
    if b is not None:
        terms.append(graph.const(b, hint="b"))
    return graph.node("Sum", terms) if len(terms) > 1 else terms[0]


def pool(graph, x, kind, pool_size, strides, out_hw):
    """Channels-last max or average pooling over windows without padding."""
    offsets = [(i, j) for i in range(pool_size[0]) for j in range(pool_size[1])]
    windows = list(_windows(graph, x, offsets, out_hw, strides))
    if kind == "max":
        return graph.node("Max", windows) if len(windows) > 1 else windows[0]
    total = graph.node("Sum", windows) if len(windows) > 1 else windows[0]
    return graph.node("Mul", [total, graph.const(1.0 / len(windows), hint="inv_area")])


def erf_series(graph, x):
    """erf(x) as a Chebyshev series in ``t = clip(x / 6, -1, 1)`` (Clenshaw's recurrence:
    ``b_k = c_k + 2 t b_{k+1} - b_{k+2}``, ``erf = c_0 + t b_1 - b_2``)."""
    t = graph.node("Mul", [x, graph.const(1.0 / _ERF_RANGE, hint="inv_range")])
    t = graph.node("Min", [graph.node("Max", [t, graph.const(-1.0, hint="lo")]),
                           graph.const(1.0, hint="hi")])
    two_t = graph.node("Add", [t, t])
    b1, b2 = graph.const(_ERF_COEFS[-1], hint="c"), None
    for c in _ERF_COEFS[-2:0:-1]:
        b = graph.node("Add", [graph.node("Mul", [two_t, b1]), graph.const(c, hint="c")])
        b1, b2 = (graph.node("Sub", [b, b2]) if b2 is not None else b), b1
    y = graph.node("Add", [graph.node("Mul", [t, b1]), graph.const(_ERF_COEFS[0], hint="c")])
    return graph.node("Sub", [y, b2])
