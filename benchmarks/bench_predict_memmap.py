"""Bounded-memory prediction: 10 million rows x 100 float32 features from a memmap.

The data (4 GB) is written to a temporary directory and deleted afterwards. A small
MLPRegressor (100-64-1, fitted in float32 on the first 20,000 rows) then predicts every
row in a fresh subprocess, so the memory figures belong to prediction alone:

* ``peak RSS`` (``VmHWM`` of ``/proc/self/status``) counts every resident page,
  including the pages of the memory-mapped file the process has read. Those are the
  kernel's page cache, shared and dropped under memory pressure, but they count.
  (``resource.getrusage(...).ru_maxrss`` is not used: Linux carries the parent's
  high-water mark into a child across ``exec``, and the parent has just written 4 GB
  through a mapping, so the child would report the parent's peak.)
* ``peak private`` is the largest ``RssAnon`` (memory the process itself allocated:
  outputs, per-batch buffers) sampled every 5 ms during ``predict``.

Two ways to read the file are measured:

* ``whole``: ``est.predict(np.memmap(..., mode="r"))`` on the entire array. sknn
  predicts (and checks finiteness) in batches of 4096 rows and releases each batch's
  file pages once read, so both private memory and RSS stay small.
* ``windows``: the file is mapped one window of rows at a time (500,000 by default)
  and each window's mapping is closed before the next, so peak RSS stays bounded too.

Run: ``python benchmarks/bench_predict_memmap.py [--rows 10000000] [--dir /tmp]``
(checks the free space first; needs rows x features x 4 bytes plus 1 GB).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings

import numpy as np

FEATURES = 100
WRITE_ROWS = 250_000


def write_data(path, rows, features):
    """Standard-normal float32 rows written chunk by chunk (never all in memory)."""
    rng = np.random.default_rng(0)
    X = np.memmap(path, dtype=np.float32, mode="w+", shape=(rows, features))
    for start in range(0, rows, WRITE_ROWS):
        stop = min(start + WRITE_ROWS, rows)
        X[start:stop] = rng.standard_normal((stop - start, features), dtype=np.float32)
    X.flush()
    del X


def fit_model(path, rows, features, model_path):
    import joblib

    from sknn import MLPRegressor

    X = np.memmap(path, dtype=np.float32, mode="r", shape=(rows, features))
    n = min(20_000, rows)
    X_fit = np.array(X[:n])
    y_fit = X_fit[:, :5].sum(axis=1) + np.sin(X_fit[:, 5])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MLPRegressor(hidden_layer_sizes=(64,), max_iter=5, random_state=0)
        joblib.dump(model.fit(X_fit, y_fit), model_path)


# -- the measured child process -------------------------------------------------------
def _status_mb(field):
    """A memory figure of this process from /proc/self/status, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rss_anon_mb():
    return _status_mb("RssAnon")


def child(mode, path, rows, features, model_path, window):
    import joblib

    model = joblib.load(model_path)
    out = np.empty(rows, dtype=np.float32)
    baseline, peak, done = _rss_anon_mb(), [0.0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_anon_mb())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    start = time.perf_counter()
    if mode == "whole":
        out[:] = model.predict(np.memmap(path, dtype=np.float32, mode="r", shape=(rows, features)))
    else:
        for first in range(0, rows, window):
            n = min(window, rows - first)
            X = np.memmap(path, dtype=np.float32, mode="r", shape=(n, features),
                          offset=first * features * 4)
            out[first:first + n] = model.predict(X)
            del X  # unmaps the window: its pages leave this process's RSS
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    print(json.dumps({
        "mode": mode, "seconds": seconds, "rows_per_s": rows / seconds,
        "peak_rss_mb": _status_mb("VmHWM"),
        "peak_private_mb": max(peak[0], _rss_anon_mb()), "baseline_private_mb": baseline,
        "checksum": float(np.sum(out, dtype=np.float64)),
    }))


def measure(mode, path, args, model_path):
    cmd = [sys.executable, __file__, "--child", mode, "--rows", str(args.rows),
           "--window", str(args.window), "--data", path, "--model", model_path]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--window", type=int, default=500_000)
    parser.add_argument("--dir", default=None, help="where to put the temporary data")
    parser.add_argument("--modes", nargs="+", default=["whole", "windows"],
                        choices=["whole", "windows"], help="measured in this order")
    parser.add_argument("--child", choices=["whole", "windows"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.data, args.rows, FEATURES, args.model, args.window)

    size = args.rows * FEATURES * 4
    folder = tempfile.mkdtemp(prefix="sknn-bench-memmap-", dir=args.dir)
    try:
        free = shutil.disk_usage(folder).free
        if free < size + 2**30:
            sys.exit(f"needs {(size + 2**30) / 2**30:.1f} GiB free in {folder}; "
                     f"{free / 2**30:.1f} GiB are.")
        path, model_path = os.path.join(folder, "X.f32"), os.path.join(folder, "model.joblib")
        start = time.perf_counter()
        write_data(path, args.rows, FEATURES)
        print(f"wrote {args.rows:,} x {FEATURES} float32 ({size / 2**30:.2f} GiB) "
              f"in {time.perf_counter() - start:.1f} s")
        fit_model(path, args.rows, FEATURES, model_path)
        results = [measure(mode, path, args, model_path) for mode in args.modes]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'mode':8} {'rows/s':>12} {'seconds':>8} {'peak RSS MB':>12} "
          f"{'peak private MB':>16}")
    for r in results:
        print(f"{r['mode']:8} {r['rows_per_s']:12,.0f} {r['seconds']:8.1f} "
              f"{r['peak_rss_mb']:12,.0f} {r['peak_private_mb']:16,.0f}")
    if len(results) > 1:
        same = len({r["checksum"] for r in results}) == 1
        print(f"every mode gives the same predictions: {same}")


if __name__ == "__main__":
    main()
