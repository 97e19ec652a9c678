"""What the Moodle XML and GIFT targets share: categories, fractions, cloze text and checks.

Both formats end up in the same importer (``question/format.php``), which refuses a weight
that is not in Moodle's fixed list, gives a question bank no place for time limits, and
reads category paths with ``/`` as the level separator (``//`` for a literal slash).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from qbank import diagnostics as dg
from qbank import render
from qbank.fractions import moodle_percentage, nearest_moodle
from qbank.models import Bank, Blank, FillInBlanks, Fragment, Image, Matching, Question

TOP = "$course$/top"
# Moodle types that store correct/incorrect feedback ("combined feedback").
COMBINED_FEEDBACK_TYPES = frozenset({"multiple-choice", "multiple-select", "matching"})


def fraction(weight: float) -> str:
    """A weight as the percentage Moodle lists (``33.33333``); checks run first, so it exists."""
    text = moodle_percentage(weight)
    if text is None:  # pragma: no cover - check_question reports T003 before any render
        raise ValueError(f"weight {weight} is not a Moodle fraction")
    return text


def category_segment(name: str) -> str:
    """One level of a category path; a ``/`` inside it is written ``//`` as Moodle reads it."""
    # Moodle trims every level, and a slash at either end would merge with the separator.
    return " ".join(name.split()).strip("/ ").replace("/", "//")


def bank_category(bank: Bank) -> str:
    """``$course$/top/<path>``: the front-matter ``category`` (levels split on ``/``), else the title."""
    if bank.category is not None:
        levels = [category_segment(part) for part in bank.category.split("/")]
    else:
        levels = [category_segment(bank.title)]
    return "/".join([TOP, *(level for level in levels if level)])


def question_categories(bank: Bank, questions: list[Question]) -> list[tuple[str, list[Question]]]:
    """Consecutive runs of questions with their category: a bank group becomes a sub-category."""
    base = bank_category(bank)
    titles = {group.id: group.title for group in bank.groups}
    runs: list[tuple[str, list[Question]]] = []
    for question in questions:
        path = base
        if question.group is not None and category_segment(titles.get(question.group, "")):
            path = f"{base}/{category_segment(titles[question.group])}"
        if runs and runs[-1][0] == path:
            runs[-1][1].append(question)
        else:
            runs.append((path, [question]))
    return runs


def shortanswer_pattern(text: str) -> str:
    """An accepted answer as a Moodle short-answer pattern: ``*`` is Moodle's wildcard, ``\\*`` a star."""
    return text.replace("*", "\\*")


# --- cloze (fill in the blanks) ----------------------------------------------------------------

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


def cloze_blank(blank: Blank, mark: int, shuffle: bool) -> str:
    if blank.kind == "dropdown":
        kind = "MULTICHOICE_S" if shuffle else "MULTICHOICE"
        # Dropdown options are plain text shown as HTML: escape them once for HTML.
        options = [("=" if option.correct else "") + cloze_answer(html.escape(option.text, quote=False))
                   for option in blank.options]
    else:
        kind = "SHORTANSWER_C" if blank.case_sensitive else "SHORTANSWER"
        options = ["=" + cloze_answer(shortanswer_pattern(answer)) for answer in blank.answers]
    return "{" + f"{mark}:{kind}:" + "~".join(options) + "}"


def cloze_text(question: FillInBlanks, image: render.ImageFn) -> str:
    """The stem as Moodle cloze HTML, each blank an embedded sub-question."""
    marks, _ = blank_marks(question)

    def blank(index: int) -> str:
        return "\ue002" + str(index) + "\ue003"

    text = render.to_html(question.stem, image=image, blank=blank)
    text = _LOOKS_LIKE_CLOZE.sub("&#123;", text)
    return re.sub("\ue002(\\d+)\ue003", lambda m: cloze_blank(
        question.blanks[int(m.group(1))], marks[int(m.group(1))], question.shuffle), text)


# --- plain-text places (matching answers) -----------------------------------------------------


def plain_with_math(fragment: Fragment) -> str:
    """Plain text for a place Moodle shows in a drop-down: math as ``\\(...\\)`` source."""
    return render.to_plain(fragment, math=lambda m: f"\\[{m.latex}\\]" if m.display else f"\\({m.latex}\\)")


