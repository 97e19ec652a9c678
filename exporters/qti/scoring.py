"""Scores in points and the response-processing rules that compute them.

Every item scores in points: SCORE runs from 0 to MAXSCORE = the question's points. Option
weights (percent of the points, already resolved by the bank's scoring policy) become
``mapEntry`` values in points. A share that is not a finite decimal (1/3 of a point) is
rounded *up* at seven decimals so that a fully correct answer reaches MAXSCORE exactly once
the mapping's (or the final) upper bound clips the sum — a player's float arithmetic never
leaves a correct answer at 0.9999999.

Response processing uses the standard templates (``map_response``, ``match_correct``) when
they compute exactly what the item needs; an item that shows feedback, scores several
responses or checks numeric tolerances gets explicit rules built here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from lxml import etree

from qbank.numberformat import format_decimal

from .tree import qti

SCORE, MAXSCORE, FEEDBACK = "SCORE", "MAXSCORE", "FEEDBACK"
EXPLANATION, CORRECT, INCORRECT = "EXPLANATION", "CORRECT", "INCORRECT"
_STEP = Decimal("1e-7")


def number(value: Decimal) -> str:
    return format_decimal(value)


def percent_of(points: Decimal, weight: float) -> Decimal:
    """``weight`` percent of ``points``, exactly where it can be, rounded to 1e-7 otherwise."""
    return share(points * Decimal(repr(weight)), Decimal(100))


def share(total: Decimal, parts: Decimal) -> Decimal:
    """``total / parts``; a positive share that needs more than 7 decimals is rounded up."""
    value = total / parts
    if value == value.quantize(_STEP):
        return value.normalize()
    rounding = ROUND_CEILING if value > 0 else ROUND_HALF_EVEN
    return value.quantize(_STEP, rounding=rounding).normalize()


@dataclass
class Response:
    """One response variable: its declaration and how it scores."""

    identifier: str
    cardinality: str  # single / multiple / ordered
    base_type: str  # identifier / string / float / directedPair
    correct: Sequence[str]
    mapping: list[tuple[str, Decimal]] = field(default_factory=list)
    upper: Decimal | None = None  # the mapping's upperBound
    case_sensitive: bool = True

    def declaration(self) -> etree._Element:
        element = qti("responseDeclaration", {"identifier": self.identifier, "cardinality": self.cardinality,
                                               "baseType": self.base_type})
        if self.correct:
            element.append(qti("correctResponse", None, *(qti("value", None, v) for v in self.correct)))
        if self.mapping:
            mapping = qti("mapping", {"lowerBound": "0", "upperBound": number(self.upper) if self.upper is not None
                                      else None, "defaultValue": "0"})
            for key, value in self.mapping:
                attrs: dict[str, str] = {"mapKey": key, "mappedValue": number(value)}
                if self.base_type == "string":
                    attrs["caseSensitive"] = "true" if self.case_sensitive else "false"
                mapping.append(qti("mapEntry", attrs))
            element.append(mapping)
        return element


# --- expressions and rules (neutral tree) ---------------------------------------------------


def var(identifier: str) -> etree._Element:
    return qti("variable", {"identifier": identifier})


def base(base_type: str, value: str) -> etree._Element:
    return qti("baseValue", {"baseType": base_type}, value)


def set_outcome(identifier: str, expression: etree._Element) -> etree._Element:
    return qti("setOutcomeValue", {"identifier": identifier}, expression)


def add_feedback(identifier: str) -> etree._Element:
    """FEEDBACK := FEEDBACK ∪ {identifier} (``multiple`` ignores FEEDBACK while it is NULL)."""
    return set_outcome(FEEDBACK, qti("multiple", None, var(FEEDBACK), base("identifier", identifier)))


def condition(branches: Sequence[tuple[etree._Element, Sequence[etree._Element]]],
              otherwise: Sequence[etree._Element] | None = None) -> etree._Element:
    """responseCondition: if/else-if branches of (expression, rules), then an optional else."""
    element = qti("responseCondition")
    for k, (test, rules) in enumerate(branches):
        element.append(qti("responseIf" if k == 0 else "responseElseIf", None, test, *rules))
    if otherwise is not None:
        element.append(qti("responseElse", None, *otherwise))
    return element


def not_null(identifier: str) -> etree._Element:
    return qti("not", None, qti("isNull", None, var(identifier)))


def mapped_score(responses: Sequence[Response]) -> list[etree._Element]:
    """SCORE from the responses' mappings.

    One response: exactly the rules of the ``map_response`` template. Several (the blanks
    of one stem): SCORE := Σ mapResponse(r) over the answered responses.
    """
    if len(responses) == 1:
        identifier = responses[0].identifier
        return [condition([(qti("isNull", None, var(identifier)), [set_outcome(SCORE, base("float", "0"))])],
                          [set_outcome(SCORE, qti("mapResponse", {"identifier": identifier}))])]
    return [condition([(not_null(r.identifier),
                        [set_outcome(SCORE, qti("sum", None, var(SCORE), qti("mapResponse",
                                                                             {"identifier": r.identifier})))])])
            for r in responses]


def clip_to_max() -> etree._Element:
    return condition([(qti("gt", None, var(SCORE), var(MAXSCORE)), [set_outcome(SCORE, var(MAXSCORE))])])


def all_correct(response: Response, points: Decimal) -> list[etree._Element]:
    """The rules of the ``match_correct`` template, scoring ``points`` instead of 1."""
    test = qti("match", None, var(response.identifier), qti("correct", {"identifier": response.identifier}))
    return [condition([(test, [set_outcome(SCORE, base("float", number(points)))])],
                      [set_outcome(SCORE, base("float", "0"))])]


def verdict_feedback(correct: bool, incorrect: bool) -> list[etree._Element]:
    """CORRECT when SCORE reached MAXSCORE, else INCORRECT (for the question's own feedback)."""
    if not (correct or incorrect):
        return []
    return [condition([(qti("gte", None, var(SCORE), var(MAXSCORE)),
                        [add_feedback(CORRECT)] if correct else [])],
                      [add_feedback(INCORRECT)] if incorrect else None)]


def processing(rules: Sequence[etree._Element] = (), template: str | None = None) -> etree._Element:
    """responseProcessing: either a template name (mapped to its URI by the dialect) or rules."""
    if template is not None:
        return qti("responseProcessing", {"template": template})
    return qti("responseProcessing", None, *rules)
