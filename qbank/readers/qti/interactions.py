"""The answers of each QTI interaction, from its declaration, mapping, rules and feedback.

Weights are mapped values (points) as percentages of the question's points; feedback is
found by ``modalFeedback`` identifier: a choice's own identifier, ``ANSWER_<n>`` for the n-th
typed answer (qbank's convention), ``CORRECT``, ``INCORRECT`` and ``EXPLANATION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lxml import etree

from qbank.models import (
    Blank,
    BlankOption,
    Choice,
    FillInBlanks,
    Fragment,
    Matching,
    MatchPair,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    OrderItem,
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
)
from qbank.numberformat import format_decimal

from ..foreign.build import blanks_problem
from ..foreign.packagetext import blank_token
from .scoring import Branch, Declaration, branches, decimal

if TYPE_CHECKING:
    from .items import ItemCtx

__all__ = ["Part", "blanks_or_entry", "choices", "matching", "ordering"]


def _detach(element: etree._Element) -> None:
    """Remove ``element`` from its tree, keeping its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    element.tail = None
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


@dataclass
class Part:
    """One item being read: its context, declarations, feedback and the question's common fields."""

    ctx: ItemCtx
    root: etree._Element
    responses: dict[str, Declaration]
    feedback: dict[str, etree._Element]
    used: set[str]
    label: str
    common: dict[str, Any]
    declared: bool  # the item declares its points (MAXSCORE or normalMaximum)

    @property
    def points(self) -> Decimal:
        value: Decimal = self.common["points"]
        return value

    @cached_property
    def scoring(self) -> list[Branch]:
        """The item's response processing, read once however many answers ask about it."""
        return branches(self.root)

    def declaration(self, interaction: etree._Element) -> Declaration | None:
        return self.responses.get(interaction.get("responseIdentifier", ""))

    def weight(self, value: Decimal, full: Decimal | None = None) -> float:
        """``value`` as a percentage of the points; of ``full`` (what the item's own scoring gives a
        fully correct answer) when the item declares no points (then it is worth 1, as in Canvas)."""
        scale = self.points if self.declared or not full else full
        return float(value * 100 / scale) if scale else 0.0

    def feedback_of(self, identifier: str) -> Fragment | None:
        node = self.feedback.get(identifier)
        if node is None:
            return None
        self.used.add(identifier)
        return self.ctx.content(node, f"{self.label} feedback")

    def inline(self, element: etree._Element, what: str) -> Fragment:
        return self.ctx.content(element, f"{self.label} {what}")

    def stem(self, body: etree._Element, interaction: etree._Element) -> Fragment:
        """The item body without ``interaction`` (its ``prompt`` joins the text, as Canvas does)."""
        prompt = interaction.find("prompt")
        _detach(interaction)
        content = self.ctx.new_content(f"{self.label} text", body.sourceline)
        html = content.inner(body)
        if prompt is not None and " ".join("".join(prompt.itertext()).split()) not in " ".join(
                "".join(body.itertext()).split()):
            html += content.inner(prompt)  # a prompt that repeats the body's text is not shown twice
        return self.ctx.fragment(html, body.sourceline, f"{self.label} text", stem=True)

    def report(self, code: str, message: str, line: int | None, hint: str) -> None:
        self.ctx.report.add(code, f"{self.label}: {message}", self.ctx.pos(line), hint=hint)


# --- choices -----------------------------------------------------------------------------------


