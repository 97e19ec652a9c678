"""One Moodle XML ``<question>`` → the model, per type (``question/format/xml/format.php`` import_*)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from qbank.models import (
    Choice,
    Description,
    Essay,
    Fragment,
    Matching,
    MatchPair,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    OrderItem,
    OtherAnswer,
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
)
from qbank.readers.foreign import build
from qbank.readers.markdown.typed import choice_id

from . import cloze
from .context import PHP_SPACE, Ctx, child_text, php_number, trans_single

# Moodle types qbank cannot hold (left out with W702), with what to use instead.
FOREIGN_TYPES = {
    "calculated": "a numerical question per variant (qbank variants, issue #15)",
    "calculatedsimple": "a numerical question per variant", "calculatedmulti": "a multiple-choice question",
    "ddwtos": "a fill-in-blanks question with dropdowns", "gapselect": "a fill-in-blanks question with dropdowns",
    "ddimageortext": "a matching question", "ddmarker": "a question without the image map",
    "randomsamatch": "a matching question", "random": "a group with pick=N",
}



def _fraction(ctx: Ctx, answer: etree._Element) -> float:
    """``fraction`` as PHP divides it by 100: a numeric-leading string (``50%`` is 50), missing is 0."""
    value = php_number(answer.get("fraction", "0"))
    if value is None or not -100 <= value <= 100:
        ctx.dropped(f"the grade `{answer.get('fraction')}` (read as 0%)", answer.sourceline, "check the answer's grade")
        return 0.0
    return build.exact_percent(float(value))


def _feedback(ctx: Ctx, answer: etree._Element) -> Fragment | None:
    return ctx.fragment(answer.find("feedback"))


def common(ctx: Ctx, element: etree._Element, qtype: str, index: int) -> dict[str, Any]:
    line = element.sourceline
    title = " ".join(child_text(element, "name/text").split()) or f"Question {index}"
    qid, idnumber = ctx.ids.derive(child_text(element, "idnumber") or None, title)
    ctx.question = qid
    cloze_text = qtype in ("cloze", "multianswer")  # read with its blanks by cloze.read
    holder = element.find("questiontext")
    ctx.text_format = "html"
    stem = None if cloze_text else ctx.fragment(holder, stem=True)
    if holder is not None:
        ctx.text_format = (holder.get("format") or "").strip(PHP_SPACE) or "html"
    if stem is None:
        stem = build.fragment("", ctx.pos(line), ctx.media)
    grade = child_text(element, "defaultgrade", "1")
    points = build.points(grade)
    if points is None and qtype != "description":
        ctx.dropped(f"the mark `{grade}` (a question is worth more than 0; read as 1)", line)
        points = Decimal(1)
    penalty = child_text(element, "penalty", "0.3333333")
    value = build.number(penalty or "0")  # Moodle takes anything within 0.005 of 1/3 as its default 0.3333333
    near_default = value is not None and (value == 0 or abs(value - Decimal(1) / 3) < Decimal("0.005"))
    if qtype not in ("description", "truefalse") and not near_default:
        ctx.dropped(f"the penalty for each wrong try ({penalty})", line,
                    "set it in Moodle's question settings; qbank's Moodle export writes Moodle's default")
    if child_text(element, "hidden", "0") not in ("0", ""):
        ctx.dropped("the hidden flag", line, "hide the question in Moodle again after importing")
    hints = element.findall("hint")
    if hints:
        ctx.dropped(f"{len(hints)} hint{'s' * (len(hints) != 1)} for the interactive behaviour", hints[0].sourceline,
                    "keep them in Moodle, or turn them into the question's explanation")
    tags = tuple(dict.fromkeys(t for t in (" ".join(x.split()) for x in element.xpath("tags/tag/text/text()")) if t))
    partly = ctx.fragment(element.find("partiallycorrectfeedback"))
    incorrect = ctx.fragment(element.find("incorrectfeedback"))
    if partly is not None and (incorrect is None or partly.source != incorrect.source):
        ctx.dropped("the feedback for a partly correct response (qbank shows the incorrect feedback)",
                    partly.pos.line, "merge it into the incorrect feedback")
    return dict(id=qid, idnumber=idnumber, title=title, pos=ctx.pos(line), stem=stem, points=points, tags=tags,
                explanation=ctx.fragment(element.find("generalfeedback")),
                correct_feedback=ctx.fragment(element.find("correctfeedback")), incorrect_feedback=incorrect)


def multichoice(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    single = trans_single(child_text(element, "single", "true"))
    shuffle = trans_single(child_text(element, "shuffleanswers", "false"))
    choices: list[Choice] = []
    for answer in element.findall("answer"):
        if not child_text(answer, "text") and not answer.findall("file"):
            continue  # Moodle skips an empty answer when it saves the question
        k = len(choices)
        weight = _fraction(ctx, answer)
        text = ctx.fragment(answer) or build.fragment("", ctx.pos(answer.sourceline), ctx.media)
        choices.append(Choice(id=choice_id(k), text=text, correct=weight == 100 if single else weight > 0,
                              weight=weight, feedback=_feedback(ctx, answer), pos=ctx.pos(answer.sourceline)))
    if len(choices) < 2:
        ctx.report("W702", "a multiple-choice question with fewer than two answers is left out", element.sourceline,
                   "add the missing answers in Moodle and export again")
        return None
    if single:
        if sum(c.correct for c in choices) != 1:
            ctx.report("W702", "a one-answer multiple-choice question needs exactly one answer worth 100%; "
                       "it is left out", element.sourceline, "fix the grades in Moodle and export again")
            return None
        return MultipleChoice(**base, choices=tuple(choices), shuffle=shuffle)
    if not any(c.correct for c in choices):
        ctx.report("W702", "a multiple-answer question with no answer worth credit is left out",
                   element.sourceline, "fix the grades in Moodle and export again")
        return None
    scoring = "penalty" if any(c.weight < 0 for c in choices) else "no-penalty"
    return MultipleSelect(**base, choices=tuple(choices), shuffle=shuffle, scoring=scoring)


def truefalse(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    by_value: dict[str, etree._Element] = {}
    for answer in element.findall("answer"):
        value = child_text(answer, "text").lower()
        if value in ("true", "false"):
            by_value[value] = answer
    if set(by_value) != {"true", "false"}:
        answers = element.findall("answer")
        if len(answers) < 2:
            ctx.report("W702", "a true/false question without its two answers is left out", element.sourceline,
                       "export it again from Moodle")
            return None
        ctx.report("W703", "the answers of a true/false question are not `true` and `false`; as Moodle does, the "
                   "first is read as true and the second as false", element.sourceline, "check the question")
        by_value = {"true": answers[0], "false": answers[1]}
    answer_true = _fraction(ctx, by_value["true"]) == 100
    choices = tuple(Choice(id=value, text=ctx.plain(value.capitalize(), by_value[value].sourceline),
                           correct=(value == "true") == answer_true,
                           weight=100.0 if (value == "true") == answer_true else 0.0,
                           feedback=_feedback(ctx, by_value[value]), pos=ctx.pos(by_value[value].sourceline))
                    for value in ("true", "false"))
    return TrueFalse(**base, answer=answer_true, choices=choices, shuffle=False)


def _literal(ctx: Ctx, pattern: str, line: int | None) -> str:
    """A short-answer pattern as the text it matches: `\\*` is a star; a bare `*` is a wildcard qbank cannot hold."""
    if "*" in pattern.replace("\\*", ""):
        ctx.report("W703", f"the answer `{pattern}` uses `*` as a wildcard; qbank keeps it as a literal star",
                   line, "list the answers the wildcard should accept instead")
        return pattern.replace("\\*", "*")
    return pattern.replace("\\*", "*")


def shortanswer(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    answers: list[TextAnswer] = []
    other = None
    for answer in element.findall("answer"):
        text = child_text(answer, "text")
        weight = _fraction(ctx, answer)
        pos = ctx.pos(answer.sourceline)
        if text == "*":
            other = OtherAnswer(weight=weight, feedback=_feedback(ctx, answer), pos=pos)
            continue
        if not text or other is not None:
            if text:
                ctx.dropped(f"the answer `{text}` after `*` (Moodle never reaches it)", answer.sourceline)
            continue
        answers.append(TextAnswer(text=_literal(ctx, text, answer.sourceline), weight=weight,
                                  feedback=_feedback(ctx, answer), pos=pos))
    if not answers or max(a.weight for a in answers) != 100:
        ctx.report("W702", "a short-answer question with no answer worth 100% is left out", element.sourceline,
                   "fix the grades in Moodle and export again")
        return None
    return ShortAnswer(**base, answers=tuple(answers), other=other, shuffle=False,
                       case_sensitive=child_text(element, "usecase", "0") not in ("0", ""))


def numerical(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    answers: list[NumericAnswer] = []
    for answer in element.findall("answer"):
        text = child_text(answer, "text")
        value, tolerance = build.number(text), build.number(child_text(answer, "tolerance", "0") or "0")
        if text == "*" or value is None or tolerance is None:
            ctx.dropped(f"the answer `{text}`" + (" (any other answer)" if text == "*" else " (not a number)"),
                        answer.sourceline, "give its feedback in the incorrect feedback instead")
            continue
        tolerance = abs(tolerance)
        source = text.strip() if tolerance == 0 else f"{text.strip()} ± {child_text(answer, 'tolerance')}"
        answers.append(NumericAnswer(kind="exact" if tolerance == 0 else "tolerance", value=value,
                                     tolerance=tolerance, source=source, weight=_fraction(ctx, answer),
                                     feedback=_feedback(ctx, answer), pos=ctx.pos(answer.sourceline)))
    units = element.findall("units/unit")
    unit = None
    for k, item in enumerate(units):
        name, multiplier = child_text(item, "unit_name"), build.number(child_text(item, "multiplier", "1"))
        if k == 0 and multiplier == 1 and name:
            unit = name
        else:
            ctx.dropped(f"the unit `{name}` (× {child_text(item, 'multiplier')})", item.sourceline,
                        "give the answer in the first unit, or accept the others as further answers")
    if units and child_text(element, "unitgradingtype", "0") not in ("0", ""):
        ctx.dropped("the grading of units", element.sourceline)
    if not answers or max(a.weight for a in answers) != 100:
        ctx.report("W702", "a numerical question with no answer worth 100% is left out", element.sourceline,
                   "fix the grades in Moodle and export again")
        return None
    return Numerical(**base, answers=tuple(answers), unit=unit, shuffle=False)


def essay(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question:
    line = element.sourceline
    lines = build.number(child_text(element, "responsefieldlines", "15") or "15") or Decimal(15)  # Moodle's default
    if child_text(element, "responseformat", "editor") not in ("editor", "editorfilepicker", "plain", "monospaced"):
        ctx.dropped(f"the response format `{child_text(element, 'responseformat')}`", line)
    if child_text(element, "attachments", "0") not in ("0", ""):
        ctx.dropped("file attachments", line)
    for tag, what in (("graderinfo", "the information for graders"), ("responsetemplate", "the response template")):
        if ctx.fragment(element.find(tag)) is not None:
            ctx.dropped(what, element.sourceline)
    return Essay(**base, response_lines=max(1, min(100, int(lines))))


def matching(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    pairs: list[MatchPair] = []
    distractors: list[Fragment] = []
    for sub in element.findall("subquestion"):
        left = ctx.fragment(sub)
        if left is None and not child_text(sub, "answer/text"):
            continue  # Moodle skips a pair with neither a question nor an answer
        right = ctx.plain(child_text(sub, "answer/text"), sub.sourceline)
        if left is None:
            distractors.append(right)
        else:
            pairs.append(MatchPair(left=left, right=right, pos=ctx.pos(sub.sourceline)))
    if len(pairs) < 2:
        ctx.report("W702", "a matching question with fewer than two pairs is left out", element.sourceline,
                   "add the pairs in Moodle and export again")
        return None
    shuffle = trans_single(child_text(element, "shuffleanswers", "1"))
    return Matching(**base, pairs=tuple(pairs), distractors=tuple(distractors), shuffle=shuffle)


def ordering(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    """qtype_ordering: the answers in their correct order (``fraction`` is each one's position)."""
    answers = element.findall("answer")
    ordered = sorted(enumerate(answers), key=lambda pair: (build.number(pair[1].get("fraction", "0")) or 0, pair[0]))
    items = [OrderItem(id=choice_id(k), text=ctx.fragment(a) or ctx.plain("", a.sourceline), pos=ctx.pos(a.sourceline))
             for k, (_, a) in enumerate(ordered)]
    if len(items) < 2:
        ctx.report("W702", "an ordering question with fewer than two items is left out", element.sourceline,
                   "add the items in Moodle and export again")
        return None
    return Ordering(**base, items=tuple(items))


def question(ctx: Ctx, element: etree._Element, index: int) -> Question | None:
    qtype = element.get("type", "")
    if qtype in FOREIGN_TYPES or qtype not in ("multichoice", "truefalse", "shortanswer", "numerical", "essay",
                                               "matching", "ordering", "cloze", "multianswer", "description"):
        name = child_text(element, "name/text") or f"question {index}"
        ctx.question = ""
        ctx.report("W702", f"`{name}` is a Moodle `{qtype}` question, which qbank cannot hold; it is left out",
                   element.sourceline, "re-create it as " + FOREIGN_TYPES.get(qtype, "a type qbank holds"))
        return None
    nested = element.xpath(".//text[*]")
    if nested:
        ctx.question = ""
        ctx.report("W702", f"`{child_text(element, 'name/text') or f'question {index}'}` has XML elements inside "
                   "a <text> (HTML neither escaped nor in CDATA), which Moodle refuses (invalidxml); it is left out",
                   nested[0].sourceline, "write the HTML in <![CDATA[...]]> or escape its < and &")
        return None
    base = common(ctx, element, qtype, index)
    match qtype:
        case "multichoice":
            return multichoice(ctx, element, base)
        case "truefalse":
            return truefalse(ctx, element, base)
        case "shortanswer":
            return shortanswer(ctx, element, base)
        case "numerical":
            return numerical(ctx, element, base)
        case "essay":
            return essay(ctx, element, base)
        case "matching":
            return matching(ctx, element, base)
        case "ordering":
            return ordering(ctx, element, base)
        case "cloze" | "multianswer":
            return cloze.read(ctx, element, base)
        case _:
            return Description(**{**base, "points": Decimal(0)})
