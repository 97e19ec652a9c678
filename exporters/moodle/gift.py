"""GIFT: the subset of Moodle's text format that Moodle's reader takes back unchanged.

Moodle's reader (``question/format/gift/format.php``) replaces the escapes ``\\\\ \\: \\# \\=
\\{ \\} \\~ \\n`` before it parses anything, finds the answer block at the first ``{`` and the first
``}``, and splits answers on every ``=`` and ``~``. So every piece of text here goes through
:func:`escape` — Moodle's own exporter rule: ``\\`` → ``\\\\`` first, then ``~ = # { } :`` get a
backslash and newlines become ``\\n`` — and a question never holds a blank line.
GIFT carries no files: images need ``-O asset-base-url=...`` (the author hosts them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from html import escape as html_escape
from urllib.parse import quote

from qbank import diagnostics as dg
from qbank import render
from qbank.assets import AssetTable
from qbank.exporter import Exporter, Option
from qbank.models import (
    Bank,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Image,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    question_fragments,
    unhandled,
)
from qbank.numberformat import format_decimal

from . import categories, checks, grades
from . import text as mtext

# The placeholders Moodle's reader substitutes for escapes; plain text cannot hide them from it.
PLACEHOLDER = re.compile(r"&&(?:058;|035;|061;|123;|125;|126;|092;|010)")
GIFT_ESSAY_LINES = 15  # the answer-box height Moodle's GIFT reader gives every essay
# An essay that keeps the format's default height asked for nothing in particular: no warning.
DEFAULT_ESSAY_LINES = Essay.model_fields["response_lines"].default


def escape(text: str) -> str:
    """Text as GIFT writes it: Moodle's ``repchar`` (backslash first, then the specials, newlines)."""
    text = text.replace("\\", "\\\\")
    for special in "#=~{}:":
        text = text.replace(special, "\\" + special)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def with_format(text: str) -> str:
    """Escaped HTML; ``[html]`` in front when the text itself starts with ``[`` (else Moodle reads a format)."""
    return ("[html]" if text.startswith("[") else "") + escape(text)


def php_number_text(value: float) -> str:
    """A float as PHP turns it into a string (``precision`` = 14 significant digits, ``1.0E-25``)."""
    text = f"{value:.14G}"
    mantissa, _, exponent = text.partition("E")
    return f"{mantissa}.0E{exponent}" if exponent and "." not in mantissa else text


def range_survives(answer: NumericAnswer) -> bool:
    """Whether Moodle's ``min..max`` arithmetic (PHP floats) gives back exactly our midpoint ± half-width."""
    low, high = float(answer.low), float(answer.high)
    middle = (high + low) / 2
    try:
        return (Decimal(php_number_text(middle)) == answer.value
                and Decimal(php_number_text(high - middle)) == answer.tolerance)
    except InvalidOperation:  # pragma: no cover - inf/nan from absurd magnitudes
        return False


def numeric_text(answer: NumericAnswer) -> str:
    if answer.kind == "range" and range_survives(answer):
        return f"{format_decimal(answer.low)}..{format_decimal(answer.high)}"
    if answer.tolerance == 0:
        return format_decimal(answer.value)
    return f"{format_decimal(answer.value)}:{format_decimal(answer.tolerance)}"


