"""Epoch time of sknn's MLPClassifier against scikit-learn's (and PyTorch's, if installed).

MNIST test set (../shared/data), first 8,000 images train, last 2,000 test, pixels in
[0, 1] as float32; network 784-256-128-10, relu, adam, batch 128. All frameworks run in
the same process, interleaved, and the script reports ratios of median epoch times,
because the machine is shared and single timings are noise.

Run: ``python benchmarks/bench_mlp.py [--epochs 5] [--repeats 3] [--threads 1]``
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP

from sknn import MLPClassifier
from sknn.datasets import load_mnist

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _results  # noqa: E402
import _workers  # noqa: E402

HIDDEN = (256, 128)


def mnist_split():
    X, y = load_mnist()
    X = X.reshape(len(X), -1).astype(np.float32) / 255.0
    return X[:8000], y[:8000], X[8000:], y[8000:]


def time_estimator(make, X, y, X_test, y_test, epochs):
    """Fit with max_iter=epochs; return (seconds per epoch, held-out accuracy)."""
    est = make(epochs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X, y)
        elapsed = time.perf_counter() - start
    return elapsed / est.n_iter_, est.score(X_test, y_test)


def make_sknn(epochs):
    return MLPClassifier(HIDDEN, batch_size=128, max_iter=epochs, random_state=0,
                         tol=0.0, n_iter_no_change=10**6)


def make_sklearn(epochs):
    return SkMLP(HIDDEN, batch_size=128, max_iter=epochs, random_state=0, tol=0.0,
                 n_iter_no_change=10**6)


def time_torch(X, y, X_test, y_test, epochs):
    """The same network and optimizer in PyTorch (CPU), float32."""
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
        torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(epochs):
        for idx in torch.randperm(len(Xt), generator=gen).split(128):
            opt.zero_grad()
            loss_fn(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    elapsed = time.perf_counter() - start
    with torch.no_grad():
        acc = (model(torch.from_numpy(X_test)).argmax(1).numpy() == y_test).mean()
    return elapsed / epochs, float(acc)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and PyTorch) threads; default: the libraries' own")
    _results.add_json_option(parser, "mlp")
    args = parser.parse_args(argv)
    X, y, X_test, y_test = mnist_split()
    try:
        import torch  # noqa: F401

        runners = {"torch": lambda: time_torch(X, y, X_test, y_test, args.epochs)}
    except ImportError:
        print("PyTorch not installed: comparing with scikit-learn only")
        runners = {}
    if args.threads is not None:
        _workers.limit_threads(args.threads)  # after importing torch, so it is limited too
    print(_workers.header(_results.cpu_model()))
    runners = {"sknn": lambda: time_estimator(make_sknn, X, y, X_test, y_test, args.epochs),
               "sklearn": lambda: time_estimator(make_sklearn, X, y, X_test, y_test,
                                                 args.epochs), **runners}
    results = {name: [] for name in runners}
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit all alike
        for name, run in runners.items():
            results[name].append(run())
    med = {name: float(np.median([t for t, _ in r])) for name, r in results.items()}
    for name, r in results.items():
        print(f"{name:8s} epoch {1000 * med[name]:7.1f} ms (median of {args.repeats}), "
              f"accuracy {r[-1][1]:.4f}")
    print(f"ratio sknn / sklearn epoch time: {med['sknn'] / med['sklearn']:.3f}")
    if "torch" in med:
        print(f"ratio sknn / torch   epoch time: {med['sknn'] / med['torch']:.3f}")
    if args.json:
        labels = {"sknn": "sknn", "sklearn": "scikit-learn", "torch": "PyTorch"}
        _results.write(
            args.json, benchmark="mlp", title="MLPClassifier training (MNIST, 784-256-128-10)",
            description="Median epoch time of the same network (relu, adam, batch 128, "
                        "float32 pixels) on the first 8,000 MNIST test images; accuracy "
                        "on the last 2,000. The frameworks run interleaved in one process.",
            command="python benchmarks/bench_mlp.py --json"
                    + ("" if args.threads is None else f" --threads {args.threads}"),
            settings={"epochs": args.epochs, "repeats": args.repeats,
                      "threads": args.threads or "default"},
            columns=["epoch time (s)", "accuracy"],
            rows=[(labels[n], (med[n], r[-1][1])) for n, r in results.items()],
            ratios=[(f"MLP: sknn / {labels[n]}", med["sknn"] / med[n],
                     "epoch time; below 1 means sknn is faster")
                    for n in ("sklearn", "torch") if n in med])


if __name__ == "__main__":
    main()
