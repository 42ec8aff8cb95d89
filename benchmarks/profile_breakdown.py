"""Where a training step's time goes: GEMM against everything else, per layer.

Wraps ``numpy.dot`` and ``numpy.matmul`` (the core's GEMMs go through them) and each
layer's ``forward``/``backward`` and the optimizer's ``step`` with timers, trains one
of the benchmark workloads for ``--epochs`` epochs on one BLAS thread, and prints per
layer: forward and backward time, the part of it spent in GEMM, and the rest of the
step (batch gather, loss, optimizer, Python). The timers cost a few microseconds per
call, so the small-network numbers overstate the overhead a little.

Run: ``python benchmarks/profile_breakdown.py {mnist,tabular,lbfgs,cifar,rgb100}``
"""

import argparse
import collections
import sys
import time
import warnings

import numpy as np

WORKLOADS = ("mnist", "tabular", "lbfgs", "cifar", "rgb100")
_TIMES = collections.defaultdict(float)
_CALLS = collections.Counter()
_STACK = []  # names of the layer methods being timed, innermost last


def _timed(name, fn):
    def wrapper(*args, **kwargs):
        _STACK.append(name)
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _TIMES[name] += time.perf_counter() - start
            _CALLS[name] += 1
            _STACK.pop()
    return wrapper


def _timed_gemm(fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            owner = _STACK[-1] if _STACK else "outside layers"
            _TIMES[f"GEMM in {owner}"] += time.perf_counter() - start
    return wrapper


def instrument(net, optimizer_cls):
    """Put timers on ``net``'s layers, NumPy's GEMM entry points and the optimizer."""
    np.dot, np.matmul = _timed_gemm(np.dot), _timed_gemm(np.matmul)
    for i, layer in enumerate(net.layers):
        label = f"{i}:{type(layer).__name__}"
        layer.forward = _timed(f"{label}.forward", layer.forward)
        layer.backward = _timed(f"{label}.backward", layer.backward)
    optimizer_cls.step = _timed("optimizer.step", optimizer_cls.step)


def _estimator_and_data(workload):
    from sklearn.datasets import make_classification

    from sknn import ConvNetClassifier, MLPClassifier

    if workload in ("tabular", "lbfgs"):
        X, y = make_classification(20000, 20, random_state=0)
        solver = "lbfgs" if workload == "lbfgs" else "adam"
        return MLPClassifier((100,), solver=solver, random_state=0, tol=0.0,
                             n_iter_no_change=10**6), X, y
    if workload == "mnist":
        from _data import mnist_split

        X, _, y, _ = mnist_split(dtype=np.float32)
        return MLPClassifier((256, 128), batch_size=128, random_state=0, tol=0.0,
                             n_iter_no_change=10**6), X, y
    size, n = (32, 2048) if workload == "cifar" else (100, 384)
    rng = np.random.default_rng(0)
    X = rng.random((n, size, size, 3), dtype=np.float32)
    return ConvNetClassifier(filters=(32, 64), dense_layers=(128,), batch_size=32, alpha=0.0,
                             random_state=0), X, rng.integers(0, 10, n)


def main(argv=None):
    from threadpoolctl import threadpool_limits

    from sknn.nn import optimizers

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    threadpool_limits(1)
    est, X, y = _estimator_and_data(args.workload)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.set_params(max_iter=1).fit(X, y)  # builds the network (and warms up)
        instrument(est.network_, optimizers.Optimizer)
        est.set_params(max_iter=args.epochs, warm_start=True)
        start = time.perf_counter()
        est.fit(X, y)
        total = time.perf_counter() - start
    layer_total = sum(t for k, t in _TIMES.items()
                      if k.endswith((".forward", ".backward")) and not k.startswith("GEMM"))
    gemm_total = sum(t for k, t in _TIMES.items() if k.startswith("GEMM"))
    print(f"{args.workload}: {total:.3f} s for {args.epochs} epoch(s) or iterations")
    print(f"{'part':34s} {'seconds':>8s} {'share':>6s} {'GEMM s':>7s} {'calls':>7s}")
    for key in sorted(k for k in _TIMES if not k.startswith("GEMM")):
        gemm = _TIMES.get(f"GEMM in {key}", 0.0)
        print(f"{key:34s} {_TIMES[key]:8.3f} {_TIMES[key] / total:6.1%} {gemm:7.3f} "
              f"{_CALLS[key]:7d}")
    rest = total - layer_total - _TIMES["optimizer.step"]
    print(f"{'everything else (gather, loss, Python)':34s} {rest:8.3f} {rest / total:6.1%}")
    print(f"GEMM {gemm_total:.3f} s = {gemm_total / total:.1%} of the total")


if __name__ == "__main__":
    sys.exit(main())
