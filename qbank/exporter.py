"""The small base class every target implements, and what an export returns.

An exporter receives a validated :class:`~qbank.models.Bank` and returns its artifact plus
diagnostics. ``check`` holds the target's own rules (``qbank lint --target``); questions of a
type the target cannot hold are left out with a T001 warning naming them and their line.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from qbank import diagnostics as dg
from qbank.codes import Code
from qbank.models import Bank, Question
from qbank.variants.report import told_once

if TYPE_CHECKING:  # rendering loads Markdown, nh3 and lxml: only when something is rendered
    from qbank.render import Renderer

__all__ = ["Code", "ExportError", "ExportResult", "Exporter", "Option"]


@dataclass(frozen=True)
class Option:
    """A setting a target accepts on the command line as ``-O name=value``."""

    name: str
    help: str
    default: str
    choices: tuple[str, ...] | None = None


@dataclass
class ExportResult:
    data: bytes | None  # None when errors stopped the export
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    questions: int = 0  # how many questions the artifact holds


class ExportError(Exception):
    """A problem found while writing an artifact, with the diagnostic that explains it."""

    def __init__(self, diagnostic: dg.Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class Exporter(ABC):
    name: ClassVar[str]
    description: ClassVar[str]
    suffix: ClassVar[str]  # appended to the bank's stem for the default output name
    supported_types: ClassVar[frozenset[str]]
    options: ClassVar[tuple[Option, ...]] = ()
    # For a question type this target cannot hold: which target can (named in the warning).
    alternatives: ClassVar[dict[str, str]] = {}
    # The target's own diagnostic codes, beside qbank's T001–T005: {"MYLMS001": Code("warning", "...")}.
    codes: ClassVar[dict[str, Code]] = {}
    # The model's import-era fields (:data:`qbank.extensions.EXTENSIONS`) this target writes;
    # a question using any other one is exported without it, with a T002 warning.
    holds: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, options: Mapping[str, str] | None = None, /, *, renderer: Renderer | None = None,
                 **settings: str) -> None:
        """``options`` (or keyword ``settings``): the ``-O`` options, validated here;
        ``renderer``: the rendering service to use (the build passes one that keeps results
        between builds; default: the process's own)."""
        if renderer is None:
            from qbank.render import shared

            renderer = shared()
        self.renderer = renderer
        known = {opt.name: opt for opt in self.options}
        values = {opt.name: opt.default for opt in self.options}
        for key, value in {**(options or {}), **settings}.items():
            opt = known.get(key)
            if opt is None:
                raise ValueError(f"target `{self.name}` has no option `{key}`"
                                 + (f"; options: {', '.join(known)}" if known else ""))
            if opt.choices is not None and value not in opt.choices:
                raise ValueError(f"`{key}` must be one of {', '.join(opt.choices)}, not `{value}`")
            values[key] = value
        self.settings = values

    # --- helpers for subclasses -----------------------------------------------------------

    def diagnostic(self, code: str, message: str, bank: Bank, line: int, col: int = 1,
                   hint: str | None = None) -> dg.Diagnostic:
        return dg.make(code, message, bank.path, line, col, hint=hint, target=self.name)

    # --- the protocol ------------------------------------------------------------------

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        """This target's own rules for one question it can hold (override as needed)."""
        return []

    def check_bank(self, bank: Bank) -> list[dg.Diagnostic]:
        """This target's own rules for the bank as a whole (override as needed)."""
        return []

    def holds_type(self, question_type: str) -> bool:
        """Whether this target (with its options) holds questions of this type."""
        return question_type in self.supported_types

    def cannot_hold(self, bank: Bank, question: Question) -> tuple[str, str] | None:
        """Why this target cannot hold a question of a type it supports, as (reason, hint), or None.

        Such a question is left out with a T001 warning, like one of an unsupported type.
        """
        return None

    def supported(self, bank: Bank) -> tuple[list[Question], list[dg.Diagnostic]]:
        kept: list[Question] = []
        found: list[dg.Diagnostic] = []
        for question in bank.questions:
            if self.holds_type(question.type):
                why = self.cannot_hold(bank, question)
                if why is None:
                    kept.append(question)
                    continue
                reason, hint = why
            else:
                other = self.alternatives.get(question.type)
                article = "an" if question.type[0] in "aeiou" else "a"
                reason = f"{self.name} cannot hold {article} {question.type} question"
                hint = (f"export it with `--to {other}`" if other else "choose another target for it") \
                    + ", or change its type"
            found.append(replace(self.diagnostic("T001", f"`{question.id}`: {reason}; it is left out",
                                                 bank, question.pos.line, 1, hint=hint), question=question.id))
        return kept, found

    def check(self, bank: Bank) -> list[dg.Diagnostic]:
        return self._checked(bank, *self.supported(bank))

    def _checked(self, bank: Bank, kept: list[Question], left_out: list[dg.Diagnostic]) -> list[dg.Diagnostic]:
        found = list(left_out)
        # What a question's check finds is about that question (its `allow=` can acknowledge it); a
        # varied question's variants share their problems, told once, naming the question.
        sets = bank.variant_sets()
        found.extend(told_once(bank, ((q, [d if d.question is not None else replace(
            d, question=q.group if q.group in sets else q.id) for d in [*self.check_question(bank, q),
                                                                         *self._unheld(bank, q)]])
                                      for q in kept)))
        # A bank-wide check may still speak of one question: at its heading, its id first (the
        # targets' convention, "`q`: ..."). That diagnostic is about the question too.
        headed = {q.pos.line: (q.group if q.group in sets else q.id) for q in bank.questions}
        for d in self.check_bank(bank):
            qid = headed.get(d.line) if d.question is None else None
            found.append(replace(d, question=qid) if qid and d.message.startswith(f"`{qid}`") else d)
        return found

    def _unheld(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        from qbank.extensions import EXTENSIONS, extensions_of

        return [self.diagnostic("T002", f"`{question.id}`: {self.name} has no place for {EXTENSIONS[name]}; "
                                "it is left out", bank, pos.line, pos.col,
                                hint="export to moodle-xml to keep it, or remove it from the question")
                for name, pos in extensions_of(question) if name not in self.holds]

    def export(self, bank: Bank) -> ExportResult:
        kept, left_out = self.supported(bank)
        found = self._checked(bank, kept, left_out)
        if any(d.is_error for d in found):
            return ExportResult(None, found, 0)
        try:
            data = self.render(bank, kept)
        except ExportError as exc:
            return ExportResult(None, [*found, exc.diagnostic], 0)
        return ExportResult(data, found, len(kept))

    @abstractmethod
    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        """The artifact's bytes for ``questions`` (the ones this target holds)."""
