"""Layers of the core; all follow :class:`~sknn.nn.layers.base.Layer`'s contract."""

from .base import Layer

__all__ = ["Layer"]
