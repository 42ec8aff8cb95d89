"""Hypothesis strategies for hostile inputs: arrays, labels, weights, containers.

Values come from a numpy generator seeded by hypothesis (one draw per array, not one
per element), so examples stay cheap; hypothesis chooses and shrinks the structure:
container, dtype, shape, magnitude and where NaN/inf go.
"""

import numpy as np
import scipy.sparse as sp
from hypothesis import strategies as st

try:
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

DTYPES = ("float64", "float32", "float16", "int8", "int64", "uint8", "bool", "complex128",
          "object", "numeric-str", "str", "datetime64[s]", "timedelta64[s]")
# 1e-310 is subnormal; 1.7e308 is next to float64's largest value.
MAGNITUDES = (1.0, 0.0, 1e-310, 1e-300, 1e-5, 1e5, 1e30, 1e150, 1e300, 1.7e308)
NON_FINITE = ("none", "nan", "inf", "-inf", "nan-column", "all-nan")
SPARSE_FORMATS = ("csr", "csc", "coo", "dok", "lil", "bsr", "dia")
#: Rows and features of ordinary small inputs (0 and 1 included on purpose).
ROWS = st.integers(0, 9)
FEATURES = st.integers(0, 4)


def rng_of(draw):
    return np.random.default_rng(draw(st.integers(0, 2**16)))


def _values(rng, shape, magnitude):
    return np.asarray(rng.uniform(-1, 1, size=shape) * magnitude)  # 0-d stays an array


def _poison(draw, values, rng):
    """Put NaN or inf into float ``values`` (in place) by a drawn pattern."""
    pattern = draw(st.sampled_from(NON_FINITE))
    if pattern == "none" or values.size == 0:
        return values
    if pattern == "nan-column" and values.ndim >= 2:
        values[:, 0] = np.nan
    elif pattern == "all-nan":
        values[...] = np.nan
    else:
        bad = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "nan-column": np.nan}[pattern]
        values.flat[rng.integers(values.size)] = bad
    return values


def _as_dtype(values, dtype, rng):
    """Float ``values`` as ``dtype`` (odd dtypes keep their odd content)."""
    with np.errstate(all="ignore"):
        if dtype.startswith(("float", "complex")):
            return values.astype(dtype)
        if dtype in ("int8", "int64", "uint8"):
            info = np.iinfo(dtype)
            return np.clip(np.nan_to_num(values), info.min, info.max).astype(dtype)
        if dtype == "bool":
            return values > 0
        if dtype == "object":  # python floats, ints and the odd None / "1.5" / "a"
            out = values.astype(object)
            if out.size:
                out.flat[rng.integers(out.size)] = rng.choice([None, "1.5", "a", 3, True])
            return out
        if dtype == "numeric-str":
            return values.astype(str)
        if dtype == "str":
            return np.where(values > 0, "yes", "no")
        return np.nan_to_num(values).astype(np.int64).astype(dtype)  # datetime/timedelta


@st.composite
def dense_arrays(draw, shape, dtypes=DTYPES):
    """Numpy arrays of ``shape`` with a drawn dtype, magnitude and NaN/inf pattern."""
    rng = rng_of(draw)
    values = _values(rng, shape, draw(st.sampled_from(MAGNITUDES)))
    values = _poison(draw, values, rng)
    return _as_dtype(values, draw(st.sampled_from(dtypes)), rng)


