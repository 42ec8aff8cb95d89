"""
Convolutional regression: a known function of the image, with its uncertainty
===============================================================================

:class:`~sknn.ConvNetRegressor` is :class:`~sknn.ConvNetClassifier`'s network with a
regression output. Here it learns four numbers from each 8 x 8 digit of scikit-learn's
``load_digits``: the mean brightness of the image's four 4 x 4 quadrants. The answer is
known exactly, so the fit can be judged against it; targets are standardized, as
networks train best on targets of order 1.

The left panel compares predictions with the truth for the top-left quadrant; the
error bars are the spread of 30 Monte Carlo dropout passes
(``predict(X, mc_samples=30, return_std=True)``), larger where the network is less
sure. The right panel asks the fitted network which pixels its top-left prediction
depends on (integrated gradients, :mod:`sknn.inspection`): the top-left quadrant, and
little else.

Run with ``python examples/plot_convnet_regression.py``.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sknn import ConvNetRegressor
from sknn.plotting import AttributionDisplay


def quadrant_brightness(images):
    """Mean brightness of the four 4 x 4 quadrants (top-left, top-right, bottom-left,
    bottom-right): shape (n_images, 4)."""
    return np.stack([images[:, r:r + 4, c:c + 4].mean(axis=(1, 2))
                     for r in (0, 4) for c in (0, 4)], axis=1)


images = load_digits().images / 16  # (1797, 8, 8), values in [0, 1]
Y = quadrant_brightness(images)
Y = (Y - Y.mean(axis=0)) / Y.std(axis=0)
train, test = slice(0, 1400), slice(1400, None)

# average pooling suits a target that is itself an average; dropout enables mc_samples
reg = ConvNetRegressor(filters=(8,), dense_layers=(64,), pool="avg", dropout=0.1,
                       batch_size=32, learning_rate_init=0.003, max_iter=20,
                       random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    reg.fit(images[train], Y[train])
print(f"test R^2 over the four quadrants: {reg.score(images[test], Y[test]):.3f}")

mean, std = reg.predict(images[test][:60], mc_samples=30, return_std=True)
fig, (ax_fit, ax_map) = plt.subplots(1, 2, figsize=(10, 4.2))
truth = Y[test][:60, 0]
ax_fit.errorbar(truth, mean[:, 0], yerr=std[:, 0], fmt="o", ms=3, alpha=0.7,
                label="mean and spread of 30 MC dropout passes")
lims = [truth.min() - 0.3, truth.max() + 0.3]
ax_fit.plot(lims, lims, "k--", lw=1, label="perfect prediction")
ax_fit.set(xlabel="true brightness (top-left, standardized)", ylabel="predicted",
           title="ConvNetRegressor on 60 test digits")
ax_fit.legend(loc="upper left", fontsize=8)

AttributionDisplay.from_estimator(reg, images[test][:100], target=0, ax=ax_map,
                                  name="top-left output")
fig.tight_layout()
plt.show()