class _Writer:
    def __init__(self, base_url: str, renderer: render.Renderer) -> None:
        self.base_url = base_url.rstrip("/")
        self.renderer = renderer
        self.assets = AssetTable()

    def _image_src(self, image: Image) -> str:
        return html_escape(f"{self.base_url}/{quote(self.assets.add(image))}")

    def html(self, fragment: Fragment | None, *, inline: bool = False) -> str:
        if fragment is None or fragment.is_empty:
            return ""
        return with_format(self.renderer.html(fragment, image=self._image_src, inline=inline).strip())

    def feedback(self, fragment: Fragment | None) -> str:
        text = self.html(fragment)
        return "#" + text if text else ""

    def general(self, question: Question) -> str:
        text = self.html(question.explanation)
        return "####" + text if text else ""

    def head(self, question: Question) -> list[str]:
        # Moodle reads the id number and tags from `[id:...]`/`[tag:...]` in a comment, `]` as `\\]`.
        bits = ["[id:" + (question.idnumber or question.id).replace("]", "\\]") + "]"]
        bits += ["[tag:" + tag.replace("]", "\\]") + "]" for tag in question.tags if _tag_fits(tag)]
        stem = self.renderer.html(question.stem, image=self._image_src).strip()
        return ["// " + " ".join(bits), f"::{escape(question.title)}::[html]{escape(stem)}"]

    def block(self, lines: list[str], inner: list[str], question: Question, opener: str = "{") -> str:
        """The question's head, then ``{`` and one answer per line, the explanation and ``}``."""
        lines[-1] += opener
        lines += ["\t" + line for line in inner]
        general = self.general(question)
        if general:
            lines.append("\t" + general)
        lines.append("}")
        return "\n".join(lines)

    def choices(self, question: MultipleChoice | MultipleSelect) -> list[str]:
        lines: list[str] = []
        for choice in question.choices:
            text = self.html(choice.text, inline=True)
            if question.type == "multiple-choice" and choice.correct:
                marker = "="
            elif choice.weight == 0 and not text.startswith("%"):
                marker = "~"
            else:  # explicit weight; also keeps an answer that starts with % from being read as one
                marker = f"~%{grades.fraction(choice.weight)}%"
            lines.append(marker + text + self.feedback(choice.feedback))
        return lines

    def true_false(self, question: TrueFalse) -> str:
        right = next(c for c in question.choices if c.correct)
        wrong = next(c for c in question.choices if not c.correct)
        right_text, wrong_text = self.html(right.feedback), self.html(wrong.feedback)
        # Moodle reads {T#feedback for a wrong answer#feedback for a right one}.
        block = "TRUE" if question.answer else "FALSE"
        if wrong_text or right_text:
            block += "#" + wrong_text
        if right_text:
            block += "#" + right_text
        return "{" + block + self.general(question) + "}"

    def question(self, question: Question) -> str:
        lines = self.head(question)
        match question:
            case Description():
                return "\n".join(lines)
            case Essay():
                return "\n".join(lines) + "{" + self.general(question) + "}"
            case TrueFalse():
                return "\n".join(lines) + self.true_false(question)
            case MultipleChoice() | MultipleSelect():
                return self.block(lines, self.choices(question), question)
            case ShortAnswer():
                return self.block(lines, [
                    f"=%{grades.fraction(a.weight)}%{with_format(mtext.shortanswer_pattern(a.text))}"
                    + self.feedback(a.feedback) for a in question.answers]
                    + ([f"=%{grades.fraction(question.other.weight)}%*" + self.feedback(question.other.feedback)]
                       if question.other is not None else []), question)
            case Numerical():
                return self.block(lines, [f"=%{grades.fraction(a.weight)}%{numeric_text(a)}" + self.feedback(a.feedback)
                                          for a in question.answers], question, "{#")
            case Matching():
                inner = [f"={self.html(pair.left, inline=True)} -> "
                         f"{escape(mtext.plain_with_math(self.renderer, pair.right))}" for pair in question.pairs]
                # an empty left side is an extra answer
                inner += [f"= -> {escape(mtext.plain_with_math(self.renderer, d))}" for d in question.distractors]
                return self.block(lines, inner, question)
            case Ordering() | FillInBlanks():  # pragma: no cover - not in supported_types
                raise AssertionError(f"GIFT cannot hold {question.type} questions")
            case _:
                unhandled(question)


def _plain_texts(renderer: render.Renderer, question: Question) -> list[str]:
    """The texts GIFT writes as plain text (not HTML, where `&` is always escaped)."""
    texts = [question.title]
    if isinstance(question, ShortAnswer):
        texts += [answer.text for answer in question.answers]
    if isinstance(question, Matching):
        rights = (*(p.right for p in question.pairs), *question.distractors)
        texts += [mtext.plain_with_math(renderer, f) for f in rights]
    return texts


def _tag_fits(tag: str) -> bool:
    """Moodle's GIFT reader takes a tag only without ``<``, ``>``, backquote or control characters."""
    return bool(tag.strip()) and not any(ch in tag for ch in "<>`") and all(ch >= " " for ch in tag)


