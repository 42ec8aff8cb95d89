"""Epoch time and peak memory of sknn's ConvNetClassifier against PyTorch (CPU).

The network is conv16-maxpool-conv32-maxpool-dense128-10 (3x3 'same' kernels, ReLU,
2x2 max pooling), trained with Adam (learning rate 1e-3), batch 64, float32, on the
first 8,000 MNIST test images; accuracy is measured on the last 2,000.

Each framework runs in its own subprocess, so that its peak resident memory
(``ru_maxrss``) is its own; they alternate for ``--rounds`` rounds and the fastest
epoch of each is reported (the machine may be shared). sknn runs twice: with its BLAS
library's default thread count, and with one BLAS thread (threadpoolctl), because
OpenBLAS's spinning worker threads slow small GEMMs badly when other processes compete
for the cores. PyTorch is optional: without it the script reports sknn alone and says so.

Usage::

    python benchmarks/bench_convnet.py [--epochs 3] [--rounds 2] [--threads N]
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _results  # noqa: E402
import _workers  # noqa: E402

BATCH, LR, N_TRAIN = 64, 1e-3, 8000


def _rss_mb():
    """Current resident set size in MiB (Linux), or NaN elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _data():
    from sknn.datasets import load_mnist

    X, y = load_mnist()
    X = (X.astype(np.float32) / 255)[..., np.newaxis]  # (n, 28, 28, 1), channels last
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def run_sknn(epochs, blas_threads=None):
    """Train sknn for ``epochs`` epochs; return per-epoch seconds, accuracy, memory."""
    import tracemalloc
    import warnings

    from threadpoolctl import threadpool_limits

    from sknn import ConvNetClassifier

    if blas_threads is not None:
        threadpool_limits(limits=blas_threads, user_api="blas")

    X, y, X_test, y_test = _data()
    rss_before = _rss_mb()
    clf = ConvNetClassifier(filters=(16, 32), kernel_size=3, padding="same", pool="max",
                            dense_layers=(128,), batch_size=BATCH, learning_rate_init=LR,
                            alpha=0.0, random_state=0)  # no weight decay, as torch's Adam
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(epochs):
            start = time.perf_counter()
            clf.partial_fit(X, y, classes=np.arange(10))
            times.append(time.perf_counter() - start)
        accuracy = clf.score(X_test, y_test)
        maxrss = _workers.maxrss_mb()  # before tracemalloc, whose own records take memory
        # One more epoch with allocation tracing (slower, so not timed): NumPy reports
        # its array allocations to tracemalloc, so this is sknn's peak array memory.
        tracemalloc.start()
        clf.partial_fit(X, y)
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    name = "sknn" if blas_threads is None else f"sknn, {blas_threads} BLAS thread(s)"
    return dict(framework=name, epoch_s=times, accuracy=accuracy,
                maxrss_mb=maxrss, rss_before_mb=rss_before, traced_peak_mb=traced_peak)


def run_torch(epochs, threads):
    """The same network and training in PyTorch; same result format as run_sknn."""
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    X, y, X_test, y_test = _data()

    def to_nchw(a):  # torch's convolutions take channels first
        return torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))

    Xt, yt, Xv = to_nchw(X), torch.from_numpy(y), to_nchw(X_test)
    rss_before = _rss_mb()
    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    times = _workers.torch_adam_epochs(net, Xt, yt, epochs, BATCH, LR)
    with torch.no_grad():
        accuracy = float((net(Xv).argmax(1).numpy() == y_test).mean())
    return dict(framework="torch", epoch_s=times, accuracy=accuracy,
                maxrss_mb=_workers.maxrss_mb(), rss_before_mb=rss_before, traced_peak_mb=None)


def _spawn(framework, args, blas_threads=None):
    worker_args = ["--worker", framework, "--epochs", args.epochs, "--threads", args.threads]
    if blas_threads is not None:
        worker_args += ["--blas-threads", blas_threads]
    return _workers.spawn(__file__, worker_args)


