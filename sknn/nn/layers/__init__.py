"""Layers of the core; all follow :class:`~sknn.nn.layers.base.Layer`'s contract."""

from .activation import Activation
from .base import Layer
from .batchnorm import BatchNormalization
from .concat import SkipConcat
from .dense import Dense
from .dropout import Dropout

__all__ = ["Activation", "BatchNormalization", "Dense", "Dropout", "Layer", "SkipConcat"]
