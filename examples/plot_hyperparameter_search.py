"""
Tuning an MLP with GridSearchCV and RandomizedSearchCV
======================================================

sknn's estimators are scikit-learn estimators, so scikit-learn's searches tune them
directly: no wrapper class. Inside a pipeline, the network's parameters are addressed
as ``mlp__<parameter>``.

A grid search tries every combination, which is affordable for two or three
parameters. A randomized search draws a fixed number of combinations from
distributions (the learning rate from a log-uniform one), which covers many
parameters at the cost of a budget you choose. Both run here on the digits, with
small budgets so that the script runs in seconds; with more time, raise ``n_iter``
and ``cv``.
"""

# %%
# The pipeline
# ------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform, randint
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier

# Short training runs stop at max_iter by design; the warning would repeat per fit.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, train_size=1000,
                                                    stratify=y, random_state=0)
pipe = Pipeline([("scale", StandardScaler()),
                 ("mlp", MLPClassifier(max_iter=20, random_state=0))])

# %%
# Grid search: depth, width and learning rate
# -------------------------------------------
# Two depths x three widths x three learning rates = 18 candidates, each fitted on
# 3 folds.
grid = GridSearchCV(pipe, {
    "mlp__hidden_layer_sizes": [(w,) * d for d in (1, 2) for w in (8, 32, 64)],
    "mlp__learning_rate_init": [3e-4, 3e-3, 3e-2],
}, cv=3, n_jobs=2)
grid.fit(X_train, y_train)
print("grid search best:", grid.best_params_, f"CV accuracy {grid.best_score_:.3f}")
print(f"test accuracy of the refitted best model: {grid.score(X_test, y_test):.3f}")

# %%
# The grid's mean cross-validated accuracy, one panel per depth. Too small a learning
# rate leaves 20 epochs too few; wider layers help most at the small rates.
scores = grid.cv_results_["mean_test_score"].reshape(2, 3, 3)  # depth, width, rate
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True, layout="constrained")
for depth, ax in zip((1, 2), axes, strict=True):
    image = ax.imshow(scores[depth - 1], vmin=scores.min(), vmax=1, cmap="viridis")
    for (i, j), value in np.ndenumerate(scores[depth - 1]):
        ax.text(j, i, f"{value:.2f}", ha="center", va="center",
                color="white" if value < 0.6 else "black")
    ax.set_xticks(range(3), ["3e-4", "3e-3", "3e-2"])
    ax.set_yticks(range(3), ["8", "32", "64"])
    ax.set_xlabel("learning_rate_init")
    ax.set_title(f"{depth} hidden layer{'s' if depth > 1 else ''}")
axes[0].set_ylabel("units per hidden layer")
fig.colorbar(image, ax=axes, label="mean CV accuracy")
fig.suptitle("GridSearchCV over depth, width and learning rate")
plt.show()

# %%
# Randomized search: seven hyperparameters at once
# ------------------------------------------------
# Depth, width, learning rate, optimizer, batch size, activation and epochs, with
# 16 draws. The learning rate is drawn log-uniformly, so every decade between 1e-4 and
# 1e-1 gets about the same number of tries.
random_search = RandomizedSearchCV(pipe, {
    "mlp__hidden_layer_sizes": [(w,) * d for d in (1, 2, 3) for w in (16, 32, 64)],
    "mlp__learning_rate_init": loguniform(1e-4, 1e-1),
    "mlp__solver": ["adam", "sgd", "rmsprop", "nadam"],
    "mlp__batch_size": [32, 64, 256],
    "mlp__activation": ["relu", "tanh", "elu"],
    "mlp__max_iter": randint(5, 30),
}, n_iter=16, cv=3, n_jobs=2, random_state=0)
random_search.fit(X_train, y_train)
best = {k.removeprefix("mlp__"): v for k, v in random_search.best_params_.items()}
best["learning_rate_init"] = round(float(best["learning_rate_init"]), 5)
print("randomized search best:", best)
print(f"CV accuracy {random_search.best_score_:.3f}")
print(f"test accuracy of the refitted best model: "
      f"{random_search.score(X_test, y_test):.3f}")

# %%
# Each dot is one candidate: its mean cross-validated accuracy against its learning
# rate (left) and its number of epochs (right), coloured by optimizer. In this short
# training budget the learning rate matters most: most candidates below about 1e-3
# score poorly whatever the optimizer, while most above it reach 0.9 or better. The
# number of epochs matters less, once there are more than a handful.
results = random_search.cv_results_
rates = np.array(results["param_mlp__learning_rate_init"], dtype=float)
epochs = np.array(results["param_mlp__max_iter"], dtype=int)
solvers = np.array(results["param_mlp__solver"], dtype=str)
score = results["mean_test_score"]
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True, layout="constrained")
for k, solver in enumerate(["adam", "sgd", "rmsprop", "nadam"]):
    mask = solvers == solver
    axes[0].scatter(rates[mask], score[mask], color=f"C{k}", label=solver)
    axes[1].scatter(epochs[mask], score[mask], color=f"C{k}", label=solver)
axes[0].set_xscale("log")
axes[0].set_xlabel("learning_rate_init")
axes[1].set_xlabel("max_iter (epochs)")
axes[0].set_ylabel("mean CV accuracy")
axes[0].legend(title="solver")
fig.suptitle(f"RandomizedSearchCV: {len(score)} candidates")
plt.show()
