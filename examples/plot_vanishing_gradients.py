"""
Vanishing gradients: sigmoid vs ReLU with He initialization
===========================================================

Backpropagation multiplies the gradient, layer after layer, by the weights and by the
activation's derivative. The logistic function's derivative is at most 0.25, so in a
deep sigmoid network the gradient shrinks on its way back to the input and the first
layers hardly learn: the *vanishing gradients* problem. ReLU's derivative is 1 for
positive inputs, and He initialization scales the weights so that the signal keeps
its size from layer to layer.

Two networks of six hidden layers of 32 units train on the digits; the
:class:`~sknn.diagnostics.GradientNormHistory` callback records the norm of each
layer's weight gradient at the end of every epoch, and
:class:`~sknn.plotting.GradientNormDisplay` draws them.
"""

# %%
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier
from sknn.diagnostics import GradientNormHistory
from sknn.plotting import GradientNormDisplay, LossCurveDisplay

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # fixed epoch budget

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

common = dict(hidden_layer_sizes=(32,) * 6, solver="sgd", momentum=0.9,
              learning_rate_init=0.01, batch_size=64, max_iter=30,
              n_iter_no_change=30, random_state=0)
sigmoid = MLPClassifier(activation="logistic", kernel_initializer="glorot_uniform",
                        **common)
relu = MLPClassifier(activation="relu", kernel_initializer="he_normal", **common)

histories = {}
for name, model in [("sigmoid + Glorot", sigmoid), ("ReLU + He", relu)]:
    histories[name] = GradientNormHistory()
    model.set_callbacks(histories[name]).fit(X, y)
    norms = histories[name].norms_
    ratio = norms[:, 0].mean() / norms[:, -1].mean()
    print(f"{name}: training accuracy {model.score(X, y):.3f}")
    print(f"  first-layer / output-layer gradient norm = {ratio:.1e}")
print("layers:", histories["ReLU + He"].layer_names_)

# %%
# Gradient norm against depth
# ---------------------------
# The median over the 30 epochs, with a band over the middle half of them; layer 1 is
# next to the input, layer 7 is the output layer. In the sigmoid network the gradient
# loses a factor of three to five per layer on its way back, so the first layer gets a
# gradient about a thousand times smaller than the output layer. In the ReLU/He
# network it is about the same size in all seven layers.
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for name, history in histories.items():
    GradientNormDisplay.from_history(history, kind="layers", ax=ax, name=name)
ax.set_title("Per-layer weight-gradient norm, 6 hidden layers")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))  # beside the plot, over no curve
plt.show()

# %%
# Gradient norms over the epochs, and the training loss
# -----------------------------------------------------
# One line per layer, dark on the input side, light on the output side (both panels
# share the y-axis). With sigmoids the lines stay stacked orders of magnitude apart
# for the whole run, and the loss stays at chance level (log 10, about 2.3): the
# network does not learn in 30 epochs. With ReLU and He initialization all layers
# receive gradients of the same size, and the loss falls from the first epoch; the
# gradients then shrink and fluctuate together as the training set is fitted.
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8), layout="constrained")
axes[1].sharey(axes[0])
GradientNormDisplay.from_estimator(sigmoid, ax=axes[0], name="sigmoid + Glorot")
GradientNormDisplay.from_estimator(relu, ax=axes[1], name="ReLU + He")
for ax in axes[:2]:
    ax.get_legend().remove()
fig.legend(handles=axes[0].get_lines(), loc="outside lower center", ncols=7,
           fontsize="small")
LossCurveDisplay.from_estimator(sigmoid, ax=axes[2], name="sigmoid",
                                loss_kw={"color": "C0"})
LossCurveDisplay.from_estimator(relu, ax=axes[2], name="ReLU + He",
                                loss_kw={"color": "C1"})
axes[2].legend(loc="center right")
axes[2].set_title("Training loss")
plt.show()
