"""Checks both Moodle targets run: what Moodle's importer would refuse, change or leave out.

Both formats end up in the same importer (``question/format.php``), which refuses a weight
that is not in Moodle's fixed list, gives a question bank no place for time limits, and
cleans question names as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from qbank import diagnostics as dg
from qbank import render
from qbank.models import (
    Bank,
    Description,
    Essay,
    FillInBlanks,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    Ordering,
    Pos,
    Question,
    ShortAnswer,
    TrueFalse,
    unhandled,
)
from qbank.numberformat import format_points

from .categories import category_segment, group_path
from .grades import moodle_percentage, nearest_moodle
from .text import plain_loses

# Moodle types that store correct/incorrect feedback ("combined feedback").
COMBINED_FEEDBACK_TYPES = frozenset({"multiple-choice", "multiple-select", "matching", "ordering"})


Make = Callable[..., dg.Diagnostic]


def weight_diagnostics(make: Make, bank: Bank, question: Question, target: str) -> Iterator[dg.Diagnostic]:
    """T003 for every weight Moodle's importer would refuse ("Error if grade not listed")."""
    for weight, pos in weighted_items(question):
        if moodle_percentage(weight) is None:
            yield make("T003", f"`{question.id}`: weight {weight:.5g}% is not one of Moodle's grades; "
                       f"{target} import would stop with an error", bank, pos.line, pos.col,
                       hint=f"use {nearest_moodle(weight)}% (the nearest Moodle accepts), or change the "
                            "number of options so the shares come out even")


def weighted_items(question: Question) -> list[tuple[float, Pos]]:
    """(weight, position) of every option or answer that carries a weight Moodle stores."""
    match question:
        case MultipleChoice() | MultipleSelect() | TrueFalse():
            return [(c.weight, c.pos) for c in question.choices]
        case ShortAnswer() | Numerical():
            return [(a.weight, a.pos) for a in question.answers]
        case Essay() | Matching() | Ordering() | FillInBlanks() | Description():
            return []
        case _:
            unhandled(question)


def matching_diagnostics(make: Make, renderer: render.Renderer, bank: Bank,
                         question: Matching) -> Iterator[dg.Diagnostic]:
    lossy = [pair.right for pair in question.pairs if plain_loses(renderer, pair.right)]
    lossy += [d for d in question.distractors if plain_loses(renderer, d)]
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
    by_group = bank.members()
    for group in bank.groups:
        if group.pick is None:
            continue
        members = [q for q in by_group.get(group.id, ()) if q.type != "description"]
        marks = sorted({q.points for q in members})
        mark = (f" and give each a mark of {format_points(marks[0])}" if len(marks) == 1
                else " and set each one's mark")
        if group.kind == "variants":
            yield make("T002", f"`{group.id}` has {len(members)} variants; a Moodle question bank cannot draw one "
                       f"at random, so they go to the sub-category `{group_path(bank, group)}`", bank,
                       group.pos.line, 1, hint=f"in the quiz, add a random question from that category{mark}")
            continue
        yield make("T002", f"group `{group.id}` picks {group.pick} question{'s' * (group.pick != 1)}; a "
                   "Moodle question bank cannot draw at random, so its questions go to the sub-category "
                   f"`{category_segment(group.title)}`", bank, group.pos.line, 1,
                   hint=f"in the quiz, add {group.pick} random question{'s' * (group.pick != 1)} "
                        f"from that category{mark}")


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


