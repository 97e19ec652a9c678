"""QTI 2.x and 3.0 documents in one spelling: QTI 2.1's camelCase names, no namespace.

QTI 3.0 spells ``choiceInteraction`` as ``qti-choice-interaction`` and ``responseIdentifier``
as ``response-identifier``, and wraps feedback and rubric content in ``qti-content-body``;
after :func:`normalize` both versions read the same. XHTML content elements (which both
versions put in the QTI namespace) keep their names; MathML keeps its namespace.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["MATHML_NS", "QTI_NAMESPACES", "normalize", "unwrap", "version_of"]

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
QTI_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imsqti_v2p0": "2.0",
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
    "http://www.imsglobal.org/xsd/imsqtiasi_v3p0": "3.0",
}
_KEEP_ATTRIBUTE_PREFIX = ("data-", "{")


def _camel(kebab: str) -> str:
    head, *rest = kebab.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def version_of(root: etree._Element) -> str | None:
    tag = root.tag
    if not isinstance(tag, str) or not tag.startswith("{"):
        return "2.1" if isinstance(tag, str) and tag in ("assessmentItem", "assessmentTest") else None
    return QTI_NAMESPACES.get(tag[1:].split("}", 1)[0])


def normalize(root: etree._Element) -> etree._Element:
    """Rename the QTI (and XHTML) elements of ``root`` in place to unqualified QTI 2.1 names."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag
        namespace, local = (tag[1:].split("}", 1) if tag.startswith("{") else ("", tag))
        if namespace == MATHML_NS:
            continue
        if local.startswith("qti-"):
            local = _camel(local[4:])
            for attr in list(element.attrib):
                if "-" in attr and not attr.startswith(_KEEP_ATTRIBUTE_PREFIX):
                    element.set(_camel(attr), element.attrib.pop(attr))
        element.tag = local
    for body in list(root.iter("contentBody")):
        unwrap(body)
    return root


def _append_text(element: etree._Element, text: str | None) -> None:
    """Add ``text`` after whatever precedes ``element``'s position (as the previous sibling's tail)."""
    if not text:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = element.getparent()
        if parent is not None:
            parent.text = (parent.text or "") + text


def unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its content (text, children and tail kept in place)."""
    parent = element.getparent()
    if parent is None:
        return
    _append_text(element, element.text)
    for child in list(element):
        element.addprevious(child)
    _append_text(element, element.tail)
    parent.remove(element)
