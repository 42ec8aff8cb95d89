"""
Which pixels made the network say "3"? Input attributions on digits
====================================================================

A small convolutional network reads scikit-learn's 8 x 8 handwritten digits. For a
test image it calls a "3", :func:`sknn.inspection.integrated_gradients` splits the
predicted probability of "3" among the pixels: each pixel's share of
``P("3" | image) - P("3" | baseline)``, found by averaging the network's gradient
along the straight path from the baseline to the digit (50 steps, midpoint rule).
The shares add up to that difference (completeness), which the script prints.

:class:`~sknn.plotting.AttributionDisplay` draws the shares as a heat map over the
digit's outline: red pixels raised the probability of "3", blue ones lowered it.

The baseline is part of the question. From the default black image (first figure,
top row of the second) only the pixels the digit *inks* can take a share: a pixel
that is black in both gets exactly zero, so the strokes a 3 lacks are never
mentioned. Starting instead from the average training "8" (bottom row) asks what
turns an 8 into this 3: now the left-hand pixels that an 8 inks and the 3 leaves
blank appear too, as evidence for "3".

Are the shares faithful? Blanking the six pixels with the largest shares in every
test "3" drops the mean probability of "3" far more than blanking six inked pixels
at random (printed below).

Run with ``python examples/plot_attributions.py``.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sknn import ConvNetClassifier
from sknn.inspection import integrated_gradients
from sknn.plotting import AttributionDisplay


def fit_digits():
    """A conv network on (n, 8, 8) images scaled to [0, 1]."""
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8) / 16
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0)
    clf = ConvNetClassifier(filters=(16,), dense_layers=(64,), max_iter=8,
                            learning_rate_init=0.003, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    print(f"test accuracy {clf.score(X_test, y_test):.3f}")
    return clf, X_test, X_train[y_train == 8].mean(axis=0)


def check_completeness(clf, threes, baseline, name):
    """The attributions of each image add up to P(3 | x) - P(3 | baseline)."""
    ig = integrated_gradients(clf, threes, target=3, baseline=baseline)
    k = list(clf.classes_).index(3)
    base = np.broadcast_to(baseline, threes.shape)
    gain = clf.predict_proba(threes)[:, k] - clf.predict_proba(base)[:, k]
    for total, expected in zip(ig.sum(axis=(1, 2)), gain):
        print(f"sum of attributions {total:+.4f}   P(3|x) - P(3|{name}) {expected:+.4f}")


def check_by_deletion(clf, threes, n_pixels=6, seed=0):
    """Do the pixels with the largest shares matter? Blank them, and compare with
    blanking as many inked pixels at random."""
    ig = integrated_gradients(clf, threes, target=3).reshape(len(threes), -1)
    rng = np.random.default_rng(seed)
    top, rand = threes.reshape(len(threes), -1).copy(), threes.reshape(len(threes), -1).copy()
    for i in range(len(threes)):
        top[i, np.argsort(-ig[i])[:n_pixels]] = 0
        rand[i, rng.choice(np.flatnonzero(rand[i]), n_pixels, replace=False)] = 0
    k = list(clf.classes_).index(3)
    mean_p = [clf.predict_proba(Z.reshape(threes.shape))[:, k].mean()
              for Z in (threes, top, rand)]
    print(f'mean P("3"): {mean_p[0]:.2f} as drawn, {mean_p[1]:.2f} without the {n_pixels} '
          f"pixels of largest share, {mean_p[2]:.2f} without {n_pixels} random inked pixels")


def main():
    clf, X_test, mean_eight = fit_digits()
    threes = X_test[clf.predict(X_test) == 3][:4]
    check_completeness(clf, threes, 0.0, "black")
    check_completeness(clf, threes, mean_eight, "mean 8")
    check_by_deletion(clf, X_test[clf.predict(X_test) == 3])

    # One image, one question: which pixels made the network say "3"?
    AttributionDisplay.from_estimator(clf, threes[:1], name="ConvNetClassifier")

    # Four threes, two baselines: the black image (top) and the average 8 (bottom).
    fig, axes = plt.subplots(2, 4, figsize=(11, 5), layout="constrained")
    for image, top, bottom in zip(threes, axes[0], axes[1]):
        AttributionDisplay.from_estimator(clf, image[None], target=3, ax=top)
        top.set_title('P("3"), from black', fontsize="small")
        AttributionDisplay.from_estimator(clf, image[None], target=3, baseline=mean_eight,
                                          ax=bottom)
        bottom.set_title('P("3"), from the mean 8', fontsize="small")
    fig.suptitle("Integrated gradients on four test images the network reads as 3")
    plt.show()


if __name__ == "__main__":
    main()
