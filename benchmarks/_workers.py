"""What every benchmark that runs its frameworks in subprocesses shares.

Peak resident memory (``ru_maxrss``) is per process, so a fair memory comparison runs
each framework in a process of its own. The parent alternates those processes round
by round (A B A B ...) so that drifts in the machine's load hit all frameworks alike,
and reports medians and ratios from that one run, next to what the numbers depend on:
the CPU model, the BLAS library's kernel (AVX2 "Haswell" or AVX-512 "SkylakeX" for
OpenBLAS) and the machine's load average.
"""

import json
import os
import resource
import subprocess
import sys

import numpy as np


def maxrss_mb():
    """Peak resident set size of this process in MiB."""
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def torch_available():
    """Whether PyTorch, a benchmark-only comparison, is installed."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def limit_threads(n):
    """Limit BLAS (threadpoolctl) and, when it is imported, PyTorch to ``n`` threads."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


def torch_adam_epochs(net, X, y, epochs, batch, lr):
    """Train a PyTorch network as sknn's benchmarks train theirs (Adam, cross-entropy,
    reshuffled minibatches); seconds of each epoch.

    Parameters
    ----------
    net : torch.nn.Module
    X : torch.Tensor of shape (n_samples, ...)
    y : torch.Tensor of shape (n_samples,)
    epochs, batch : int
    lr : float
    """
    import time

    import torch

    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(len(X))
        for i in range(0, len(X), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss_fn(net(X[idx]), y[idx]).backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return times


def blas_kernel():
    """NumPy's BLAS library, version and kernel, e.g. ``'openblas 0.3.31 (Haswell)'``."""
    from threadpoolctl import threadpool_info

    infos = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return "; ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
                     for i in infos) or "unknown"


def load_average():
    """The 1, 5 and 15 minute load averages as a string (``'n/a'`` where unknown)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def header(cpu_model):
    """One line naming the CPU, BLAS kernel and load average."""
    return f"CPU: {cpu_model}; BLAS: {blas_kernel()}; load average: {load_average()}"


def spawn(script, worker_args):
    """Run ``script --worker ...`` in a fresh Python; return the JSON of its last line."""
    cmd = [sys.executable, os.path.abspath(script), *map(str, worker_args)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"worker {' '.join(cmd[1:])} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def alternate(script, frameworks, rounds, worker_args):
    """Run ``script``'s worker for each framework, ``rounds`` times, alternating.

    Parameters
    ----------
    script : str
        The benchmark script (``__file__``); its workers take ``--worker FRAMEWORK``.
    frameworks : sequence of str
    rounds : int
    worker_args : list
        The other arguments of every worker.

    Returns
    -------
    runs : dict of str to list of dict
        Each framework's workers' JSON results, in order. Every result holds
        ``seconds`` (a list) and ``maxrss_mb``.
    """
    runs = {f: [] for f in frameworks}
    for _ in range(rounds):
        for f in frameworks:
            runs[f].append(spawn(script, ["--worker", f, *worker_args]))
    return runs


def median_seconds(results):
    """Median of all ``seconds`` of a framework's worker results."""
    return float(np.median([s for r in results for s in r["seconds"]]))


def peak_rss(results):
    """Largest peak RSS (MiB) of a framework's worker results."""
    return max(r["maxrss_mb"] for r in results)
