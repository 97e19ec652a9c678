"""One question as a ``## `` block of the source format: heading attributes, stem, answers, sections."""

from __future__ import annotations

import re
import shlex

from qbank import diagnostics as dg
from qbank.models import (
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    unhandled,
)
from qbank.numberformat import format_decimal
from qbank.readers.markdown.numeric import looks_numeric

SHUFFLES = ("multiple-choice", "multiple-select", "matching", "ordering")


# What a heading's attributes cannot hold: braces end them, a line ends the heading, and the
# reader refuses typographic quotes (a word processor's) anywhere in an attribute.
_UNWRITABLE = re.compile("[{}\n\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb]")


def _attribute(key: str, value: str, question: Question, diagnostics: list[dg.Diagnostic]) -> list[str]:
    """``key=value`` quoted as the reader splits it (:func:`shlex.split`), or nothing (T005)."""
    if _UNWRITABLE.search(value):
        diagnostics.append(dg.make("T005", f"`{question.id}`: the {key} `{value}` cannot be written in a heading; "
                                   "it is left out", question.pos.file, question.pos.line, question.pos.col,
                                   hint="the question keeps its id" if key == "idnumber"
                                   else "the question keeps everything else", target="markdown"))
        return []
    if re.fullmatch(r"[A-Za-z0-9_.,/%+-]+", value):
        return [f"{key}={value}"]
    if '"' in value:  # the reader's tokens hold no `\"`: single quotes, as the shell writes them
        return [f"{key}={shlex.quote(value)}"]
    return [f'{key}="' + value.replace("\\", "\\\\") + '"']


def _weight(weight: float) -> str:
    # `.10g`, not `g`: six significant digits would turn a read-back 33.33333 into 33.3333
    return f" {{weight={weight:.10g}}}" if abs(weight - round(weight, 5)) < 1e-9 else f" {{weight={weight!r}}}"


def _indented(fragment: Fragment, marker: str) -> list[str]:
    """A fragment as list-item text: the first line after the marker, the rest indented under it."""
    lines = fragment.source.split("\n") if not fragment.is_empty else [""]
    pad = " " * len(marker)
    return [marker + lines[0], *((pad + line) if line else "" for line in lines[1:])]


def _feedback(fragment: Fragment | None) -> list[str]:
    if fragment is None or fragment.is_empty:
        return []
    return [f"  > {line}" if line else "  >" for line in fragment.source.split("\n")]


def _attributes(question: Question, diagnostics: list[dg.Diagnostic]) -> str:
    attrs = [f"#{question.id}"]
    # The type the reader infers from the answers; short answer and ordering always need `type=`.
    inferred: str | None = None if question.type in ("short-answer", "ordering") else question.type
    if isinstance(question, MultipleChoice) and sorted(c.text.source.strip().casefold() for c in question.choices) \
            == ["false", "true"]:
        inferred = None
    if isinstance(question, ShortAnswer) and not all(looks_numeric(a.text) for a in question.answers):
        inferred = "short-answer"
    if inferred != question.type:
        attrs.append(f"type={question.type}")
    if not isinstance(question, Description) and question.points != 1:
        attrs.append(f"points={format_decimal(question.points)}")
    if question.time_limit is not None:
        attrs.append(f"time={question.time_limit}s")
    if question.tags:
        if any("," in t for t in question.tags):
            diagnostics.append(dg.make("T005", f"`{question.id}`: a tag with a comma cannot be written; its commas "
                                       "become spaces", question.pos.file, question.pos.line, question.pos.col,
                                       hint="rename the tag", target="markdown"))
        attrs += _attribute("tags", ", ".join(t.replace(",", " ") for t in question.tags), question, diagnostics)
    if question.type in SHUFFLES and not question.shuffle:
        attrs.append("shuffle=false")
    if question.difficulty is not None:
        attrs += _attribute("difficulty", question.difficulty, question, diagnostics)
    if isinstance(question, MultipleSelect) and _select_policy(question)[0] != "penalty":
        attrs.append("scoring=no-penalty")  # the reader's default is penalty (no bank default is written)
    if isinstance(question, ShortAnswer) and question.case_sensitive:
        attrs.append("case=sensitive")
    if isinstance(question, FillInBlanks) and any(b.case_sensitive for b in question.blanks):
        attrs.append("case=sensitive")
    if isinstance(question, Numerical) and question.unit:
        attrs += _attribute("unit", question.unit, question, diagnostics)
    if isinstance(question, Essay) and question.response_lines != 10:
        attrs.append(f"lines={question.response_lines}")
    if question.idnumber is not None:
        attrs += _attribute("idnumber", question.idnumber, question, diagnostics)
    return "{" + " ".join(attrs) + "}"


