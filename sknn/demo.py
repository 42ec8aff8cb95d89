"""``python -m sknn demo [section ...]``: the chapter in a few seconds per section.

Each section trains on scikit-learn's bundled datasets (nothing is downloaded) and
prints what it did. Sections: gates, perceptron, autodiff, mlp, convnet.
"""

import time
import warnings

import numpy as np
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

TRUTH = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def gates():
    """One sigmoid neuron per logic gate; XOR needs a hidden layer."""
    from sknn import LogicGateNeuron, xor_network

    for name in ("or", "and", "nand", "nor"):
        neuron = LogicGateNeuron.from_gate(name)
        print(f"  {name.upper():4s} on (00, 01, 10, 11) -> {neuron.predict(TRUTH).tolist()}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogicGateNeuron().fit(TRUTH, [0, 1, 1, 0])
    print(f"  one neuron fitted to XOR warns: {caught[-1].message}" if caught else "")
    net = xor_network()
    hidden = 1 / (1 + np.exp(-(TRUTH @ net.coefs_[0] + net.intercepts_[0])))
    print(f"  xor_network (hidden OR, NAND; output AND) -> {net.predict(TRUTH).tolist()}")
    print(f"  its hidden activations, rounded: {np.round(hidden).astype(int).tolist()}")


def perceptron():
    """The textbook's worked update of a two-unit threshold perceptron."""
    from sknn import ThresholdPerceptron

    p = ThresholdPerceptron(init="ones", eta0=0.1, shuffle=False, max_iter=1)
    p.fit([[0.5, 1.0]], [[1, 0]])
    print("  x = (0.5, 1) labelled cat = [1, 0], eta = 0.1, weights started at 1")
    print(f"  coef_ = {p.coef_.tolist()}, intercept_ = {p.intercept_.tolist()}")


def autodiff():
    """f = (x + y)(2x - 3) at (1, 2): both modes of automatic differentiation."""
    from sknn.autodiff import Dual, Variable

    x, y = Variable(1.0), Variable(2.0)
    f = (x + y) * (2 * x - 3)
    f.backward()
    print(f"  reverse mode, one backward pass: df/dx = {float(x.grad):g}, "
          f"df/dy = {float(y.grad):g}")
    dx = ((Dual(1.0, 1.0) + Dual(2.0, 0.0)) * (2 * Dual(1.0, 1.0) - 3)).tangent
    dy = ((Dual(1.0, 0.0) + Dual(2.0, 1.0)) * (2 * Dual(1.0, 0.0) - 3)).tangent
    print(f"  forward mode, one pass per input:  df/dx = {float(dx):g}, df/dy = {float(dy):g}")


def mlp():
    """MLPs in a Pipeline: digits classification, diabetes regression with MC dropout."""
    from sknn import MLPClassifier, MLPRegressor

    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    model = make_pipeline(StandardScaler(), MLPClassifier((128,), random_state=0))
    start = time.perf_counter()
    model.fit(Xtr, ytr)
    clf = model[-1]
    print(f"  digits: MLPClassifier(128) {clf.n_iter_} epochs in "
          f"{time.perf_counter() - start:.1f} s, held-out accuracy {model.score(Xte, yte):.3f}")
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    reg = make_pipeline(StandardScaler(), MLPRegressor(
        hidden_layer_sizes=(64,), dropout=0.2, learning_rate_init=0.01, max_iter=300,
        early_stopping=True, random_state=0))
    reg.fit(Xtr, ytr)
    mean, std = reg[-1].predict(reg[0].transform(Xte[:3]), mc_samples=50, return_std=True)
    print(f"  diabetes: MLPRegressor(64, dropout=0.2) held-out R^2 {reg.score(Xte, yte):.2f}; "
          "MC dropout for 3 patients: "
          + ", ".join(f"{m:.0f} +/- {s:.0f}" for m, s in zip(mean, std)))
    print("  " + clf.summary().replace("\n", "\n  "))


def convnet():
    """A small CNN on the 8x8 digits images."""
    from sknn import ConvNetClassifier

    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, test_size=0.25, random_state=0,
                                          stratify=y)
    cnn = ConvNetClassifier(input_shape=(8, 8), filters=(16, 32), dense_layers=(64,),
                            max_iter=15, random_state=0)
    start = time.perf_counter()
    cnn.fit(Xtr, ytr)
    print(f"  digits as 8x8 images: ConvNetClassifier(16, 32) {cnn.n_iter_} epochs in "
          f"{time.perf_counter() - start:.1f} s, held-out accuracy {cnn.score(Xte, yte):.3f}")


SECTIONS = {"gates": gates, "perceptron": perceptron, "autodiff": autodiff, "mlp": mlp,
            "convnet": convnet}


def run(names=None):
    """Run the named sections (all by default), each headed by its one-line summary."""
    names = names or list(SECTIONS)
    unknown = sorted(set(names) - set(SECTIONS))
    if unknown:
        raise SystemExit(f"unknown demo section(s) {unknown}; choose from {list(SECTIONS)}")
    for name in names:
        section = SECTIONS[name]
        print(f"\n== {name}: {section.__doc__.splitlines()[0]}")
        with warnings.catch_warnings():
            # Short demo trainings stop at max_iter on purpose.
            warnings.simplefilter("ignore", ConvergenceWarning)
            section()
