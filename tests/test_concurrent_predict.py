"""A fitted network predicts from several threads at once (docs/scaling.rst): each
thread has its own scratch buffers, so concurrent calls give the serial answers."""

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sknn import ConvNetClassifier, MLPClassifier
from sknn.nn.layers import conv


def _fitted(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _concurrent_equals_serial(est, batches):
    serial = [est.predict_proba(b) for b in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):  # interleavings differ from round to round
            concurrent = list(pool.map(est.predict_proba, batches))
            for got, expected in zip(concurrent, serial):
                np.testing.assert_array_equal(got, expected)


def test_mlp_predicts_from_several_threads():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 12)), np.arange(300) % 3
    est = _fitted(MLPClassifier((32, 16), max_iter=5, random_state=0), X, y)
    # batch sizes differ (one row takes the light path), so buffers differ per thread
    _concurrent_equals_serial(est, [X[:1], X[:7], X[50:250], X[::3], X[10:11]] * 4)


@pytest.mark.parametrize("workspace", [None, "small"])
def test_convnet_predicts_from_several_threads(workspace, monkeypatch):
    """Also with a patch workspace of a few images, so each call runs sub-batches."""
    rng = np.random.default_rng(0)
    X, y = rng.random((120, 10, 10, 2), dtype=np.float32), np.arange(120) % 4
    est = _fitted(ConvNetClassifier(filters=(4, 8), dense_layers=(16,), max_iter=2,
                                    batch_size=16, random_state=0), X, y)
    if workspace == "small":
        monkeypatch.setattr(conv, "PATCH_WORKSPACE_VALUES", 3 * 10 * 10 * (9 * 2 + 1))
    _concurrent_equals_serial(est, [X[:1], X[:5], X[20:70], X[::7], X[3:4]] * 4)
