"""Every Python code block of the documentation runs, in order, page by page.

Each page of ``docs/`` (and the gallery header in ``examples/``) is read as
reStructuredText; its ``.. code-block:: python`` blocks, ``::`` literal blocks that
hold a ``>>>`` session and bare doctest blocks are executed top to bottom in one
namespace, as a reader pasting them one after the other would. A block with
``>>>`` prompts is run by :mod:`doctest`, so its printed output is checked too.

A block that cannot run here (it needs Keras, a cluster, a file the reader has) is
preceded by the comment ``.. not-run: <reason>``; the reason is required, and the
number of such blocks is pinned below so that skipping one more is a visible change.
"""

import doctest
import os
import re
import time
from pathlib import Path

import matplotlib
import pytest

from sknn.datasets import find_data_dir

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_GENERATED = {"_build", "_gallery_src", "_templates", "auto_examples", "generated",
              "sg_execution_times.rst", "performance_results.rst"}
PAGES = sorted(
    [p for p in DOCS.rglob("*.rst") if not _GENERATED & set(p.relative_to(DOCS).parts)]
    + list((ROOT / "examples").glob("*.rst")))
#: Pages whose blocks train real models for more than a few seconds.
SLOW_PAGES = {"index.rst", "quickstart.rst", "user_guide/tuning.rst", "user_guide/cnn.rst",
              "user_guide/mlp.rst", "user_guide/keras_tools.rst", "scaling.rst",
              "coming_from_sklearn.rst", "user_guide/backprop.rst", "faq.rst"}
EXPECTED_NOT_RUN = 8

_DIRECTIVE = re.compile(r"^(\s*)\.\. code-block::\s*(\S+)\s*$")
_NOT_RUN = re.compile(r"^\s*\.\. not-run:\s*(\S.*)$")


def _indent(line):
    return len(line) - len(line.lstrip())


def _block_after(lines, start, indent):
    """The lines indented deeper than ``indent`` from ``start`` on, dedented; and the end."""
    body, i = [], start
    while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
        body.append(lines[i])
        i += 1
    while body and not body[-1].strip():
        body.pop()
    options = 0
    while options < len(body) and body[options].strip().startswith(":"):
        options += 1  # directive options (:caption:, :emphasize-lines:)
    body = body[options:]
    depth = min((_indent(b) for b in body if b.strip()), default=0)
    return "\n".join(b[depth:] for b in body).strip("\n") + "\n", i


def code_blocks(text):
    """``(line, code, reason_not_run)`` for each Python block of a reST page, in order."""
    lines = text.splitlines()
    blocks, reason, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        not_run = _NOT_RUN.match(line)
        directive = _DIRECTIVE.match(line)
        if not_run:
            reason, i = not_run.group(1), i + 1
            continue
        if directive:
            code, end = _block_after(lines, i + 1, _indent(line))
            if directive.group(2) in {"python", "pycon", "py"}:
                blocks.append((i + 1, code, reason))
            reason, i = None, end
            continue
        if line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            code, end = _block_after(lines, i + 1, _indent(line))
            if ">>>" in code:
                blocks.append((i + 1, code, reason))
            reason, i = None, end
            continue
        if line.lstrip().startswith(">>>"):
            start = i
            while i < len(lines) and lines[i].strip():
                i += 1
            depth = _indent(lines[start])
            blocks.append((start + 1, "\n".join(x[depth:] for x in lines[start:i]) + "\n", reason))
            reason = None
            continue
        if line.strip() and not line.lstrip().startswith(".."):
            reason = None  # a comment applies to the block right after it only
        i += 1
    return blocks


def _run(code, namespace, name):
    if ">>>" not in code:
        exec(compile(code, name, "exec"), namespace)
        return
    test = doctest.DocTestParser().get_doctest(code, namespace, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test, clear_globs=False)
    namespace.update(test.globs)
    assert runner.failures == 0, f"{name}: {runner.failures} example(s) printed something else"


def _page_id(page):
    return page.relative_to(DOCS).as_posix() if DOCS in page.parents else page.name


def _params():
    for page in PAGES:
        if not any(not reason for _, _, reason in code_blocks(page.read_text())):
            continue  # no Python block to run on this page
        marks = [pytest.mark.slow] if _page_id(page) in SLOW_PAGES else []
        yield pytest.param(page, id=_page_id(page), marks=marks)


@pytest.fixture
def data_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    for name in ("housing.csv.gz", "t10k-images-idx3-ubyte.gz"):
        try:
            monkeypatch.setenv("SKNN_DATA_DIR", str(find_data_dir(name)))
        except FileNotFoundError:
            pass


def test_extractor_finds_each_kind_of_block():
    text = """Title
=====

.. code-block:: python
   :caption: one

   a = 1

.. code-block:: bash

   pip install .

Run this::

   >>> a + 1
   2

>>> a * 3
3

.. not-run: needs Keras

.. code-block:: python

   import keras
"""
    blocks = code_blocks(text)
    assert [(code, reason) for _, code, reason in blocks] == [
        ("a = 1\n", None), (">>> a + 1\n2\n", None), (">>> a * 3\n3\n", None),
        ("import keras\n", "needs Keras")]


def test_the_pages_with_code_are_found():
    ids = [param.id for param in _params()]
    assert {"index.rst", "quickstart.rst", "faq.rst", "user_guide/mlp.rst",
            "user_guide/cnn.rst", "scaling.rst"} <= set(ids), ids


def test_not_run_blocks_are_few_and_give_a_reason():
    skipped = [(page.name, line, reason) for page in PAGES
               for line, _, reason in code_blocks(page.read_text()) if reason]
    assert len(skipped) == EXPECTED_NOT_RUN, skipped


@pytest.mark.parametrize("page", list(_params()))
def test_page_code_runs(page, data_env):
    blocks = [b for b in code_blocks(page.read_text()) if not b[2]]
    namespace = {"__name__": "__docs__"}
    for line, code, _ in blocks:
        name = f"{_page_id(page)}:{line}"
        started = time.perf_counter()
        try:
            _run(code, namespace, name)
        except FileNotFoundError as exc:  # MNIST or housing absent: as sknn.datasets says
            # the shared data lie beside the checkout, which a CI clone may not have
            pytest.skip(f"{name} needs a data file: {exc}")
        except Exception as exc:
            raise AssertionError(f"the block at {name} fails: {exc!r}\n{code}") from exc
        os.environ.get("SKNN_DOCS_TIMES") and print(name, round(time.perf_counter() - started, 1))
