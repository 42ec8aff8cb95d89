"""Small tabular MLP workloads of sknn against scikit-learn: adam, L-BFGS, one-row predict.

Data: ``make_classification(20000, 20, random_state=0)``; network ``MLPClassifier((100,))``
with scikit-learn's defaults (relu, alpha 1e-4, batch 200), float64 in both libraries.

* ``adam``: per-epoch time of ``--epochs`` epochs of the default adam solver (tol=0 so
  that both run every epoch: equal work);
* ``lbfgs``: fit time of ``solver="lbfgs"`` for ``--lbfgs-iter`` iterations (tol=0);
* ``predict1``: median latency of ``predict`` on one row of a fitted model (serving).

Each framework runs in its own subprocess (its peak RSS is its own), alternating with
the other one for ``--rounds`` rounds; each worker repeats its workload ``--repeats``
times. The script prints medians, the ratios sknn / scikit-learn, the CPU, the BLAS
kernel and the load average. ``--threads 1 2`` measures with 1 and then 2 BLAS threads.

Run: ``python benchmarks/bench_tabular.py [--workloads adam lbfgs predict1] [--json]``
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

WORKLOADS = ("adam", "lbfgs", "predict1")
FRAMEWORKS = ("sknn", "sklearn")
LABELS = {"sknn": "sknn", "sklearn": "scikit-learn"}


def _data():
    from sklearn.datasets import make_classification

    return make_classification(20000, 20, random_state=0)


def _estimator(framework, **params):
    if framework == "sknn":
        from sknn import MLPClassifier
    else:
        from sklearn.neural_network import MLPClassifier
    return MLPClassifier((100,), random_state=0, **params)


def _fit(est, X, y):
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X, y)
        return time.perf_counter() - start


def run_adam(framework, X, y, args):
    """Seconds per epoch and training accuracy."""
    est = _estimator(framework, max_iter=args.epochs, tol=0.0, n_iter_no_change=10**6)
    seconds = _fit(est, X, y) / est.n_iter_
    return seconds, est.score(X, y)


def run_lbfgs(framework, X, y, args):
    """Fit seconds and training accuracy."""
    est = _estimator(framework, solver="lbfgs", max_iter=args.lbfgs_iter, tol=0.0)
    seconds = _fit(est, X, y)
    return seconds, est.score(X, y)


def run_predict1(framework, X, y, args):
    """Median seconds of one-row ``predict`` over ``--calls`` calls, and accuracy."""
    est = _estimator(framework, max_iter=5)
    _fit(est, X, y)
    row = X[:1].copy()
    times = []
    for _ in range(args.calls):
        start = time.perf_counter()
        est.predict(row)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), est.score(X, y)


def worker(args):
    """Run one workload ``--repeats`` times in this process; print a JSON line."""
    import json

    _workers.limit_threads(args.threads[0])
    X, y = _data()
    run = globals()[f"run_{args.workload}"]
    results = [run(args.worker, X, y, args) for _ in range(args.repeats)]
    print(json.dumps({"seconds": [s for s, _ in results], "score": results[-1][1],
                      "maxrss_mb": _workers.maxrss_mb()}))


def measure(args, workload, threads):
    """Alternate the frameworks' workers; return {framework: (median s, score, rss)}."""
    runs = _workers.alternate(__file__, FRAMEWORKS, args.rounds, [
        "--workload", workload, "--threads", threads, "--repeats", args.repeats,
        "--epochs", args.epochs, "--lbfgs-iter", args.lbfgs_iter, "--calls", args.calls])
    return {f: (_workers.median_seconds(rs), rs[-1]["score"], _workers.peak_rss(rs))
            for f, rs in runs.items()}


UNITS = {"adam": ("epoch", 1e3, "ms"), "lbfgs": ("fit", 1.0, "s"),
         "predict1": ("one-row predict", 1e6, "us")}


def report(workload, threads, med):
    what, scale, unit = UNITS[workload]
    for f, (seconds, score, rss) in med.items():
        print(f"  {workload:8s} {threads} thread(s) {f:8s} {what} {scale * seconds:9.2f} "
              f"{unit}, accuracy {score:.4f}, peak RSS {rss:.0f} MiB")
    ratio = med["sknn"][0] / med["sklearn"][0]
    print(f"  {workload:8s} {threads} thread(s) ratio sknn / scikit-learn: {ratio:.3f}")
    return ratio


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--threads", nargs="+", type=int, default=[1])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lbfgs-iter", type=int, default=100)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--worker", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=WORKLOADS, help=argparse.SUPPRESS)
    _results.add_json_option(parser, "tabular")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    print(_workers.header(_results.cpu_model()))
    rows, ratios = [], []
    for threads in args.threads:
        for workload in args.workloads:
            med = measure(args, workload, threads)
            ratio = report(workload, threads, med)
            what = UNITS[workload][0]
            rows += [(f"{workload}, {threads} thread(s), {LABELS[f]}", v)
                     for f, v in med.items()]
            ratios.append((f"tabular {workload} ({threads} thread(s)): sknn / scikit-learn",
                           ratio, f"{what} time; below 1 means sknn is faster"))
    print(f"load average after: {_workers.load_average()}")
    if args.json:
        _results.write(
            args.json, benchmark="tabular",
            title="MLPClassifier((100,)) on make_classification(20000, 20)",
            description="scikit-learn's default MLP settings (relu, alpha 1e-4, batch 200, "
                        "float64): adam epoch time, L-BFGS fit time and one-row predict "
                        "latency, each library in its own process, alternating; time is the "
                        "median (seconds), accuracy on the training data.",
            command="python benchmarks/bench_tabular.py --json",
            settings={k: getattr(args, k) for k in ("threads", "rounds", "repeats", "epochs",
                                                    "lbfgs_iter", "calls")},
            columns=["time (s)", "accuracy", "peak RSS (MiB)"], rows=rows, ratios=ratios)


if __name__ == "__main__":
    main()
