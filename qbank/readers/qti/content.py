"""QTI item content (XHTML in the QTI namespace, MathML) back to HTML for :mod:`..foreign.packagetext`.

The inverse of qbank's QTI content profile (``exporters/qti/content.py``): marks the QTI
schemas lack were written as classes (``<span class="underline">``) and become their HTML
elements again; MathML with a TeX annotation becomes delimited LaTeX; an interaction inside
text (a blank) becomes the caller's marker. Elements that are neither HTML nor MathML (QTI's
``printedVariable``, ``feedbackInline``, ...) keep their content, and are named to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from lxml import etree

from ..foreign import mathforms
from .normalize import MATHML_NS

__all__ = ["Content"]

_HTML = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "dfn", "div", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "q", "samp",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul", "var",
    "big", "address", "figure", "figcaption", "u", "s", "del", "ins", "label", "article", "aside", "section",
    "header", "footer", "nav", "picture", "audio", "video", "source", "track", "bdo", "bdi", "ruby", "rt", "rp",
})
_VOID = frozenset({"br", "hr", "img", "col", "source", "track"})
_ATTRIBUTES = frozenset({"href", "src", "alt", "title", "width", "height", "colspan", "rowspan", "start"})
_MARKS = {"underline": "u", "inserted": "ins", "line-through": "s"}


class Content:
    """Serialises content; ``blank(element)`` gives the text standing for an interaction inside it."""

    def __init__(self, blank: Callable[[etree._Element], str] | None = None,
                 lost_math: Callable[[str], None] | None = None) -> None:
        self.blank = blank
        self.lost_math = lost_math or (lambda _text: None)
        self.foreign: list[str] = []  # names of elements that are not HTML (their content is kept)

    def nodes(self, text: str | None, nodes: Iterable[etree._Element], tails: bool = True) -> str:
        parts = [escape(text or "", quote=False)]
        for node in nodes:
            parts.append(self.element(node))
            if tails:
                parts.append(escape(node.tail or "", quote=False))
        return "".join(parts)

    def inner(self, element: etree._Element) -> str:
        return self.nodes(element.text, [c for c in element if isinstance(c.tag, str)]) + "".join(
            escape(c.tail or "", quote=False) for c in element if not isinstance(c.tag, str))

    def element(self, element: etree._Element) -> str:
        tag = element.tag
        if not isinstance(tag, str):
            return ""
        if tag.startswith(f"{{{MATHML_NS}}}"):
            latex, display, text = mathforms.mathml_latex(etree.tostring(element, encoding="unicode", with_tail=False))
            if latex is None:
                self.lost_math(text)
                return escape(text, quote=False)
            return mathforms.delimited(latex, display)
        local = tag.rsplit("}", 1)[-1]
        if local.endswith("Interaction"):
            return self.blank(element) if self.blank is not None else ""
        if local == "span" and element.get("class") in _MARKS:
            local = _MARKS[element.get("class", "")]
        if local not in _HTML:
            if local not in self.foreign:
                self.foreign.append(local)
            return self.inner(element)
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in sorted(element.attrib.items())
                        if name in _ATTRIBUTES)
        if local in _VOID:
            return f"<{local}{attrs}>"
        return f"<{local}{attrs}>{self.inner(element)}</{local}>"
