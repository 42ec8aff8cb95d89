"""Every script in examples/ runs to the end with the Agg backend and draws its figures.

Each script runs in a fresh interpreter (examples change warning filters and global
matplotlib state), in a temporary working directory, with a generous time limit that
only guards against hangs. Scripts that use the MNIST or California housing files
find them through ``SKNN_DATA_DIR`` when this checkout has them, and fall back to a
bundled scikit-learn data set otherwise, as users without the files would see.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sknn.datasets import find_data_dir

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
HANG_GUARD_SECONDS = 600

RUNNER = """
import runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
plt.show = lambda *args, **kwargs: None
runpy.run_path(sys.argv[1], run_name="__main__")
print("SKNN-EXAMPLE-FIGURES", len(plt.get_fignums()))
"""


def _data_env():
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONWARNINGS="ignore::UserWarning")
    for name in ("housing.csv.gz", "t10k-images-idx3-ubyte.gz"):
        try:
            env.setdefault("SKNN_DATA_DIR", str(find_data_dir(name)))
        except FileNotFoundError:
            pass
    return env


def test_there_are_examples():
    assert len(SCRIPTS) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_runs(script, tmp_path):
    pytest.importorskip("matplotlib")
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(script)], cwd=tmp_path, env=_data_env(),
        capture_output=True, text=True, timeout=HANG_GUARD_SECONDS,
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stderr[-3000:]}"
    figures = int(result.stdout.rsplit("SKNN-EXAMPLE-FIGURES", 1)[1])
    if script.name.startswith("plot_"):
        assert figures >= 1, f"{script.name} drew no figure"
