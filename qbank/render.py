"""Markdown rendering, done once per fragment; math, images and blanks substituted per target.

``html_template`` turns a fragment's placeholder template into sanitised HTML (cached by
content, so a fragment is rendered once however many targets read it). ``to_html`` then
puts each target's form of math, images and blanks in place of the placeholders.
All Markdown rendering goes through :func:`markdown_to_html`, so a faster backend can be
offered later behind the same function.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import escape

import markdown
import nh3

from qbank import placeholders
from qbank.models import Fragment, Image, Math

_md = markdown.Markdown(
    extensions=["tables", "fenced_code", "codehilite", "sane_lists"],
    extension_configs={"codehilite": {"noclasses": True, "guess_lang": False, "css_class": "highlight"}},
    output_format="xhtml",
)

# The allow-list for author HTML (and Markdown's own output). Anything else — scripts,
# event handlers, javascript: URLs, iframes, forms — is removed before any target sees it.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style"},
    "div": {"style"},
    "pre": {"style"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start"},
}
_CLEAN_KWARGS: dict[str, object] = {
    "tags": ALLOWED_TAGS,
    "attributes": ALLOWED_ATTRIBUTES,
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,
    "filter_style_properties": {"color", "background-color", "font-weight", "font-style", "text-align",
                                "border", "padding"},
}


def markdown_to_html(text: str) -> str:
    """Render Markdown to HTML (the one entry point to the Markdown backend)."""
    _md.reset()
    return _md.convert(text)


def sanitize(html: str) -> str:
    return nh3.clean(html, **_CLEAN_KWARGS)  # type: ignore[arg-type]


@lru_cache(maxsize=1 << 17)
def _template_html(template: str) -> str:
    return sanitize(markdown_to_html(template))


def html_template(fragment: Fragment) -> str:
    """Sanitised HTML of the fragment, with placeholders where math/images/blanks go."""
    return _template_html(fragment.template)


def unsafe_html_removed(fragment: Fragment) -> list[str]:
    """Names of the tags/attributes sanitising removed from the author's raw HTML."""
    raw = markdown_to_html(fragment.template)
    clean = _template_html(fragment.template)
    if raw == clean:
        return []
    removed: list[str] = []
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", raw):
        if tag.lower() not in ALLOWED_TAGS and f"<{tag.lower()}" not in removed:
            removed.append(f"<{tag.lower()}>")
    for attr in re.findall(r"\s(on[a-z]+)\s*=", raw, flags=re.I):
        if attr.lower() not in removed:
            removed.append(attr.lower())
    if re.search(r"javascript:", raw, flags=re.I):
        removed.append("javascript: URL")
    return removed


def foreign_images(fragment: Fragment) -> list[str]:
    """The src of every image not written as `![alt](path)` (raw HTML, reference-style)."""
    from lxml import html as lxml_html

    raw = markdown_to_html(fragment.template)
    if "<img" not in raw:
        return []
    tree = lxml_html.fragment_fromstring(raw, create_parent="div")
    return [img.get("src", "") for img in tree.iter("img")
            if not placeholders.PATTERN.fullmatch(img.get("src", ""))]


MathFn = Callable[[Math], str]
ImageFn = Callable[[Image], str]
BlankFn = Callable[[int], str]


def tex_delimited(m: Math) -> str:
    """``\\(...\\)`` or ``\\[...\\]`` (as HTML text), the form MathJax in Moodle and Canvas reads."""
    latex = escape(m.latex, quote=False)
    return f"\\[{latex}\\]" if m.display else f"\\({latex}\\)"


def _image_src_as_written(image: Image) -> str:
    return escape(image.src)


def _fill(html: str, fragment: Fragment, math: MathFn, image: ImageFn, blank: BlankFn | None) -> str:
    def sub(match: re.Match[str]) -> str:
        kind, index = match.group(1), int(match.group(2))
        if kind == placeholders.MATH:
            return math(fragment.math[index])
        if kind == placeholders.IMAGE:
            return image(fragment.images[index])
        if blank is None:
            raise ValueError(f"{fragment.pos}: fragment has blanks but no blank renderer was given")
        return blank(index)

    return placeholders.PATTERN.sub(sub, html)


def to_html(fragment: Fragment, *, math: MathFn = tex_delimited, image: ImageFn = _image_src_as_written,
            blank: BlankFn | None = None, inline: bool = False) -> str:
    """The fragment as HTML for one target.

    ``image`` returns the (already escaped) value of the ``src`` attribute; ``inline``
    drops the wrapping ``<p>`` of a one-paragraph fragment (options, blanks, titles).
    """
    html = html_template(fragment)
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return _fill(html, fragment, math, image, blank)


def to_plain(fragment: Fragment, *, math: MathFn | None = None) -> str:
    """Plain text (no markup) for places a target cannot show HTML: math as its LaTeX."""
    from lxml import html as lxml_html

    rendered = html_template(fragment)
    if not rendered.strip():
        return ""
    text = lxml_html.fragment_fromstring(rendered, create_parent="div").text_content()
    text = " ".join(text.split())

    def sub(match: re.Match[str]) -> str:
        kind, index = match.group(1), int(match.group(2))
        if kind == placeholders.MATH:
            m = fragment.math[index]
            return math(m) if math else m.latex
        if kind == placeholders.IMAGE:
            return fragment.images[index].alt
        return "_____"

    return placeholders.PATTERN.sub(sub, text)
