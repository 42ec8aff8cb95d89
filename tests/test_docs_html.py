"""The built site shows no reStructuredText or TeX source as text.

Scans every page of ``docs/_build/html`` (CI builds the site before running the tests)
for what a reader should never see: literal double backticks, raw Sphinx roles such as
``:meth:`` and TeX delimiters or commands outside the math elements. Code blocks
(``<pre>``) are skipped: there source is what the reader should see.

Locally, without a build, the test skips; with the environment variable ``CI`` set it
fails instead, because CI always builds the site first.
"""

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

SITE = Path(__file__).resolve().parents[1] / "docs" / "_build" / "html"

# Elements whose text is code or typeset math, not prose.
_SKIPPED_TAGS = {"pre", "script", "style", "math"}
_MATH_CLASSES = {"math", "MathJax", "MathJax_Preview"}

FORBIDDEN = {
    "literal double backticks": re.compile(r"``"),
    "a raw Sphinx role": re.compile(r":(?:py:)?(?:meth|class|func|attr|mod|doc|ref|data|obj|exc|math):`"),
    "TeX delimiters": re.compile(r"\\[()\[\]]"),
    "a TeX command": re.compile(r"\\(?:frac|text|mathbf|sum|partial|sigma|theta|cdot|left|right)\b"),
    "raw emphasis markers": re.compile(r"(?<![\w*\\])\*[A-Za-z_]\w*\*(?![\w*])"),
}


class _ProseText(HTMLParser):
    """Collects the text of a page outside code, scripts and math elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._stack = []  # (tag, skipped) of the open elements
        self.chunks = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "hr", "input", "meta", "link", "wbr", "source"}:
            return
        classes = set((dict(attrs).get("class") or "").split())
        inside = bool(self._stack) and self._stack[-1][1]
        self._stack.append((tag, inside or tag in _SKIPPED_TAGS or bool(classes & _MATH_CLASSES)))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                return

    def handle_data(self, data):
        if not (self._stack and self._stack[-1][1]):
            self.chunks.append(data)


def prose_text(html):
    """Visible prose of an HTML page: the text outside ``pre``, scripts and math."""
    parser = _ProseText()
    parser.feed(html)
    return " ".join(parser.chunks)


def problems(text):
    """``(what, excerpt)`` for each forbidden pattern found in ``text``."""
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 40, 0)
            found.append((what, " ".join(text[start:match.end() + 40].split())))
    return found


def _pages():
    if not (SITE / "index.html").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{SITE} is missing: CI builds the docs before the tests")
        pytest.skip(f"the docs are not built ({SITE}); run make -C docs html")
    # _modules holds viewcode's highlighted source listings, _static the theme's assets.
    return [p for p in sorted(SITE.rglob("*.html"))
            if not p.relative_to(SITE).parts[0].startswith(("_modules", "_static"))]


def test_scanner_finds_what_it_looks_for():
    html = ("<p>the ``coefs_`` and :meth:`mask_shape` and \\(x^2\\) and *execute*</p>"
            "<pre>``code`` may show :meth:`x`</pre>"
            '<span class="math notranslate">\\(\\frac{a}{b}\\)</span><p>2 * x * y</p>')
    whats = [what for what, _ in problems(prose_text(html))]
    assert whats == ["literal double backticks"] * 2 + [
        "a raw Sphinx role", "TeX delimiters", "TeX delimiters", "raw emphasis markers"]


def test_built_site_shows_no_markup_source():
    pages = _pages()
    assert len(pages) > 50, "the site looks incomplete"
    report = []
    for page in pages:
        for what, excerpt in problems(prose_text(page.read_text(encoding="utf-8"))):
            report.append(f"{page.relative_to(SITE)}: {what}: ...{excerpt}...")
    assert not report, "\n".join(report)
