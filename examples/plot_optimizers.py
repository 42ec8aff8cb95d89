"""
Optimizers compared on one problem
==================================

Every optimizer makes a step from the gradient; they differ in how they use the
gradients seen so far. Here each of sknn's stochastic solvers trains the same network
(two hidden layers of 64 ReLU units) from the same initial weights on the same
standardized digits, with the same batch size and number of epochs. Only ``solver``
and the learning rate change. Each optimizer gets the learning rate it is usually run
with: 0.01 for the SGD family (which needs larger steps), 0.001 for the adaptive ones.

L-BFGS, a full-batch quasi-Newton method, has no epochs and so no curve; its final
loss is printed for comparison.
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import MLPClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)  # fixed epoch budget

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

common = dict(hidden_layer_sizes=(64, 64), batch_size=64, max_iter=40,
              n_iter_no_change=40, random_state=0)
optimizers = {
    "SGD": dict(solver="sgd", momentum=0.0, learning_rate_init=0.01),
    "SGD + momentum": dict(solver="sgd", momentum=0.9, nesterovs_momentum=False,
                           learning_rate_init=0.01),
    "SGD + Nesterov": dict(solver="sgd", momentum=0.9, nesterovs_momentum=True,
                           learning_rate_init=0.01),
    "AdaGrad": dict(solver="adagrad", learning_rate_init=0.01),
    "RMSProp": dict(solver="rmsprop", learning_rate_init=0.001),
    "Adam": dict(solver="adam", learning_rate_init=0.001),
    "Adamax": dict(solver="adamax", learning_rate_init=0.001),
    "Nadam": dict(solver="nadam", learning_rate_init=0.001),
    "AdamW": dict(solver="adamw", learning_rate_init=0.001),
}

fitted = {}
for name, params in optimizers.items():
    start = time.perf_counter()
    fitted[name] = MLPClassifier(**common, **params).fit(X_train, y_train)
    print(f"{name:15s} final loss {fitted[name].loss_:.4f}  "
          f"test accuracy {fitted[name].score(X_test, y_test):.3f}  "
          f"({time.perf_counter() - start:.1f} s)")

lbfgs = MLPClassifier(hidden_layer_sizes=(64, 64), solver="lbfgs", max_iter=200,
                      random_state=0).fit(X_train, y_train)
print(f"{'L-BFGS':15s} final loss {lbfgs.loss_:.4f}  "
      f"test accuracy {lbfgs.score(X_test, y_test):.3f}  ({lbfgs.n_iter_} iterations)")

# %%
# Training loss per epoch
# -----------------------
# Log scale. Plain SGD is the slowest. Momentum speeds it up by more than an order of
# magnitude (with or without Nesterov's look-ahead: the two curves nearly coincide
# here). RMSProp gets lowest; Adam, Nadam and AdamW are so close that their curves
# overlap. Adamax is slower, and AdaGrad slower still, because its accumulated squared
# gradients keep shrinking its steps. The black line is where full-batch L-BFGS
# ended.
fig, ax = plt.subplots(figsize=(8, 5))
styles = {"SGD": ":", "SGD + momentum": "--", "SGD + Nesterov": "-."}
for k, (name, model) in enumerate(fitted.items()):
    ax.plot(range(1, len(model.loss_curve_) + 1), model.loss_curve_,
            linestyle=styles.get(name, "-"), color=f"C{k}", label=name)
ax.axhline(lbfgs.loss_, color="k", linewidth=0.8, label="L-BFGS (final)")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log-loss + L2 penalty)")
ax.set_title("Same network, same data, nine optimizers")
ax.legend(ncols=2, fontsize="small", loc="lower left")
plt.show()