def choices(interaction: etree._Element, part: Part) -> Question | None:
    options = interaction.findall("simpleChoice")
    declaration = part.declaration(interaction)
    if not options or declaration is None:
        part.report("W702", "a choice interaction without options or a response declaration is left out",
                    interaction.sourceline, "check the item file")
        return None
    single = interaction.get("maxChoices", "1") == "1"
    ids = [o.get("identifier", "") for o in options]
    texts = [part.inline(o, "option") for o in options]
    feedback = [part.feedback_of(i) for i in ids]
    correct = [i for i in ids if i in declaration.correct]
    mapped = {key: value for key, value, _ in declaration.mapping}
    shuffle = interaction.get("shuffle", "false") == "true"
    if not correct:
        correct = [i for i in ids if mapped.get(i, Decimal(0)) > 0][:1 if single else None]
    if not correct:
        part.report("W702", "no option is correct, so the question cannot be scored; it is left out",
                    interaction.sourceline, "mark the correct option and export again")
        return None
    if single and ids == ["true", "false"] and [t.source.strip().casefold() for t in texts] == ["true", "false"]:
        made = [Choice(id=i, text=t, correct=i in correct, weight=100.0 if i in correct else 0.0, feedback=f,
                       pos=part.ctx.pos(o.sourceline))
                for i, t, f, o in zip(ids, texts, feedback, options, strict=True)]
        return TrueFalse(**part.common, answer=made[0].correct, choices=tuple(made), shuffle=False)
    if single:
        first = correct[0]
        if len(correct) > 1:
            part.report("W703", f"{len(correct)} options are correct in a single-choice interaction; the first is "
                        "the correct option and the others keep their credit as weights", interaction.sourceline,
                        "make it a multiple-select question if several options are right")
        full = max(mapped.values(), default=None)
        weights = {i: (part.weight(mapped[i], full) if i in mapped else (100.0 if i in correct else 0.0)) for i in ids}
        weights[first] = 100.0
        made = [Choice(id=i, text=t, correct=i == first, weight=weights[i], feedback=f,
                       pos=part.ctx.pos(o.sourceline))
                for i, t, f, o in zip(ids, texts, feedback, options, strict=True)]
        return MultipleChoice(**part.common, choices=tuple(made), shuffle=shuffle)
    if mapped:
        full = sum((v for v in mapped.values() if v > 0), Decimal(0))
        weights = {i: part.weight(mapped.get(i, Decimal(0)), full) for i in ids}
    else:
        part.report("W703", "all-or-nothing scoring of several options is read as partial credit (each correct "
                    "option earns its share, each wrong one costs as much)", interaction.sourceline,
                    "check the weights after import")
        share = 100.0 / len(correct)
        weights = {i: share if i in correct else -share for i in ids}
    made = [Choice(id=i, text=t, correct=i in correct, weight=weights[i], feedback=f, pos=part.ctx.pos(o.sourceline))
            for i, t, f, o in zip(ids, texts, feedback, options, strict=True)]
    scoring = "penalty" if any(w < 0 for w in weights.values()) else "no-penalty"
    return MultipleSelect(**part.common, choices=tuple(made), scoring=scoring, shuffle=shuffle)


# --- matching and ordering ---------------------------------------------------------------------


def matching(interaction: etree._Element, part: Part) -> Question | None:
    sets = interaction.findall("simpleMatchSet")
    declaration = part.declaration(interaction)
    if len(sets) != 2 or declaration is None:
        part.report("W702", "a match interaction without two sets or a declaration is left out",
                    interaction.sourceline, "check the item file")
        return None
    sources, targets = sets[0].findall("simpleAssociableChoice"), sets[1].findall("simpleAssociableChoice")
    by_id = {t.get("identifier", ""): t for t in targets}
    answer: dict[str, str] = {}
    for value in declaration.correct:
        left, _, right = value.partition(" ")
        answer.setdefault(left, right.strip())
    pairs: list[MatchPair] = []
    used: set[str] = set()
    for source in sources:
        target = by_id.get(answer.get(source.get("identifier", ""), "") or "")
        if target is None:
            part.report("W701", "a prompt with no correct match is dropped", source.sourceline,
                        "add its match by hand after import")
            continue
        used.add(target.get("identifier", ""))
        pairs.append(MatchPair(left=part.inline(source, "prompt"), right=part.inline(target, "answer"),
                               pos=part.ctx.pos(source.sourceline)))
    if not pairs:
        part.report("W702", "no prompt has a correct match; it is left out", interaction.sourceline,
                    "check the item file")
        return None
    distractors = tuple(part.inline(t, "answer") for t in targets if t.get("identifier", "") not in used)
    return Matching(**part.common, pairs=tuple(pairs), distractors=distractors,
                    shuffle=interaction.get("shuffle", "false") == "true")


def ordering(interaction: etree._Element, part: Part) -> Question | None:
    declaration = part.declaration(interaction)
    choices_ = {c.get("identifier", ""): c for c in interaction.findall("simpleChoice")}
    order = [i for i in (declaration.correct if declaration else []) if i in choices_]
    if len(order) != len(choices_) or not order:
        part.report("W702", "an order interaction without a complete correct order is left out",
                    interaction.sourceline, "check the item file")
        return None
    items = tuple(OrderItem(id=i, text=part.inline(choices_[i], "item"), pos=part.ctx.pos(choices_[i].sourceline))
                  for i in order)
    return Ordering(**{**part.common, "shuffle": interaction.get("shuffle", "true") == "true"}, items=items)


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
            _detach(paragraph)
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
