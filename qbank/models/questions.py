"""Author text (fragments), answers and the question types of the model."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Literal, Never, NoReturn

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pos(Frozen):
    """A 1-based position in a source file."""

    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Math(Frozen):
    """One formula, as the author wrote it (delimiters removed)."""

    latex: str
    display: bool
    pos: Pos  # position of the formula's first character, after the opening delimiter


class Image(Frozen):
    src: str  # as written in the Markdown
    path: str  # absolute path of the file, resolved against the bank's folder
    alt: str
    title: str | None = None
    pos: Pos


class Fragment(Frozen):
    """Author-written Markdown (a stem, an option, a piece of feedback...).

    ``template`` is ``source`` with every formula, image target and blank replaced by a
    placeholder (see :mod:`qbank.placeholders`), ready to go through Markdown unharmed.
    """

    source: str
    template: str
    pos: Pos
    math: tuple[Math, ...] = ()
    images: tuple[Image, ...] = ()
    blanks: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.source.strip()


# --- answers -------------------------------------------------------------------------


class Choice(Frozen):
    """An option of a multiple-choice, multiple-select or true/false question."""

    id: str  # stable within the question: "a", "b", ... (or "true"/"false")
    text: Fragment
    correct: bool
    weight: float  # score fraction in percent, -100..100, already resolved by the scoring policy
    feedback: Fragment | None = None
    pos: Pos


class TextAnswer(Frozen):
    """An accepted answer of a short-answer question (plain text, matched as typed)."""

    text: str
    weight: float = 100.0
    feedback: Fragment | None = None
    pos: Pos


class OtherAnswer(Frozen):
    """Any response no listed answer matched (Moodle's ``*`` answer), with its own credit and feedback.

    Real Moodle banks use it to say what was wrong with any other answer; the Markdown form is
    ``- = *`` as the last answer of a short-answer question.
    """

    weight: float = 0.0
    feedback: Fragment | None = None
    pos: Pos


class NumericAnswer(Frozen):
    """An accepted numerical answer: ``value ± tolerance`` (exact when tolerance is 0).

    A range ``[low, high]`` is kept as ``kind="range"`` with ``value`` its midpoint and
    ``tolerance`` its half-width; both are exact because they are decimals.
    """

    kind: Literal["exact", "tolerance", "range"]
    value: Decimal
    tolerance: Decimal = Decimal(0)
    source: str  # the answer as the author wrote it
    weight: float = 100.0
    feedback: Fragment | None = None
    pos: Pos

    @property
    def low(self) -> Decimal:
        return self.value - self.tolerance

    @property
    def high(self) -> Decimal:
        return self.value + self.tolerance


class MatchPair(Frozen):
    left: Fragment
    right: Fragment
    pos: Pos


class OrderItem(Frozen):
    id: str
    text: Fragment
    pos: Pos


class BlankOption(Frozen):
    """A dropdown option of a blank, or a typed answer of a text blank with its credit and feedback."""

    text: str
    correct: bool
    weight: float | None = None  # percent credit when not the default (100 if correct, else 0)
    feedback: str | None = None  # plain text shown when this option or answer is given


class Blank(Frozen):
    """A gap in a fill-in-the-blanks stem: typed answers, or a dropdown of options."""

    id: str  # "1", "2", ... in stem order; the placeholder index is ``int(id) - 1``
    kind: Literal["text", "dropdown"]
    answers: tuple[str, ...] = ()  # text blanks: every accepted answer
    options: tuple[BlankOption, ...] = ()  # dropdown blanks: options in author order
    case_sensitive: bool = False
    # Text blanks whose answers carry partial credit or feedback: every typed answer, in author
    # order, with its credit (the full-credit ones are in ``answers`` too); empty otherwise.
    responses: tuple[BlankOption, ...] = ()
    other: BlankOption | None = None  # any other response (Moodle's ``*``), with its credit and feedback
    pos: Pos


# --- questions -----------------------------------------------------------------------

QuestionType = Literal[
    "multiple-choice",
    "multiple-select",
    "true-false",
    "short-answer",
    "numerical",
    "essay",
    "matching",
    "ordering",
    "fill-in-blanks",
    "description",
]

QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]

ScoringPolicy = Literal["penalty", "no-penalty"]


class QuestionBase(Frozen):
    id: str
    # The question's id in the system it came from when that is not a valid qbank id (a Moodle
    # idnumber such as `T & F`), kept exactly; ``id`` is then derived from it.
    idnumber: str | None = None
    title: str
    pos: Pos
    stem: Fragment
    points: Decimal
    time_limit: int | None = None  # seconds
    tags: tuple[str, ...] = ()
    difficulty: str | None = None
    shuffle: bool = True
    group: str | None = None  # id of the bank group (pool) this question belongs to
    explanation: Fragment | None = None  # general feedback, shown after answering
    correct_feedback: Fragment | None = None
    incorrect_feedback: Fragment | None = None


class MultipleChoice(QuestionBase):
    type: Literal["multiple-choice"] = "multiple-choice"
    choices: tuple[Choice, ...]

    @property
    def correct_choice(self) -> Choice:
        return next(c for c in self.choices if c.correct)


class MultipleSelect(QuestionBase):
    type: Literal["multiple-select"] = "multiple-select"
    choices: tuple[Choice, ...]
    scoring: ScoringPolicy = "penalty"


class TrueFalse(QuestionBase):
    type: Literal["true-false"] = "true-false"
    answer: bool
    choices: tuple[Choice, ...]  # exactly two: id "true" then id "false", with their feedback


class ShortAnswer(QuestionBase):
    type: Literal["short-answer"] = "short-answer"
    answers: tuple[TextAnswer, ...]
    other: OtherAnswer | None = None  # what any other response gets (Moodle's `*`)
    case_sensitive: bool = False


class Numerical(QuestionBase):
    type: Literal["numerical"] = "numerical"
    answers: tuple[NumericAnswer, ...]
    unit: str | None = None


class Essay(QuestionBase):
    type: Literal["essay"] = "essay"
    response_lines: int = 10
    shuffle: bool = False


class Matching(QuestionBase):
    type: Literal["matching"] = "matching"
    pairs: tuple[MatchPair, ...]
    distractors: tuple[Fragment, ...] = ()


class Ordering(QuestionBase):
    type: Literal["ordering"] = "ordering"
    items: tuple[OrderItem, ...]  # in the correct order


class FillInBlanks(QuestionBase):
    type: Literal["fill-in-blanks"] = "fill-in-blanks"
    blanks: tuple[Blank, ...]
    shuffle: bool = False


class Description(QuestionBase):
    type: Literal["description"] = "description"
    points: Decimal = Decimal(0)
    shuffle: bool = False


Question = Annotated[
    MultipleChoice
    | MultipleSelect
    | TrueFalse
    | ShortAnswer
    | Numerical
    | Essay
    | Matching
    | Ordering
    | FillInBlanks
    | Description,
    Field(discriminator="type"),
]

ChoiceQuestion = MultipleChoice | MultipleSelect | TrueFalse


def unhandled(question: Never) -> NoReturn:
    """Fail loudly for a question type the calling code does not handle.

    Every dispatch on question type is a ``match`` whose last case calls this: mypy then
    checks that no type is left out, and at run time a new type raises instead of being
    silently skipped.
    """
    raise TypeError(f"question type `{getattr(question, 'type', type(question).__name__)}` is not handled here")


def question_fragments(question: Question) -> Iterator[Fragment]:
    """Every fragment of a question, in source order."""
    yield question.stem
    match question:
        case MultipleChoice() | MultipleSelect() | TrueFalse():
            for choice in question.choices:
                yield choice.text
                if choice.feedback is not None:
                    yield choice.feedback
        case ShortAnswer() | Numerical():
            for answer in question.answers:
                if answer.feedback is not None:
                    yield answer.feedback
            if isinstance(question, ShortAnswer) and question.other is not None and question.other.feedback:
                yield question.other.feedback
        case Matching():
            for pair in question.pairs:
                yield pair.left
                yield pair.right
            yield from question.distractors
        case Ordering():
            for item in question.items:
                yield item.text
        case Essay() | FillInBlanks() | Description():
            pass
        case _:
            unhandled(question)
    for extra in (question.explanation, question.correct_feedback, question.incorrect_feedback):
        if extra is not None:
            yield extra
