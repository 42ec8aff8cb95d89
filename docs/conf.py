"""Sphinx configuration of sknn's documentation (``make -C docs html``)."""

import os
import sys
import warnings
from pathlib import Path

import sknn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the local helper module _sknn_docs

from _performance import generate as generate_performance  # noqa: E402
from _sknn_docs import setup as _local_setup  # noqa: E402
from _sknn_docs import stage_examples  # noqa: E402

project = "sknn"
author = "the sknn developers"
copyright = "2026, the sknn developers"
release = sknn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_gallery_src", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "**.codeobj.json"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
default_role = "literal"
nitpicky = False

# -- API reference -----------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists members itself
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- the gallery -------------------------------------------------------------------
# Every script in examples/ is executed (not only plot_*), so building the site proves
# that every example runs; scripts that print show their output under the code.
os.environ.setdefault("MPLBACKEND", "Agg")
# Examples run with the gallery folder as working directory; point sknn.datasets at the
# checkout's shared data (MNIST, California housing) when it is there. Without it the
# examples fall back to scikit-learn's bundled data sets.
_shared_data = HERE.parent.parent / "shared" / "data"
if _shared_data.is_dir():
    os.environ.setdefault("SKNN_DATA_DIR", str(_shared_data))
sphinx_gallery_conf = {
    "examples_dirs": str(stage_examples(HERE.parent / "examples", HERE / "_gallery_src")),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"(__init__|_helpers?)\.py$",
    "within_subsection_order": "_sknn_docs.ChapterOrder",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "min_reported_time": 0,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "show_memory": False,
    "doc_module": ("sknn",),
    "backreferences_dir": "api/generated/backreferences",
    "reference_url": {"sknn": None},
}
warnings.filterwarnings("ignore", category=UserWarning,
                        message="Matplotlib is currently using agg")

# -- the Performance page: tables and chart from the benchmarks' JSON results --------
generate_performance(HERE.parent / "benchmarks" / "results", HERE)

# -- math ------------------------------------------------------------------------------
# By default MathJax comes from its CDN. For a site that renders formulas offline, set
# SKNN_MATHJAX_DIR to a local MathJax 3 "es5" folder (``npm pack mathjax@3`` and
# unpack it, see install.rst); it is copied into the site as _static/mathjax.
MATHJAX_DIR = os.environ.get("SKNN_MATHJAX_DIR")
if MATHJAX_DIR:
    if not (Path(MATHJAX_DIR) / "tex-chtml.js").is_file():
        raise ValueError(f"SKNN_MATHJAX_DIR={MATHJAX_DIR!r} has no tex-chtml.js: point it "
                         "at the es5 folder of the mathjax@3 npm package")
    mathjax_path = "mathjax/tex-chtml.js"  # relative to _static


def _copy_mathjax(app, exception):
    if exception is None and MATHJAX_DIR and app.builder.format == "html":
        import shutil

        shutil.copytree(MATHJAX_DIR, Path(app.outdir) / "_static" / "mathjax",
                        dirs_exist_ok=True)


# -- HTML --------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sknn {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # one row at 1400 px: six links, the rest under "More", and search as an icon
    "header_links_before_dropdown": 6,
    "navbar_persistent": ["search-button"],
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
}
# Top-level pages have no section to navigate: give their tables the full width.
html_sidebars = {page: [] for page in (
    "index", "install", "quickstart", "changelog", "citing", "coming_from_sklearn",
    "coming_from_keras", "api", "scaling", "faq", "performance")}
html_show_sourcelink = False


def setup(app):
    _local_setup(app)
    app.connect("build-finished", _copy_mathjax)
