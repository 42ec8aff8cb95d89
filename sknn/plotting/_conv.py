"""Convolutional networks seen from inside: learned filters and one image's feature maps."""

import numpy as np

from ..nn.conv_kernels import im2col
from ..nn.layers import Activation, BatchNormalization, Conv2D, Flatten
from ..nn.network import Sequential
from ._base import axes_grid, estimator_name, final_estimator, import_pyplot


def _network_of(estimator):
    """The core network of a fitted estimator (or the Sequential itself)."""
    if isinstance(estimator, Sequential):
        return estimator
    est = final_estimator(estimator)
    network = getattr(est, "network_", None)
    if network is None:
        raise ValueError(f"{type(est).__name__} is not fitted or has no network_: pass a "
                         "fitted ConvNetClassifier or ConvNetRegressor (or a built sknn.nn "
                         "Sequential).")
    return network


def _conv_layers(network):
    convs = [layer for layer in network.leaves if isinstance(layer, Conv2D)]
    if not convs:
        raise ValueError("the network has no Conv2D layer")
    return convs


def _pick(convs, layer):
    if not -len(convs) <= layer < len(convs):
        raise ValueError(f"layer={layer} but the network has {len(convs)} Conv2D layer(s)")
    return convs[layer]


def _hide_ticks(ax):
    ax.set_xticks([])
    ax.set_yticks([])


class ConvFiltersDisplay:
    """The kernels of one convolution layer, one small image per filter.

    Weights are signed, so a diverging colormap with limits symmetric about zero and
    shared by all panels shows both sign and size: with the default ``"RdBu_r"``, red
    pixels add to the filter's response where the input is bright, blue ones subtract.

    Parameters
    ----------
    filters : ndarray of shape (kh, kw, n_filters)
        One input channel's kernels (channels-last, as ``Conv2D.params['W'][:, :, c, :]``).
    estimator_name : str, default=None
        Used as the figure title.

    Attributes
    ----------
    ax_ : ndarray of matplotlib Axes
        One per panel (flattened grid; unused panels are hidden).
    images_ : list of matplotlib AxesImage
    figure_ : matplotlib Figure
    """

    def __init__(self, *, filters, estimator_name=None):
        self.filters = filters
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, layer=0, channel="mean", ax=None, n_cols=None,
                       cmap="RdBu_r", name=None):
        """Draw the learned filters of a fitted convolutional network.

        Parameters
        ----------
        estimator : estimator or Sequential
            A fitted ``ConvNetClassifier`` or ``ConvNetRegressor`` (or Pipeline/search
            ending in one), or a built :class:`sknn.nn.network.Sequential` holding a
            ``Conv2D`` layer.
        layer : int, default=0
            Which ``Conv2D`` layer, counted from the input (negative counts from the
            end).
        channel : int or "mean", default="mean"
            Input channel whose kernel slice is drawn; "mean" averages the slices
            over input channels (the same thing for one-channel images).
        ax : array-like of matplotlib Axes, default=None
            At least ``n_filters`` axes; a new figure when None.
        n_cols : int, default=None
            Columns of the new grid; about square when None.
        cmap : str, default="RdBu_r"
        name : str, default=None
            Figure title; the estimator's class name when None.

        Returns
        -------
        display : ConvFiltersDisplay
        """
        conv = _pick(_conv_layers(_network_of(estimator)), layer)
        W = np.asarray(conv.params["W"])  # (kh, kw, c_in, c_out)
        if channel == "mean":
            filters = W.mean(axis=2)
        elif isinstance(channel, (int, np.integer)) and -W.shape[2] <= channel < W.shape[2]:
            filters = W[:, :, channel, :]
        else:
            raise ValueError(f"channel={channel!r} must be 'mean' or an input channel "
                             f"index in [0, {W.shape[2]})")
        if name is None and not isinstance(estimator, Sequential):
            name = estimator_name(estimator)
        disp = cls(filters=filters, estimator_name=name)
        return disp.plot(ax=ax, n_cols=n_cols, cmap=cmap)

    def plot(self, ax=None, *, n_cols=None, cmap="RdBu_r"):
        """Draw one panel per filter.

        Parameters
        ----------
        ax : array-like of matplotlib Axes, default=None
        n_cols : int, default=None
        cmap : str, default="RdBu_r"

        Returns
        -------
        display : ConvFiltersDisplay
        """
        plt = import_pyplot("ConvFiltersDisplay")
        filters = np.asarray(self.filters, dtype=float)
        n = filters.shape[-1]
        self.figure_, self.ax_ = axes_grid(plt, n, ax, n_cols)
        limit = float(np.abs(filters).max()) or 1.0
        self.images_ = []
        for k, panel in enumerate(self.ax_):
            _hide_ticks(panel)
            if k >= n:
                panel.set_visible(False)
                continue
            self.images_.append(panel.imshow(filters[:, :, k], cmap=cmap, vmin=-limit,
                                             vmax=limit, interpolation="nearest"))
            panel.set_title(f"filter {k}", fontsize="small")
        self.figure_.colorbar(self.images_[0], ax=list(self.ax_[:n]), shrink=0.8,
                              label="weight")
        if self.estimator_name:
            self.figure_.suptitle(f"{self.estimator_name}: learned filters")
        return self


