"""Size parameters at the estimator boundary: their validation, and the memory and
work they imply, checked from shapes alone before anything is allocated.

The shape arithmetic itself lives in the core (:func:`sknn.nn.network.plan`); this
module turns its figures into refusals that name the parameter to change.
"""

import math
import os
from numbers import Integral

from .nn.network import activation_bytes, format_bytes, plan
from .nn.optimizers import OPTIMIZERS

#: Extra float64 vectors scipy's L-BFGS-B keeps: ``maxcor`` (10) pairs of updates,
#: plus the iterate, gradient and search direction.
LBFGS_COPIES = 2 * 10 + 3

#: Monte Carlo dropout: more passes than this bring no measurable gain (the standard
#: error of the mean falls as 1/sqrt(passes): 0.3 % of the spread at 1e5), while each
#: pass costs a full forward sweep over X (1e5 passes take ~20 s even on a tiny X).
MAX_MC_SAMPLES = 100_000

#: Monte Carlo dropout: the most forward multiply-adds one prediction call may cost
#: (mc_samples * n_samples * per-sample multiply-adds): about a quarter of an hour on
#: one core, a budget past which the call would look like a hang.
MAX_MC_WORK = 10**13


def available_memory():
    """Bytes this process can still allocate, or None when the OS does not say.

    Reads ``MemAvailable`` from ``/proc/meminfo`` (else the physical memory from
    ``os.sysconf``) and lowers it to what a cgroup (container) limit leaves. Tests
    monkeypatch this function to make refusals deterministic.
    """
    available = _meminfo_available()
    if available is None:
        try:
            available = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            available = None
    for limit in (_cgroup_headroom(), _address_space_headroom()):
        if limit is not None:
            available = limit if available is None else min(available, limit)
    return available


def _meminfo_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_headroom():
    """A cgroup v2 memory limit minus current usage, or None without a limit."""
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        if limit == "max":
            return None
        with open("/sys/fs/cgroup/memory.current") as f:
            return max(int(limit) - int(f.read().strip()), 0)
    except (OSError, ValueError):
        return None


