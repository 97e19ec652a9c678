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
    Choice,
    Fragment,
    Matching,
    MatchPair,
    MultipleChoice,
    MultipleSelect,
    Ordering,
    OrderItem,
    Question,
    TrueFalse,
)

from .scoring import Branch, Declaration, branches

if TYPE_CHECKING:
    from .items import ItemCtx

__all__ = ["Part", "choices", "detach", "matching", "ordering"]


def detach(element: etree._Element) -> None:
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
        detach(interaction)
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
