"""One QTI 2.x/3.0 assessment item → one question, decided by its interactions.

``choiceInteraction`` is multiple choice (``maxChoices`` 1; true/false when its choices are
``true``/``false`` reading True and False) or multiple select; a lone ``textEntryInteraction``
after the text is short answer (string) or numerical (float, integer); text entries and
inline choices inside the text are fill-in-the-blanks; ``extendedTextInteraction`` is an essay,
``matchInteraction`` matching, ``orderInteraction`` ordering, no interaction a description.
Every other interaction (hot spots, gap match, sliders, uploads, drawing, custom and portable
interactions...) is a question qbank cannot hold, reported and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from qbank.models import Description, Essay, Fragment, Pos, Question

from ..foreign.build import Ids
from ..foreign.packagetext import PackageText
from ..foreign.report import Report
from . import interactions, typed
from .content import Content
from .scoring import declarations, feedback_ids, points_of

__all__ = ["ItemCtx", "build_question"]

_BLOCK_KINDS = {"choiceInteraction", "extendedTextInteraction", "matchInteraction", "orderInteraction"}
_INLINE_KINDS = {"textEntryInteraction", "inlineChoiceInteraction"}
_GENERAL = {"EXPLANATION": "explanation", "CORRECT": "correct_feedback", "INCORRECT": "incorrect_feedback"}


@dataclass
class ItemCtx:
    """What reading one item needs."""

    report: Report
    text: PackageText
    member: str  # the item's file in the package
    file: str  # as positions name it
    ids: Ids

    def pos(self, line: int | None) -> Pos:
        return Pos(file=self.file, line=line or 1, col=1)

    def fragment(self, html: str, line: int | None, what: str, **kwargs: Any) -> Fragment:
        return self.text.fragment(html, self.pos(line), self.member, what, **kwargs)

    def content(self, element: etree._Element | None, what: str, *, line: int | None = None) -> Fragment:
        if element is None:
            return Fragment(source="", template="", pos=self.pos(line))
        content = self.new_content(what, element.sourceline)
        return self.fragment(content.inner(element), line or element.sourceline, what)

    def new_content(self, what: str, line: int | None, **kwargs: Any) -> Content:
        def lost(text: str) -> None:
            self.report.add("W703", f"{what}: a MathML formula without a TeX annotation is kept as its text "
                            f"`{text[:40]}`", self.pos(line), hint="write the formula in LaTeX after import")

        return Content(lost_math=lost, **kwargs)


def _general(identifier: str) -> str | None:
    """Which of the question's own feedbacks a modalFeedback is: qbank's names, then the patterns
    Canvas's importer uses (``assessment_item_converter.rb`` ``get_feedback``)."""
    if identifier in _GENERAL:
        return _GENERAL[identifier]
    lower = identifier.lower()
    if re.search(r"wrong|incorrect|_ic$", lower):
        return "incorrect_feedback"
    if re.search(r"correct|_c$", lower):
        return "correct_feedback"
    if re.search(r"solution|general|_all$|^feedback$|explanation", lower):
        return "explanation"
    return None


def _interactions(body: etree._Element) -> list[etree._Element]:
    return [e for e in body.iter() if isinstance(e.tag, str) and e.tag.endswith("Interaction")]


def build_question(root: etree._Element, ctx: ItemCtx, group: str | None) -> Question | None:
    """The question the normalised item ``root`` holds, or None (W702) when qbank cannot hold it."""
    identifier = root.get("identifier", "")
    title = root.get("title", "") if root.get("title", "").strip() else identifier
    label = f"`{title}`"
    line = root.sourceline or 1
    body = root.find("itemBody")
    if body is None:
        ctx.report.add("W702", f"{label} has no itemBody; it is left out", ctx.pos(line), hint="check the item file")
        return None
    found = _interactions(body)
    kinds = {e.tag for e in found}
    unknown = sorted(kinds - _BLOCK_KINDS - _INLINE_KINDS)
    if unknown:
        ctx.report.add("W702", f"{label} uses {', '.join(f'`{k}`' for k in unknown)}, which qbank cannot hold; it is "
                       "left out", ctx.pos(line), hint="recreate it by hand in the imported bank")
        return None
    blocks = [e for e in found if e.tag in _BLOCK_KINDS]
    if len(blocks) > 1 or (blocks and kinds & _INLINE_KINDS):
        ctx.report.add("W702", f"{label} has {len(found)} interactions of different kinds; a qbank question has one "
                       "kind of answer, so it is left out", ctx.pos(line), hint="split it into several questions")
        return None
    responses = declarations(root)
    qid, idnumber = ctx.ids.derive(identifier or None, title)
    points = points_of(root, responses)
    common: dict[str, Any] = {"id": qid, "title": title, "pos": ctx.pos(line), "group": group,
                              "points": points if points is not None else Decimal(1)}
    if idnumber is not None:
        common["idnumber"] = idnumber
    limits = root.find("timeLimits")
    if limits is not None and (limits.get("maxTime") or "").replace(".", "", 1).isdigit():
        common["time_limit"] = int(float(limits.get("maxTime", "0")))
    feedback = feedback_ids(root)
    used: set[str] = set()
    choice_ids = {c.get("identifier", "") for c in body.iter("simpleChoice", "inlineChoice")}
    for identifier_, node in feedback.items():
        name = _general(identifier_) if identifier_ not in choice_ids else None
        if name is not None and name not in common:
            common[name] = ctx.content(node, f"{label} feedback")
            used.add(identifier_)
    part = interactions.Part(ctx, root, responses, feedback, used, label, common, points is not None)
    question: Question | None
    if not found and responses:
        strange = sorted({e.tag for e in body.iter() if isinstance(e.tag, str) and "interaction" in e.tag.lower()})
        ctx.report.add("W702", f"{label} declares the response(s) {', '.join(sorted(responses))} but has no "
                       "interaction qbank knows" + (f" (found {', '.join(f'<{t}>' for t in strange)})" if strange
                                                    else "") + "; it is left out", ctx.pos(line),
                       hint="the item is not valid QTI; fix it in the tool that wrote it")
        return None
    if not found:
        common["points"] = points if points is not None else Decimal(0)
        common["stem"] = ctx.content(body, f"{label} text")
        question = Description(**common)
    elif blocks:
        interaction = blocks[0]
        common["stem"] = part.stem(body, interaction)
        question = _block(interaction, part)
    else:
        question = typed.blanks_or_entry(body, found, part)
    if question is not None:
        unused = sorted(set(feedback) - used)
        if unused:
            ctx.report.add("W701", f"{label}: feedback {', '.join(f'`{u}`' for u in unused)} belongs to nothing the "
                           "model holds; it is dropped", ctx.pos(line), hint="add it to the explanation by hand")
    return question


def _block(interaction: etree._Element, part: interactions.Part) -> Question | None:
    match interaction.tag:
        case "choiceInteraction":
            return interactions.choices(interaction, part)
        case "extendedTextInteraction":
            lines = interaction.get("expectedLines", "")
            extra = {"response_lines": int(lines)} if lines.isdigit() and int(lines) > 0 else {}
            return Essay(**part.common, **extra)
        case "matchInteraction":
            return interactions.matching(interaction, part)
        case "orderInteraction":
            return interactions.ordering(interaction, part)
    raise AssertionError(interaction.tag)
