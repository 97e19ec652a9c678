"""Typed answers (short answer, numerical) and blanks of QTI items: text entries, inline
choices and their mapped responses, with ``ANSWER_<n>`` feedback for the n-th typed answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from qbank.models import (
    Blank,
    BlankOption,
    FillInBlanks,
    Numerical,
    NumericAnswer,
    Question,
    ShortAnswer,
    TextAnswer,
)
from qbank.numberformat import format_decimal

from ..foreign.build import blanks_problem
from ..foreign.packagetext import blank_token
from .interactions import Part, detach
from .scoring import Branch, Declaration, decimal

__all__ = ["blanks_or_entry"]


# --- typed answers and blanks ------------------------------------------------------------------


def _lone_entry(body: etree._Element, entry: etree._Element) -> str | None:
    """The unit text when ``entry`` stands alone in a paragraph of the body (qbank's layout), else None."""
    parent = entry.getparent()
    if parent is None or parent.tag != "p" or parent.getparent() is not body or len(parent) != 1:
        return None
    if (parent.text or "").strip():
        return None
    return (entry.tail or "").replace("\u00a0", " ").strip()


def blanks_or_entry(body: etree._Element, found: list[etree._Element], part: Part) -> Question | None:
    if len(found) == 1 and found[0].tag == "textEntryInteraction":
        unit = _lone_entry(body, found[0])
        declaration = part.declaration(found[0])
        if unit is not None and declaration is not None:
            paragraph = found[0].getparent()
            assert paragraph is not None
            detach(paragraph)
            part.common["stem"] = part.ctx.content(body, f"{part.label} text")
            if declaration.base_type in ("float", "integer"):
                return _numerical(declaration, part, unit)
            if unit:
                part.report("W701", f"the text `{unit[:40]}` after the answer box is dropped", body.sourceline,
                            "put it in the question's text")
            return _short_answer(declaration, part)
    return _blanks(body, found, part)


def _answer_feedback(part: Part) -> dict[int, tuple[etree._Element | None, str]]:
    """ANSWER_<k> feedback: k → (the branch's test, the feedback identifier)."""
    found: dict[int, tuple[etree._Element | None, str]] = {}
    for branch in part.scoring:
        for identifier in branch.feedback:
            if identifier.startswith("ANSWER_") and identifier[7:].isdigit():
                found.setdefault(int(identifier[7:]), (branch.test, identifier))
    return found


def _place(known: list[Any], fixed: dict[int, Any]) -> list[Any]:
    """Answers in their original order: those whose position ``fixed`` knows there, the rest in between."""
    size = max([len(known) + len(fixed), *fixed]) if fixed else len(known)
    slots: list[Any] = [None] * size
    for k, value in fixed.items():
        slots[k - 1] = value
    rest = iter(known)
    for k in range(size):
        if slots[k] is None:
            slots[k] = next(rest, None)
    return [s for s in slots if s is not None]


def _short_answer(declaration: Declaration, part: Part) -> Question | None:
    full = max((value for _, value, _ in declaration.mapping), default=None)
    entries = [(key, part.weight(value, full), case) for key, value, case in declaration.mapping] or \
        [(value, 100.0, True) for value in declaration.correct]
    if not entries:
        part.report("W702", "no accepted answer is declared; it is left out", declaration.line, "check the item file")
        return None
    case_sensitive = any(case for _, _, case in entries) if declaration.mapping else True
    by_text = {text: (text, weight) for text, weight, _ in entries}
    fixed: dict[int, tuple[str, float, str]] = {}
    for k, (test, identifier) in _answer_feedback(part).items():
        strings = [v.text or "" for v in test.iter("baseValue")] if test is not None else []
        if strings:
            text, weight = by_text.pop(strings[0], (strings[0], 0.0))
            fixed[k] = (text, weight, identifier)
    known = [(text, weight, "") for text, weight in by_text.values()]
    answers = [TextAnswer(text=text, weight=weight, feedback=part.feedback_of(fb) if fb else None,
                          pos=part.ctx.pos(declaration.line)) for text, weight, fb in _place(known, fixed)]
    return ShortAnswer(**part.common, answers=tuple(answers), case_sensitive=case_sensitive)


def _numeric_answer(branch: Branch, part: Part, declaration: Declaration, full: Decimal | None
                    ) -> NumericAnswer | None:
    test = branch.test
    pos = part.ctx.pos(test.sourceline if test is not None else None)
    weight = part.weight(branch.score, full) if branch.score is not None else 0.0
    if test is None:
        return None
    if test.tag == "equal":
        values = [decimal(v.text) for v in test.iter("baseValue")]
        if test.find("correct") is not None and declaration.correct:
            values = [decimal(declaration.correct[0])]
        value = values[0] if values else None
        if value is None:
            return None
        mode = test.get("toleranceMode", "exact")
        tolerances = [decimal(t) for t in (test.get("tolerance") or "").split()]
        tolerance = tolerances[0] if tolerances and tolerances[0] is not None else Decimal(0)
        if mode == "relative":
            tolerance = abs(value) * tolerance / 100
            part.report("W703", f"a relative tolerance is read as the absolute ±{format_decimal(tolerance)}",
                        test.sourceline, "check the answer after import")
        if mode == "exact" or tolerance == 0:
            return NumericAnswer(kind="exact", value=value, weight=weight, pos=pos, source=format_decimal(value))
        return NumericAnswer(kind="tolerance", value=value, tolerance=tolerance, weight=weight, pos=pos,
                             source=f"{format_decimal(value)} ± {format_decimal(tolerance)}")
    bounds = {node.tag: decimal(next(iter([v.text for v in node.iter("baseValue")]), None))
              for node in (test if test.tag == "and" else []) if node.tag in ("gte", "lte", "gt", "lt")}
    low = bounds.get("gte", bounds.get("gt"))
    high = bounds.get("lte", bounds.get("lt"))
    if low is None or high is None or low > high:
        return None
    value, tolerance = (low + high) / 2, (high - low) / 2
    return NumericAnswer(kind="tolerance", value=value, tolerance=tolerance, weight=weight, pos=pos,
                         source=f"{format_decimal(value)} ± {format_decimal(tolerance)}")


def _numerical(declaration: Declaration, part: Part, unit: str) -> Question | None:
    feedback = {identifier: k for k, (_, identifier) in _answer_feedback(part).items()}
    known: list[NumericAnswer] = []
    fixed: dict[int, NumericAnswer] = {}
    full = max((b.score for b in part.scoring if b.score is not None), default=None)
    for branch in part.scoring:
        answer = _numeric_answer(branch, part, declaration, full)
        if answer is None:
            continue
        ids = [i for i in branch.feedback if i in feedback]
        if ids:
            answer = answer.model_copy(update={"feedback": part.feedback_of(ids[0])})
            fixed[feedback[ids[0]]] = answer
        elif answer.weight > 0:
            known.append(answer)
    answers = _place(known, fixed)
    if not answers:
        values = [decimal(v) for v in declaration.correct]
        answers = [NumericAnswer(kind="exact", value=v, pos=part.ctx.pos(declaration.line), source=format_decimal(v))
                   for v in values if v is not None]
    if not answers:
        part.report("W702", "no accepted number is declared; it is left out", declaration.line, "check the item file")
        return None
    return Numerical(**part.common, answers=tuple(answers), unit=unit or None)


def _blanks(body: etree._Element, found: list[etree._Element], part: Part) -> Question | None:
    made: list[Blank] = []
    shuffles: set[bool] = set()
    for number, interaction in enumerate(found, 1):
        declaration = part.declaration(interaction)
        pos = part.ctx.pos(interaction.sourceline)
        if declaration is None:
            part.report("W702", "a blank without a response declaration: the question is left out",
                        interaction.sourceline, "check the item file")
            return None
        if interaction.tag == "inlineChoiceInteraction":
            shuffles.add(interaction.get("shuffle", "false") == "true")
            options = interaction.findall("inlineChoice")
            correct = [o.get("identifier", "") for o in options if o.get("identifier", "") in declaration.correct]
            if not correct:
                part.report("W702", "a dropdown blank has no correct option: the question is left out",
                            interaction.sourceline, "check the item file")
                return None
            made.append(Blank(id=str(number), kind="dropdown", pos=pos, options=tuple(
                BlankOption(text=" ".join("".join(o.itertext()).split()), correct=o.get("identifier") == correct[0])
                for o in options)))
        else:
            answers = [key for key, value, _ in declaration.mapping if value > 0] or list(declaration.correct)
            case = any(c for _, _, c in declaration.mapping) if declaration.mapping else True
            if not answers:
                part.report("W702", "a blank has no accepted answer: the question is left out",
                            interaction.sourceline, "check the item file")
                return None
            made.append(Blank(id=str(number), kind="text", answers=tuple(dict.fromkeys(answers)),
                              case_sensitive=case, pos=pos))
    problem = blanks_problem(made)
    if problem:
        part.report("W702", f"{problem} in qbank's source format; it is left out", body.sourceline,
                    "change the answer in the item and export again, or recreate the question by hand")
        return None
    tokens = {id(e): blank_token(k) for k, e in enumerate(found)}
    content = part.ctx.new_content(f"{part.label} text", body.sourceline, blank=lambda e: tokens.get(id(e), ""))
    stem = part.ctx.fragment(content.inner(body), body.sourceline, f"{part.label} text", blanks=made)
    if stem.blanks != len(made):
        part.report("W702", "its blanks cannot be written in qbank's source format (a `|` or `]]` in an answer, or a "
                    "blank inside a table); it is left out", body.sourceline, "recreate the question by hand")
        return None
    return FillInBlanks(**{**part.common, "stem": stem}, blanks=tuple(made), shuffle=shuffles == {True})
