"""Prediction over a read-only memmap does not leave the file's pages resident."""

import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from sknn import MLPRegressor
from sknn._memmap import page_releaser

STATUS = Path("/proc/self/status")


def file_rss_mb():
    line = next(l for l in STATUS.read_text().splitlines() if l.startswith("RssFile"))
    return int(line.split()[1]) / 1024


@pytest.fixture
def mapped(tmp_path):
    path = tmp_path / "X.npy"
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(150_000, 100))
    X[:] = np.random.default_rng(0).random(X.shape, dtype=np.float32)
    X.flush()
    del X
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux") or not STATUS.exists(),
                    reason="reads the resident file pages from Linux's /proc")
def test_predict_over_memmap_releases_pages_and_predicts_the_same(mapped):
    X = np.load(mapped, mmap_mode="r")  # 60 MB
    est = MLPRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    est.fit(np.array(X[:1000]), np.arange(1000.0))
    before, peak, done = file_rss_mb(), [0.0], threading.Event()

    def watch():  # the peak, not just the end: a full pass over X would show here
        while not done.is_set():
            peak[0] = max(peak[0], file_rss_mb())
            time.sleep(0.0005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        predicted = est.predict(X)
    finally:
        done.set()
        watcher.join()
    assert peak[0] - before < 15  # without releasing, all 60 MB become resident
    np.testing.assert_array_equal(predicted, est.predict(np.array(X)))


def test_pages_are_released_only_for_read_only_maps(mapped):
    assert page_releaser(np.load(mapped, mmap_mode="r")) is not None
    assert page_releaser(np.asarray(np.load(mapped, mmap_mode="r"))) is not None  # a view
    assert page_releaser(np.load(mapped, mmap_mode="c")) is None  # would drop edits
    assert page_releaser(np.load(mapped, mmap_mode="r+")) is None
    assert page_releaser(np.ones((3, 2))) is None
