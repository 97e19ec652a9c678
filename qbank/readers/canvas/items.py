"""One QTI 1.2 item (Canvas, text2qti, qbank's canvas target, other producers) → one question.

The type is decided as Canvas's importer decides it (``qti_exporter`` plugin,
``assessment_item_converter.rb`` and ``question_type_educated_guesser.rb``): the item's
``question_type`` metadata when it names a Canvas type, else the interaction — a choice
response is multiple choice with exactly one correct option and multiple answers otherwise,
a typed response is short answer when an answer is listed and an essay when none is.
``true_false_question`` stays true/false only with exactly the two options True and False.
Whatever the model cannot hold is a diagnostic at the item's line naming what was dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from qbank.models import Description, Essay, Fragment, Pos, Question

from ..foreign.build import Ids
from ..foreign.packagetext import PackageText
from ..foreign.report import Report
from . import answers
from .idents import recover
from .qti12 import Material, RawItem, number

__all__ = ["CANVAS_TYPES", "ItemContext", "build_question", "unwrap_div"]

CANVAS_TYPES = frozenset({
    "multiple_choice_question", "true_false_question", "multiple_answers_question", "short_answer_question",
    "fill_in_multiple_blanks_question", "multiple_dropdowns_question", "matching_question", "numerical_question",
    "calculated_question", "essay_question", "file_upload_question", "text_only_question", "missing_word_question",
})
# Types a Canvas (or New Quizzes) export can hold that qbank's model cannot.
_LEFT_OUT = {
    "calculated_question": "a calculated (formula) question, whose answers come from variables",
    "file_upload_question": "a file-upload question",
    "hot_spot_question": "a hot-spot question",
    "categorization_question": "a categorization question",
    "ordering_question": "a New Quizzes ordering question",
    "formula_question": "a formula question",
}
_DIV = re.compile(r"<(/?)div\b[^>]*>", re.I)


@dataclass
class ItemContext:
    """What the items of one assessment or bank share."""

    report: Report
    text: PackageText
    member: str  # the package member holding the items (image references are relative to it)
    file: str  # that member as positions name it (package path / member)
    key: str | None  # the qbank bank key, when the package came from qbank's canvas target
    ids: Ids
    shuffle: bool
    bank_title: str | None = None  # the bank_title qbank's target writes on each item

    def pos(self, line: int) -> Pos:
        return Pos(file=self.file, line=line, col=1)

    def fragment(self, found: Material | None, what: str, line: int, *, block: bool = True,
                 stem: bool = False) -> Fragment:
        if found is None:
            return Fragment(source="", template="", pos=self.pos(line))
        pos = self.pos(found.line)
        if found.html:
            return self.text.fragment(unwrap_div(found.text) if block else found.text, pos, self.member, what,
                                      stem=stem)
        return self.text.plain(found.text, pos)

    def html(self, found: Material | None) -> str:
        """The material as HTML (Canvas's ``<div>`` unwrapped; plain text escaped)."""
        if found is None:
            return ""
        return unwrap_div(found.text) if found.html else escape(found.text, quote=False)


def unwrap_div(html: str) -> str:
    """Canvas wraps stored HTML in one ``<div>``; its content is the text."""
    text = html.strip()
    if not (text.startswith("<div>") and text.endswith("</div>")):
        return html
    depth = 0
    for match in _DIV.finditer(text):
        depth += -1 if match.group(1) else 1
        if depth == 0 and match.end() != len(text):
            return html  # the first div closes before the end: several blocks
    return text[len("<div>"):-len("</div>")]


def _question_id(item: RawItem, ctx: ItemContext, index: int) -> tuple[str, str | None]:
    if ctx.key is not None:
        recovered = recover(item.ident, ctx.key)
        if recovered is not None and ctx.ids.claim(recovered):
            return recovered, None
    return ctx.ids.derive(item.ident or None, item.title or f"q{index}")


def _points(item: RawItem, ctx: ItemContext, default: Decimal) -> Decimal:
    raw = item.metadata.get("points_possible")
    if raw is None or not raw.strip():
        return default
    value = number(raw)
    if value is None:
        ctx.report.add("W701", f"item `{item.ident}`: points `{raw}` is not a number; "
                       f"{default} points are used", ctx.pos(item.line), hint="set the points after import")
        return default
    return max(value, Decimal(0))


def _kind(item: RawItem) -> str:
    """The Canvas question type, from the metadata or (as Canvas guesses) the interaction."""
    qtype = item.question_type
    if qtype in CANVAS_TYPES or qtype in _LEFT_OUT:
        return qtype
    lids = [r for r in item.responses if r.kind == "lid"]
    strs = [r for r in item.responses if r.kind in ("str", "num")]
    if len(lids) > 1:
        return "matching_question"
    if lids:
        correct = answers.scored_idents(item, lids[0].ident)
        return "multiple_choice_question" if len(correct) == 1 and lids[0].cardinality != "Multiple" \
            else "multiple_answers_question"
    if strs:
        if strs[0].fibtype in ("Decimal", "Integer", "Scientific") or strs[0].kind == "num":
            return "numerical_question"
        return "short_answer_question" if answers.text_answers(item) else "essay_question"
    if item.responses:
        return f"unknown:{item.responses[0].kind}"
    return "text_only_question" if not item.processed else "unknown:none"


def build_question(item: RawItem, ctx: ItemContext, index: int, group: str | None) -> Question | None:
    """The question ``item`` holds, or None (with a W702 saying why) when qbank cannot hold it."""
    pos = ctx.pos(item.line)
    if ctx.bank_title is None and item.metadata.get("bank_title"):
        ctx.bank_title = item.metadata["bank_title"]
    kind = _kind(item)
    label = f"`{item.title or item.ident}`"
    if kind in _LEFT_OUT or kind.startswith("unknown:"):
        what = _LEFT_OUT.get(kind, f"an item whose interaction (`{kind.removeprefix('unknown:')}`) Canvas itself "
                                   "cannot read")
        ctx.report.add("W702", f"{label} is {what}, which qbank cannot hold; it is left out", pos,
                       hint="recreate it by hand in the imported bank")
        return None
    qid, idnumber = _question_id(item, ctx, index)
    common: dict[str, Any] = {
        "id": qid, "title": item.title if item.title.strip() else f"Question {index}", "pos": pos,
        "stem": ctx.fragment(item.stem, f"{label} text", item.line, stem=True),
        "points": _points(item, ctx, Decimal(0) if kind == "text_only_question" else Decimal(1)),
        "group": group,
    }
    if idnumber is not None:
        common["idnumber"] = idnumber
    general = item.feedback.get("general_fb")
    if general is not None:
        common["explanation"] = ctx.fragment(general, f"{label} feedback", general.line)
    for ident, name in (("correct_fb", "correct_feedback"), ("general_incorrect_fb", "incorrect_feedback")):
        found = item.feedback.get(ident)
        if found is not None:
            common[name] = ctx.fragment(found, f"{label} feedback", found.line)
    question = _typed(kind, item, ctx, common, label)
    if question is not None:
        answers.report_unused_feedback(item, question, ctx, label)
        _dropped_settings(item, ctx, label)
    return question


def _typed(kind: str, item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    match kind:
        case "multiple_choice_question" | "true_false_question" | "multiple_answers_question":
            return answers.choices(kind, item, ctx, common, label)
        case "short_answer_question":
            return answers.short_answer(item, ctx, common, label)
        case "numerical_question":
            return answers.numerical(item, ctx, common, label)
        case "essay_question":
            return Essay(**common)
        case "matching_question":
            return answers.matching(item, ctx, common, label)
        case "fill_in_multiple_blanks_question" | "multiple_dropdowns_question" | "missing_word_question":
            return answers.blanks(kind, item, ctx, common, label)
        case "text_only_question":
            return Description(**common)
    raise AssertionError(kind)  # _kind returns only the kinds above


_KEPT_METADATA = frozenset({
    "question_type", "points_possible", "original_answer_ids", "assessment_question_identifierref", "bank_title",
    "cc_profile", "qmd_itemtype", "qmd_computerscored", "passage", "calculator_type", "question_bank",
    "question_bank_iden",
})


def _dropped_settings(item: RawItem, ctx: ItemContext, label: str) -> None:
    other = sorted(k for k, v in item.metadata.items() if k not in _KEPT_METADATA and v.strip())
    if other:
        ctx.report.add("W701", f"{label}: item settings the model cannot hold are dropped: {', '.join(other)}",
                       ctx.pos(item.line), hint="set them again in the LMS after import, if they matter")
