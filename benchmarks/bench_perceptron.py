"""ThresholdPerceptron vs scikit-learn's compiled Perceptron: 10 epochs on MNIST.

Data: the MNIST test set from ``../shared/data``, first 8,000 images to train, last
2,000 to test, pixels / 255 in float64, 10 classes. Both estimators run 10 shuffled
epochs (``tol=None``) with ``random_state=0``. Each runs in its own process (its peak
RSS is its own); the machine is noisy, so the processes alternate (sknn, sklearn,
sknn, ...) for ``--rounds`` rounds and the median of each is reported. Each worker
first fits one untimed epoch, so that the times are not a fresh process's first.

Run from the repository root: ``python benchmarks/bench_perceptron.py [--rounds 5]``.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

from sklearn.linear_model import Perceptron

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _results  # noqa: E402
import _workers  # noqa: E402
from _data import mnist_split  # noqa: E402

from sknn import ThresholdPerceptron  # noqa: E402

LABELS = {"sknn": "sknn", "sklearn": "scikit-learn"}


def make_estimator(name):
    """A fresh estimator with the benchmark's settings."""
    cls = ThresholdPerceptron if name == "sknn" else Perceptron
    return cls(max_iter=10, tol=None, shuffle=True, random_state=0)


def timed_fit(estimator, X, y):
    """Seconds to fit ``estimator`` on (X, y), wall clock."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # no ConvergenceWarning noise with tol=None
        estimator.fit(X, y)
    return time.perf_counter() - start


def worker(args):
    """Fit one estimator ``--repeats`` times in this process; print a JSON line."""
    import json

    X_train, X_test, y_train, y_test = mnist_split()
    # untimed: a fresh process's first fit also pays page faults and library setup
    timed_fit(make_estimator(args.worker).set_params(max_iter=1), X_train, y_train)
    times = []
    for _ in range(args.repeats):
        estimator = make_estimator(args.worker)
        times.append(timed_fit(estimator, X_train, y_train))
    print(json.dumps({"seconds": times, "accuracy": estimator.score(X_test, y_test),
                      "maxrss_mb": _workers.maxrss_mb()}))


def main(argv=None):
    """Run the benchmark and print the median times, their ratio and accuracies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="worker processes per estimator")
    parser.add_argument("--repeats", type=int, default=1, help="fits per worker process")
    parser.add_argument("--worker", choices=list(LABELS), help=argparse.SUPPRESS)
    _results.add_json_option(parser, "perceptron")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    print(_workers.header(_results.cpu_model()))
    runs = _workers.alternate(__file__, list(LABELS), args.rounds, ["--repeats", args.repeats])
    median = {name: _workers.median_seconds(rs) for name, rs in runs.items()}
    print(f"MNIST 8,000 train / 2,000 test, 10 epochs, median of {args.rounds} alternating "
          "processes")
    for name, rs in runs.items():
        times = ", ".join(f"{t:.3f}" for r in rs for t in r["seconds"])
        print(f"  {name:8s} {median[name]:.3f} s  (runs: {times})  test accuracy "
              f"{rs[-1]['accuracy']:.4f}, peak RSS {_workers.peak_rss(rs):.0f} MiB")
    print(f"  time ratio sknn / sklearn: {median['sknn'] / median['sklearn']:.2f}")
    if args.json:
        _results.write(
            args.json, benchmark="perceptron",
            title="ThresholdPerceptron training (MNIST, 10 epochs)",
            description="Median time of 10 shuffled epochs of the perceptron rule on the "
                        "first 8,000 MNIST test images (float64), against scikit-learn's "
                        "compiled Perceptron; accuracy on the last 2,000; peak resident "
                        "memory. Each runs in its own process, alternating, after an "
                        "untimed one-epoch fit.",
            command="python benchmarks/bench_perceptron.py --json",
            settings={"rounds": args.rounds, "repeats": args.repeats},
            columns=["fit time (s)", "accuracy", "peak RSS (MiB)"],
            rows=[(LABELS[name], (median[name], rs[-1]["accuracy"], _workers.peak_rss(rs)))
                  for name, rs in runs.items()],
            ratios=[("Perceptron: sknn / scikit-learn", median["sknn"] / median["sklearn"],
                     "fit time; below 1 means sknn is faster")])


if __name__ == "__main__":
    main()
