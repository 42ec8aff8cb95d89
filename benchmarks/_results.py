"""Benchmark results as JSON, the input of the documentation's Performance page.

Each ``bench_*.py`` script takes ``--json [PATH]``; with it, the script also writes what
it printed to ``PATH`` (default ``benchmarks/results/<name>.json``). At build time
``docs/_performance.py`` turns every ``benchmarks/results/*.json`` into the page's
tables and its bar chart, so a new benchmark only has to write this schema:

.. code-block:: text

    {
      "schema": 1,
      "benchmark": "mlp",                          # short name, the file's stem
      "title": "MLPClassifier training, MNIST",     # the table's heading
      "description": "one or two sentences: data, network, what is timed",
      "command": "python benchmarks/bench_mlp.py --json",
      "date": "2026-12-02T23:55:00+00:00",         # UTC, when it was measured
      "machine": {"cpu": "...", "cpus": 2, "platform": "...", "python": "3.11.7",
                  "numpy": "...", "scikit-learn": "...", "torch": "..." or null},
      "settings": {"epochs": 5, "repeats": 3},     # the command-line settings
      "columns": ["time (s)", "accuracy"],         # the measured quantities, in order
      "rows": [{"name": "sknn", "values": [0.25, 0.95]}, ...],
      "ratios": [{"name": "sknn / scikit-learn", "value": 0.61,
                  "meaning": "epoch time; below 1 means sknn is faster"}, ...]
    }

Times are wall-clock seconds. ``ratios`` are what the page charts: on a shared
machine, a ratio of two interleaved runs says more than either time alone.
"""

import datetime
import importlib.metadata
import json
import os
import platform
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SCHEMA = 1


def cpu_model():
    """The CPU's model name (from ``/proc/cpuinfo`` on Linux), or the platform's guess."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine():
    """What the numbers were measured on: CPU, core count and library versions."""
    return {"cpu": cpu_model(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "numpy": _version("numpy"),
            "scikit-learn": _version("scikit-learn"), "torch": _version("torch")}


def add_json_option(parser, name):
    """Add ``--json [PATH]`` to an argparse parser; the default path is for ``name``."""
    parser.add_argument("--json", nargs="?", const=str(RESULTS_DIR / f"{name}.json"),
                        default=None, metavar="PATH",
                        help=f"also write the results as JSON (default path: "
                             f"benchmarks/results/{name}.json)")


def write(path, *, benchmark, title, description, command, settings, columns, rows,
          ratios):
    """Write one benchmark's results in the schema above; return the path."""
    record = {
        "schema": SCHEMA, "benchmark": benchmark, "title": title,
        "description": description, "command": command,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(), "settings": settings, "columns": list(columns),
        "rows": [{"name": name, "values": [_number(v) for v in values]}
                 for name, values in rows],
        "ratios": [{"name": name, "value": round(float(value), 3), "meaning": meaning}
                   for name, value, meaning in ratios],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"results written to {path}")
    return path


def _number(value):
    return None if value is None else round(float(value), 4)