def _select_policy(question: MultipleSelect) -> tuple[str, bool]:
    """The scoring policy to write, and whether every option needs its weight written."""
    correct = [c for c in question.choices if c.correct]
    wrong = [c for c in question.choices if not c.correct]
    for policy, wrong_weight in (("penalty", -100.0 / len(wrong) if wrong else 0.0), ("no-penalty", 0.0)):
        if all(abs(c.weight - 100.0 / len(correct)) < 1e-6 for c in correct) and \
                all(abs(c.weight - wrong_weight) < 1e-6 for c in wrong):
            return policy, False
    return question.scoring, True


def _choices(question: MultipleChoice | MultipleSelect) -> list[str]:
    lines: list[str] = []
    explicit = False
    if isinstance(question, MultipleSelect):
        _, explicit = _select_policy(question)
    for choice in question.choices:
        box = ("(x) " if choice.correct else "( ) ") if question.type == "multiple-choice" else \
            ("[x] " if choice.correct else "[ ] ")
        item = _indented(choice.text, "- " + box)
        if explicit or (question.type == "multiple-choice" and not choice.correct and choice.weight):
            item[0] += _weight(choice.weight)
        lines += item + _feedback(choice.feedback)
    return lines


def _true_false(question: TrueFalse) -> list[str]:
    lines: list[str] = []
    for choice in question.choices:
        lines.append(f"- {'(x)' if choice.correct else '( )'} {choice.id.capitalize()}")
        lines += _feedback(choice.feedback)
    return lines


def _typed(question: ShortAnswer | Numerical) -> list[str]:
    lines: list[str] = []
    for answer in question.answers:
        text = answer.source if isinstance(answer, NumericAnswer) else answer.text
        lines.append(f"- = {text}" + (_weight(answer.weight) if answer.weight != 100 else ""))
        lines += _feedback(answer.feedback)
    if isinstance(question, ShortAnswer) and question.other is not None:
        lines.append("- = *" + (_weight(question.other.weight) if question.other.weight else ""))
        lines += _feedback(question.other.feedback)
    return lines


def _answers(question: Question) -> list[str]:
    match question:
        case MultipleChoice() | MultipleSelect():
            return _choices(question)
        case TrueFalse():
            return _true_false(question)
        case ShortAnswer() | Numerical():
            return _typed(question)
        case Matching():
            return [f"- {p.left.source} -> {p.right.source}" for p in question.pairs] + \
                [f"- -> {d.source}" for d in question.distractors]
        case Ordering():
            return [line for k, item in enumerate(question.items) for line in _indented(item.text, f"{k + 1}. ")]
        case Essay():
            return ["____"]
        case FillInBlanks() | Description():
            return []
        case _:
            unhandled(question)


def question_block(question: Question, diagnostics: list[dg.Diagnostic]) -> list[str]:
    lines = [f"## {question.title} {_attributes(question, diagnostics)}"]
    if not question.stem.is_empty:
        lines += ["", question.stem.source]
    answers = _answers(question)
    if answers:
        lines += ["", *answers]
    for title, fragment in (("Explanation", question.explanation), ("Correct feedback", question.correct_feedback),
                            ("Incorrect feedback", question.incorrect_feedback)):
        if fragment is not None and not fragment.is_empty:
            lines += ["", f"### {title}", "", fragment.source]
    return lines
