"""Logic gates from one sigmoid neuron, and why XOR needs a hidden layer

A neuron computes ``a = g(theta0 + theta1 x1 + theta2 x2)`` with the logistic ``g``.
With large weights ``g`` is nearly a step, and the textbook's choices of ``theta``
turn it into OR, AND, NAND, NOR and NOT. This script

1. prints each gate's truth table from :meth:`sknn.LogicGateNeuron.from_gate`;
2. fits a fresh neuron to each truth table by gradient descent on log-loss and prints
   the weights it learned (smaller than the textbook's, same signs, same gate);
3. tries XOR, which no line separates, and prints the warning ``fit`` gives;
4. prints the hidden activations of :func:`sknn.xor_network`, where hidden units OR
   and NAND feed an output AND: XOR = OR and NAND;
5. if matplotlib is installed, draws every decision boundary with scikit-learn's
   ``DecisionBoundaryDisplay``.

Run with ``python examples/plot_logic_gates.py``.
"""

import warnings

import numpy as np
from scipy.special import expit

from sknn import LogicGateNeuron, xor_network

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
X1 = np.array([[0], [1]])
TRUTH_TABLES = {
    "or": (X2, np.array([0, 1, 1, 1])),
    "and": (X2, np.array([0, 0, 0, 1])),
    "nand": (X2, np.array([1, 1, 1, 0])),
    "nor": (X2, np.array([1, 0, 0, 0])),
    "not": (X1, np.array([1, 0])),
}
XOR = np.array([0, 1, 1, 0])


def _weights(neuron):
    theta = ", ".join(f"{w:6.2f}" for w in (neuron.intercept_, *neuron.coef_))
    return f"(theta0, theta1, ...) = ({theta})"


def print_gate_tables():
    """Each gate's truth table as computed by the neuron with the textbook's weights."""
    print("Gates with the textbook's weights: a = g(theta0 + theta . x)")
    for name, (X, _) in TRUTH_TABLES.items():
        neuron = LogicGateNeuron.from_gate(name)
        print(f"\n  {name.upper():4s} {_weights(neuron)}")
        proba = neuron.predict_proba(X)[:, 1]
        for x, a, label in zip(X, proba, neuron.predict(X)):
            inputs = "  ".join(f"x{i + 1}={v}" for i, v in enumerate(x))
            print(f"    {inputs}   g = {a:.5f}  -> {label}")


def print_learned_weights():
    """Fit a neuron to each truth table and print what it learned."""
    print("\nWeights learned from each truth table (gradient descent on log-loss)")
    for name, (X, y) in TRUTH_TABLES.items():
        neuron = LogicGateNeuron().fit(X, y)
        print(f"  {name.upper():4s} {_weights(neuron)}  accuracy {neuron.score(X, y):.0%} "
              f"after {neuron.n_iter_} epochs")


def print_xor_failure():
    """Fit one neuron to XOR and print the warning it raises."""
    print("\nOne neuron on XOR")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        neuron = LogicGateNeuron().fit(X2, XOR)
    for w in caught:
        print(f"  {w.category.__name__}: {w.message}")
    print(f"  predictions {neuron.predict(X2).tolist()} vs XOR {XOR.tolist()}")
    return neuron


def print_xor_network_table():
    """The textbook's table of the XOR network's hidden and output activations."""
    net = xor_network()
    (W1, W2), (b1, b2) = net.coefs_, net.intercepts_
    hidden = expit(X2 @ W1 + b1)  # a1 = OR(x1, x2), a2 = NAND(x1, x2)
    out = expit(hidden @ W2 + b2)[:, 0]  # AND(a1, a2)
    print("\nTwo-layer XOR network: hidden OR and NAND, output AND")
    print("  x1  x2 | a1 (OR)  a2 (NAND) | h = AND(a1, a2) | predict")
    for x, (a1, a2), h, label in zip(X2, hidden, out, net.predict(X2)):
        print(f"   {x[0]}   {x[1]} | {a1:7.4f}  {a2:9.4f} | {h:15.4f} | {label}")
    return net


def plot_decision_boundaries(xor_neuron, net):
    """Decision regions of the two-input gates, the failed neuron and the XOR network.

    Returns
    -------
    fig : matplotlib Figure, or None when matplotlib is not installed
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(matplotlib is not installed: skipping the decision-boundary plots)")
        return None
    from sklearn.inspection import DecisionBoundaryDisplay

    panels = [(name.upper(), LogicGateNeuron.from_gate(name), y)
              for name, (X, y) in TRUTH_TABLES.items() if X.shape[1] == 2]
    panels += [("XOR, one neuron", xor_neuron, XOR), ("XOR network", net, XOR)]
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.5), sharex=True, sharey=True,
                             layout="constrained")
    for ax, (title, estimator, y) in zip(axes.ravel(), panels):
        disp = DecisionBoundaryDisplay.from_estimator(
            estimator, X2, response_method="predict_proba", ax=ax, cmap="RdBu",
            alpha=0.6, vmin=0, vmax=1, xlabel="x1", ylabel="x2", grid_resolution=200)
        ax.scatter(X2[:, 0], X2[:, 1], c=y, cmap="RdBu", vmin=0, vmax=1, edgecolors="k", s=80)
        ax.set_title(title)
        if estimator is xor_neuron:  # its probabilities sit near 0.5: one flat color
            proba = estimator.predict_proba(X2)[:, 1]
            ax.text(0.5, 0.5, f"no line separates XOR:\nP(1) = {proba.min():.2f} to "
                    f"{proba.max():.2f}\non all four inputs", ha="center", va="center",
                    transform=ax.transAxes, fontsize="small",
                    bbox=dict(facecolor="white", alpha=0.8))
    fig.colorbar(disp.surface_, ax=axes, shrink=0.8, label="P(output = 1)")
    fig.suptitle("P(output = 1): one neuron draws one line; XOR needs two")
    return fig


def main(show=False):
    """Print every table; plot when matplotlib is available (``show`` opens a window)."""
    print_gate_tables()
    print_learned_weights()
    xor_neuron = print_xor_failure()
    net = print_xor_network_table()
    fig = plot_decision_boundaries(xor_neuron, net)
    if fig is not None and show:
        import matplotlib.pyplot as plt

        plt.show()
    return fig


if __name__ == "__main__":
    main(show=True)
