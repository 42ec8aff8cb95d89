"""Hidden representations: ``transform`` turns a fitted network into a feature extractor.

A hidden representation is what enters a dense layer of the network, other than the
network's input: for an MLP the activations of each hidden layer, for a convolutional
network the flattened features (the input of its dense head) and then the activations
of each hidden dense layer. ``layer=k`` picks the k-th, counted from 0; negative ``k``
counts from the last, as Python indices do, and the default ``-1`` is the last, the
input of the output layer. The values are those of the inference-mode network:
dropout off, batch normalization on its running statistics and followed by the
activation. With ``wide_and_deep=True`` the last representation is the deep path's
last hidden layer, without the input that is concatenated to it before the output layer.
"""

from numbers import Integral

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from .nn.layers import Dense, Flatten, SkipConcat


def representation_path(network):
    """The layers X passes on its way to the output layer, and where each hidden
    representation ends.

    Parameters
    ----------
    network : Sequential
        A built network whose last layer is its output :class:`~sknn.nn.layers.Dense`.

    Returns
    -------
    path : list of Layer
        The network's layers in order, a :class:`~sknn.nn.layers.SkipConcat` replaced by
        its deep path (the input it passes on is not a learned feature).
    stops : list of int
        ``path[:stops[k]]`` computes representation k: each stop is a Dense layer's
        position, so the representation is that layer's input.
    """
    path = []
    for layer in network.layers:
        path += layer.sublayers if isinstance(layer, SkipConcat) else [layer]
    stops = [i for i, layer in enumerate(path) if i > 0 and isinstance(layer, Dense)]
    return path, stops


class HiddenRepresentationMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform``, ``fit_transform`` and ``get_feature_names_out`` for a
    :class:`~sknn._base.BaseNetwork` (see the module docstring for what they return)."""

    def transform(self, X, layer=-1):
        """Activations of a hidden layer: the fitted network as a feature extractor.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs as ``predict`` takes them (image-shaped for a convolutional network).
        layer : int, default=-1
            Which hidden representation: hidden layers counted from 0, negative values
            from the last (``-1``, the input of the output layer). For a
            ``ConvNetClassifier``, 0 is the flattened convolutional features and
            1, 2, ... its hidden dense layers. Values are taken with dropout off and
            after batch normalization and the activation; with ``wide_and_deep=True``
            the last hidden layer comes without the input concatenated to it.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_units)
            In the network's compute dtype (that of ``predict_proba``), computed in
            batches of rows as predictions are, so memory stays bounded for any n.

        Examples
        --------
        >>> from sklearn.datasets import load_iris
        >>> from sknn import MLPClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = MLPClassifier((16, 8), solver="lbfgs", random_state=0).fit(X, y)
        >>> clf.transform(X).shape, clf.transform(X, layer=0).shape
        ((150, 8), (150, 16))
        >>> clf.get_feature_names_out()[:3]
        array(['mlpclassifier0', 'mlpclassifier1', 'mlpclassifier2'], dtype=object)
        """
        layers = self._representation_layers(layer)
        width = layers[-1].output_shape[0]
        self._check_container_width(layer, width)
        X = self._network_input(self._validate_predict_input(X), reset=False)[0]

        def forward(Xb):
            for hidden in layers:
                Xb = hidden.forward(Xb, training=False)
            return Xb

        return self._batched(X, forward, width)

    def get_feature_names_out(self, input_features=None):
        """Names of the units :meth:`transform` returns by default (the last hidden
        layer): the lower-case class name and the unit's index, ``mlpclassifier0``, ...

        ``transform(X, layer=k)`` for another layer has as many units as that layer;
        these names describe the default one only.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Only checked against ``feature_names_in_`` (the names do not depend on it).

        Returns
        -------
        feature_names_out : ndarray of str objects of shape (n_units,)

        Examples
        --------
        >>> from sklearn.datasets import load_diabetes
        >>> from sknn import MLPRegressor
        >>> X, y = load_diabetes(return_X_y=True)
        >>> reg = MLPRegressor(hidden_layer_sizes=(8, 2), solver="lbfgs",
        ...                    random_state=0).fit(X, y)
        >>> reg.get_feature_names_out()
        array(['mlpregressor0', 'mlpregressor1'], dtype=object)
        """
        return super().get_feature_names_out(input_features)

    @property
    def _n_features_out(self):
        """Width of the default representation (scikit-learn's naming mixin reads it)."""
        return self._representation_layers(-1)[-1].output_shape[0]

    def _representation_layers(self, layer):
        """The layers that compute representation ``layer``, after checking ``layer``."""
        check_is_fitted(self, "network_")
        path, stops = representation_path(self.network_)
        name, n = type(self).__name__, len(stops)
        if not n:
            sizes = getattr(self, "hidden_layer_sizes", None)
            raise ValueError(f"{name} has no hidden layer to transform X into: its input goes "
                             f"straight to the output layer (hidden_layer_sizes={sizes!r}).")
        if isinstance(layer, bool) or not isinstance(layer, Integral):
            raise TypeError(f"layer must be an int indexing the hidden layers, got {layer!r}")
        if not -n <= layer < n:
            widths = [path[stop - 1].output_shape[0] for stop in stops]
            flat = (" (layer 0 is the flattened convolutional features)"
                    if isinstance(path[stops[0] - 1], Flatten) else "")
            raise ValueError(f"layer={layer!r} is out of range: this {name} has {n} hidden "
                             f"layer(s) of widths {widths}{flat}; use 0 to {n - 1}, or -{n} "
                             "to -1 counting from the last.")
        return path[:stops[layer]]

    def _check_container_width(self, layer, width):
        """With ``set_output(transform="pandas")`` the columns are named by
        get_feature_names_out, which knows the default layer only."""
        if _get_output_config("transform", self)["dense"] == "default":
            return
        default = self._n_features_out
        if width != default:
            raise ValueError(
                f"layer={layer!r} has {width} units, but set_output names the columns of "
                f"transform's output by get_feature_names_out(), which describes the "
                f"default layer (-1, {default} units). Use set_output(transform='default') "
                "for other layers.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # transform computes in the network's dtype: that of X (MLPs), or ``dtype``
        kept = self._x_validation()["dtype"]
        kept = kept if isinstance(kept, tuple) else (kept,)
        tags.transformer_tags.preserves_dtype = [np.dtype(d).name for d in kept]
        return tags
