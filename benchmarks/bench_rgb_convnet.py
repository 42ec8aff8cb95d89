"""RGB convnet training of sknn against PyTorch: CIFAR-sized 32x32x3 and 100x100x3 images.

Network conv32-maxpool-conv64-maxpool-dense128-10 (3x3 'same' kernels, ReLU, 2x2 max
pooling), Adam (learning rate 1e-3, no weight decay), batch 32, float32. The images are
random (seed 0) with random labels: speed and memory do not depend on what is learnt,
and no data set has to be downloaded. ``--images`` sets how many per size (defaults:
2,048 at 32x32, 384 at 100x100).

Each framework trains ``--epochs`` epochs in its own subprocess (its peak RSS is its
own), alternating with the other for ``--rounds`` rounds. The script prints the median
epoch time, the peak RSS and their ratios sknn / PyTorch, with the CPU, the BLAS kernel
and the load average. ``--threads 1 2`` measures with 1 and then 2 threads (BLAS
threads for sknn, intra-op threads for PyTorch). PyTorch is optional: without it the
script reports sknn alone.

Run: ``python benchmarks/bench_rgb_convnet.py [--sizes 32 100] [--threads 1] [--json]``
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _results  # noqa: E402
import _workers  # noqa: E402

BATCH, LR, N_CLASSES = 32, 1e-3, 10
DEFAULT_IMAGES = {32: 2048, 100: 384}
LABELS = {"sknn": "sknn", "torch": "PyTorch"}


def _data(size, n_images):
    """Random channels-last float32 images in [0, 1) and labels."""
    rng = np.random.default_rng(0)
    X = rng.random((n_images, size, size, 3), dtype=np.float32)
    return X, rng.integers(0, N_CLASSES, n_images)


def run_sknn(X, y, epochs):
    """Seconds of each epoch of sknn's ConvNetClassifier."""
    from sknn import ConvNetClassifier

    clf = ConvNetClassifier(filters=(32, 64), kernel_size=3, padding="same", pool="max",
                            dense_layers=(128,), batch_size=BATCH, learning_rate_init=LR,
                            alpha=0.0, random_state=0)
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(epochs):
            start = time.perf_counter()
            clf.partial_fit(X, y, classes=np.arange(N_CLASSES))
            times.append(time.perf_counter() - start)
    return times


def run_torch(X, y, epochs):
    """Seconds of each epoch of the same network and training in PyTorch."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    size = X.shape[1]
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))  # channels first
    yt = torch.from_numpy(y)
    net = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(64 * (size // 4) ** 2, 128), nn.ReLU(), nn.Linear(128, N_CLASSES))
    times = _workers.torch_adam_epochs(net, Xt, yt, epochs, BATCH, LR)
    return times


def worker(args):
    import json

    if args.worker == "torch":
        import torch  # noqa: F401  (imported first, so that limit_threads sets its threads)
    _workers.limit_threads(args.threads[0])
    X, y = _data(args.sizes[0], args.images)
    times = (run_sknn if args.worker == "sknn" else run_torch)(X, y, args.epochs)
    # scikit-learn imports pandas (and pyarrow) whenever installed: part of sknn's peak
    print(json.dumps({"seconds": times, "maxrss_mb": _workers.maxrss_mb(),
                      "pandas": "pandas" in sys.modules}))


def measure(args, size, threads, frameworks):
    """Alternate the frameworks' workers; return the number of images,
    {framework: (median epoch s, peak RSS)} and whether pandas was loaded in sknn's."""
    n_images = args.images or DEFAULT_IMAGES.get(size, 384)
    runs = _workers.alternate(__file__, frameworks, args.rounds, [
        "--sizes", size, "--threads", threads, "--images", n_images, "--epochs", args.epochs])
    med = {f: (_workers.median_seconds(rs), _workers.peak_rss(rs)) for f, rs in runs.items()}
    return n_images, med, any(r["pandas"] for r in runs["sknn"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[32, 100])
    parser.add_argument("--threads", nargs="+", type=int, default=[1])
    parser.add_argument("--images", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", choices=list(LABELS), help=argparse.SUPPRESS)
    _results.add_json_option(parser, "rgb_convnet")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    frameworks = ["sknn", "torch"] if _workers.torch_available() else ["sknn"]
    if len(frameworks) == 1:
        print("PyTorch is not installed: reporting sknn alone (pip install torch to compare).")
    print(_workers.header(_results.cpu_model()))
    rows, ratios, pandas = [], [], False
    for threads in args.threads:
        for size in args.sizes:
            n_images, med, pandas_here = measure(args, size, threads, frameworks)
            pandas = pandas or pandas_here
            what = f"{size}x{size}x3, {n_images} images, {threads} thread(s)"
            for f, (seconds, rss) in med.items():
                print(f"  {what}: {f:5s} epoch {seconds:7.3f} s, peak RSS {rss:5.0f} MiB")
                rows.append((f"{what}, {LABELS[f]}", (seconds, rss)))
            if "torch" in med:
                t_ratio = med["sknn"][0] / med["torch"][0]
                m_ratio = med["sknn"][1] / med["torch"][1]
                print(f"  {what}: ratio sknn / PyTorch epoch time {t_ratio:.3f}, "
                      f"peak RSS {m_ratio:.3f}")
                ratios += [(f"RGB {size}x{size} ({threads} thread(s)): sknn / PyTorch",
                            t_ratio, "epoch time; below 1 means sknn is faster"),
                           (f"RGB {size}x{size} ({threads} thread(s)) peak RSS: sknn / PyTorch",
                            m_ratio, "peak resident memory; below 1 means sknn uses less")]
    if pandas:
        print("note: scikit-learn imported pandas in the sknn workers (it does whenever pandas "
              "is installed); that import is part of sknn's peak RSS here")
    print(f"load average after: {_workers.load_average()}")
    if args.json:
        _results.write(
            args.json, benchmark="rgb_convnet",
            title="ConvNetClassifier training on RGB images (conv32-pool-conv64-pool-dense128)",
            description="Median epoch time (adam, batch 32, float32, random images) and peak "
                        "resident memory, each framework in its own process, alternating.",
            command="python benchmarks/bench_rgb_convnet.py --json",
            settings={"sizes": args.sizes, "threads": args.threads, "epochs": args.epochs,
                      "pandas imported by scikit-learn": pandas,
                      "rounds": args.rounds},
            columns=["epoch time (s)", "peak RSS (MiB)"], rows=rows, ratios=ratios)


if __name__ == "__main__":
    main()
