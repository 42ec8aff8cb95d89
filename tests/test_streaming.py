"""Data larger than memory: ``partial_fit`` over chunks (dask-ml's ``Incremental`` on a
chunked dask array, or a plain loop over a ``numpy.memmap``), and prediction from a
memmap without copying it into memory."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sknn import MLPClassifier, MLPRegressor
from sknn.callbacks import CSVLogger

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y = make_classification(n_samples=2000, n_features=10, n_informative=6, n_classes=3,
                           random_state=0)
X = X.astype(np.float32)
CHUNK = 500


def streamed(model, blocks, **fit_kwargs):
    for Xb, yb in blocks:
        model.partial_fit(Xb, yb, **fit_kwargs)
    return model


def in_memory_blocks():
    return [(X[i:i + CHUNK], Y[i:i + CHUNK]) for i in range(0, len(X), CHUNK)]


def test_incremental_over_a_chunked_dask_array_equals_the_plain_loop():
    da = pytest.importorskip("dask.array")
    wrappers = pytest.importorskip("dask_ml.wrappers")
    model = MLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    Xd, yd = da.from_array(X, chunks=(CHUNK, 10)), da.from_array(Y, chunks=CHUNK)
    inc = wrappers.Incremental(model, shuffle_blocks=False).fit(Xd, yd, classes=np.unique(Y))
    reference = streamed(MLPClassifier(hidden_layer_sizes=(16,), random_state=0),
                         in_memory_blocks(), classes=np.unique(Y))
    assert inc.estimator_.t_ == reference.t_ == len(X)  # every block seen once
    np.testing.assert_array_equal(inc.estimator_.predict_proba(X), reference.predict_proba(X))
    # Prediction through the wrapper runs on the dask blocks, in dask's default threads,
    # all sharing the one fitted network.
    np.testing.assert_array_equal(inc.predict(Xd).compute(), reference.predict(X))
    assert inc.score(Xd, yd) == reference.score(X, Y)


def test_partial_fit_over_a_memmap_equals_in_memory_training(tmp_path):
    path = tmp_path / "X.dat"
    mm = np.memmap(path, dtype=np.float32, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    del mm
    disk = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    blocks = [(disk[i:i + CHUNK], Y[i:i + CHUNK]) for i in range(0, len(X), CHUNK)]
    model = MLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    log = tmp_path / "stream.csv"
    model.set_callbacks(CSVLogger(log, append=True))
    for _ in range(2):  # two passes over the file
        streamed(model, blocks)
    reference = MLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    for _ in range(2):
        streamed(reference, in_memory_blocks())
    np.testing.assert_array_equal(model.predict(disk), reference.predict(X))
    assert len(log.read_text().splitlines()) == 1 + 2 * len(blocks)  # one row per call


def test_concurrent_predict_from_threads_matches_serial_predict():
    # dask's threaded scheduler (dask-ml's Incremental.predict, ParallelPostFit) and
    # joblib's threading backend call predict on one estimator from several threads.
    from concurrent.futures import ThreadPoolExecutor

    model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=3, random_state=0).fit(X, Y)
    blocks = np.array_split(np.tile(X, (5, 1)), 40)
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(model.predict_proba, blocks))
    # Same blocks serially: float32 GEMM rounding depends on the block's row count.
    serial = [model.predict_proba(block) for block in blocks]
    np.testing.assert_array_equal(np.vstack(threaded), np.vstack(serial))


CHILD = textwrap.dedent("""
    import json, sys, threading, time, warnings
    warnings.simplefilter("ignore")
    import joblib, numpy as np

    def rss_anon_mb():  # private (not file-backed) resident memory of this process
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024

    path, model_path, n, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    model = joblib.load(model_path)
    X = np.memmap(path, dtype=np.float32, mode="r", shape=(n, d))
    before, peak, done = rss_anon_mb(), [0.0], threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_anon_mb())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    pred = model.predict(X)
    done.set()
    watcher.join()
    print(json.dumps({"before": before, "peak": max(peak[0], rss_anon_mb()),
                      "n": int(pred.shape[0]), "dtype": str(pred.dtype)}))
""")


@pytest.mark.slow
def test_predicting_from_a_memmap_does_not_load_it_into_memory(tmp_path):
    n, d = 2_000_000, 100  # 800 MB on disk; a copy (or a float64 cast) would show
    path = tmp_path / "big.dat"
    mm = np.memmap(path, dtype=np.float32, mode="w+", shape=(n, d))
    rng = np.random.default_rng(0)
    for start in range(0, n, 250_000):
        mm[start:start + 250_000] = rng.standard_normal((250_000, d), dtype=np.float32)
    mm.flush()
    model = MLPRegressor(hidden_layer_sizes=(32,), max_iter=3, random_state=0).fit(mm[:2000], mm[:2000, 0])
    import joblib

    joblib.dump(model, tmp_path / "model.joblib")
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(tmp_path / "model.joblib"),
                          str(n), str(d)], capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert report["n"] == n and report["dtype"] == "float32"
    # Output (8 MB) plus per-batch buffers; the data itself would add 800 MB.
    assert report["peak"] - report["before"] < 150, report
    np.testing.assert_array_equal(model.predict(mm[:5000]), model.predict(np.array(mm[:5000])))