class FeatureMapsDisplay:
    """The feature maps one convolution layer produces for one image.

    Each panel is one output channel of the chosen ``Conv2D`` layer after its
    block's batch normalization and activation (before pooling), computed in
    inference mode; the first panel shows the input image.

    Parameters
    ----------
    feature_maps : ndarray of shape (H_out, W_out, n_filters)
    image : ndarray of shape (H, W) or (H, W, C), default=None
        The input image, drawn first when given.
    estimator_name : str, default=None

    Attributes
    ----------
    ax_ : ndarray of matplotlib Axes
    images_ : list of matplotlib AxesImage
        One per feature map (the input image's is not included).
    figure_ : matplotlib Figure
    """

    def __init__(self, *, feature_maps, image=None, estimator_name=None):
        self.feature_maps = feature_maps
        self.image = image
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X, *, layer=0, ax=None, n_cols=None,
                       cmap="viridis", name=None):
        """Compute and draw the feature maps of one image.

        Parameters
        ----------
        estimator : estimator or Sequential
            A fitted ``ConvNetClassifier`` or ``ConvNetRegressor`` (or Pipeline/search
            ending in one; the pipeline's earlier steps transform ``X`` first), or a
            built :class:`sknn.nn.network.Sequential`.
        X : array-like
            One image: of the network's per-sample input shape ``(H, W, C)``, or
            ``(H, W)``, or flat, with or without a leading axis of length 1.
        layer : int, default=0
            Which ``Conv2D`` layer, counted from the input.
        ax : array-like of matplotlib Axes, default=None
            At least ``n_filters + 1`` axes; a new figure when None.
        n_cols : int, default=None
        cmap : str, default="viridis"
        name : str, default=None

        Returns
        -------
        display : FeatureMapsDisplay
        """
        network = _network_of(estimator)
        target = _pick(_conv_layers(network), layer)
        X = np.asarray(X)
        if hasattr(estimator, "steps") and len(estimator.steps) > 1:
            X = np.asarray(estimator[:-1].transform(X.reshape(1, -1)))
        shape = tuple(network.input_shape)
        if X.size != int(np.prod(shape)):
            raise ValueError(f"X holds {X.size} values; one image for this network has "
                             f"shape {shape} ({int(np.prod(shape))} values)")
        image = X.reshape(shape).astype(network.params.dtype)
        maps = _forward_to(network, image[np.newaxis], target)[0]
        if name is None and not isinstance(estimator, Sequential):
            name = estimator_name(estimator)
        shown = image[:, :, 0] if image.shape[-1] == 1 else image
        disp = cls(feature_maps=maps, image=shown, estimator_name=name)
        return disp.plot(ax=ax, n_cols=n_cols, cmap=cmap)

    def plot(self, ax=None, *, n_cols=None, cmap="viridis"):
        """Draw the input image (when known) and one panel per feature map.

        All maps share one color scale, shown by one colorbar.

        Parameters
        ----------
        ax : array-like of matplotlib Axes, default=None
        n_cols : int, default=None
        cmap : str, default="viridis"

        Returns
        -------
        display : FeatureMapsDisplay
        """
        plt = import_pyplot("FeatureMapsDisplay")
        maps = np.asarray(self.feature_maps, dtype=float)
        offset = 0 if self.image is None else 1
        n = maps.shape[-1] + offset
        self.figure_, self.ax_ = axes_grid(plt, n, ax, n_cols)
        self.images_ = []
        # one color scale for all maps, so that their activations compare (one colorbar)
        vmin, vmax = float(maps.min()), float(maps.max())
        for k, panel in enumerate(self.ax_):
            _hide_ticks(panel)
            if k >= n:
                panel.set_visible(False)
            elif k < offset:
                panel.imshow(self.image, cmap="gray_r" if np.ndim(self.image) == 2 else None)
                panel.set_title("input", fontsize="small")
            else:
                self.images_.append(panel.imshow(maps[:, :, k - offset], cmap=cmap,
                                                 interpolation="nearest",
                                                 vmin=vmin, vmax=vmax))
                panel.set_title(f"map {k - offset}", fontsize="small")
        if self.images_:
            self.figure_.colorbar(self.images_[0], ax=list(self.ax_[:n]), shrink=0.8,
                                  label="activation")
        if self.estimator_name:
            self.figure_.suptitle(f"{self.estimator_name}: feature maps")
        return self


def _forward_to(network, X, target):
    """The target conv layer's output for ``X``, through its block's activation.

    Runs the top-level layers up to ``target``; then applies the elementwise layers
    of the same block (batch normalization, a separate activation) at full
    resolution, skipping pooling and dropout, until the next conv or flatten layer.
    An estimator may run its activation after max pooling (the two commute); the
    maps drawn are then the activated maps before pooling either way.
    """
    layers = list(network.layers)
    if target not in layers:
        raise ValueError("the chosen Conv2D layer is nested inside a container layer; "
                         "FeatureMapsDisplay walks top-level layers only")
    stop = layers.index(target)
    for layer in layers[:stop]:
        X = layer.forward(X, training=False)
    if hasattr(target, "conv_shape"):  # ConvMaxPool2D pools inside the layer
        X = _activated_conv(target, X)
    else:
        X = target.forward(X, training=False)
    for layer in layers[stop + 1:]:
        if isinstance(layer, (BatchNormalization, Activation)):
            X = layer.forward(X, training=False)
        elif isinstance(layer, (Conv2D, Flatten)) or len(layer.output_shape or ()) != 3:
            break
    return np.array(X, copy=True)  # layer outputs are reused scratch buffers


def _activated_conv(layer, X):
    """``act(conv(X, W) + b)`` at full resolution, for a layer that also pools."""
    W = layer.params["W"]
    cols = im2col(X, layer.kernel_size, layer.strides, layer.padding)
    Z = cols @ W.reshape(-1, W.shape[-1])
    if layer.use_bias:
        Z += layer.params["b"]
    Z = layer.activation.forward(Z)
    return Z.reshape(X.shape[0], *layer.conv_shape)
