"""
MLP regression on California housing: 8-30-1 and wide & deep
=============================================================

The textbook's regression example predicts the median house value of California
districts (1990 census) from eight features with a small network: 8 inputs, one
hidden layer of 30 ReLU units, one linear output, trained by SGD on the squared
error. It then adds a *wide & deep* variant, which also feeds the inputs straight
to the output layer, so that simple (nearly linear) patterns need not pass through
the hidden layers.

The data are read with :func:`sknn.datasets.load_housing` from
``../shared/data/housing.csv.gz`` (see :doc:`/citing`). Without that file the script
falls back to scikit-learn's bundled diabetes data, a smaller regression task, and
says so.
"""

# %%
# Load the data
# -------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import MLPRegressor
from sknn.datasets import load_housing
from sknn.plotting import LossCurveDisplay

try:
    X, y = load_housing()
    target = "median house value ($100,000)"
    epochs = 20
    # Rooms, bedrooms and occupants per household and the population are heavily
    # skewed (one district averages over 1,000 occupants per household). Standardizing
    # leaves such outliers hundreds of standard deviations out, and the wide path,
    # linear in its inputs, would extrapolate wildly there: take their logarithm.
    X[:, 2:6] = np.log(X[:, 2:6])
except FileNotFoundError:
    print("housing.csv.gz not found: using scikit-learn's diabetes data instead")
    X, y = load_diabetes(return_X_y=True)
    y = y / 100.0
    target = "disease progression (/100)"
    epochs = 200
print(f"{X.shape[0]} samples, {X.shape[1]} features")

X_full, X_test, y_full, y_test = train_test_split(X, y, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(X_full, y_full, random_state=42)

# %%
# The textbook's 8-30-1 network
# -----------------------------
# SGD with learning rate 1e-3 and (sknn's default) Nesterov momentum, for a fixed
# number of epochs, as in the textbook; the warning that training stopped at
# ``max_iter`` is expected, so it is silenced. The scaler is part of the model.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
sgd = dict(solver="sgd", learning_rate_init=1e-3, max_iter=epochs, batch_size=32,
           n_iter_no_change=epochs, random_state=42)
plain = make_pipeline(StandardScaler(), MLPRegressor(hidden_layer_sizes=(30,), **sgd))
plain.fit(X_train, y_train)
print(plain[-1].summary())

# %%
# Wide & deep
# -----------
# Two hidden layers of 30 units, and the eight inputs concatenated to the last hidden
# layer's output before the output unit: ``wide_and_deep=True``.
wide = make_pipeline(StandardScaler(),
                     MLPRegressor(hidden_layer_sizes=(30, 30), wide_and_deep=True, **sgd))
wide.fit(X_train, y_train)
print(wide[-1].summary())

for name, model in [("8-30-1", plain), ("wide & deep", wide)]:
    mse = np.mean((model.predict(X_test) - y_test) ** 2)
    print(f"{name:12s} test MSE {mse:.3f}, R^2 {model.score(X_test, y_test):.3f}, "
          f"validation R^2 {model.score(X_valid, y_valid):.3f}")

# %%
# Training curves and predictions
# -------------------------------
# Left: the training loss per epoch (half the mean squared error) of both networks.
# Right: predicted against true values on the test set; points on the diagonal are
# perfect predictions. (In the housing data the census capped house values at
# $500,001, hence the vertical wall of points at 5.)
fig, (ax_loss, ax_pred) = plt.subplots(1, 2, figsize=(11, 4.5))
LossCurveDisplay.from_estimator(plain, ax=ax_loss, name="8-30-1",
                                loss_kw={"color": "C0"})
LossCurveDisplay.from_estimator(wide, ax=ax_loss, name="wide & deep",
                                loss_kw={"color": "C3"})
ax_loss.legend(loc="upper right")
ax_loss.set_title("Training loss")

rng = np.random.default_rng(0)
shown = rng.choice(len(y_test), size=min(1500, len(y_test)), replace=False)
for model, color, name in [(plain, "C0", "8-30-1"), (wide, "C3", "wide & deep")]:
    ax_pred.scatter(y_test[shown], model.predict(X_test[shown]), s=4, alpha=0.4,
                    color=color, label=name)
lims = [min(y_test.min(), 0), y_test.max()]
ax_pred.plot(lims, lims, "k--", linewidth=1, label="perfect prediction")
ax_pred.set_xlabel(f"true {target}")
ax_pred.set_ylabel("predicted")
ax_pred.set_title("Test set predictions")
ax_pred.legend(loc="upper left", markerscale=3)
fig.tight_layout()
plt.show()
