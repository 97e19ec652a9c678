"""The answers of each QTI 1.2 question type, read from the item's responses and conditions.

Scoring is read the way Canvas reads it: an option is correct when a condition that sets or
adds a positive ``SCORE`` tests it (``<not>`` excepted); sibling ``varequal`` tests of one
short-answer condition are alternatives; each numerical condition is one accepted answer.
Feedback is found by ``itemfeedback`` ident first (Canvas's ``<answer id>_fb``), then by the
conditions that display it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lxml import etree
from lxml import html as lxml_html

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
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
)
from qbank.readers.markdown.typed import choice_id

from ..foreign.build import blanks_problem
from . import blanks as blank_text
from . import numbers
from .qti12 import Condition, Label, RawItem, RawResponse, leaves, local, text_of

if TYPE_CHECKING:
    from .items import ItemContext

__all__ = ["choices", "matching", "numerical", "scored_idents", "short_answer", "text_answers"]

GENERAL = frozenset({"general_fb", "correct_fb", "general_incorrect_fb"})


def _positive(condition: Condition, respident: str | None = None) -> list[str]:
    return [text_of(leaf).strip() for leaf, negated in leaves(condition.test)
            if local(leaf) == "varequal" and not negated
            and (respident is None or leaf.get("respident", "") == respident)]


def _scoring(item: RawItem) -> list[Condition]:
    return [c for c in item.conditions if c.score is not None and c.score > 0]


def scored_idents(item: RawItem, respident: str) -> list[str]:
    found: list[str] = []
    for condition in _scoring(item):
        for value in _positive(condition, respident):
            if value not in found:
                found.append(value)
    return found


def _score_of(item: RawItem, respident: str, value: str) -> Decimal:
    best = Decimal(0)
    for condition in _scoring(item):
        if value in _positive(condition, respident):
            best = max(best, condition.score or Decimal(0))
    return best


def text_answers(item: RawItem) -> list[str]:
    return [value for condition in _scoring(item) for value in _positive(condition)]


def _feedback_for(item: RawItem, ctx: ItemContext, value: str, respident: str, ident: str | None, label: str,
                  used: set[str]) -> Fragment | None:
    """Feedback shown for answer ``value`` (``ident``: its label's ident): ``<ident>_fb``, else
    the feedback a condition testing only that answer displays."""
    names = [f"{ident}_fb"] if ident else []
    for condition in item.conditions:
        tested = _positive(condition, respident)
        if tested == [value] and len(list(leaves(condition.test))) == 1:
            names += [f for f in condition.feedback if f not in GENERAL]
    for name in names:
        found = item.feedback.get(name)
        if found is not None:
            used.add(name)
            return ctx.fragment(found, f"{label} feedback", found.line)
    return None


def report_unused_feedback(item: RawItem, question: Question, ctx: ItemContext, label: str) -> None:
    used = item.used_feedback | GENERAL
    unused = [name for name in item.feedback if name not in used]
    if unused:
        ctx.report.add("W701", f"{label}: feedback {', '.join(f'`{n}`' for n in unused)} belongs to no answer the "
                       "model holds; it is dropped", ctx.pos(item.line),
                       hint="add it to the question's explanation by hand if it matters")


def _mark_used(item: RawItem, used: set[str]) -> None:
    item.used_feedback |= used


def _labels(response: RawResponse) -> list[Label]:
    return [label for label in response.labels if label.ident]


def _no_answer(ctx: ItemContext, item: RawItem, label: str, what: str) -> None:
    ctx.report.add("W702", f"{label}: {what}, so it cannot be scored; it is left out", ctx.pos(item.line),
                   hint="mark its correct answer in the LMS and export it again, or recreate it by hand")


# --- choice questions ---------------------------------------------------------------------


def choices(kind: str, item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    lids = [r for r in item.responses if r.kind == "lid"]
    if not lids or not _labels(lids[0]):
        _no_answer(ctx, item, label, "it has no options")
        return None
    response = lids[0]
    options = _labels(response)
    scored = set(scored_idents(item, response.ident))
    correct = [o.ident for o in options if o.ident in scored]
    used: set[str] = set()
    texts = [ctx.fragment(o.material, f"{label} option", o.line, block=False) for o in options]
    feedback = [_feedback_for(item, ctx, o.ident, response.ident, o.ident, label, used) for o in options]
    _mark_used(item, used)
    if not correct:
        _no_answer(ctx, item, label, "no option is marked correct")
        return None
    if kind == "true_false_question":
        question = _true_false(item, ctx, common, options, correct, feedback, label)
        if question is not None:
            return question
        kind = "multiple_choice_question"
    if kind == "multiple_answers_question" or len(correct) > 1 and response.cardinality == "Multiple":
        share = 100.0 / len(correct)
        made = [Choice(id=choice_id(k), text=t, correct=o.ident in correct,
                       weight=share if o.ident in correct else -share, feedback=f, pos=ctx.pos(o.line))
                for k, (o, t, f) in enumerate(zip(options, texts, feedback, strict=True))]
        return MultipleSelect(**common, choices=tuple(made), scoring="penalty", shuffle=ctx.shuffle)
    scores = {o.ident: _score_of(item, response.ident, o.ident) for o in options}
    best = max(scores[o] for o in correct)
    first = next(o for o in correct if scores[o] == best)
    also = [o for o in correct if o != first and scores[o] == best]
    if also:
        ctx.report.add("W703", f"{label}: {len(also) + 1} options earn full credit; the first is the correct "
                       "option and the others keep full credit as a weight", ctx.pos(item.line),
                       hint="make it a multiple-answer question if several options are right")
    made = []
    for k, (option, text, fb) in enumerate(zip(options, texts, feedback, strict=True)):
        score = scores[option.ident]
        weight = 100.0 if option.ident == first else float(score / best * 100) if best else 0.0
        made.append(Choice(id=choice_id(k), text=text, correct=option.ident == first, weight=weight, feedback=fb,
                           pos=ctx.pos(option.line)))
    return MultipleChoice(**common, choices=tuple(made), shuffle=ctx.shuffle)


def _true_false(item: RawItem, ctx: ItemContext, common: dict[str, Any], options: list[Label], correct: list[str],
                feedback: list[Fragment | None], label: str) -> Question | None:
    names = [" ".join(text_of_material(o).split()).casefold() for o in options]
    if len(options) != 2 or sorted(names) != ["false", "true"] or len(correct) != 1:
        ctx.report.add("W703", f"{label}: a true/false question whose options are not exactly True and False is "
                       "read as multiple choice (as Canvas does)", ctx.pos(item.line),
                       hint="check the question after import")
        return None
    made = []
    for value in ("true", "false"):
        k = names.index(value)
        option = options[k]
        made.append(Choice(id=value, text=ctx.text.plain(value.capitalize(), ctx.pos(option.line)),
                           correct=option.ident in correct, weight=100.0 if option.ident in correct else 0.0,
                           feedback=feedback[k], pos=ctx.pos(option.line)))
    return TrueFalse(**common, answer=made[0].correct, choices=tuple(made), shuffle=False)


def text_of_material(label: Label) -> str:
    if label.material is None:
        return ""
    text = label.material.text
    if label.material.html:
        try:
            return str(lxml_html.fragment_fromstring(text, create_parent="div").text_content())
        except (etree.ParserError, ValueError):
            return text
    return text


# --- typed answers ----------------------------------------------------------------------------


def short_answer(item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    response = next((r for r in item.responses if r.kind in ("str", "num")), None)
    respident = response.ident if response is not None else None
    values: list[tuple[str, Decimal]] = []
    case = False
    for condition in _scoring(item):
        for leaf, negated in leaves(condition.test):
            if local(leaf) != "varequal" or negated:
                continue
            case = case or leaf.get("case", "No") == "Yes"
            value = text_of(leaf)
            if value.strip() and all(v != value for v, _ in values):
                values.append((value, condition.score or Decimal(0)))
    if not values:
        _no_answer(ctx, item, label, "it lists no accepted answer")
        return None
    best = max(score for _, score in values)
    used: set[str] = set()
    made = [TextAnswer(text=value.strip(), weight=float(score / best * 100),
                       feedback=_feedback_for(item, ctx, value.strip(), respident or "response1", None, label, used),
                       pos=ctx.pos(item.line)) for value, score in values]
    _mark_used(item, used)
    return ShortAnswer(**common, answers=tuple(made), case_sensitive=case)


def numerical(item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    made = []
    used: set[str] = set()
    scoring = _scoring(item)
    best = max((c.score or Decimal(0) for c in scoring), default=Decimal(0))
    for condition in scoring:
        answer = numbers.answer(condition, ctx, label, float((condition.score or Decimal(0)) / best * 100))
        if answer is None:
            continue
        fb = None
        for name in condition.feedback:
            if name not in GENERAL and name in item.feedback:
                used.add(name)
                fb = ctx.fragment(item.feedback[name], f"{label} feedback", item.feedback[name].line)
                break
        made.append(answer.model_copy(update={"feedback": fb}))
    _mark_used(item, used)
    if not made:
        _no_answer(ctx, item, label, "it lists no accepted number")
        return None
    return Numerical(**common, answers=tuple(made))


# --- matching and blanks ----------------------------------------------------------------------


def matching(item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    lids = [r for r in item.responses if r.kind == "lid"]
    rights: dict[str, Label] = {}
    for response in lids:
        for option in _labels(response):
            rights.setdefault(option.ident, option)
    pairs: list[MatchPair] = []
    used_rights: set[str] = set()
    for response in lids:
        correct = [i for i in scored_idents(item, response.ident) if i in rights]
        left = ctx.fragment(response.material, f"{label} prompt", response.line, block=False)
        if not correct:
            ctx.report.add("W701", f"{label}: prompt `{left.source[:40]}` has no correct match; it is dropped",
                           ctx.pos(response.line), hint="add its match by hand after import")
            continue
        right = rights[correct[0]]
        used_rights.add(right.ident)
        pairs.append(MatchPair(left=left, right=ctx.fragment(right.material, f"{label} answer", right.line,
                                                             block=False), pos=ctx.pos(response.line)))
    if len(pairs) < 1:
        _no_answer(ctx, item, label, "no prompt has a correct match")
        return None
    distractors = tuple(ctx.fragment(o.material, f"{label} answer", o.line, block=False)
                        for ident, o in rights.items() if ident not in used_rights)
    dropped = [n for n in item.feedback if n not in GENERAL]
    if dropped:
        ctx.report.add("W701", f"{label}: feedback on wrong matches ({len(dropped)}) has no place in the model; "
                       "it is dropped", ctx.pos(item.line), hint="add it to the explanation by hand if it matters")
        _mark_used(item, set(dropped))
    return Matching(**common, pairs=tuple(pairs), distractors=distractors, shuffle=ctx.shuffle)


def blanks(kind: str, item: RawItem, ctx: ItemContext, common: dict[str, Any], label: str) -> Question | None:
    responses = [r for r in item.responses if r.kind in ("lid", "str")]
    names = [blank_text.name_of(r) for r in responses]
    html, order = blank_text.stem_with_blanks(item, ctx, names, label)
    dropdown = kind != "fill_in_multiple_blanks_question"
    made: list[Blank] = []
    for number, index in enumerate(order, 1):
        response = responses[index]
        options = _labels(response)
        correct = scored_idents(item, response.ident)
        pos = ctx.pos(response.line)
        if dropdown:
            right = [o for o in options if o.ident in correct]
            if not right:
                _no_answer(ctx, item, label, f"blank `{names[index]}` has no correct option")
                return None
            if len(right) > 1:
                ctx.report.add("W703", f"{label}: blank `{names[index]}` has {len(right)} correct options; only the "
                               "first stays correct", pos, hint="check the blank after import")
            made.append(Blank(id=str(number), kind="dropdown", pos=pos, options=tuple(
                BlankOption(text=" ".join(text_of_material(o).split()), correct=o.ident == right[0].ident)
                for o in options)))
        else:
            texts = [" ".join(text_of_material(o).split()) for o in options] if response.kind == "lid" else \
                [" ".join(v.split()) for c in _scoring(item) for v in _positive(c, response.ident)]
            texts = list(dict.fromkeys(t for t in texts if t))
            if not texts:
                _no_answer(ctx, item, label, f"blank `{names[index]}` has no accepted answer")
                return None
            made.append(Blank(id=str(number), kind="text", answers=tuple(texts), pos=pos))
    if not made:
        _no_answer(ctx, item, label, "it has no blanks")
        return None
    problem = blanks_problem(made)
    if problem:
        ctx.report.add("W702", f"{label}: {problem} in qbank's source format; it is left out", ctx.pos(item.line),
                       hint="change the answer in Canvas and export again, or recreate the question by hand")
        return None
    stem = ctx.text.fragment(html, ctx.pos(item.stem.line if item.stem else item.line), ctx.member,
                             f"{label} text", blanks=made)
    if stem.blanks != len(made):
        ctx.report.add("W702", f"{label}: its blanks' answers cannot be written in qbank's source format (a `|` or "
                       "`]]` in an answer, or a blank inside a table); it is left out", ctx.pos(item.line),
                       hint="recreate the question by hand")
        return None
    dropped = [n for n in item.feedback if n not in GENERAL]
    if dropped:
        ctx.report.add("W701", f"{label}: feedback on blank answers ({len(dropped)}) is dropped", ctx.pos(item.line),
                       hint="add it to the explanation by hand if it matters")
        _mark_used(item, set(dropped))
    return FillInBlanks(**{**common, "stem": stem}, blanks=tuple(made))
