"""Formulas in the forms LMS packages write them, as ``\\(...\\)``/``\\[...\\]`` text for :mod:`.html2md`.

- Canvas equation images, ``<img class="equation_image">`` (``lib/cc/cc_helper.rb``, and
  qbank's canvas target): the LaTeX comes from ``data-equation-content``, else from the URL
  path after ``/equation_images/`` decoded twice (as Canvas's ``mathml.js`` does), else from
  ``alt`` without its ``LaTeX:`` prefix; ``display: block`` in its style makes it a display
  formula.
- MathML ``<math>`` with an ``application/x-tex`` annotation (qbank's QTI targets, and
  Canvas's MathML mode); MathML without one keeps its text, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

__all__ = ["delimit", "delimited", "equation_latex"]

_EQUATION_IMAGE = re.compile(r"<img\b[^>]*\bclass\s*=\s*(?:\"[^\"]*\bequation_image\b[^\"]*\"|'[^']*\bequation_image\b"
                             r"[^']*'|equation_image\b)[^>]*>", re.I)
_MATHML = re.compile(r"<((?:[A-Za-z][\w.-]*:)?)math\b.*?</\1math\s*>", re.I | re.S)
_ANNOTATION = re.compile(r"<(?:[\w.-]+:)?annotation\b[^>]*encoding\s*=\s*[\"'](?:application/x-tex|TeX|"
                         r"application/x-latex)[\"'][^>]*>(.*?)</(?:[\w.-]+:)?annotation\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")

# (what, text) for a formula kept only as text: the caller reports it
Lost = Callable[[str], None]


def delimited(latex: str, display: bool) -> str:
    """The formula as MathJax-delimited HTML text."""
    text = escape(latex, quote=False)
    return f"\\[{text}\\]" if display else f"\\({text}\\)"


def _attributes(tag: str) -> dict[str, str]:
    try:
        element = lxml_html.fragment_fromstring(tag)
    except (etree.ParserError, ValueError):
        return {}
    return {str(k).lower(): str(v) for k, v in element.attrib.items()}


def equation_latex(attrs: dict[str, str]) -> str:
    """The LaTeX of a Canvas equation image, by Canvas's own recovery order."""
    if attrs.get("data-equation-content", "").strip():
        return attrs["data-equation-content"]
    src = attrs.get("src", "")
    if "/equation_images/" in src:
        return unquote(unquote(src.split("/equation_images/", 1)[1].split("?", 1)[0]))
    alt = attrs.get("alt", "")
    if alt.startswith("LaTeX:"):
        return alt[len("LaTeX:"):].strip()
    return attrs.get("title", alt)


def mathml_latex(markup: str) -> tuple[str | None, bool, str]:
    """(TeX annotation or None, display, text content) of a MathML element."""
    display = bool(re.search(r"\bdisplay\s*=\s*[\"']block[\"']", markup[:400], re.I))
    annotation = _ANNOTATION.search(markup)
    if annotation is not None:
        return unescape(annotation.group(1)).strip(), display, ""
    return None, display, " ".join(unescape(_TAG.sub(" ", markup)).split())


def delimit(html: str, lost: Lost) -> str:
    """``html`` with every equation image and MathML formula as delimited LaTeX text."""
    if "equation_image" not in html and "math" not in html:
        return html

    def equation(match: re.Match[str]) -> str:
        attrs = _attributes(match.group())
        style = attrs.get("style", "").replace(" ", "").lower()
        return delimited(equation_latex(attrs), "display:block" in style)

    def mathml(match: re.Match[str]) -> str:
        latex, display, text = mathml_latex(match.group())
        if latex is None:
            lost(text)
            return escape(text, quote=False)
        return delimited(latex, display)

    return _MATHML.sub(mathml, _EQUATION_IMAGE.sub(equation, html))
