"""Tests of the shared data loaders (sknn.datasets) on small files made here and on ../shared/data."""

import gzip
import struct

import numpy as np
import pytest

from sknn.datasets import HOUSING_FEATURE_NAMES, find_data_dir, load_housing, load_mnist


def write_idx(path, magic, array):
    header = struct.pack(f">{1 + array.ndim}I", magic, *array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def tiny_mnist(tmp_path):
    X = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", 2051, X)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", 2049, np.array([7, 0, 9]))
    return tmp_path, X


def test_load_mnist_reads_idx_files(tiny_mnist):
    folder, X_written = tiny_mnist
    X, y = load_mnist(folder)
    assert X.dtype == np.uint8 and X.shape == (3, 28, 28)
    np.testing.assert_array_equal(X, X_written)
    np.testing.assert_array_equal(y, [7, 0, 9])
    X[0, 0, 0] = 1  # callers get a writable copy, not the file's read-only buffer


def test_load_mnist_rejects_wrong_magic_and_mismatched_counts(tiny_mnist):
    folder, _ = tiny_mnist
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", 2051, np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="magic number 2051, expected 2049"):
        load_mnist(folder)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", 2049, np.array([1, 2]))
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        load_mnist(folder)


def test_missing_files_raise_file_not_found_naming_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz not found in"):
        load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        find_data_dir("housing.csv.gz", tmp_path)


HOUSING_TEXT = (
    "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,"
    "households,median_income,median_house_value,ocean_proximity\n"
    "-122.0,37.5,41.0,880.0,120.0,320.0,100.0,8.0,450000.0,NEAR BAY\n"
    "-121.0,38.0,20.0,600.0,,300.0,200.0,3.5,150000.0,INLAND\n"
    "-120.0,36.0,30.0,900.0,300.0,600.0,300.0,2.0,100000.0,INLAND\n"
)


@pytest.mark.parametrize("wrapped", [False, True])
def test_load_housing_derives_california_features(tmp_path, wrapped):
    text = f"b'{HOUSING_TEXT}'\n" if wrapped else HOUSING_TEXT
    with gzip.open(tmp_path / "housing.csv.gz", "wt") as fh:
        fh.write(text)
    X, y = load_housing(tmp_path, missing="nan")
    assert X.shape == (3, len(HOUSING_FEATURE_NAMES))
    np.testing.assert_allclose(X[0], [8.0, 41.0, 8.8, 1.2, 320.0, 3.2, 37.5, -122.0])
    np.testing.assert_allclose(y, [4.5, 1.5, 1.0])
    assert np.isnan(X[1, 3]) and np.isnan(X).sum() == 1
    X_med, _ = load_housing(tmp_path)  # median of AveBedrms 1.2 and 1.0
    assert X_med[1, 3] == pytest.approx(1.1)
    X_drop, y_drop = load_housing(tmp_path, missing="drop")
    assert X_drop.shape == (2, 8) and list(y_drop) == [4.5, 1.0]
    with pytest.raises(ValueError, match="missing='zero' is not one of"):
        load_housing(tmp_path, missing="zero")


def shared_data_or_skip(filename):
    try:
        return find_data_dir(filename)
    except FileNotFoundError as exc:
        pytest.skip(f"shared data absent: {exc}")


@pytest.mark.data
def test_shared_mnist_test_set():
    shared_data_or_skip("t10k-images-idx3-ubyte.gz")
    X, y = load_mnist()
    assert X.shape == (10000, 28, 28) and y.shape == (10000,)
    assert set(np.unique(y)) == set(range(10))
    assert list(y[:5]) == [7, 2, 1, 0, 4]  # the well-known first MNIST test labels


@pytest.mark.data
def test_shared_housing_table():
    shared_data_or_skip("housing.csv.gz")
    X, y = load_housing(missing="nan")
    assert X.shape == (20640, 8)
    assert np.isnan(X[:, 3]).sum() == 207 and np.isnan(np.delete(X, 3, axis=1)).sum() == 0
    # first district, as in scikit-learn's California housing set
    np.testing.assert_allclose(X[0, :2], [8.3252, 41.0])
    assert y[0] == pytest.approx(4.526)
