"""sknn: scikit-learn-compatible neural networks on a small, fast, pure-NumPy core."""

__version__ = "0.1.0"

from .gates import LogicGateNeuron, xor_network
from .mlp import MLPClassifier, MLPRegressor
from .perceptron import ThresholdPerceptron

__all__ = ["LogicGateNeuron", "MLPClassifier", "MLPRegressor", "ThresholdPerceptron", "xor_network"]