def _address_space_headroom():
    """What ``ulimit -v`` (RLIMIT_AS) still lets this process map, or None without one."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/status") as f:
            mapped = next(int(line.split()[1]) * 1024 for line in f
                          if line.startswith("VmSize:"))
        return max(limit - mapped, 0)
    except (ImportError, OSError, ValueError, StopIteration):
        return None


def positive_ints(value, name, *, allow_empty=True):
    """``value`` (an int or a sequence of ints) as a list of positive Python ints.

    numpy integers are accepted; floats, bools, strings and nested sequences are not.

    Raises
    ------
    TypeError
        If an entry is not an integer. The message contains Python's own sentence
        ("'float' object cannot be interpreted as an integer"), as scikit-learn's
        MLP lets that error through for ``hidden_layer_sizes=(2.5,)``.
    ValueError
        If an entry is not positive, or the sequence is empty and may not be.
    """
    values = [value] if isinstance(value, Integral) or isinstance(value, str) else value
    try:
        values = list(values)
    except TypeError:
        values = [value]
    for v in values:
        if isinstance(v, bool) or not isinstance(v, Integral):
            kind = type(v)
            kind = kind.__qualname__ if kind.__module__ == "builtins" else (
                f"{kind.__module__}.{kind.__qualname__}")  # as Python's own message
            raise TypeError(f"{name} must be a positive int or a sequence of them; got "
                            f"{value!r}, whose entry {v!r} is not an integer: "
                            f"'{kind}' object cannot be interpreted as an integer")
    if not values and not allow_empty:
        raise ValueError(f"{name} needs at least one entry; got {value!r}")
    if any(v <= 0 for v in values):
        raise ValueError(f"{name} must be > 0, got {[int(v) for v in values]}.")
    return [int(v) for v in values]


def training_bytes(entries, solver, itemsize, batch_rows):
    """Bytes for parameters (with gradients and optimizer state) and for one batch.

    Returns
    -------
    param_bytes, activation_bytes : int
    """
    n_params = sum(e.n_params for e in entries)
    if solver == "lbfgs":
        # flat params and grads, and scipy's float64 history
        copies, extra = 2, LBFGS_COPIES * 8 * n_params
    else:
        # building holds each layer's arrays and the flat buffers at once (4 copies);
        # training holds the flat parameters, gradients and the optimizer's state
        copies, extra = max(4, 2 + len(OPTIMIZERS[solver]._state_names)), 0
    param_bytes = copies * n_params * itemsize + extra
    return param_bytes, activation_bytes(entries, batch_rows, itemsize)


def check_network_memory(estimator, layers, input_shape, dtype, batch_rows):
    """Refuse, before building, a network the machine cannot hold.

    Parameters
    ----------
    estimator : BaseNetwork
        Names the parameter to change through its ``_size_advice(entry, kind)``.
    layers : list of Layer
        Unbuilt layers.
    input_shape : tuple of int
        Per-sample input shape.
    dtype : numpy dtype
        Compute dtype.
    batch_rows : int
        Rows of a training batch.

    Raises
    ------
    ValueError
        With the estimate, the memory available and the parameter to change.
    """
    entries = plan(layers, input_shape)
    itemsize = int(getattr(dtype, "itemsize", 8))
    param_bytes, act_bytes = training_bytes(entries, estimator.solver, itemsize,
                                                    batch_rows)
    available = available_memory()
    if available is None or param_bytes + act_bytes <= available:
        return entries
    # The parameters alone too large: no batch size helps, the layers must shrink.
    kind = "params" if param_bytes > available else "activations"
    culprit = max(entries, key=lambda e: e.n_params if kind == "params" else e.activations)
    advice = estimator._size_advice(culprit, kind)
    n_params = sum(e.n_params for e in entries)
    raise ValueError(
        f"{type(estimator).__name__} would need about "
        f"{format_bytes(param_bytes + act_bytes)} of memory, more than the "
        f"{format_bytes(available)} available: {n_params:,} parameters take "
        f"{format_bytes(param_bytes)} with their gradients and {estimator.solver}'s state, "
        f"and a training batch of {batch_rows} rows {format_bytes(act_bytes)} of "
        f"activations. The largest part comes from {culprit.layer!r} on inputs of shape "
        f"{culprit.input_shape}; {advice}.")


def check_weight_memory(estimator, shape, copies, advice):
    """Refuse, before allocating, float64 weights of ``shape`` the machine cannot hold.

    For the estimators that are not a network of layers (the perceptron); networks
    are sized by :func:`check_network_memory`.

    Parameters
    ----------
    estimator : estimator
        Named in the message.
    shape : tuple of int
        The weight matrix, e.g. ``(n_units, n_features)``.
    copies : int
        How many arrays of that shape training holds at once.
    advice : str
        What to change.

    Raises
    ------
    ValueError
        With the estimate, the memory available and ``advice``.
    """
    needed = copies * 8 * math.prod(int(n) for n in shape)
    available = available_memory()
    if available is not None and needed > available:
        raise ValueError(
            f"{type(estimator).__name__} would need about {format_bytes(needed)} of memory, "
            f"more than the {format_bytes(available)} available: training holds {copies} "
            f"float64 arrays of shape {tuple(shape)}; {advice}.")


def check_mc_work(estimator, mc_samples, n_samples):
    """Refuse Monte Carlo passes that would run for hours (see :data:`MAX_MC_WORK`).

    Raises
    ------
    ValueError
        Naming ``mc_samples``, the work asked and the caps.
    """
    if mc_samples > MAX_MC_SAMPLES:
        raise ValueError(f"mc_samples={mc_samples} is more Monte Carlo passes than can help: "
                         f"the mean's standard error shrinks as 1/sqrt(mc_samples), and "
                         f"sknn takes at most {MAX_MC_SAMPLES:,} (a few hundred are usual).")
    net = estimator.network_
    per_sample = sum(e.multiply_adds for e in plan(net.layers, net.input_shape))
    work = mc_samples * n_samples * per_sample
    if work > MAX_MC_WORK:
        raise ValueError(f"mc_samples={mc_samples} passes over {n_samples} samples would take "
                         f"{work:.2g} multiply-adds, more than the {MAX_MC_WORK:.0e} sknn "
                         "runs in one call (about a quarter of an hour); use fewer "
                         "mc_samples or predict X in parts.")
