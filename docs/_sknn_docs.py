"""Local Sphinx helpers of sknn's documentation.

1. API pages: leave out scikit-learn's generated ``set_*_request`` methods and
   properties that only say a method is not available; link the labels of
   scikit-learn's user guide that inherited docstrings (``score``, ``set_output``)
   refer to.
2. The gallery: stage ``examples/`` for sphinx-gallery, giving a title to a script
   whose docstring's first line has none (:func:`stage_examples`).

Docstrings are not rewritten: they are written in reStructuredText, so that
``help()``, an IDE and this site show the same text.
"""

import re


def _skip_member(app, what, name, obj, skip, options):
    # scikit-learn generates set_fit_request & co. for metadata routing; their
    # docstrings point into scikit-learn's own documentation.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    # A property that only raises AttributeError (ThresholdPerceptron.predict_proba)
    # hides a method the estimator does not have; the class text says so.
    if isinstance(obj, property) and (obj.__doc__ or "").startswith("Not available"):
        return True
    return None


#: Labels of scikit-learn's user guide that its docstrings inherited by sknn's
#: estimators (``score``, ``set_output``) refer to, and where they are on scikit-learn's site.
SKLEARN_LABELS = {
    "accuracy_score": "modules/model_evaluation.html#accuracy-score",
    "r2_score": "modules/model_evaluation.html#r2-score",
    # set_output, inherited by the estimators that have transform
    "df_output_transform": "modules/df_output_transform.html",
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py":
        "auto_examples/miscellaneous/plot_set_output.html",
}


def _sklearn_reference(app, env, node, contnode):
    """Resolve a ``:ref:`` of an inherited scikit-learn docstring to scikit-learn's site."""
    from docutils import nodes

    target = node.get("reftarget")
    if node.get("refdomain") != "std" or target not in SKLEARN_LABELS:
        return None
    uri = "https://scikit-learn.org/stable/" + SKLEARN_LABELS[target]
    return nodes.reference("", "", contnode, refuri=uri, internal=False)


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
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("missing-reference", _sklearn_reference)
    return {"parallel_read_safe": True}
