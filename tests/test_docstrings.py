"""Every Examples section in sknn's docstrings runs and prints what it claims."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import sknn

matplotlib.use("Agg")  # some examples draw

MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(sknn.__path__, "sknn.")
                 if name != "sknn.__main__")


#: Modules of optional extras, and what their examples need (skipped when absent).
OPTIONAL = {"sknn.onnx": ("skl2onnx", "onnxruntime")}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    for package in OPTIONAL.get(name.split("._")[0], ()):
        pytest.importorskip(package)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
