"""ConvNetClassifier(layers=...): the network is those layers, a Flatten and the output."""

import numpy as np

from sknn import ConvNetClassifier
from sknn.nn.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPool2D


def _types(clf):
    return [type(layer).__name__ for layer in clf.network_.layers]


def test_explicit_layers_get_a_flatten_and_the_output_only():
    X, y = np.random.default_rng(0).random((20, 8, 8)), [0, 1, 2, 3] * 5
    layers = [Conv2D(3, 3, padding="same"), Activation("relu"), MaxPool2D(2)]
    # dense_layers and dropout describe the parameter-built stack, not this one
    clf = ConvNetClassifier(layers=layers, dense_layers=(128,), dropout=0.5, max_iter=1, batch_size=8,
                            random_state=0).fit(X, y)
    assert _types(clf) == ["Conv2D", "Activation", "MaxPool2D", "Flatten", "Dense"]
    assert clf.network_.layers[-1].units == 4  # one output per class


def test_explicit_layers_that_flatten_themselves_get_no_second_flatten():
    X, y = np.random.default_rng(0).random((20, 8, 8)), [0, 1] * 10
    layers = [Conv2D(3, 3), Flatten(), Dense(8, "relu"), Dropout(0.1)]
    clf = ConvNetClassifier(layers=layers, max_iter=1, batch_size=8, random_state=0).fit(X, y)
    assert _types(clf) == ["Conv2D", "Flatten", "Dense", "Dropout", "Dense"]


def test_without_layers_the_parameters_build_the_dense_part():
    X, y = np.random.default_rng(0).random((20, 8, 8)), [0, 1] * 10
    clf = ConvNetClassifier(filters=(3,), dense_layers=(8,), dropout=0.1, max_iter=1, batch_size=8,
                            random_state=0).fit(X, y)
    assert _types(clf)[-4:] == ["Flatten", "Dense", "Dropout", "Dense"]
