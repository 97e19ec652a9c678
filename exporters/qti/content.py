"""Author text (fragments) as QTI content: XHTML the QTI schemas allow, MathML, packaged images.

Each fragment is rendered once by the :class:`qbank.render.Renderer`; formulas and blanks are
put in as :func:`qbank.xhtml.slot` placeholders and replaced by MathML (the renderer's) and by
interactions. Images are copied into the package through an :class:`~qbank.assets.AssetTable`
and referenced relatively from the item file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from lxml import etree

from qbank import render, xhtml
from qbank.assets import AssetTable
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

InteractionFn = Callable[[int], etree._Element]


class ContentBuilder:
    """Converts the fragments of one item, collecting the images it uses."""

    def __init__(self, assets: AssetTable, renderer: render.Renderer, media: str = MEDIA_FOLDER) -> None:
        self.assets = assets
        self.renderer = renderer
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
                return [self.renderer.mathml_element(fragment.math[int(key[1:])])]
            if interaction is None:
                return []
            return [interaction(int(key[1:]))]

        packaged: set[str] = set()

        def image(picture: Image) -> str:
            src = self._image_src(picture)
            packaged.add(src)
            return escape(src)

        html = self.renderer.html(fragment, math=math, image=image, blank=blank if fragment.blanks else None,
                                  inline=inline)
        holder = xhtml.convert(html, QTI_HTML, fill, block=block)
        for img in list(holder.iter(f"{{{xhtml.XHTML_NS}}}img")):
            if img.get("src", "") not in packaged and not ABSOLUTE_URL.match(img.get("src", "")):
                _replace_by_alt_text(img)  # raw HTML <img> of a file the package does not hold
        return holder

    def into(self, parent: etree._Element, fragment: Fragment | None, *, inline: bool = False,
             block: bool = False, interaction: InteractionFn | None = None) -> etree._Element:
        """Append the fragment's content to ``parent``; returns ``parent``."""
        if fragment is not None:
            xhtml.move_content(self.holder(fragment, inline=inline, block=block, interaction=interaction),
                               parent)
        return parent


ABSOLUTE_URL = re.compile(r"^https?://", re.I)


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
