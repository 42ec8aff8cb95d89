"""Epoch time of sknn's MLPClassifier against scikit-learn's (and PyTorch's, if installed).

MNIST test set (../shared/data), first 8,000 images train, last 2,000 test, pixels in
[0, 1] as float32; network 784-256-128-10, relu, adam, batch 128. Each framework trains
in its own process (its peak RSS is its own), alternating with the others for
``--rounds`` rounds, and the script reports the median epoch time, the peak RSS and the
ratios of the epoch times, because the machine is shared and single timings are noise.
Each worker first trains one untimed epoch, so that the times are steady-state epochs.

Run: ``python benchmarks/bench_mlp.py [--epochs 5] [--rounds 3] [--threads 1]``
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _results  # noqa: E402
import _workers  # noqa: E402
from _data import mnist_split  # noqa: E402

HIDDEN = (256, 128)
LABELS = {"sknn": "sknn", "sklearn": "scikit-learn", "torch": "PyTorch"}


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


def worker(args):
    """Train one framework ``--repeats`` times in this process; print a JSON line."""
    import json

    if args.worker == "torch":
        import torch  # noqa: F401  (imported first, so that limit_threads sets its threads)
    if args.threads is not None:
        _workers.limit_threads(args.threads)
    X, X_test, y, y_test = mnist_split(dtype=np.float32)
    make = {"sknn": make_sknn, "sklearn": make_sklearn}.get(args.worker)

    def run(epochs):
        return (time_estimator(make, X, y, X_test, y_test, epochs) if make else
                time_torch(X, y, X_test, y_test, epochs))

    run(1)  # untimed: a fresh process's first epoch also pays page faults and library setup
    results = [run(args.epochs) for _ in range(args.repeats)]
    print(json.dumps({"seconds": [s for s, _ in results], "accuracy": results[-1][1],
                      "maxrss_mb": _workers.maxrss_mb()}))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=1, help="fits per worker process")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS (and PyTorch) threads; default: the libraries' own")
    parser.add_argument("--worker", choices=list(LABELS), help=argparse.SUPPRESS)
    _results.add_json_option(parser, "mlp")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    frameworks = ["sknn", "sklearn"] + (["torch"] if _workers.torch_available() else [])
    if "torch" not in frameworks:
        print("PyTorch not installed: comparing with scikit-learn only")
    print(_workers.header(_results.cpu_model()))
    worker_args = ["--epochs", args.epochs, "--repeats", args.repeats]
    worker_args += [] if args.threads is None else ["--threads", args.threads]
    runs = _workers.alternate(__file__, frameworks, args.rounds, worker_args)
    med = {f: _workers.median_seconds(rs) for f, rs in runs.items()}
    for f, rs in runs.items():
        print(f"{f:8s} epoch {1000 * med[f]:7.1f} ms (median of {len(rs)} runs), accuracy "
              f"{rs[-1]['accuracy']:.4f}, peak RSS {_workers.peak_rss(rs):.0f} MiB")
    for f in frameworks[1:]:
        print(f"ratio sknn / {f:7s} epoch time: {med['sknn'] / med[f]:.3f}")
    if args.json:
        _results.write(
            args.json, benchmark="mlp", title="MLPClassifier training (MNIST, 784-256-128-10)",
            description="Median epoch time of the same network (relu, adam, batch 128, "
                        "float32 pixels) on the first 8,000 MNIST test images; accuracy "
                        "on the last 2,000; peak resident memory. Each framework runs in "
                        "its own process, alternating, after one untimed epoch.",
            command="python benchmarks/bench_mlp.py --json"
                    + ("" if args.threads is None else f" --threads {args.threads}"),
            settings={"epochs": args.epochs, "rounds": args.rounds, "repeats": args.repeats,
                      "threads": args.threads or "default"},
            columns=["epoch time (s)", "accuracy", "peak RSS (MiB)"],
            rows=[(LABELS[f], (med[f], rs[-1]["accuracy"], _workers.peak_rss(rs)))
                  for f, rs in runs.items()],
            ratios=[(f"MLP: sknn / {LABELS[f]}", med["sknn"] / med[f],
                     "epoch time; below 1 means sknn is faster") for f in frameworks[1:]])


if __name__ == "__main__":
    main()
