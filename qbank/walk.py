"""Iterating over every piece of author text in a bank (for lint rules and asset collection)."""

from __future__ import annotations

from collections.abc import Iterator

from qbank.models import Bank, Fragment, Question


def question_fragments(question: Question) -> Iterator[Fragment]:
    """Every fragment of a question, in source order."""
    yield question.stem
    for choice in getattr(question, "choices", ()):
        yield choice.text
        if choice.feedback is not None:
            yield choice.feedback
    for answer in getattr(question, "answers", ()):
        if answer.feedback is not None:
            yield answer.feedback
    for pair in getattr(question, "pairs", ()):
        yield pair.left
        yield pair.right
    yield from getattr(question, "distractors", ())
    for item in getattr(question, "items", ()):
        yield item.text
    for extra in (question.explanation, question.correct_feedback, question.incorrect_feedback):
        if extra is not None:
            yield extra


def bank_fragments(bank: Bank) -> Iterator[Fragment]:
    if bank.description is not None:
        yield bank.description
    for question in bank.questions:
        yield from question_fragments(question)
