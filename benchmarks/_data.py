"""Data for the benchmarks: MNIST and California housing from ``../shared/data``.

The loaders live in :mod:`sknn.datasets` so that tests and examples share them; this
module adds the benchmarks' standard MNIST split.
"""

import numpy as np

from sknn.datasets import HOUSING_FEATURE_NAMES, find_data_dir, load_housing, load_mnist

__all__ = ["HOUSING_FEATURE_NAMES", "cpu_model", "find_data_dir", "load_housing", "load_mnist",
           "mnist_split"]


def mnist_split(data_dir=None, dtype=np.float64, flatten=True):
    """The benchmarks' MNIST split: first 8,000 images train, last 2,000 test.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Passed to :func:`sknn.datasets.load_mnist`.
    dtype : numpy dtype, default=np.float64
        Pixels are divided by 255 in this dtype.
    flatten : bool, default=True
        Return X of shape (n, 784) rather than (n, 28, 28).

    Returns
    -------
    X_train : ndarray of shape (8000, 784) or (8000, 28, 28)
    X_test : ndarray of shape (2000, 784) or (2000, 28, 28)
    y_train : ndarray of shape (8000,)
    y_test : ndarray of shape (2000,)
    """
    X, y = load_mnist(data_dir)
    X = X.astype(dtype) / dtype(255)
    if flatten:
        X = X.reshape(len(X), -1)
    return X[:8000], X[8000:], y[:8000], y[8000:]


def cpu_model():
    """The processor's name (Linux ``/proc/cpuinfo``, else :func:`platform.processor`)
    and the number of CPUs, for the header of a benchmark's report."""
    import os
    import platform

    name = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{name}, {os.cpu_count()} CPU(s)"
