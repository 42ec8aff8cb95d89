"""Export sknn estimators to ONNX with skl2onnx, alone or inside a Pipeline.

Importing this module registers converters for :class:`~sknn.MLPClassifier`,
:class:`~sknn.MLPRegressor`, :class:`~sknn.ConvNetClassifier`,
:class:`~sknn.ConvNetRegressor`, :class:`~sknn.LogicGateNeuron` and
:class:`~sknn.ThresholdPerceptron` with skl2onnx,
so that its standard call works on them, on Pipelines and ColumnTransformers holding
them and on a fitted search's ``best_estimator_``::

    onx = skl2onnx.to_onnx(pipe, X[:1].astype(np.float32))

The graph is built from the fitted network's layers (``network_.layers``), one
converter per layer class: Dense as MatMul and Add, every sknn activation,
batch normalization folded into a multiply-add with its running statistics, dropout
removed, the wide & deep concatenation, convolutions and pooling (channels-last
input, transposed once for ONNX's NCHW operators), then the output activation and the
decoding into labels. A layer with no ONNX form raises a ValueError naming it.

Classifiers give skl2onnx's two outputs, labels and probabilities (the perceptron:
decision values), and honour its ``zipmap`` option; regressors give one output of
shape (n_samples, n_outputs). The graph computes in its input's type: float32 for a
float32 sample, float64 for a float64 one. ``import sknn`` never imports this module.
Requires ``pip install sknn[onnx]``; onnxruntime runs the result.

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from sklearn.datasets import load_iris
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from sknn import MLPClassifier
>>> from sknn.onnx import to_onnx
>>> X, y = load_iris(return_X_y=True)
>>> X = X.astype(np.float32)
>>> pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), max_iter=300, random_state=0))
>>> onx = to_onnx(pipe.fit(X, y), X[:1], options={"zipmap": False})
>>> sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
>>> labels, proba = sess.run(None, {"X": X})
>>> bool((labels == pipe.predict(X)).all())
True
>>> bool(np.allclose(proba, pipe.predict_proba(X), rtol=1e-5, atol=1e-6))
True
"""

try:
    import onnx  # noqa: F401
    import skl2onnx
except ImportError as exc:  # an optional extra
    raise ImportError("sknn.onnx needs skl2onnx and onnx: pip install 'sknn[onnx]' "
                      "(or pip install 'skl2onnx>=1.17' 'onnx>=1.15')") from exc

from ..convnet import ConvNetClassifier, ConvNetRegressor
from ..gates import LogicGateNeuron
from ..mlp import MLPClassifier, MLPRegressor
from ..perceptron import ThresholdPerceptron
from ._estimators import (
    classifier_shapes,
    convert_network_classifier,
    convert_network_regressor,
    convert_perceptron,
    regressor_shapes,
)

__all__ = ["to_onnx"]

# skl2onnx's zipmap step reads "nocl" (keys of the dicts) too, so it must be declared.
_CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"], "nocl": [False, True]}

# (estimator, skl2onnx alias, shape calculator, converter, options)
_REGISTRY = [
    (MLPClassifier, "SknnMLPClassifier", classifier_shapes, convert_network_classifier,
     _CLASSIFIER_OPTIONS),
    (ConvNetClassifier, "SknnConvNetClassifier", classifier_shapes,
     convert_network_classifier, _CLASSIFIER_OPTIONS),
    (LogicGateNeuron, "SknnLogicGateNeuron", classifier_shapes, convert_network_classifier,
     _CLASSIFIER_OPTIONS),
    (ThresholdPerceptron, "SknnThresholdPerceptron", classifier_shapes, convert_perceptron,
     _CLASSIFIER_OPTIONS),
    (MLPRegressor, "SknnMLPRegressor", regressor_shapes, convert_network_regressor, None),
    (ConvNetRegressor, "SknnConvNetRegressor", regressor_shapes, convert_network_regressor,
     None),
]

for _model, _alias, _shapes, _convert, _options in _REGISTRY:
    skl2onnx.update_registered_converter(_model, _alias, _shapes, _convert, options=_options)


def to_onnx(estimator, X_sample, **kwargs):
    """Convert a fitted sknn estimator (or a Pipeline or search holding one) to ONNX.

    A thin wrapper of :func:`skl2onnx.to_onnx`, which works just as well once this
    module is imported.

    Parameters
    ----------
    estimator : fitted estimator
    X_sample : ndarray of shape (n_samples, n_features) or image-shaped
        A few rows of X; their dtype (float32 or float64) becomes the graph's.
    **kwargs
        Passed to :func:`skl2onnx.to_onnx`: ``options`` (e.g. ``{"zipmap": False}``),
        ``target_opset`` (13 or later), ...

    Returns
    -------
    onx : onnx.ModelProto
    """
    return skl2onnx.to_onnx(estimator, X_sample, **kwargs)