def _best(runs):
    return min(min(r["epoch_s"]) for r in runs)


def _report(results):
    print(f"{'framework':26s} {'best epoch (s)':>14s} {'epochs of that run (s)':>24s} "
          f"{'accuracy':>9s} {'peak RSS':>10s} {'RSS growth':>11s} {'traced peak':>12s}")
    for name, runs in results.items():
        r = min(runs, key=lambda r: min(r["epoch_s"]))
        traced = "-" if r["traced_peak_mb"] is None else f"{r['traced_peak_mb']:.0f} MiB"
        epochs = " ".join(f"{t:.2f}" for t in r["epoch_s"])
        print(f"{r['framework']:26s} {_best(runs):14.3f} {epochs:>24s} {r['accuracy']:9.4f} "
              f"{r['maxrss_mb']:7.0f} MiB {r['maxrss_mb'] - r['rss_before_mb']:7.0f} MiB "
              f"{traced:>12s}")
    if "torch" in results:
        print()
        for name in (k for k in results if k != "torch"):
            ratio = _best(results[name]) / _best(results["torch"])
            print(f"epoch-time ratio {results[name][0]['framework']} / PyTorch: {ratio:.2f} "
                  "(issue 13 target <= 1.0)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                        help="PyTorch intra-op threads (NumPy's BLAS uses its default)")
    parser.add_argument("--worker", choices=["sknn", "torch"], help=argparse.SUPPRESS)
    parser.add_argument("--blas-threads", type=int, default=None, help=argparse.SUPPRESS)
    _results.add_json_option(parser, "convnet")
    args = parser.parse_args(argv)
    if args.worker == "sknn":
        print(json.dumps(run_sknn(args.epochs, args.blas_threads)))
        return
    if args.worker == "torch":
        print(json.dumps(run_torch(args.epochs, args.threads)))
        return
    # (key, worker, BLAS threads): sknn as installed, sknn on one BLAS thread, torch
    runs = [("sknn", "sknn", None), ("sknn-1", "sknn", 1)]
    runs += [("torch", "torch", None)] if _workers.torch_available() else []
    if len(runs) == 2:
        print("PyTorch is not installed: reporting sknn alone "
              "(pip install torch to compare).")
    print(f"MNIST {N_TRAIN} images, batch {BATCH}, adam, float32, {args.epochs} epochs, "
          f"{args.rounds} round(s), {os.cpu_count()} CPU(s)")
    results = {key: [] for key, _, _ in runs}
    for _ in range(args.rounds):
        for key, worker, blas_threads in runs:
            results[key].append(_spawn(worker, args, blas_threads))
    _report(results)
    if args.json:
        _write_json(args, results)


def _write_json(args, results):
    labels = {"sknn": "sknn", "sknn-1": "sknn, 1 BLAS thread", "torch": "PyTorch"}
    rows = []
    for key, runs in results.items():
        best = min(runs, key=lambda r: min(r["epoch_s"]))
        rows.append((labels[key], (_best(runs), best["accuracy"], best["maxrss_mb"])))
    ratios = [(f"CNN: {labels[key]} / PyTorch", _best(results[key]) / _best(results["torch"]),
               "epoch time; below 1 means sknn is faster")
              for key in results if key != "torch" and "torch" in results]
    _results.write(
        args.json, benchmark="convnet",
        title="ConvNetClassifier training (MNIST, conv16-pool-conv32-pool-dense128)",
        description="Fastest epoch of each framework (adam, batch 64, float32) on the first "
                    "8,000 MNIST test images, each in its own process; accuracy on the "
                    "last 2,000; peak resident memory of the process.",
        command="python benchmarks/bench_convnet.py --json",
        settings={"epochs": args.epochs, "rounds": args.rounds, "torch_threads": args.threads},
        columns=["best epoch (s)", "accuracy", "peak RSS (MiB)"], rows=rows, ratios=ratios)


if __name__ == "__main__":
    main()
