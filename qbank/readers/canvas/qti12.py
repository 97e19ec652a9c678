"""The parts of a QTI 1.2 ``<item>`` a reader needs, with the position of each in its file.

Namespace-blind (Canvas writes the ASI namespace, other producers none). Material text is
taken as Canvas's importer takes it: a ``mattext`` without ``texttype`` is HTML when it
looks like HTML, else plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from ..foreign.build import exact_number as number  # QTI 1.2's numbers are written as QTI's

__all__ = ["Condition", "Label", "Material", "RawItem", "RawResponse", "children", "first", "leaves", "local", "number",
           "read_item",
           "text_of"]

_LOOKS_HTML = re.compile(r"<[A-Za-z/!]")


def local(element: etree._Element) -> str:
    """The element's name without its namespace ("" for comments and processing instructions)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: etree._Element, name: str | None = None) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str) and (name is None or local(c) == name)]


def first(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for child in element:
        if isinstance(child.tag, str) and local(child) == name:
            return child
    return None


def descendant(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for node in element.iter():
        if isinstance(node.tag, str) and local(node) == name:
            return node
    return None


def leaves(test: etree._Element | None, negated: bool = False) -> Iterator[tuple[etree._Element, bool]]:
    """Every leaf test (varequal, vargte...) of a conditionvar, with whether it sits under ``<not>``."""
    if test is None:
        return
    for node in children(test):
        name = local(node)
        if name in ("and", "or"):
            yield from leaves(node, negated)
        elif name == "not":
            yield from leaves(node, not negated)
        else:
            yield node, negated


def text_of(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


@dataclass
class Material:
    """The text of a ``material``: HTML or plain, and where it is."""

    text: str
    html: bool
    line: int


def material(element: etree._Element | None) -> Material | None:
    """The first ``mattext`` (or ``mat_extension``/``matemtext``) under ``element``."""
    if element is None:
        return None
    node = descendant(element, "mattext")
    if node is None:
        node = descendant(element, "matemtext")
    if node is None:
        return None
    texttype = (node.get("texttype") or "").lower()
    text = text_of(node)
    html = texttype == "text/html" or (not texttype and bool(_LOOKS_HTML.search(text)))
    return Material(text, html, node.sourceline or element.sourceline or 1)


@dataclass
class Label:
    ident: str
    material: Material | None
    line: int


@dataclass
class RawResponse:
    kind: str  # lid | str | num | xy | grp | extension
    ident: str
    cardinality: str  # Single | Multiple | Ordered
    material: Material | None
    labels: list[Label]
    render: str  # choice | fib | hotspot | slider | extension | ...
    fibtype: str | None
    line: int


@dataclass
class Condition:
    """One ``respcondition``: its test, what it sets and which feedback it shows."""

    test: etree._Element | None  # the conditionvar
    sets: list[tuple[str, str, Decimal | None]]  # (action, varname, value)
    feedback: list[str]
    continues: bool
    title: str
    line: int

    @property
    def score(self) -> Decimal | None:
        """What the condition sets SCORE to (Set) or adds (Add), or None when it sets nothing."""
        for action, name, value in self.sets:
            if name.upper() in ("SCORE", "QUE_SCORE") and value is not None and action in ("Set", "Add"):
                return value
        return None


@dataclass
class RawItem:
    ident: str
    title: str
    metadata: dict[str, str]
    stem: Material | None
    responses: list[RawResponse]
    conditions: list[Condition]
    processed: bool  # has a resprocessing
    feedback: dict[str, Material]
    line: int
    extension: etree._Element | None  # itemproc_extension (Canvas calculated questions)
    element: etree._Element = field(repr=False)
    used_feedback: set[str] = field(default_factory=set)  # itemfeedback idents a reader attached

    @property
    def question_type(self) -> str:
        return self.metadata.get("question_type", "") or self.metadata.get("qmd_itemtype", "")


def _metadata(item: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    meta = first(item, "itemmetadata")
    if meta is None:
        return found
    for entry in meta.iter():
        if not isinstance(entry.tag, str):
            continue
        name = local(entry)
        if name == "qtimetadatafield":
            label, value = first(entry, "fieldlabel"), first(entry, "fieldentry")
            key = text_of(label).strip()
            if key and key not in found:
                found[key] = text_of(value).strip() if key != "bank_title" else text_of(value)
        elif name in ("qmd_itemtype", "qmd_questiontype") and name not in found:
            found[name if name == "qmd_itemtype" else "question_type"] = text_of(entry).strip()
    return found


def _response(node: etree._Element) -> RawResponse:
    kind = local(node).removeprefix("response_")
    renders = [c for c in children(node) if local(c).startswith("render_")]
    render = renders[0] if renders else None
    labels = []
    if render is not None:
        for label in render.iter():
            if isinstance(label.tag, str) and local(label) == "response_label":
                labels.append(Label(label.get("ident", ""), material(label), label.sourceline or 1))
    material_node = first(node, "material")
    return RawResponse(kind, node.get("ident", ""), node.get("rcardinality", "Single"), material(material_node),
                       labels, local(render).removeprefix("render_") if render is not None else "",
                       render.get("fibtype") if render is not None else None, node.sourceline or 1)


def _condition(node: etree._Element) -> Condition:
    sets = []
    for setvar in children(node, "setvar"):
        sets.append((setvar.get("action", "Set"), setvar.get("varname", "SCORE"), number(text_of(setvar) or "0")))
    feedback = [d.get("linkrefid", "") for d in children(node, "displayfeedback")]
    return Condition(first(node, "conditionvar"), sets, feedback, node.get("continue", "No") == "Yes",
                     node.get("title", ""), node.sourceline or 1)


def read_item(item: etree._Element) -> RawItem:
    presentation = first(item, "presentation")
    stem: Material | None = None
    responses: list[RawResponse] = []
    if presentation is not None:
        for node in presentation.iter():
            if not isinstance(node.tag, str):
                continue
            name = local(node)
            if name == "material" and stem is None and node.getparent() is not None \
                    and local(node.getparent()) in ("presentation", "flow"):
                stem = material(node)
            elif name.startswith("response_") and name != "response_label":
                responses.append(_response(node))
    processing = first(item, "resprocessing")
    conditions = [_condition(c) for c in children(processing, "respcondition")] if processing is not None else []
    feedback: dict[str, Material] = {}
    for node in children(item, "itemfeedback"):
        found = material(node)
        if found is not None and node.get("ident", "") not in feedback:
            feedback[node.get("ident", "")] = found
    return RawItem(item.get("ident", ""), item.get("title", ""), _metadata(item), stem, responses, conditions,
                   processing is not None, feedback, item.sourceline or 1, first(item, "itemproc_extension"), item)
