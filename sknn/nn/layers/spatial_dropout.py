"""Spatial dropout: ``A = X * m / (1 - rate)`` with one Bernoulli ``m`` per (sample, channel)."""

from .dropout import Dropout


class SpatialDropout2D(Dropout):
    """Drop whole feature maps during training.

    Neighbouring pixels of a feature map are strongly correlated, so dropping single
    pixels barely regularizes a convolutional layer; zeroing a whole channel of a sample
    does. Survivors are scaled by ``1 / (1 - rate)`` (inverted dropout), and with
    ``freeze_noise`` set the last mask is reused (for gradient checks).

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping a channel.

    Notes
    -----
    Inputs are channels last, ``(n, ..., C)``; the mask has shape ``(n, 1, ..., 1, C)``.
    """

    def compute_output_shape(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(
                f"{self!r} expects per-sample shape (..., channels) with spatial axes, "
                f"got {tuple(input_shape)}"
            )
        return super().compute_output_shape(input_shape)

    def mask_shape(self, X):
        return (X.shape[0],) + (1,) * (X.ndim - 2) + (X.shape[-1],)
