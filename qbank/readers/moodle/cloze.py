"""Moodle cloze (``multianswer``) text → a fill-in-blanks question.

The sub-question syntax is Moodle's (``qtype_multianswer_extract_question``): ``{mark:TYPE:answers}``,
answers separated by ``~``, each ``=`` (full credit) or ``%N%`` then the answer and ``#feedback``;
an answer ends at ``~``, ``#`` or ``}`` unless a ``\\``, ``&`` or ``&amp;`` stands before it.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from qbank.models import Blank, BlankOption, FillInBlanks, Question
from qbank.readers.foreign import build

from .context import Ctx

_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"(?:{_FRACTION})?(?:{_ANSWER})(?:#(?:{_FEEDBACK}))?"
_ALT = re.compile(f"~?({_FRACTION})?({_ANSWER})(?:#({_FEEDBACK}))?", re.S)
_TYPES = ("NUMERICAL|NM|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|"
          "MULTICHOICE_S|MCS|MULTICHOICE|MC|SHORTANSWER_C|SAC|MWC|SHORTANSWER|SA|MW|REGEXP_C|RXC|REGEXP|RX|"
          "MULTIRESPONSE_HS|MRHS|MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE|MR")
_SUB = re.compile(r"\{([0-9]*):(" + _TYPES + "):(" + _ALTERNATIVE + "(?:~" + _ALTERNATIVE + r")*)\}", re.S)
_DROPDOWN = {"MULTICHOICE", "MC", "MULTICHOICE_S", "MCS"}
_RADIO = {"MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"}
_TEXT = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC", "NUMERICAL", "NM"}
_TOKEN = re.compile("\ue010(\\d+)\ue011")


def _decode(text: str) -> str:
    """Moodle's unescaping of a cloze answer or feedback: HTML entities, then ``\\}`` and ``\\#``
    (``\\~`` keeps its backslash, as in ``qtype_multianswer_extract_question``)."""
    return html.unescape(text).replace("\\}", "}").replace("\\#", "#")


def _text(markup: str, marked: list[str]) -> str:
    """HTML Moodle shows (a dropdown option, any feedback) as the plain text qbank holds."""
    if not re.search(r"<[A-Za-z/!?]", markup):
        return re.sub(r"\s*\n\s*", " ", html.unescape(markup)).strip()
    marked.append(markup)
    try:
        text = lxml_html.fragment_fromstring(markup, create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return " ".join(text.split())


def _alternatives(body: str, dropdown: bool, marked: list[str]) -> list[tuple[float, str, str | None]]:
    found: list[tuple[float, str, str | None]] = []
    for match in _ALT.finditer(body):
        if not match.group(0):
            continue
        fraction, grade, answer, feedback = match.group(1), match.group(2), match.group(3), match.group(4)
        weight = 100.0 if fraction == "=" else float(grade.replace(",", ".")) if grade else 0.0
        answer = _text(_decode(answer), marked) if dropdown else _decode(answer)
        found.append((weight, answer, _text(_decode(feedback), marked) or None if feedback else None))
    return found


def _blank(ctx: Ctx, index: int, kind: str, body: str, line: int | None) -> tuple[Blank | None, bool]:
    """The blank, and whether it shuffles its options."""
    marked: list[str] = []
    alternatives = _alternatives(body, kind in _DROPDOWN or kind in _RADIO, marked)
    pos = ctx.pos(line)
    if marked:
        ctx.report("W703", f"blank {index + 1}: the formatting of `{marked[0][:60]}` is dropped (qbank's blank "
                   "options and feedback are plain text)", line, "nothing to do, unless the formatting matters")
    problems = [p for _, text, feedback in alternatives for p in (build.blank_problem(text.strip()),
                                                                  build.blank_problem(feedback or "", feedback=True))
                if p]
    if problems:
        ctx.report("W702", f"blank {index + 1}: {problems[0]} in qbank's source format; the question is left out",
                   line, "change the answer in Moodle and export again")
        return None, False
    if kind in _DROPDOWN or kind in _RADIO:
        if kind in _RADIO:
            ctx.report("W703", f"blank {index + 1} shows its options as radio buttons in Moodle; qbank keeps it as "
                       "a dropdown", line, "nothing to do, unless the layout matters")
        options = tuple(BlankOption(text=text, correct=weight == 100,
                                    weight=None if weight in (0.0, 100.0) else weight, feedback=feedback)
                        for weight, text, feedback in alternatives)
        if sum(o.correct for o in options) != 1 or len(options) < 2:
            ctx.report("W702", f"blank {index + 1} needs two or more options and exactly one worth 100%; the "
                       "question is left out", line, "fix the grades in Moodle and export again")
            return None, False
        return Blank(id=str(index + 1), kind="dropdown", options=options, pos=pos), kind.endswith("S")
    numeric = kind in ("NUMERICAL", "NM")
    responses: list[BlankOption] = []
    other = None
    for weight, text, feedback in alternatives:
        text = text.strip()
        if text == "*":
            other = BlankOption(text="*", correct=False, weight=weight or None, feedback=feedback)
            continue
        if numeric and ":" in text:
            ctx.dropped(f"the tolerance of blank {index + 1}'s numeric answer `{text}` (kept as the typed answer "
                        f"`{text.split(':')[0]}`)", line, "list the accepted answers instead")
            text = text.split(":")[0]
        if text.replace("\\*", "").count("*"):
            ctx.report("W703", f"blank {index + 1}'s answer `{text}` uses `*` as a wildcard; kept as a literal star",
                       line, "list the answers the wildcard should accept")
        text = text.replace("\\*", "*")
        correct = weight == 100
        responses.append(BlankOption(text=text, correct=correct, feedback=feedback,
                                     weight=None if correct or weight == 0 else weight))
    if not any(r.correct for r in responses):
        ctx.report("W702", f"blank {index + 1} has no answer worth 100%; the question is left out", line,
                   "fix the grades in Moodle and export again")
        return None, False
    detailed = any(r.feedback or not r.correct for r in responses)
    blank = Blank(id=str(index + 1), kind="text", answers=tuple(r.text for r in responses if r.correct),
                  case_sensitive=kind in ("SHORTANSWER_C", "SAC", "MWC"),
                  responses=tuple(responses) if detailed else (), other=other, pos=pos)
    return blank, False


def read(ctx: Ctx, element: etree._Element, base: dict[str, Any]) -> Question | None:
    text_el = element.find("questiontext/text")
    text = (text_el.text or "") if text_el is not None else ""
    line = text_el.sourceline if text_el is not None else element.sourceline
    blanks: list[Blank] = []
    marks: list[Decimal] = []
    shuffles: set[bool] = set()

    def replace(match: re.Match[str]) -> str:
        kind = match.group(2)
        if kind not in _TEXT and kind not in _DROPDOWN and kind not in _RADIO:
            raise LookupError(kind)
        blank, shuffle = _blank(ctx, len(blanks) + len(failed), kind, match.group(3), line)
        if blank is None:
            failed.append(kind)
            return ""
        if kind not in _TEXT:
            shuffles.add(shuffle)
        blanks.append(blank)
        marks.append(build.number(match.group(1) or "1") or Decimal(1))
        return f"\ue010{len(blanks) - 1}\ue011"

    failed: list[str] = []
    try:
        stripped = _SUB.sub(replace, text)
    except LookupError as exc:
        ctx.report("W702", f"a cloze `{exc.args[0]}` sub-question (regular expression or multiple response) "
                   "cannot be held by qbank; the question is left out", line,
                   "re-create the blank as typed answers or a dropdown")
        return None
    if failed:
        return None
    if not blanks:
        ctx.report("W702", "a cloze question with no sub-question is left out", line, "add the blanks in Moodle")
        return None
    holder = element.find("questiontext")
    files = ctx.files(holder) if holder is not None else {}
    source = ctx.markdown(stripped, files, line, stem=True)
    source = _TOKEN.sub(lambda m: build.blank_source(blanks[int(m.group(1))]), source)
    stem = build.fragment(source, ctx.pos(line), ctx.media, blanks=True)
    if stem.blanks != len(blanks):
        ctx.report("W702", "the cloze text's blanks cannot be written in qbank's source format; the question is "
                   "left out", line, "move the blanks out of tables and headings in Moodle")
        return None
    if len(set(marks)) > 1:
        ctx.dropped("the different marks of the blanks (" + ", ".join(str(m) for m in marks) + "); qbank splits "
                    "the question's points equally", line)
    if len(shuffles) > 1:
        ctx.dropped("the shuffling of some dropdowns but not others (all keep their order)", line)
    points = sum(marks, Decimal(0))
    return FillInBlanks(**{**base, "stem": stem, "points": points if points > 0 else Decimal(1)},
                        blanks=tuple(blanks), shuffle=shuffles == {True})
