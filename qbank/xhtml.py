"""Rendered HTML fragments as XML elements, for formats that embed XHTML in their own XML.

:func:`qbank.render.to_html` gives sanitised HTML, but HTML is not XML: author HTML may
leave tags open, named entities are HTML's own, and a format's schema allows fewer elements
and attributes than a browser does (QTI has no ``style``, no ``<u>``...). :func:`convert`
parses the HTML with lxml's HTML parser and rebuilds it as namespaced XML elements, keeping
only what a :class:`Profile` allows: a renamed element keeps its content under an allowed
name, an unknown one is unwrapped (its text stays, its tag goes), a disallowed attribute
is dropped. Text that XML cannot carry (control characters) is removed.

Placeholders (:func:`slot`) let a caller put its own elements — MathML, interactions — at
precise places in the HTML before it is parsed: each ``slot(key)`` is replaced by the
element(s) the caller's ``fill(key)`` returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape

from lxml import etree
from lxml import html as lxml_html

__all__ = [
    "Fill", "INLINE_TAGS", "NOT_XML", "Profile", "SLOT_ATTRIBUTE", "XHTML_NS", "convert", "move_content",
    "slot", "xml_text",
]

XHTML_NS = "http://www.w3.org/1999/xhtml"
SLOT_ATTRIBUTE = "data-qbank-slot"

# Characters XML 1.0 cannot carry at all (the C0 controls except tab/newline/return, and
# the non-characters U+FFFE/U+FFFF).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Elements that only hold other elements: loose whitespace inside them is dropped.
_STRUCTURAL = frozenset({"table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl"})
# Inline (phrasing) elements: a run of them at the top of a block context is wrapped in <p>.
INLINE_TAGS = frozenset({"a", "abbr", "b", "br", "code", "em", "i", "img", "kbd", "samp", "span", "strong",
                         "sub", "sup", "q", "cite", "dfn", "var", "small", "big", "tt"})

Fill = Callable[[str], list[etree._Element]]


@dataclass(frozen=True)
class Profile:
    """What a target's schema allows of HTML.

    ``attributes``: allowed element name → its allowed attributes. ``renames``: element name →
    (allowed element name, attributes to set) for an element the schema lacks but whose
    content should keep a mark (``u`` → ``span class="underline"``).
    """

    namespace: str = XHTML_NS
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    renames: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)
    required: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # attribute defaults


def slot(key: str) -> str:
    """HTML standing for the caller's element(s) ``key`` (see :func:`convert`)."""
    return f'<span {SLOT_ATTRIBUTE}="{escape(key)}"></span>'


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return NOT_XML.sub("", text)


def convert(html: str, profile: Profile, fill: Fill | None = None, *, block: bool = False) -> etree._Element:
    """The HTML fragment as children of a new ``div`` holder element (in the profile's namespace).

    The holder itself is only a carrier: use :func:`move_content` to put its text and
    children into the real parent. With ``block=True`` loose text and inline elements at the
    top level are wrapped in ``<p>`` so the content is valid where only blocks are allowed.
    """
    holder = etree.Element(_name(profile, "div"), nsmap={None: profile.namespace} if profile.namespace else None)
    if not html.strip():
        pass
    elif "<" not in html and "&" not in html:  # plain text: what the HTML parser would give, without it
        holder.text = xml_text(html)
    elif (html.startswith("<p>") and html.endswith("</p>") and html.count("<") == 2 and "&" not in html
          and "p" in profile.attributes):  # one plain paragraph, likewise
        etree.SubElement(holder, _name(profile, "p")).text = xml_text(html[3:-4]) or None
    else:
        source = lxml_html.fragment_fromstring(xml_text(html), create_parent="div")
        _copy_children(source, holder, profile, fill)
    if block:
        _wrap_loose_inline(holder, profile)
    return holder


def move_content(holder: etree._Element, parent: etree._Element) -> None:
    """Append the holder's leading text and children to ``parent`` (after what it holds)."""
    _append_text(parent, holder.text)
    for child in list(holder):
        parent.append(child)


def _name(profile: Profile, tag: str) -> str:
    return f"{{{profile.namespace}}}{tag}" if profile.namespace else tag


def _append_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _copy_children(source: etree._Element, target: etree._Element, profile: Profile, fill: Fill | None) -> None:
    _append_text(target, source.text)
    for child in source:
        if isinstance(child.tag, str):
            _copy_element(child, target, profile, fill)
        _append_text(target, child.tail)  # comments and processing instructions vanish; their tail stays


def _copy_element(element: etree._Element, target: etree._Element, profile: Profile, fill: Fill | None) -> None:
    key = element.get(SLOT_ATTRIBUTE)
    if key is not None and fill is not None:
        for made in fill(key):
            target.append(made)
        return
    tag = str(element.tag).lower()
    extra: Mapping[str, str] = {}
    if tag not in profile.attributes and tag in profile.renames:
        tag, extra = profile.renames[tag]
    allowed = profile.attributes.get(tag)
    if allowed is None:
        _copy_children(element, target, profile, fill)  # unknown element: keep its content only
        return
    made = etree.SubElement(target, _name(profile, tag))
    for attr in sorted(element.attrib):
        if attr in allowed:
            made.set(attr, xml_text(str(element.attrib[attr])))
    for attr, value in {**profile.required.get(tag, {}), **extra}.items():
        if made.get(attr) is None:
            made.set(attr, value)
    _copy_children(element, made, profile, fill)
    if tag in _STRUCTURAL:
        made.text = made.text if made.text and made.text.strip() else None
        for child in made:
            child.tail = child.tail if child.tail and child.tail.strip() else None


def _is_inline(element: etree._Element, profile: Profile) -> bool:
    if not isinstance(element.tag, str):
        return True
    name = etree.QName(element)
    if name.namespace != (profile.namespace or None):
        return True  # foreign content (MathML, interactions) placed by the caller counts as inline
    return name.localname in INLINE_TAGS


def _wrap_loose_inline(holder: etree._Element, profile: Profile) -> None:
    """Put top-level text and inline elements of ``holder`` into ``<p>`` elements."""
    children = list(holder)
    leading = holder.text
    holder.text = None
    for child in children:
        holder.remove(child)
    paragraph: etree._Element | None = None

    def add_text(text: str | None) -> None:
        nonlocal paragraph
        if text is None or not text.strip() and paragraph is None:
            return
        if paragraph is None:
            paragraph = etree.SubElement(holder, _name(profile, "p"))
        _append_text(paragraph, text)

    add_text(leading)
    for child in children:
        tail, child.tail = child.tail, None
        if _is_inline(child, profile):
            if paragraph is None:
                paragraph = etree.SubElement(holder, _name(profile, "p"))
            paragraph.append(child)
        else:
            holder.append(child)
            paragraph = None
        add_text(tail)
