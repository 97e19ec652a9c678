"""Lint rules that run on the validated model (the reader checks structure as it reads)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from qbank import diagnostics as dg
from qbank import render
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
    for group in bank.groups:
        members = [q for q in bank.questions if q.group == group.id]
        if group.pick is not None and group.pick > len(members):
            found.append(dg.make("E211", f"group `{group.id}` picks {group.pick} of {len(members)} questions",
                                 bank.path, group.pos.line, 1, hint="lower `pick` or add questions to the group"))
    return found


def lint_file(path: str | Path, *, renderer: render.Renderer | None = None
              ) -> tuple[Bank | None, list[dg.Diagnostic]]:
    """Read and lint one bank: all problems, in one pass."""
    bank, found = read_bank(path, renderer=renderer)
    if bank is not None:
        found = found + lint_bank(bank)
    return bank, found


@dataclass(frozen=True)
class BankIdentity:
    """What the cross-bank check needs of a bank: where it goes, and its ids with their lines.

    Small and plain, so a build can keep it in its cache and check banks it does not re-read.
    """

    path: str
    category: str
    ids: tuple[tuple[str, int], ...]


def bank_identity(bank: Bank) -> BankIdentity:
    return BankIdentity(bank.path, bank.category or bank.title, tuple((q.id, q.pos.line) for q in bank.questions))


def lint_identities(identities: Iterable[BankIdentity]) -> list[dg.Diagnostic]:
    """Ids shared by banks that go to the same category: the Moodle category or Canvas bank
    would hold two questions with one idnumber, and re-importing would mix them up."""
    first: dict[tuple[str, str], tuple[str, int]] = {}
    found: list[dg.Diagnostic] = []
    for identity in identities:
        for qid, line in identity.ids:
            key = (identity.category, qid)
            if key not in first:
                first[key] = (identity.path, line)
                continue
            other_path, other_line = first[key]
            if Path(other_path).resolve() == Path(identity.path).resolve():
                continue
            found.append(dg.make(
                "E210", f"question id `{qid}` is also used at {other_path}:{other_line}, "
                f"and both banks go to category `{identity.category}`", identity.path, line, 1,
                hint="give one question another id (`## Title {#other-id}`), or give the banks different "
                     "`category:` values"))
    return found


def lint_across(banks: Iterable[Bank]) -> list[dg.Diagnostic]:
    return lint_identities(bank_identity(bank) for bank in banks)


def bank_files(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """Markdown banks under ``paths`` (files or folders, sorted), and the paths that do not exist."""
    files: list[str] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(str(p) for p in sorted(path.rglob("*.md"))
                         if not any(part.startswith(".") for part in p.relative_to(path).parts)
                         and p.name.lower() != "readme.md")
        elif path.exists():
            files.append(str(path))
        else:
            missing.append(raw)
    return files, missing