@st.composite
def sparse_matrices(draw, n_rows, n_features):
    """Every scipy sparse format, matrix and array classes, odd dtypes, NaN in data."""
    rng = rng_of(draw)
    density = draw(st.sampled_from([0.0, 0.3, 1.0]))
    data = _values(rng, (n_rows, n_features), draw(st.sampled_from(MAGNITUDES)))
    data[rng.random(data.shape) > density] = 0
    data = _poison(draw, data, rng)
    dtype = draw(st.sampled_from(["float64", "float32", "int64", "bool",  # no float16 in scipy
                                  "complex128"]))
    with np.errstate(all="ignore"):
        data = np.clip(np.nan_to_num(data), -2**62, 2**62) if dtype == "int64" else data
        matrix = sp.csr_array(data.astype(dtype))
    fmt = draw(st.sampled_from(SPARSE_FORMATS))
    matrix = matrix.asformat(fmt)
    if draw(st.booleans()):  # the older sparse *matrix* classes
        matrix = getattr(sp, f"{fmt}_matrix")(matrix)
    return matrix


@st.composite
def wide_sparse(draw, n_rows):
    """Huge declared width, a few stored values: cheap to make, absurd to densify."""
    n_features = draw(st.sampled_from([10**5, 10**7, 10**9, 2**31 + 1]))
    rng = rng_of(draw)
    cols = rng.integers(0, n_features, size=n_rows)
    return sp.csr_array((np.ones(n_rows), (np.arange(n_rows), cols)),
                        shape=(n_rows, n_features))


@st.composite
def frames(draw, n_rows, n_features):
    """pandas DataFrames: numeric, extension dtypes with pd.NA, categorical, names."""
    rng = rng_of(draw)
    values = _values(rng, (n_rows, n_features), draw(st.sampled_from(MAGNITUDES[:5])))
    kind = draw(st.sampled_from(["float", "Int64-NA", "Float64", "boolean", "category",
                                 "mixed"]))
    names = draw(st.sampled_from(["str", "int", "mixed"]))
    columns = [f"f{j}" if names == "str" or (names == "mixed" and j % 2) else j
               for j in range(n_features)]
    frame = pd.DataFrame(values, columns=columns)
    if kind == "Int64-NA":
        frame = frame.round().astype("Int64")
        if n_rows and n_features:
            frame.iloc[0, 0] = pd.NA
    elif kind in ("Float64", "boolean"):
        frame = (frame > 0).astype("boolean") if kind == "boolean" else frame.astype(kind)
    elif kind == "category":
        frame = frame.round().astype("category")
    elif kind == "mixed" and n_features:
        frame[columns[0]] = np.where(values[:, 0] > 0, "a", "b")
    return frame


