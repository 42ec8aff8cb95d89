"""Local Sphinx helpers of sknn's documentation.

1. Docstrings: make plain-text idioms safe for reStructuredText (below).
2. API pages: leave out scikit-learn's generated ``set_*_request`` methods.
3. The gallery: stage ``examples/`` for sphinx-gallery, giving a title to a script
   whose docstring's first line has none (:func:`stage_examples`).

Docstrings
----------

sknn's docstrings are written to be read in a terminal (``help(...)``) as much as on
the site, and two plain-text habits mean something else in reST:

* a trailing underscore makes a word a hyperlink reference: ``(n_features_in_,)``
  in a shape, ``coef_`` in prose;
* a leading star starts emphasis: ``(n, *input_shape)``.

Before numpydoc and autosummary see an sknn docstring, this hook quotes such words
as literals and escapes such stars, outside existing literals and roles only. It
touches nothing else, so a docstring written in strict reST is unchanged.
"""

import re

# ``literal``, :role:`text` or `interpreted` spans are left alone.
_PROTECTED = re.compile(r"(``.+?``|:[\w:.-]+:`[^`]+`|`[^`]+`_?_?)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w`*\\|])([A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]_)(?![\w`])")
_LEADING_STAR = re.compile(r"(?<=[(\[,] )\*(?=[A-Za-z_])|(?<=[(\[])\*(?=[A-Za-z_])")


def _fix_text(text):
    text = _TRAILING_UNDERSCORE.sub(r"``\1``", text)
    return _LEADING_STAR.sub(r"\\*", text)


def fix_line(line):
    """One docstring line with the two idioms made literal, literals untouched."""
    parts = _PROTECTED.split(line)
    return "".join(p if i % 2 else _fix_text(p) for i, p in enumerate(parts))


def _indent(line):
    return len(line) - len(line.lstrip())


def _process(app, what, name, obj, options, lines):
    if not name.startswith("sknn"):
        return
    block_indent = None  # indentation of the line that opened a "::" literal block
    for i, line in enumerate(lines):
        stripped = line.strip()
        if block_indent is not None:
            if not stripped or _indent(line) > block_indent:
                continue  # inside the literal block: verbatim
            block_indent = None
        if stripped.startswith((">>>", "...")):
            continue  # doctests are code
        lines[i] = fix_line(line)
        if stripped.endswith("::"):
            block_indent = _indent(line)
    # autosummary cuts the summary at the first ". "; a dot product written
    # ``theta . x`` in the first line would be cut inside the literal.
    if lines:
        lines[0] = re.sub(r"``[^`]*``", lambda m: m.group(0).replace(" . ", " · "), lines[0])


def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn generates set_fit_request & co. for metadata routing; their
    # docstrings point into scikit-learn's own documentation.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def stage_examples(source, target):
    """Copy the gallery's sources from ``source`` to ``target`` for sphinx-gallery.

    sphinx-gallery takes an example's title from an underlined first line of its
    docstring. A script whose docstring starts with a plain sentence (readable with
    ``python -m pydoc``) gets that sentence underlined in the staged copy; the
    script in ``examples/`` is not modified. Returns the staged folder.
    """
    import shutil
    from pathlib import Path

    source, target = Path(source), Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        if path.suffix == ".rst" or path.name == "README.txt":
            shutil.copy2(path, target / path.name)
        elif path.suffix == ".py":
            (target / path.name).write_text(_with_title(path.read_text()))
    return target


def _with_title(code):
    match = re.match(r'(\s*(?:#[^\n]*\n\s*)*[rRuU]?""")([^\n]+)\n(?!\s*[=\-~^#*]{3,}\s*\n)', code)
    if not match:
        return code
    title = match.group(2).strip()
    return code[: match.end(2)] + "\n" + "=" * len(title) + code[match.end(2):]


#: Gallery order: the chapter's order, not the alphabet. Scripts not listed follow.
CHAPTER_ORDER = (
    "plot_logic_gates.py", "plot_perceptron.py", "plot_mlp_classification.py",
    "plot_housing_regression.py", "autodiff_forward_vs_reverse.py",
    "plot_vanishing_gradients.py", "plot_optimizers.py", "plot_hyperparameter_search.py",
    "plot_regularization.py", "plot_convnet_digits.py",
)


class ChapterOrder:
    """sphinx-gallery ``within_subsection_order``: sort key in the chapter's order."""

    def __init__(self, src_dir=None):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = filename.rsplit("/", 1)[-1]
        if name in CHAPTER_ORDER:
            return f"{CHAPTER_ORDER.index(name):03d}"
        return f"999-{name}"

    def __repr__(self):  # stable, so Sphinx's config cache does not see a change
        return "ChapterOrder"


def setup(app):
    # priority < 500 so that this runs before numpydoc reformats the docstring
    app.connect("autodoc-process-docstring", _process, priority=100)
    app.connect("autodoc-skip-member", _skip_member)
    return {"parallel_read_safe": True}
