"""Fill-in-the-blanks questions as Moodle cloze (multianswer) text."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from qbank import render
from qbank.models import Blank, BlankOption, FillInBlanks

from . import grades
from .text import shortanswer_pattern

_CLOZE_TYPES = (
    "NUMERICAL|NM|MULTICHOICE|MC|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|"
    "REGEXP|RX|REGEXP_C|RXC|MULTICHOICE_S|MCS|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTIRESPONSE|MR|"
    "MULTIRESPONSE_H|MRH|MULTIRESPONSE_S|MRS|MULTIRESPONSE_HS|MRHS"
)
# Text outside the blanks that Moodle would take for the start of a sub-question.
_LOOKS_LIKE_CLOZE = re.compile(r"\{(?=[0-9]*:(?:" + _CLOZE_TYPES + r"):|#[0-9]+\})")
_CLOZE_ENTITIES = {"&": "&#38;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", "}": "&#125;", "#": "&#35;",
                   "~": "&#126;", "=": "&#61;", "%": "&#37;"}


def cloze_answer(text: str) -> str:
    """``text`` written so Moodle's cloze parser stores exactly ``text`` (§3.4 of the notes).

    Moodle ends an answer at the first ``~``, ``#`` or ``}`` not preceded by ``\\``, ``&`` or
    ``&amp;``, then HTML-decodes it and replaces ``\\}`` → ``}`` and ``\\#`` → ``#``. So the
    inverse: undo those two replacements first (``#`` → ``\\#``, ``}`` → ``\\}``), then write every
    character that could end the answer (or protect a terminator) as a numeric entity, and ``=``
    and ``%`` too (at the start of an answer Moodle would read them as its grade). ``{`` is left
    alone: Moodle would keep a ``\\{`` as typed.
    """
    text = text.replace("#", "\\#").replace("}", "\\}")
    return "".join(_CLOZE_ENTITIES.get(ch, ch) for ch in text)


def blank_marks(question: FillInBlanks) -> tuple[list[int], bool]:
    """Whole marks per blank (Moodle adds them up to the question's mark), and whether they sum to points."""
    count = len(question.blanks)
    points = question.points
    if points == points.to_integral_value() and int(points) % count == 0 and points > 0:
        return [int(points) // count] * count, True
    return [1] * count, Decimal(count) == points


def _graded(option: BlankOption, text: str) -> str:
    """One answer of a sub-question: ``=`` or ``%weight%``, the answer, then ``#feedback``."""
    if option.correct:
        mark = "="
    elif option.weight:
        mark = f"%{grades.fraction(option.weight)}%"
    else:
        mark = "%0%" if text.startswith(("=", "%")) else ""
    feedback = "#" + cloze_answer(html.escape(option.feedback, quote=False)) if option.feedback else ""
    return mark + text + feedback


def cloze_blank(blank: Blank, mark: int, shuffle: bool) -> str:
    if blank.kind == "dropdown":
        kind = "MULTICHOICE_S" if shuffle else "MULTICHOICE"
        # Dropdown options are plain text shown as HTML: escape them once for HTML.
        options = [_graded(option, cloze_answer(html.escape(option.text, quote=False))) for option in blank.options]
    else:
        kind = "SHORTANSWER_C" if blank.case_sensitive else "SHORTANSWER"
        responses = blank.responses or tuple(BlankOption(text=answer, correct=True) for answer in blank.answers)
        options = [_graded(r, cloze_answer(shortanswer_pattern(r.text))) for r in responses]
        if blank.other is not None:
            options.append(_graded(blank.other, "*"))
    return "{" + f"{mark}:{kind}:" + "~".join(options) + "}"


def cloze_text(renderer: render.Renderer, question: FillInBlanks, image: render.ImageFn) -> str:
    """The stem as Moodle cloze HTML, each blank an embedded sub-question."""
    marks, _ = blank_marks(question)

    def blank(index: int) -> str:
        return "\ue002" + str(index) + "\ue003"

    text = renderer.html(question.stem, image=image, blank=blank)
    text = _LOOKS_LIKE_CLOZE.sub("&#123;", text)
    return re.sub("\ue002(\\d+)\ue003", lambda m: cloze_blank(
        question.blanks[int(m.group(1))], marks[int(m.group(1))], question.shuffle), text)
