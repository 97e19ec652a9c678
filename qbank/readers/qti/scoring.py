"""What a QTI item declares and computes: response declarations, points, scoring branches, feedback.

Read from the normalised item (:mod:`.normalize`). Points are the ``MAXSCORE`` default (what
qbank writes), else ``SCORE``'s ``normalMaximum``, else what the mapping or the rules can
give. Weights are mapped values as percentages of the points, as qbank's QTI target writes
them (``exporters/qti/scoring.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from ..foreign.build import exact_number as decimal

__all__ = ["Branch", "Declaration", "branches", "declarations", "decimal", "feedback_ids", "points_of"]


@dataclass
class Declaration:
    identifier: str
    cardinality: str
    base_type: str
    correct: list[str]
    mapping: list[tuple[str, Decimal, bool]]  # (key, value, case sensitive)
    upper: Decimal | None
    line: int


def declarations(item: etree._Element) -> dict[str, Declaration]:
    found: dict[str, Declaration] = {}
    for node in item.findall("responseDeclaration"):
        correct = [(v.text or "").strip() if node.get("baseType") != "string" else (v.text or "")
                   for v in node.findall("correctResponse/value")]
        mapping: list[tuple[str, Decimal, bool]] = []
        mapping_node = node.find("mapping")
        if mapping_node is None:
            mapping_node = node.find("areaMapping")
        if mapping_node is not None:
            for entry in mapping_node.findall("mapEntry"):
                value = decimal(entry.get("mappedValue"))
                if value is not None:
                    mapping.append((entry.get("mapKey", ""), value,
                                    entry.get("caseSensitive", "true").lower() != "false"))
        found[node.get("identifier", "")] = Declaration(
            node.get("identifier", ""), node.get("cardinality", "single"), node.get("baseType", "identifier"),
            correct, mapping, decimal(mapping_node.get("upperBound")) if mapping_node is not None else None,
            node.sourceline or 1)
    return found


def _default(item: etree._Element, identifier: str) -> tuple[Decimal | None, Decimal | None]:
    for node in item.findall("outcomeDeclaration"):
        if node.get("identifier") == identifier:
            value = node.find("defaultValue/value")
            return (decimal(value.text) if value is not None else None), decimal(node.get("normalMaximum"))
    return None, None


def points_of(item: etree._Element, responses: dict[str, Declaration]) -> Decimal | None:
    """The item's points, or None when it declares none (then the caller decides)."""
    maximum, _ = _default(item, "MAXSCORE")
    if maximum is not None and maximum > 0:
        return maximum
    _, normal = _default(item, "SCORE")
    if normal is not None and normal > 0:
        return normal
    return None


@dataclass
class Branch:
    """One if/else-if branch of a responseCondition: its test, the SCORE it sets, the feedback it adds."""

    test: etree._Element | None
    score: Decimal | None
    feedback: list[str] = field(default_factory=list)


def _feedback_added(rules: list[etree._Element]) -> list[str]:
    found = []
    for rule in rules:
        if rule.tag == "setOutcomeValue" and rule.get("identifier") == "FEEDBACK":
            for value in rule.iter("baseValue"):
                if value.get("baseType") == "identifier":
                    found.append((value.text or "").strip())
    return found


def _score_set(rules: list[etree._Element]) -> Decimal | None:
    for rule in rules:
        if rule.tag == "setOutcomeValue" and rule.get("identifier") == "SCORE":
            expression = rule[0] if len(rule) else None
            if expression is not None and expression.tag == "baseValue":
                return decimal(expression.text)
    return None


def branches(item: etree._Element) -> list[Branch]:
    """Every branch of every top-level responseCondition, in order."""
    processing = item.find("responseProcessing")
    found: list[Branch] = []
    if processing is None:
        return found
    for condition in processing.findall("responseCondition"):
        for part in condition:
            if not isinstance(part.tag, str):
                continue
            children = [c for c in part if isinstance(c.tag, str)]
            if part.tag in ("responseIf", "responseElseIf") and children:
                found.append(Branch(children[0], _score_set(children[1:]), _feedback_added(children[1:])))
            elif part.tag == "responseElse":
                found.append(Branch(None, _score_set(children), _feedback_added(children)))
    return found


def feedback_ids(item: etree._Element) -> dict[str, etree._Element]:
    """modalFeedback elements by identifier (the first of each)."""
    found: dict[str, etree._Element] = {}
    for node in item.findall("modalFeedback"):
        found.setdefault(node.get("identifier", ""), node)
    return found
