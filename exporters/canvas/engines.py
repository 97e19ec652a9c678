"""Canvas's two quiz engines: Classic Quizzes and New Quizzes (``-O engine=classic|new``).

Both import the same QTI 1.2 package, but New Quizzes' importer is a separate, closed service:
what it loses is known only from users' reports, each named here with its source and how strong
it is (docs/targets/canvas.md has the table). Where qbank has a choice it writes the form each
engine is known to keep: Canvas's equation-editor images for Classic (its own exports use them),
``\\(...\\)`` for New Quizzes (no report shows it keeping equation images; MathJax-delimited TeX
is what the producers that moved to New Quizzes write).
"""

from __future__ import annotations

from collections.abc import Callable

from qbank import diagnostics as dg
from qbank.models import Bank, Description, FillInBlanks, Question, question_fragments

ENGINES = ("classic", "new")
MATH_FOR_ENGINE = {"classic": "equation-image", "new": "mathjax"}

Warn = Callable[[str, Bank, Question, str, str], dg.Diagnostic]


def math_mode(engine: str, asked: str) -> str:
    """The math form to write: the one asked for, or (``auto``) the one the engine keeps."""
    return MATH_FOR_ENGINE[engine] if asked == "auto" else asked


def new_quizzes_losses(warn: Warn, bank: Bank, question: Question, math: str) -> list[dg.Diagnostic]:
    """T006 for each loss New Quizzes' import is reported to cause in this question."""
    found: list[dg.Diagnostic] = []
    if isinstance(question, Description):
        found.append(warn("T006", bank, question,
                          "New Quizzes is reported to drop text-only items on import (text2qti issue #72); "
                          "Classic Quizzes keep them",
                          "put the text into the next question's stem, or check the quiz after import"))
    if math == "equation-image" and any(f.math for f in question_fragments(question)):
        found.append(warn("T006", bank, question,
                          "formulas are written as Canvas equation images, which no report shows New Quizzes "
                          "keeping on import",
                          "leave `-O math` at auto (\\(...\\) for New Quizzes), or check the formulas after import"))
    if isinstance(question, FillInBlanks) and len(question.blanks) > 1:
        found.append(warn("T006", bank, question,
                          "New Quizzes' import of questions with several blanks is reported to go wrong "
                          "(backyardbiomech/qtiConverter issue #10)",
                          "check the question after import, or split it into one blank per question"))
    return found
