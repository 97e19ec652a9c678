"""Author text (fragments) as QTI content: XHTML the QTI schemas allow, MathML, packaged images.

Each fragment is rendered once by :mod:`qbank.render`; formulas and blanks are put in as
:func:`qbank.xhtml.slot` placeholders and replaced by MathML (from :func:`qbank.mathtex.to_mathml`)
and by interactions. Images are copied into the package through an :class:`~qbank.assets.AssetTable`
and referenced relatively from the item file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape

from lxml import etree

from qbank import placeholders, render, xhtml
from qbank.assets import AssetTable
from qbank.mathtex import to_mathml
from qbank.models import Fragment, Image, Math

MEDIA_FOLDER = "images"  # beside the item files, so an item refers to its images as images/NAME

_NO_ATTRIBUTES: frozenset[str] = frozenset()
_CELL = frozenset({"colspan", "rowspan"})

# The XHTML subset of QTI 2.1 and 3.0 that qbank's sanitised HTML can contain. Neither
# version has <u>, <s>, <del> or <ins>, nor a `style` attribute: marks become classes.
QTI_HTML = xhtml.Profile(
    namespace=xhtml.XHTML_NS,
    attributes={
        **{tag: _NO_ATTRIBUTES for tag in (
            "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h3", "h4", "h5", "h6",
            "hr", "i", "kbd", "li", "ol", "p", "pre", "samp", "span", "strong", "sub", "sup", "table",
            "tbody", "tfoot", "thead", "tr", "ul")},
        "a": frozenset({"href"}),
        "img": frozenset({"src", "alt", "width", "height"}),
        "td": _CELL,
        "th": _CELL,
    },
    renames={
        "u": ("span", {"class": "underline"}),
        "ins": ("span", {"class": "inserted"}),
        "s": ("span", {"class": "line-through"}),
        "del": ("span", {"class": "line-through"}),
    },
    required={"img": {"alt": ""}, "a": {"href": "#"}},
)

# latex2mathml leaves a bare `&` (an `aligned` column separator, `&` inside \text{}) or `<`
# unescaped in its output now and then; escaped here, so the MathML is always XML.
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_BARE_LESS_THAN = re.compile(r"<(?![A-Za-z/!?])")


def mathml_element(formula: Math) -> etree._Element:
    """The formula as a MathML ``math`` element (the LaTeX kept in its annotation)."""
    text = to_mathml(formula.latex, formula.display)
    try:
        return etree.fromstring(text)
    except etree.XMLSyntaxError:
        return etree.fromstring(_BARE_LESS_THAN.sub("&lt;", _BARE_AMPERSAND.sub("&amp;", text)))


InteractionFn = Callable[[int], etree._Element]


class ContentBuilder:
    """Converts the fragments of one item, collecting the images it uses."""

    def __init__(self, assets: AssetTable, media: str = MEDIA_FOLDER) -> None:
        self.assets = assets
        self.media = media  # the images' folder, relative to the document being built
        self.images: list[str] = []  # the images this document shows, relative to it, first use first

    def _image_src(self, image: Image) -> str:
        name = f"{self.media}/{self.assets.add(image)}"
        if name not in self.images:
            self.images.append(name)
        return name

    def holder(self, fragment: Fragment, *, inline: bool = False, block: bool = False,
               interaction: InteractionFn | None = None) -> etree._Element:
        """The fragment's content in a holder element (see :func:`qbank.xhtml.move_content`)."""
        def math(m: Math) -> str:
            return xhtml.slot(f"m{fragment.math.index(m)}")

        def blank(index: int) -> str:
            return xhtml.slot(f"b{index}")

        def fill(key: str) -> list[etree._Element]:
            if key.startswith("m"):
                formula = fragment.math[int(key[1:])]
                return [mathml_element(formula)]
            if interaction is None:
                return []
            return [interaction(int(key[1:]))]

        packaged: set[str] = set()

        def image(picture: Image) -> str:
            src = self._image_src(picture)
            packaged.add(src)
            return escape(src)

        html = render.to_html(fragment, math=math, image=image, blank=blank if fragment.blanks else None,
                              inline=inline)
        holder = xhtml.convert(html, QTI_HTML, fill, block=block)
        for img in list(holder.iter(f"{{{xhtml.XHTML_NS}}}img")):
            if img.get("src", "") not in packaged and not _ABSOLUTE.match(img.get("src", "")):
                _replace_by_alt_text(img)  # raw HTML <img> of a file the package does not hold
        return holder

    def into(self, parent: etree._Element, fragment: Fragment | None, *, inline: bool = False,
             block: bool = False, interaction: InteractionFn | None = None) -> etree._Element:
        """Append the fragment's content to ``parent``; returns ``parent``."""
        if fragment is not None:
            xhtml.move_content(self.holder(fragment, inline=inline, block=block, interaction=interaction),
                               parent)
        return parent


_ABSOLUTE = re.compile(r"^https?://", re.I)
_RAW_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)


def unpackaged_images(fragment: Fragment) -> list[str]:
    """Sources of raw HTML ``<img>`` tags that name a local file (only Markdown images are packaged)."""
    found = []
    for match in _RAW_IMG_SRC.finditer(render.html_template(fragment)):
        src = match.group(1)
        if not src.startswith(placeholders.OPEN) and not _ABSOLUTE.match(src):
            found.append(unescape(src))
    return found


def _replace_by_alt_text(img: etree._Element) -> None:
    """Put the image's alt text where the image was (keeping what follows it)."""
    parent = img.getparent()
    if parent is None:
        return
    text = (img.get("alt") or "") + (img.tail or "")
    previous = img.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(img)
