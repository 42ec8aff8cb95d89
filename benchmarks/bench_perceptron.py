"""ThresholdPerceptron vs scikit-learn's compiled Perceptron: 10 epochs on MNIST.

Data: the MNIST test set from ``../shared/data``, first 8,000 images to train, last
2,000 to test, pixels / 255 in float64, 10 classes. Both estimators run 10 shuffled
epochs (``tol=None``) with ``random_state=0``. The machine is noisy, so runs are
interleaved (sknn, sklearn, sknn, ...) and the median of each is reported.

Run from the repository root: ``python benchmarks/bench_perceptron.py [--repeats 5]``.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import Perceptron

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _results  # noqa: E402
from _data import mnist_split  # noqa: E402

from sknn import ThresholdPerceptron  # noqa: E402


def make_estimators():
    """Fresh (name, estimator) pairs with the benchmark's settings."""
    return [
        ("sknn", ThresholdPerceptron(max_iter=10, tol=None, shuffle=True, random_state=0)),
        ("sklearn", Perceptron(max_iter=10, tol=None, shuffle=True, random_state=0)),
    ]


def timed_fit(estimator, X, y):
    """Seconds to fit ``estimator`` on (X, y), wall clock."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no ConvergenceWarning noise with tol=None
        estimator.fit(X, y)
    return time.perf_counter() - start


def run(repeats):
    """Interleave ``repeats`` fits of each estimator; return times and test accuracies."""
    X_train, X_test, y_train, y_test = mnist_split()
    times = {"sknn": [], "sklearn": []}
    accuracy = {}
    for _ in range(repeats):
        for name, estimator in make_estimators():
            times[name].append(timed_fit(estimator, X_train, y_train))
            accuracy[name] = estimator.score(X_test, y_test)
    return times, accuracy


def main(argv=None):
    """Run the benchmark and print the median times, their ratio and accuracies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="fits per estimator")
    _results.add_json_option(parser, "perceptron")
    args = parser.parse_args(argv)
    times, accuracy = run(args.repeats)
    median = {name: float(np.median(t)) for name, t in times.items()}
    print(f"MNIST 8,000 train / 2,000 test, 10 epochs, median of {args.repeats} interleaved runs")
    for name in ("sknn", "sklearn"):
        runs = ", ".join(f"{t:.3f}" for t in times[name])
        print(f"  {name:8s} {median[name]:.3f} s  (runs: {runs})  test accuracy {accuracy[name]:.4f}")
    print(f"  time ratio sknn / sklearn: {median['sknn'] / median['sklearn']:.2f}")
    if args.json:
        _results.write(
            args.json, benchmark="perceptron",
            title="ThresholdPerceptron training (MNIST, 10 epochs)",
            description="Median time of 10 shuffled epochs of the perceptron rule on the "
                        "first 8,000 MNIST test images (float64), against scikit-learn's "
                        "compiled Perceptron; accuracy on the last 2,000.",
            command="python benchmarks/bench_perceptron.py --json",
            settings={"repeats": args.repeats},
            columns=["fit time (s)", "accuracy"],
            rows=[(label, (median[name], accuracy[name]))
                  for name, label in (("sknn", "sknn"), ("sklearn", "scikit-learn"))],
            ratios=[("Perceptron: sknn / scikit-learn", median["sknn"] / median["sklearn"],
                     "fit time; below 1 means sknn is faster")])


if __name__ == "__main__":
    main()