@st.composite
def hostile_X(draw, n_rows=None, n_features=None, sparse=True, huge=True):
    """X in any container: dense (any dtype, 1-D to 5-D), list, sparse, frame, views.

    Returns
    -------
    X : object
    n : int
        The number of rows (samples) X declares.
    """
    n = draw(ROWS) if n_rows is None else n_rows
    f = draw(FEATURES) if n_features is None else n_features
    kinds = ["dense", "dense", "list", "nd", "1d", "non-contiguous"]
    kinds += ["sparse", "sparse"] if sparse else []
    kinds += ["wide-sparse"] if sparse and huge else []
    kinds += ["broadcast"] if huge else []
    kinds += ["frame"] if pd is not None else []
    kind = draw(st.sampled_from(kinds))
    if kind == "dense":
        return draw(dense_arrays((n, f))), n
    if kind == "list":
        return draw(dense_arrays((n, f), dtypes=("float64", "int64", "object"))).tolist(), n
    if kind == "nd":
        extra = draw(st.lists(st.integers(0, 3), min_size=2, max_size=4))
        return draw(dense_arrays((n, *extra))), n
    if kind == "1d":
        return draw(dense_arrays((n,))), n
    if kind == "non-contiguous":  # a strided, read-only view: as memmaps and slices come
        X = draw(dense_arrays((n, 2 * f), dtypes=("float64", "float32")))[:, ::2]
        X.flags.writeable = False
        return X, n
    if kind == "sparse":
        return draw(sparse_matrices(n, f)), n
    if kind == "wide-sparse":
        return draw(wide_sparse(max(n, 1))), max(n, 1)
    if kind == "broadcast":  # declares many values, stores one
        # Declared sizes stay <= 1e6 values: scikit-learn's finiteness check reads every
        # declared value, so (1e4, 1e9) takes hours in validate_data (as in scikit-learn).
        rows, width = draw(st.sampled_from([(n, max(f, 1)), (10**4, max(f, 1)),
                                            (max(n, 1), 10**6 // max(n, 1))]))
        return np.broadcast_to(np.float64(0.5), (rows, width)), rows
    return draw(frames(n, f)), n


LABEL_KINDS = ("int", "bool", "str", "mixed-object", "none", "float-labels", "one-class",
               "multilabel", "continuous", "nan", "inf", "column", "list", "series",
               "categorical", "wrong-length", "huge", "datetime", "bytes", "3-d")


@st.composite
def hostile_y(draw, n, exclude=()):
    """Targets of every kind for ``n`` samples (labels and regression targets), except
    the kinds in ``exclude``."""
    rng = rng_of(draw)
    kind = draw(st.sampled_from([k for k in LABEL_KINDS if k not in exclude]))
    k = draw(st.integers(1, 4))
    ints = (np.arange(n) + rng.integers(k)) % k  # k classes, each present when n >= k
    if kind == "int":
        return ints * draw(st.sampled_from([1, -1, 2**40]))
    if kind == "bool":
        return ints % 2 == 1
    if kind == "str":
        return np.array(["cat", "dog", "emu", "owl"])[ints]
    if kind == "mixed-object":
        return np.array([0, "a", 1.5, "b"], dtype=object)[ints]
    if kind == "none":
        return np.array(["a", None, "b", None], dtype=object)[ints]
    if kind == "float-labels":
        return ints + 0.5
    if kind == "one-class":
        return np.zeros(n, dtype=int)
    if kind == "multilabel":
        return rng.integers(0, 2, size=(n, k))
    if kind in ("continuous", "huge"):
        return rng.normal(size=n) * (1e300 if kind == "huge" else 1.0)
    if kind in ("nan", "inf"):
        y = ints.astype(float)
        if n:
            y[rng.integers(n)] = np.nan if kind == "nan" else np.inf
        return y
    if kind == "column":
        return ints.reshape(-1, 1)
    if kind == "list":
        return ints.tolist()
    if kind in ("series", "categorical") and pd is not None:
        return pd.Series(ints, dtype="category" if kind == "categorical" else "Int64")
    if kind == "wrong-length":
        return np.arange(n + 1) % 2
    if kind == "datetime":
        return ints.astype("datetime64[D]")
    if kind == "bytes":
        return np.array([b"x", b"y", b"z", b"w"])[ints]
    return ints.reshape(-1, 1, 1)


@st.composite
def hostile_sample_weight(draw, n):
    """None, ordinary, zero, negative, NaN, huge, tiny, wrongly shaped weights."""
    kind = draw(st.sampled_from(["none", "ones", "zeros", "negative", "nan", "inf", "huge",
                                 "subnormal", "wrong-length", "2-d", "int", "list",
                                 "one-zero", "scalar"]))
    w = np.linspace(0.5, 2.0, n)
    if kind == "none":
        return None
    if kind in ("ones", "list"):
        return np.ones(n) if kind == "ones" else w.tolist()
    if kind == "zeros":
        return np.zeros(n)
    if kind == "negative":
        return -w
    if kind in ("nan", "inf") and n:
        w[0] = np.nan if kind == "nan" else np.inf
        return w
    if kind == "huge":
        return w * 1e300
    if kind == "subnormal":
        return w * 1e-320
    if kind == "wrong-length":
        return np.ones(n + 1)
    if kind == "2-d":
        return w.reshape(-1, 1)
    if kind == "int":
        return np.arange(n)
    if kind == "one-zero" and n:
        w[0] = 0.0
        return w
    return 2.0  # a scalar: scikit-learn broadcasts it
