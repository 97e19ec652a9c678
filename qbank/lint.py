"""Lint rules that run on the validated model (the reader checks structure as it reads)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from qbank import diagnostics as dg
from qbank import render
from qbank.banks import BankIdentity, lint_identities
from qbank.models import Bank, MultipleChoice, MultipleSelect, Question
from qbank.readers.markdown import read_bank
from qbank.variants.report import told_once

ALL_NONE = re.compile(r"\b(all|none|both|neither) of (the|these) (above|options|answers|choices)\b", re.I)


def lint_question(bank: Bank, question: Question) -> Iterator[dg.Diagnostic]:
    file = bank.path
    if question.type != "description" and question.explanation is None:
        yield dg.make("W101", f"question `{question.id}` has no explanation", file, question.pos.line, 1,
                      hint="add a `### Explanation` section: students see it after answering", question=question.id)
    if isinstance(question, MultipleChoice | MultipleSelect):
        for choice in question.choices:
            if ALL_NONE.search(choice.text.source):
                yield dg.make("W102", "'all/none of the above' breaks when options are shuffled", file,
                              choice.pos.line, choice.pos.col,
                              hint="state the option in full, or use a multiple-select question", question=question.id)
    if isinstance(question, MultipleSelect) and all(c.correct for c in question.choices):
        yield dg.make("W105", "every option is correct", file, question.pos.line, 1,
                      hint="add wrong options, or ticking every box is always right", question=question.id)


def lint_bank(bank: Bank) -> list[dg.Diagnostic]:
    found = told_once(bank, ((q, list(lint_question(bank, q))) for q in bank.questions))
    members = bank.members()
    for group in bank.groups:
        count = len(members.get(group.id, ()))
        if group.pick is not None and group.pick > count:
            found.append(dg.make("E211", f"group `{group.id}` picks {group.pick} of {count} questions",
                                 bank.path, group.pos.line, 1, hint="lower `pick` or add questions to the group"))
    return found


def lint_file(path: str | Path, *, renderer: render.Renderer | None = None
              ) -> tuple[Bank | None, list[dg.Diagnostic]]:
    """Read and lint one bank: all problems, in one pass."""
    bank, found = read_bank(path, renderer=renderer)
    if bank is not None:
        found = found + lint_bank(bank)
    return bank, found


def bank_identity(bank: Bank) -> BankIdentity:
    return BankIdentity(bank.path, bank.category or bank.title, tuple((q.id, q.pos.line) for q in bank.questions))


def lint_across(banks: Iterable[Bank]) -> list[dg.Diagnostic]:
    return lint_identities(bank_identity(bank) for bank in banks)
