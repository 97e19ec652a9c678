"""The validated question-bank model.

Readers build these objects (the Markdown reader from a bank file, the import readers from
LMS exports); every writer reads only these. All objects are immutable and every one carries
the source position it came from, so any later stage (an exporter too) can report a problem at
the author's line.

Text that an author writes in Markdown is a :class:`Fragment`: the Markdown source with its
math, images and blanks already located. Rendering a fragment to HTML happens once, in
:mod:`qbank.render`, and each target then substitutes math, images and blanks its own way.
"""

from __future__ import annotations

from .bank import Bank, Group
from .questions import (
    QUESTION_TYPES,
    Blank,
    BlankOption,
    Choice,
    ChoiceQuestion,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Image,
    Matching,
    MatchPair,
    Math,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    OrderItem,
    OtherAnswer,
    Pos,
    Question,
    QuestionBase,
    QuestionType,
    ScoringPolicy,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
    question_fragments,
    unhandled,
)

__all__ = [
    "Bank", "Blank", "BlankOption", "Choice", "ChoiceQuestion", "Description", "Essay", "FillInBlanks",
    "Fragment", "Group", "Image", "MatchPair", "Matching", "Math", "MultipleChoice", "MultipleSelect",
    "NumericAnswer", "Numerical", "OrderItem", "Ordering", "OtherAnswer", "Pos", "QUESTION_TYPES", "Question",
    "QuestionBase", "QuestionType", "ScoringPolicy", "ShortAnswer", "TextAnswer", "TrueFalse",
    "question_fragments", "unhandled",
]