def plain_loses(fragment: Fragment) -> bool:
    """Whether showing ``fragment`` as plain text loses something (math typesetting, images, markup)."""
    if fragment.math or fragment.images:
        return True
    html_text = render.to_html(fragment, inline=True)
    return bool(re.search(r"<[a-zA-Z]", html_text))


# --- checks shared by both targets ------------------------------------------------------------

Make = Callable[..., dg.Diagnostic]


def weight_diagnostics(make: Make, bank: Bank, question: Question, target: str) -> Iterator[dg.Diagnostic]:
    """T003 for every weight Moodle's importer would refuse ("Error if grade not listed")."""
    weighted = [(c.weight, c.pos) for c in getattr(question, "choices", ())]
    weighted += [(a.weight, a.pos) for a in getattr(question, "answers", ())]
    for weight, pos in weighted:
        if moodle_percentage(weight) is None:
            yield make("T003", f"`{question.id}`: weight {weight:.5g}% is not one of Moodle's grades; "
                       f"{target} import would stop with an error", bank, pos.line, pos.col,
                       hint=f"use {nearest_moodle(weight)}% (the nearest Moodle accepts), or change the "
                            "number of options so the shares come out even")


def matching_diagnostics(make: Make, bank: Bank, question: Matching) -> Iterator[dg.Diagnostic]:
    lossy = [pair.right for pair in question.pairs if plain_loses(pair.right)]
    lossy += [d for d in question.distractors if plain_loses(d)]
    if lossy:
        yield make("T004", f"`{question.id}`: Moodle lists matching answers in a drop-down, as plain text; "
                   "math there shows as LaTeX source and images or formatting are dropped",
                   bank, lossy[0].pos.line, lossy[0].pos.col,
                   hint="keep math and pictures on the left-hand side of each pair")


def time_limit_diagnostics(make: Make, bank: Bank, target: str) -> Iterator[dg.Diagnostic]:
    """One T002 per bank: a Moodle question bank has no place for time limits."""
    limited = [q for q in bank.questions if q.time_limit is not None]
    if not limited:
        if bank.time_limit is not None:
            yield make("T002", f"a Moodle question bank cannot hold the quiz time limit; {target} leaves it out",
                       bank, bank.pos.line, 1, hint="set it on the Moodle quiz (Quiz settings → Timing)")
        return
    count = len(limited)
    yield make("T002", f"{count} question{'s' * (count != 1)} ha{'ve' if count != 1 else 's'} a time limit; "
               f"a Moodle question bank cannot hold per-question time limits, so {target} leaves them out",
               bank, limited[0].pos.line, 1,
               hint="set a time limit on the Moodle quiz instead (Quiz settings → Timing)")


def title_diagnostics(make: Make, bank: Bank, question: Question) -> Iterator[dg.Diagnostic]:
    """Moodle cleans question names as PARAM_TEXT, which removes anything that looks like a tag."""
    if re.search(r"<[a-zA-Z/!?]", question.title):
        yield make("T004", f"`{question.id}`: Moodle removes what looks like an HTML tag from a question name",
                   bank, question.pos.line, 1, hint="write `< ` with a space, or reword the title")


def group_diagnostics(make: Make, bank: Bank) -> Iterator[dg.Diagnostic]:
    for group in bank.groups:
        if group.pick is not None:
            yield make("T002", f"group `{group.id}` picks {group.pick} question{'s' * (group.pick != 1)}; a "
                       "Moodle question bank cannot draw at random, so its questions go to the sub-category "
                       f"`{category_segment(group.title)}`", bank, group.pos.line, 1,
                       hint=f"in the quiz, add {group.pick} random question{'s' * (group.pick != 1)} "
                            "from that category")


def combined_feedback_diagnostics(make: Make, bank: Bank, question: Question, kinds: frozenset[str],
                                  target: str) -> Iterator[dg.Diagnostic]:
    """T002 when correct/incorrect feedback has no home in the Moodle type."""
    if question.type in kinds:
        return
    for extra, label in ((question.correct_feedback, "correct"), (question.incorrect_feedback, "incorrect")):
        if extra is not None and not extra.is_empty:
            yield make("T002", f"`{question.id}`: {target} has no {label} feedback for a {question.type} "
                       "question; it is left out", bank, extra.pos.line, extra.pos.col,
                       hint="move it into the explanation (general feedback) or the answers' feedback")


def images_of(*fragments: Fragment | None) -> list[Image]:
    found: list[Image] = []
    for fragment in fragments:
        if fragment is not None:
            found.extend(fragment.images)
    return found
