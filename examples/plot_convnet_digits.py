"""
Convolutional network on digits: learned filters and feature maps
=================================================================

A small convolutional network reads handwritten digits: scikit-learn's 8 x 8
``load_digits`` images, and the 28 x 28 MNIST test set when its files are in
``../shared/data``. Each convolution slides small kernels (3 x 3 here) over the image;
every kernel is a *filter* whose response map is a *feature map*. Max pooling keeps the
strongest response of each 2 x 2 window, halving the maps' height and width, and the
dense layers read the flattened maps.

The figures show what the first layer learned: its filters
(:class:`~sknn.plotting.ConvFiltersDisplay`; red weights add brightness, blue subtract),
and the feature maps of one test image (:class:`~sknn.plotting.FeatureMapsDisplay`):
some filters respond to strokes of one orientation, others to the background.

Run with ``python examples/plot_convnet_digits.py``.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sknn import ConvNetClassifier
from sknn.datasets import load_mnist
from sknn.plotting import ConvFiltersDisplay, FeatureMapsDisplay


def fit_digits():
    """A conv network on the 8 x 8 digits: flat X plus ``input_shape``."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16, y, test_size=0.25, stratify=y, random_state=0)
    clf = ConvNetClassifier(input_shape=(8, 8), filters=(16, 32), dense_layers=(64,),
                            max_iter=20, learning_rate_init=0.003, random_state=0)
    clf.fit(X_train, y_train)
    print(f"digits 8x8: test accuracy {clf.score(X_test, y_test):.3f}")
    print(clf.summary())
    return clf, X_test


def fit_mnist():
    """A LeNet-style network on 3,000 MNIST images, or None without the files."""
    try:
        X, y = load_mnist()
    except FileNotFoundError as exc:
        print(f"MNIST skipped: {exc}")
        return None, None
    X = X.astype(np.float32) / 255  # (n, 28, 28): one channel, added by the estimator
    # a small subset and two epochs keep the example fast; more of both add accuracy
    clf = ConvNetClassifier(filters=(8, 16), dense_layers=(64,), batch_size=64,
                            max_iter=2, random_state=0)
    clf.fit(X[:3000], y[:3000])
    print(f"MNIST: test accuracy after 2 epochs on 3,000 images "
          f"{clf.score(X[8000:], y[8000:]):.3f}")
    return clf, X[8000:]


warnings.simplefilter("ignore", ConvergenceWarning)  # few epochs, on purpose

# %%
# The 8 x 8 digits
# ----------------
# Sixteen 3 x 3 filters of the first layer. Red weights add brightness to the
# response, blue subtract; one colorbar holds for all of them.
clf, X_test = fit_digits()
ConvFiltersDisplay.from_estimator(clf, name="digits 8x8").figure_.set_size_inches(7, 6)

# %%
# The first layer's feature maps of one test digit (the input on the top left), on
# one shared color scale: bright where a filter's pattern is present.
FeatureMapsDisplay.from_estimator(clf, X_test[0], name="digits 8x8").figure_.set_size_inches(
    8, 6)

# %%
# MNIST, 28 x 28
# --------------
# With the MNIST files present, the same for a network trained briefly on MNIST.
mnist, mnist_test = fit_mnist()
if mnist is not None:
    ConvFiltersDisplay.from_estimator(mnist, name="MNIST").figure_.set_size_inches(7, 4)

# %%
if mnist is not None:
    FeatureMapsDisplay.from_estimator(mnist, mnist_test[0], name="MNIST").figure_.set_size_inches(
        8, 4)
plt.show()
