"""Loaders for the data sets that sknn's tests, benchmarks and examples share.

The files are not shipped with the package: they live in a ``shared/data`` folder
beside the checkout (``<repo>/../shared/data``). A loader looks for them in

1. the ``data_dir`` argument, when given;
2. the ``SKNN_DATA_DIR`` environment variable, when set;
3. ``../shared/data`` relative to the source checkout this module was imported from;
4. ``../shared/data`` relative to the current directory (a non-editable install run
   from the checkout's root, as CI does).

and raises :class:`FileNotFoundError` naming every place it tried otherwise.
"""

import csv
import gzip
import io
import os
import struct
from pathlib import Path

import numpy as np

__all__ = ["HOUSING_FEATURE_NAMES", "find_data_dir", "load_housing", "load_mnist"]

MNIST_IMAGES = "t10k-images-idx3-ubyte.gz"
MNIST_LABELS = "t10k-labels-idx1-ubyte.gz"
HOUSING_CSV = "housing.csv.gz"

#: Column names of :func:`load_housing`'s X, in scikit-learn's California-housing order.
HOUSING_FEATURE_NAMES = (
    "MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population", "AveOccup", "Latitude",
    "Longitude",
)  # fmt: skip


def _candidate_dirs(data_dir):
    if data_dir is not None:
        return [Path(data_dir)]
    dirs = []
    if os.environ.get("SKNN_DATA_DIR"):
        dirs.append(Path(os.environ["SKNN_DATA_DIR"]))
    dirs.append(Path(__file__).resolve().parents[1].parent / "shared" / "data")
    dirs.append(Path.cwd().resolve().parent / "shared" / "data")
    return dirs


def find_data_dir(filename, data_dir=None):
    """The first candidate folder holding ``filename``.

    Parameters
    ----------
    filename : str
        A file name such as ``"t10k-images-idx3-ubyte.gz"``.
    data_dir : str or path-like, optional
        Look only here.

    Returns
    -------
    path : pathlib.Path
        The folder.

    Raises
    ------
    FileNotFoundError
        When no candidate folder holds the file; the message lists the folders tried.
    """
    tried = _candidate_dirs(data_dir)
    for folder in tried:
        if (folder / filename).is_file():
            return folder
    raise FileNotFoundError(
        f"{filename} not found in {', '.join(str(d) for d in tried)}. sknn's data sets "
        "live in a shared/data folder beside the checkout; pass data_dir= or set "
        "SKNN_DATA_DIR to the folder that holds them."
    )


def _read_idx(path, magic, ndim):
    """Read one gzipped IDX file: big-endian magic and sizes, then uint8 data."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    header = 4 * (1 + ndim)
    if len(raw) < header:
        raise ValueError(f"{path} is too short to be an IDX file")
    found, *shape = struct.unpack(f">{1 + ndim}I", raw[:header])
    if found != magic:
        raise ValueError(f"{path} has IDX magic number {found}, expected {magic}")
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} holds {data.size} values, its header says shape {shape}")
    return data.reshape(shape)


def load_mnist(data_dir=None):
    """The MNIST test set: 10,000 handwritten digits of 28 x 28 pixels.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Folder holding ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz``;
        found as described in the module docstring when omitted.

    Returns
    -------
    X : ndarray of shape (10000, 28, 28), dtype uint8
        Grey levels 0 (background) to 255 (ink).
    y : ndarray of shape (10000,), dtype int64
        Digit labels 0-9.

    Notes
    -----
    sknn's benchmarks use the first 8,000 images for training and the last 2,000 for
    testing, with pixels divided by 255.
    """
    folder = find_data_dir(MNIST_IMAGES, data_dir)
    X = _read_idx(folder / MNIST_IMAGES, magic=2051, ndim=3)
    y = _read_idx(find_data_dir(MNIST_LABELS, folder) / MNIST_LABELS, magic=2049, ndim=1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"MNIST files disagree: {X.shape[0]} images but {y.shape[0]} labels")
    # frombuffer arrays are read-only views of the file's bytes; give callers their own
    return X.copy(), y.astype(np.int64)


def _housing_columns(path):
    """The housing table's numeric columns as float arrays keyed by header name."""
    with gzip.open(path, "rt", newline="") as fh:
        text = fh.read()
    # the shared copy was saved as a Python bytes literal: b'<csv>'\n; unwrap it
    if text[:2] in ("b'", 'b"'):
        text = text[2:].rstrip().removesuffix(text[1])
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    header, body = rows[0], rows[1:]
    columns = {}
    for j, name in enumerate(header):
        if name == "ocean_proximity":
            continue  # categorical and not among the California-housing features
        # empty cells (207 districts lack total_bedrooms) become NaN
        columns[name] = np.array([float(r[j]) if r[j] else np.nan for r in body])
    return columns


def load_housing(data_dir=None, missing="median"):
    """The California housing regression task (20,640 districts, 1990 census).

    The features are scikit-learn's ``fetch_california_housing`` ones, derived from
    the raw table as its README states (``AveRooms = total_rooms / households`` ...).

    Parameters
    ----------
    data_dir : str or path-like, optional
        Folder holding ``housing.csv.gz``; found as in the module docstring when omitted.
    missing : {"median", "drop", "nan"}, default="median"
        What to do with the 207 districts whose ``total_bedrooms`` (so ``AveBedrms``)
        is missing: fill with the median of the others, drop those rows, or keep NaN.

    Returns
    -------
    X : ndarray of shape (n_samples, 8), dtype float64
        Columns in the order of :data:`HOUSING_FEATURE_NAMES`.
    y : ndarray of shape (n_samples,), dtype float64
        Median house value in units of $100,000.
    """
    if missing not in ("median", "drop", "nan"):
        raise ValueError(f"missing={missing!r} is not one of ['median', 'drop', 'nan']")
    c = _housing_columns(find_data_dir(HOUSING_CSV, data_dir) / HOUSING_CSV)
    households = c["households"]
    X = np.column_stack([
        c["median_income"], c["housing_median_age"], c["total_rooms"] / households,
        c["total_bedrooms"] / households, c["population"], c["population"] / households,
        c["latitude"], c["longitude"],
    ])  # fmt: skip
    y = c["median_house_value"] / 100_000.0
    absent = np.isnan(X).any(axis=1)
    if missing == "drop":
        X, y = X[~absent], y[~absent]
    elif missing == "median":
        X[absent, 3] = np.median(X[~absent, 3])
    return X, y
