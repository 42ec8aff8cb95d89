"""
MLP classification: loss and validation curves
==============================================

A multilayer perceptron learns to read handwritten digits (scikit-learn's 8 x 8
``load_digits`` images). With ``early_stopping=True`` it holds out 10% of the training
data, scores it after every epoch, stops once the score has not improved for
``n_iter_no_change`` epochs and keeps the weights of the best epoch.
:class:`~sknn.plotting.LossCurveDisplay` draws the two curves the estimator
recorded: training loss (``loss_curve_``) and held-out accuracy
(``validation_scores_``).

A second figure shows what the hidden layers buy on a two-dimensional problem, using
scikit-learn's own :class:`~sklearn.inspection.DecisionBoundaryDisplay`.
"""

# %%
# Train on the digits
# -------------------
# Neural networks want inputs on a common scale, so the scaler goes first in a
# pipeline; it is then fitted on the training data only.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits, make_moons
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier
from sknn.plotting import LossCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25,
                                                    stratify=y, random_state=0)
clf = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(64, 32), learning_rate_init=1e-3,
                  early_stopping=True, n_iter_no_change=15, max_iter=300,
                  random_state=0),
)
clf.fit(X_train, y_train)
mlp = clf[-1]
print(f"stopped after {mlp.n_iter_} epochs; best validation accuracy "
      f"{mlp.best_validation_score_:.3f}; test accuracy {clf.score(X_test, y_test):.3f}")
print(mlp.summary())

# %%
# Loss and validation curves
# --------------------------
# The training loss (solid, left axis) keeps falling while the validation accuracy
# (dashed, right axis) levels off; the dotted line marks the best epoch, whose weights
# the model kept. Training stopped once ``n_iter_no_change`` further epochs had brought
# no improvement of at least ``tol``.
disp = LossCurveDisplay.from_estimator(clf, name="64-32 MLP")
disp.ax_.set_title("Digits: training loss and held-out accuracy per epoch")
plt.show()

# %%
# Comparing widths on one plot
# ----------------------------
# Each ``from_estimator`` call can draw on a given axes; the displays then share the
# validation-score axis on the right. Solid lines are training loss (log scale), dashed
# lines validation accuracy, dotted verticals each model's best epoch. The narrow
# network (8 units) learns more slowly, needs more epochs and levels off lower.
fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
for width, color in [(8, "C2"), (64, "C0")]:
    model = make_pipeline(StandardScaler(), MLPClassifier(
        (width,), early_stopping=True, n_iter_no_change=15, max_iter=300,
        random_state=0)).fit(X_train, y_train)
    LossCurveDisplay.from_estimator(model, ax=ax, name=f"{width} hidden units",
                                    loss_kw={"color": color})
    print(f"{width:3d} hidden units: test accuracy {model.score(X_test, y_test):.3f}")
ax.set_yscale("log")
ax.set_title("A narrow and a wide hidden layer")
# one legend below the plot, where it hides no curve
lines = [ln for a in fig.axes for ln in a.get_lines() if not ln.get_label().startswith("_")]
for a in fig.axes:
    if a.get_legend() is not None:
        a.get_legend().remove()
fig.legend(lines, [ln.get_label() for ln in lines], loc="outside lower center", ncols=2,
           fontsize="small")
plt.show()

# %%
# Decision boundaries need a hidden layer
# ---------------------------------------
# On the two interleaved half-moons, a network without a usable hidden layer (one
# identity unit, so a linear model) can only draw a straight boundary, while 32 ReLU
# units bend it around the data.
Xm, ym = make_moons(n_samples=300, noise=0.2, random_state=0)
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
for ax, (title, params) in zip(axes, [
    ("linear (1 identity unit)", dict(hidden_layer_sizes=(1,), activation="identity")),
    ("32 ReLU units", dict(hidden_layer_sizes=(32,), activation="relu")),
], strict=True):
    model = MLPClassifier(learning_rate_init=0.01, max_iter=500, random_state=0,
                          **params).fit(Xm, ym)
    DecisionBoundaryDisplay.from_estimator(model, Xm, ax=ax, alpha=0.4,
                                           response_method="predict_proba")
    ax.scatter(Xm[:, 0], Xm[:, 1], c=ym, cmap="coolwarm", edgecolor="k", s=15)
    ax.set_title(f"{title}: accuracy {model.score(Xm, ym):.2f}")
plt.show()
