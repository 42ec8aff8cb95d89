"""Layers of the core; all follow :class:`~sknn.nn.layers.base.Layer`'s contract."""

from .activation import Activation
from .base import Layer
from .batchnorm import BatchNormalization
from .concat import SkipConcat
from .conv import Conv2D
from .conv_pool import ConvMaxPool2D
from .dense import Dense
from .dropout import Dropout
from .pooling import AvgPool2D, MaxPool2D
from .reshape import Flatten, Reshape
from .spatial_dropout import SpatialDropout2D

__all__ = [
    "Activation", "AvgPool2D", "BatchNormalization", "Conv2D", "ConvMaxPool2D", "Dense",
    "Dropout", "Flatten", "Layer", "MaxPool2D", "Reshape", "SkipConcat", "SpatialDropout2D",
]
