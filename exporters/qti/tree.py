"""One QTI element tree, two dialects: QTI 2.1 (camelCase) and QTI 3.0 (kebab-case ``qti-``).

Items and tests are built once, as a dialect-neutral tree: QTI elements in the private
:data:`NEUTRAL` namespace with their QTI 2.1 camelCase names and attributes, author content
as XHTML elements (from :mod:`qbank.xhtml`) and formulas as MathML. A :class:`Dialect` then
*realizes* the tree for one version: it puts QTI and XHTML elements in the version's
namespace, renames QTI names (``choiceInteraction`` → ``qti-choice-interaction``,
``maxChoices`` → ``max-choices``), applies the few structural differences (3.0 wraps modal
feedback in ``qti-content-body``) and adjusts MathML to the MathML schema that version imports.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeAlias

from lxml import etree

from qbank.xhtml import XHTML_NS

NEUTRAL = "urn:x-qbank:qti-neutral"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

AttrValue = str | int | bool | None
Child: TypeAlias = "etree._Element | str"


def qti(tag: str, attrs: Mapping[str, AttrValue] | None = None, *children: Child) -> etree._Element:
    """A dialect-neutral QTI element (camelCase name and attributes, as in QTI 2.1)."""
    element = etree.Element(f"{{{NEUTRAL}}}{tag}")
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        element.set(name, ("true" if value else "false") if isinstance(value, bool) else str(value))
    for child in children:
        if isinstance(child, str):
            if len(element):
                element[-1].tail = (element[-1].tail or "") + child
            else:
                element.text = (element.text or "") + child
        else:
            element.append(child)
    return element


def is_qti(element: etree._Element, tag: str) -> bool:
    return bool(element.tag == f"{{{NEUTRAL}}}{tag}")


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


# QTI 3.0 puts the content of these elements in a qti-content-body child.
_CONTENT_BODY_HOLDERS = frozenset({"modalFeedback", "rubricBlock"})
_NEUTRAL_PREFIX = f"{{{NEUTRAL}}}"
_MATHML_PREFIX = f"{{{MATHML_NS}}}"
_RESPONSE_PROCESSING = f"{{{NEUTRAL}}}responseProcessing"
_TAG_CACHE: dict[str, dict[str, str]] = {}
_ATTRIBUTE_CACHE: dict[str, dict[str, str]] = {}

MathFix = Callable[[etree._Element], None]


@dataclass(frozen=True)
class Dialect:
    """How one QTI version spells the neutral tree."""

    key: str  # "qti21" / "qti30"
    label: str  # "QTI 2.1"
    namespace: str
    item_schema: str  # schemaLocation of items and tests
    mathml_schema: str
    kebab: bool  # QTI 3.0: qti- prefixed kebab-case names
    templates: Mapping[str, str]  # match_correct / map_response → template URI
    item_resource: str
    test_resource: str
    cp_namespace: str
    cp_schema_location: str
    package_schema: str  # the manifest's <schema> text
    package_schema_version: str
    dropped_attributes: frozenset[str]  # neutral attributes this version does not have
    fix_math: MathFix | None  # adjusts MathML to the version's MathML schema

    def element_name(self, camel: str) -> str:
        return f"qti-{kebab(camel)}" if self.kebab else camel

    def attribute_name(self, camel: str) -> str:
        return kebab(camel) if self.kebab else camel

    def template(self, name: str) -> str:
        return self.templates[name]

    def realize(self, neutral: etree._Element) -> etree._Element:
        """The neutral tree as this dialect's document root (a new tree; the input is unchanged)."""
        uses_math = next(neutral.iter(f"{{{MATHML_NS}}}math"), None) is not None
        nsmap: dict[str | None, str] = {None: self.namespace, "xsi": XSI_NS}
        if uses_math:
            nsmap["m"] = MATHML_NS
        root = etree.Element(self._tag(neutral), nsmap=nsmap)
        location = f"{self.namespace} {self.item_schema}"
        if uses_math:
            location += f" {MATHML_NS} {self.mathml_schema}"
        root.set(f"{{{XSI_NS}}}schemaLocation", location)
        # Copy in C (deepcopy), hang the copy's content under the new root so the version's
        # namespaces are in scope, then rename in place: building every element anew in
        # Python was most of the export time.
        body = copy.deepcopy(neutral)
        self._set_attributes(body, root, True, str(body.tag))
        self._hold(body, root)
        self._rename_children(root)
        etree.cleanup_namespaces(root)
        return root

    def _tag(self, element: etree._Element) -> str:
        return self._tag_for(str(element.tag))

    def _tag_for(self, tag: str) -> str:
        # Realizing a bank renames tens of thousands of elements with a few dozen distinct
        # names: translate each name once (etree.QName per element dominated export time).
        cache = _TAG_CACHE.setdefault(self.key, {})
        found = cache.get(tag)
        if found is None:
            namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
            if namespace == NEUTRAL:
                found = f"{{{self.namespace}}}{self.element_name(local)}"
            elif namespace == XHTML_NS:
                found = f"{{{self.namespace}}}{local}"
            else:
                found = tag
            cache[tag] = found
        return found

    def _attribute_for(self, attr: str) -> str:
        cache = _ATTRIBUTE_CACHE.setdefault(self.key, {})
        found = cache.get(attr)
        if found is None:
            found = cache[attr] = self.attribute_name(attr)
        return found

    def _set_attributes(self, source: etree._Element, target: etree._Element, neutral: bool,
                        source_tag: str) -> None:
        """Copy (or, with ``source is target``, rewrite) attributes, spelled for this version."""
        items = sorted(source.attrib.items())
        if source is target:
            target.attrib.clear()
        for attr, value in items:
            if neutral and attr in self.dropped_attributes:
                continue
            if neutral and attr == "template" and source_tag == _RESPONSE_PROCESSING:
                target.set(attr, self.template(value))
            elif neutral and not attr.startswith("{"):
                target.set(self._attribute_for(attr), value)
            else:
                target.set(attr, value)

    def _hold(self, source: etree._Element, target: etree._Element) -> None:
        """Move ``source``'s text and children into ``target`` (in a qti-content-body where 3.0 wants one)."""
        holder = target
        local = str(source.tag)[len(_NEUTRAL_PREFIX):] if str(source.tag).startswith(_NEUTRAL_PREFIX) else None
        if self.kebab and local in _CONTENT_BODY_HOLDERS:
            holder = etree.SubElement(target, f"{{{self.namespace}}}qti-content-body")
        holder.text = source.text
        for child in list(source):
            if isinstance(child.tag, str):
                holder.append(child)  # a move: the child's tail goes with it

    def _rename_children(self, parent: etree._Element) -> None:
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str):
                parent.remove(child)
                continue
            if tag.startswith(_MATHML_PREFIX):
                if self.fix_math is not None:
                    self.fix_math(child)
                continue
            neutral = tag.startswith(_NEUTRAL_PREFIX)
            local = tag[len(_NEUTRAL_PREFIX):] if neutral else None
            child.tag = self._tag_for(tag)
            if len(child.attrib):
                self._set_attributes(child, child, neutral, tag)
            if self.kebab and local in _CONTENT_BODY_HOLDERS:
                content = etree.Element(f"{{{self.namespace}}}qti-content-body")
                content.text, child.text = child.text, None
                for grandchild in list(child):
                    content.append(grandchild)
                child.append(content)
            self._rename_children(child)

def _copy(element: etree._Element) -> etree._Element:
    made = copy.deepcopy(element)
    made.tail = None
    return made


def indent(element: etree._Element, level: int = 0) -> etree._Element:
    """Indent the QTI structure of a neutral tree, in place, for people who read the XML.

    Only neutral (QTI) elements that hold nothing but elements are indented, and author
    content (XHTML, MathML) is never entered: whitespace there can matter (``<pre>``).
    """
    if not str(element.tag).startswith(_NEUTRAL_PREFIX) or len(element) == 0:
        return element
    if (element.text or "").strip() or any((child.tail or "").strip() for child in element):
        return element
    if any(str(child.tag).startswith(_MATHML_PREFIX) for child in element):
        return element
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        child.tail = inner
        indent(child, level + 1)
    element[-1].tail = "\n" + "  " * level
    return element


def document(root: etree._Element) -> bytes:
    """Serialized XML: UTF-8 with a declaration (indentation is :func:`indent`'s, done before)."""
    body: bytes = etree.tostring(root, encoding="UTF-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