class GiftExporter(Exporter):
    name = "gift"
    description = "GIFT text (Question bank → Import → GIFT format)"
    suffix = ".gift.txt"
    supported_types = frozenset({
        "multiple-choice", "multiple-select", "true-false", "short-answer", "numerical", "essay",
        "matching", "description",
    })
    alternatives = {"fill-in-blanks": "moodle-xml", "ordering": "moodle-xml"}
    holds = frozenset({"idnumber", "other-answer"})
    options = (
        Option("asset-base-url", "URL where you host the bank's images (GIFT cannot carry files); "
               "images become <img src=\"URL/name\">", ""),
    )

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        found = list(checks.weight_diagnostics(self.diagnostic, bank, question, "GIFT"))
        found += checks.title_diagnostics(self.diagnostic, bank, question)
        found += checks.combined_feedback_diagnostics(self.diagnostic, bank, question, frozenset(), "GIFT")
        if isinstance(question, Matching):
            found += checks.matching_diagnostics(self.diagnostic, self.renderer, bank, question)
        found += self._unwritable(bank, question)
        found += self._losses(bank, question)
        return found

    def cannot_hold(self, bank: Bank, question: Question) -> tuple[str, str] | None:
        """Without a URL for hosted images, a question that shows an image cannot be written."""
        if self.settings["asset-base-url"]:
            return None
        # Correct/incorrect feedback (and a description's explanation) are left out anyway.
        left_out = {id(question.correct_feedback), id(question.incorrect_feedback)}
        if isinstance(question, Description):
            left_out.add(id(question.explanation))
        for fragment in question_fragments(question):
            if id(fragment) not in left_out and fragment.images:
                return (f"GIFT cannot carry the image `{fragment.images[0].src}`",
                        "host the images and give their folder's URL with `-O asset-base-url=https://...`, "
                        "or use `--to moodle-xml`, which embeds them")
        return None

    def _unwritable(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        """T005: content GIFT cannot carry at all (the question would be broken)."""
        found: list[dg.Diagnostic] = []
        if isinstance(question, ShortAnswer):
            for answer in question.answers:
                if "->" in answer.text:  # Moodle would read the whole block as a matching question
                    found.append(self.diagnostic(
                        "T005", f"`{question.id}`: GIFT cannot hold the short answer `{answer.text}` "
                        "(`->` marks a matching question there)", bank, answer.pos.line, answer.pos.col,
                        hint="use `--to moodle-xml`, or change the answer"))
        for text in _plain_texts(self.renderer, question):
            if match := PLACEHOLDER.search(text):
                found.append(self.diagnostic(
                    "T005", f"`{question.id}`: GIFT cannot hold the text `{match.group()}`: Moodle's GIFT reader "
                    "uses it internally and would turn it into another character",
                    bank, question.pos.line, 1, hint="use `--to moodle-xml`, or change the text"))
        return found

    def _losses(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        """T002: settings GIFT has no syntax for; the question is written without them."""
        lost: list[str] = []
        if isinstance(question, ShortAnswer) and question.case_sensitive:
            lost.append("a case-sensitive short answer; Moodle will accept any case")
        if isinstance(question, Numerical) and question.unit:
            lost.append(f"the unit `{question.unit}`; it is left out")
        if isinstance(question, MultipleChoice | MultipleSelect | Matching) and not question.shuffle:
            lost.append("`shuffle=false`; Moodle applies its default")
        if isinstance(question, Essay) and question.response_lines not in (GIFT_ESSAY_LINES, DEFAULT_ESSAY_LINES):
            lost.append(f"an answer box of {question.response_lines} lines; Moodle gives it {GIFT_ESSAY_LINES}")
        if isinstance(question, Description) and question.explanation is not None:
            lost.append("the explanation of a description; it is left out")
        bad_tags = [tag for tag in question.tags if not _tag_fits(tag)]
        if bad_tags:
            lost.append(f"the tag `{bad_tags[0]}`; it is left out")
        return [self.diagnostic("T002", f"`{question.id}`: GIFT cannot hold {what}", bank, question.pos.line, 1,
                                hint="use `--to moodle-xml` to keep it") for what in lost]

    def check_bank(self, bank: Bank) -> list[dg.Diagnostic]:
        found = list(checks.time_limit_diagnostics(self.diagnostic, bank, self.name))
        found += checks.group_diagnostics(self.diagnostic, bank)
        weighted = [q for q in bank.questions
                    if self.holds_type(q.type) and q.type != "description" and q.points != 1]
        if weighted:
            count = len(weighted)
            found.append(self.diagnostic(
                "T002", f"{count} question{'s' * (count != 1)} {'are' if count != 1 else 'is'} not worth 1 point; "
                "GIFT cannot hold points, so Moodle gives each question 1", bank, weighted[0].pos.line, 1,
                hint="set the marks in the Moodle quiz, or use `--to moodle-xml` (it keeps points)"))
        if bank.description is not None and not bank.description.is_empty:
            found.append(self.diagnostic(
                "T002", "GIFT cannot hold the bank's description; it is left out", bank,
                bank.description.pos.line, bank.description.pos.col, hint="use `--to moodle-xml` to keep it"))
        return found

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        writer = _Writer(self.settings["asset-base-url"], self.renderer)
        blocks: list[str] = []
        current = categories.bank_category(bank)
        # The category line is read before escapes are undone: only backslashes need doubling.
        blocks.append(f"$CATEGORY: {current.replace(chr(92), chr(92) * 2)}")
        for path, run in categories.question_categories(bank, list(questions)):
            if path != current:
                blocks.append(f"$CATEGORY: {path.replace(chr(92), chr(92) * 2)}")
                current = path
            blocks.extend(writer.question(question) for question in run)
        return ("\n\n".join(blocks) + "\n").encode("utf-8")
