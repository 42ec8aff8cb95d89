"""
Regularization compared: L2, dropout, max-norm, and Monte Carlo dropout
=======================================================================

Forty noisy samples of a sine wave, and a network far bigger than they warrant (two
hidden layers of 64 units, trained for 2,500 full-batch epochs): without
regularization it bends to follow the noise. Each regularizer is one constructor
parameter of :class:`~sknn.MLPRegressor`:

* ``alpha``: L2 penalty on the weights;
* ``dropout``: each hidden unit's output is zeroed at random during training;
* ``max_norm``: each unit's incoming weight vector is rescaled to at most this norm
  after every step.

Then Monte Carlo dropout: the dropout network, asked for ``mc_samples=500`` predictions
with dropout left on, gives a mean and a spread, and the spread says something (not
everything) about where the model is unsure.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sknn import MLPRegressor

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # fixed epoch budget

rng = np.random.default_rng(0)
x = np.sort(rng.uniform(-3, 3, 40))
y = np.sin(x) + rng.normal(0, 0.3, x.size)
X = x[:, None]
grid = np.linspace(-4.5, 4.5, 500)
inside = np.abs(grid) <= 3  # where the training data are

common = dict(hidden_layer_sizes=(64, 64), learning_rate_init=0.01, batch_size=40,
              max_iter=2500, n_iter_no_change=2500, random_state=0)
variants = {
    "no regularization": dict(alpha=0.0),
    "L2 (alpha=0.3)": dict(alpha=0.3),
    "dropout (0.2)": dict(alpha=0.0, dropout=0.2),
    "max-norm (0.5)": dict(alpha=0.0, max_norm=0.5),
}
models, errors = {}, {}
for name, params in variants.items():
    models[name] = MLPRegressor(**common, **params).fit(X, y)
    train_mse = np.mean((models[name].predict(X) - y) ** 2)
    true_mse = np.mean((models[name].predict(grid[inside, None]) - np.sin(grid[inside])) ** 2)
    errors[name] = (train_mse, true_mse)
    print(f"{name:18s} MSE on the training samples {train_mse:.3f}, "
          f"against the true sine on [-3, 3] {true_mse:.3f}")

# %%
# The fitted curves
# -----------------
# The unregularized network wiggles through the noisy samples. Each regularizer
# smooths the curve towards the sine (dashed). The noise variance is 0.09, so a
# training MSE well below that means the model has fitted noise.
fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharex=True, sharey=True,
                         layout="constrained")
for ax, (name, model) in zip(axes.ravel(), models.items(), strict=True):
    ax.scatter(x, y, s=12, color="k", label="training samples")
    ax.plot(grid, np.sin(grid), "k--", linewidth=1, label="true sine")
    ax.plot(grid, model.predict(grid[:, None]), color="C3", linewidth=2, label="model")
    train_mse, true_mse = errors[name]
    ax.set_title(f"{name}\ntraining MSE {train_mse:.3f}, error vs sine {true_mse:.3f}",
                 fontsize="medium")
    ax.set_ylim(-2.2, 2.2)
for ax in axes[1]:
    ax.set_xlabel("x")
for ax in axes[:, 0]:
    ax.set_ylabel("y = sin(x) + noise")
axes[0, 0].legend(loc="lower right", fontsize="small")
plt.show()

# %%
# Monte Carlo dropout
# -------------------
# Dropout left on at prediction time turns one network into an ensemble of thinned
# networks. The mean of 500 passes is the prediction; the shaded band is that mean
# plus or minus two standard deviations of the passes. The band widens to the right of
# the data (grey), where the fitted curve keeps climbing and the thinned networks
# disagree about how fast. To the left, where most ReLU units are switched off and the
# curve flattens, it does not widen at all, although the model is just as wrong
# there. The spread is a useful warning sign, not a calibrated uncertainty.
dropout_model = models["dropout (0.2)"]
mean, std = dropout_model.predict(grid[:, None], mc_samples=500, return_std=True)
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.fill_between(grid, mean - 2 * std, mean + 2 * std, color="C0", alpha=0.25,
                label="mean +/- 2 std over 500 passes")
ax.plot(grid, mean, color="C0", linewidth=2, label="Monte Carlo dropout mean")
ax.plot(grid, np.sin(grid), "k--", linewidth=1, label="true sine")
ax.scatter(x, y, s=12, color="k", label="training samples")
ax.axvspan(-4.5, -3, color="grey", alpha=0.1)
ax.axvspan(3, 4.5, color="grey", alpha=0.1)
ax.set(xlabel="x", ylabel="y",
       title="Monte Carlo dropout: mean and spread (grey: no training data)")
ax.legend(loc="upper left", fontsize="small")
plt.show()
for where, mask in [("left of the data", grid < -3), ("inside", inside),
                    ("right of the data", grid > 3)]:
    print(f"mean standard deviation {where:18s} {std[mask].mean():.3f}")
