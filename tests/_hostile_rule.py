"""The rule every sknn call obeys on hostile input, as one checker for the property tests.

A call either succeeds (finite outputs of the right shape and dtype, the caller's
arrays unmodified) or raises ValueError/TypeError whose message names the input or
parameter. Anything else fails the test: another exception type, a numpy RuntimeWarning,
a message from numpy's internals, an allocation beyond a fixed budget, or a hang.
"""

import copy
import re
import resource
import signal
import warnings
from contextlib import contextmanager

import numpy as np
import pytest
import scipy.sparse as sp

try:
    import pandas as pd
except ImportError:  # pragma: no cover - pandas is optional; frames are then not drawn
    pd = None

#: Marks a call that raised an accepted error (so there is no output to check).
REFUSED = object()

#: Seconds one call may take before it counts as a hang (tiny data, max_iter <= 5).
CALL_TIMEOUT = 20

#: Address space a call may add (bytes): far above what tiny data need, far below the
#: machine, so an absurd allocation shows up as MemoryError instead of an OOM kill.
MEMORY_BUDGET = 3 * 2**30

# Messages that come from numpy/Python internals rather than from a check that knows
# what the user passed.
_INTERNAL = re.compile("|".join([
    r"operands could not be broadcast", r"matmul", r"not supported between instances",
    r"invalid literal for int\(\)", r"out of bounds", r"cannot reshape array",
    r"setting an array element with a sequence", r"unsupported operand type",
    r"has no len\(\)", r"can't multiply sequence", r"zero-size array",
    r"'NoneType' object", r"unhashable type", r"division by zero", r"not aligned",
    r"Cannot cast ufunc", r"object is not iterable", r"object is not subscriptable",
    r"only integer scalar arrays", r"float\(\) argument must be",
    r"int\(\) argument must be", r"truth value of an array",
]))

# Words by which a message names what was wrong: the inputs, the fitted state, or a
# parameter (the estimator's parameter names are added per call).
_NAMED = (r"\bX\b", r"\by\b", r"\bY\b", "sample_weight", "classes", "coef", "intercept",
          "mc_samples", "return_std", "input", "feature", "sample", "label", "class",
          "target", "weight", "array", "data", "dtype", "shape", "fitted", "parameter")


class Hang(Exception):
    """A call ran longer than CALL_TIMEOUT seconds."""


@contextmanager
def _time_limit(seconds):
    def on_alarm(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return None  # pragma: no cover - not Linux


@contextmanager
def memory_limit(budget):
    """Lower the soft address-space limit to current use + budget for the block."""
    used = _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if used is None:  # pragma: no cover
        yield
        return
    limit = used + budget if hard == resource.RLIM_INFINITY else min(hard, used + budget)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _ReadOnly:
    """Snapshot of a read-only array: nothing can write to it without flipping the flag
    back, and copying it could be absurd (a broadcast view declares what it does not
    store)."""

    def __init__(self, array):
        self.array = array


def snapshot(value):
    """A copy of a caller's argument, to compare with after the call."""
    if isinstance(value, np.ndarray) and not value.flags.writeable:
        return _ReadOnly(value)
    return copy.deepcopy(value)


def assert_unmodified(before, after, name):
    """The caller's ``after`` still equals the ``before`` snapshot, bit for bit."""
    if isinstance(before, _ReadOnly):
        assert after is before.array and not after.flags.writeable, f"{name} made writeable"
        return
    assert type(before) is type(after), f"{name} changed type"
    if sp.issparse(before):
        assert after.format == before.format and after.shape == before.shape, name
        assert after.dtype == before.dtype, f"{name} changed dtype"
        for attr in ("data", "indices", "indptr", "row", "col", "offsets"):
            if hasattr(before, attr):
                assert_unmodified(getattr(before, attr), getattr(after, attr), f"{name}.{attr}")
        if before.format in ("dok", "lil"):
            assert_unmodified(before.toarray(), after.toarray(), name)
    elif isinstance(before, np.ndarray):
        assert after.dtype == before.dtype and after.shape == before.shape, name
        if before.dtype == object:
            assert [repr(v) for v in before.ravel()] == [repr(v) for v in after.ravel()], name
        else:
            assert before.tobytes() == after.tobytes(), f"{name} was modified in place"
    elif pd is not None and isinstance(before, (pd.DataFrame, pd.Series)):
        assert before.equals(after), f"{name} was modified in place"
        assert list(before.dtypes if before.ndim == 2 else [before.dtype]) == list(
            after.dtypes if after.ndim == 2 else [after.dtype]), f"{name} changed dtypes"
    elif isinstance(before, (list, tuple)):
        assert len(before) == len(after), name
        for i, (b, a) in enumerate(zip(before, after)):
            assert_unmodified(b, a, f"{name}[{i}]")
    elif isinstance(before, dict):
        assert before.keys() == after.keys(), name
        for key in before:
            assert_unmodified(before[key], after[key], f"{name}[{key!r}]")
    else:
        assert repr(before) == repr(after), f"{name} was modified"


def _check_message(exc, names):
    message = str(exc)
    what = f"{type(exc).__name__}: {message}"
    assert not _INTERNAL.search(message), f"message from numpy/Python internals: {what}"
    pattern = "|".join(_NAMED + tuple(re.escape(n) for n in names))
    assert re.search(pattern, message), f"message names no input or parameter: {what}"


def run(call, *, watched=None, names=()):
    """Call ``call()`` under the rule; return its result, or REFUSED.

    Parameters
    ----------
    call : callable taking no arguments
    watched : dict of str to object, default=None
        The caller's arguments, which must be unmodified afterwards (also on errors).
    names : iterable of str
        Parameter names a message may name (the estimator's ``get_params()`` keys).

    Returns
    -------
    result : object or REFUSED
    """
    watched = watched or {}
    with memory_limit(MEMORY_BUDGET):
        before = {name: snapshot(value) for name, value in watched.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with memory_limit(MEMORY_BUDGET), _time_limit(CALL_TIMEOUT):
                result = call()
        except (ValueError, TypeError) as exc:  # NotFittedError is a ValueError
            _check_message(exc, names)
            result = REFUSED
        except Exception as exc:  # noqa: BLE001 - every other type breaks the rule
            pytest.fail(f"{type(exc).__name__} broke the rule: {exc}"[:2000])
    for name, value in watched.items():
        assert_unmodified(before[name], value, name)
    return result


def assert_finite_float(values, shape, name):
    """``values`` is a floating array of ``shape`` with only finite entries."""
    values = np.asarray(values)
    assert values.dtype.kind == "f", f"{name} has dtype {values.dtype}"
    assert values.shape == shape, f"{name} has shape {values.shape}, expected {shape}"
    assert np.isfinite(values).all(), f"{name} holds NaN or inf"
