"""sknn: scikit-learn-compatible neural networks on a small, fast, pure-NumPy core."""

__version__ = "0.1.0"

from .convnet import ConvNetClassifier, ConvNetRegressor
from .gates import LogicGateNeuron, xor_network
from .mlp import MLPClassifier, MLPRegressor
from .perceptron import ThresholdPerceptron

__all__ = [
    "ConvNetClassifier", "ConvNetRegressor", "LogicGateNeuron", "MLPClassifier", "MLPRegressor",
    "ThresholdPerceptron", "xor_network",
]

# Imported last, so that the list it computes covers every estimator imported above:
# sknn's classes that skops may load from a saved model (see sknn.io).
from .io import TRUSTED_TYPES  # noqa: E402
