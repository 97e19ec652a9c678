"""What the Markdown reader passes around: source lines, raw blanks, and the per-file context."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from qbank import diagnostics as dg
from qbank import render
from qbank.models import Allowance, Pos


def position(start: Pos, text: str, offset: int) -> tuple[int, int]:
    """The line and column in the file of ``offset`` in ``text`` (a fragment's source, a
    formula), which starts at ``start``."""
    before = text[:offset]
    if "\n" not in before:
        return start.line, start.col + offset
    return start.line + before.count("\n"), offset - before.rfind("\n")


class Line(NamedTuple):
    """A line (or the part of one) of the source: a tuple, because the reader makes millions."""

    number: int  # 1-based line in the file
    col: int  # 1-based column where ``text`` starts
    text: str

    def dedent(self, width: int) -> Line:
        strip = min(width, len(self.text) - len(self.text.lstrip(" ")))
        return Line(self.number, self.col + strip, self.text[strip:])


@dataclass(frozen=True)
class RawBlank:
    """The text between ``[[`` and ``]]`` in a stem, and where it starts in the file."""

    content: str
    line: int
    col: int


@dataclass
class Context:
    """What the reader of one file shares: where it is, and the diagnostics found so far."""

    file: str
    folder: Path
    renderer: render.Renderer
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    variant: str | None = None  # while one variant of a varied question is read: which, with its values
    allowances: list[Allowance] = field(default_factory=list)  # warnings acknowledged in the source

    def report(self, code: str, message: str, line: int, col: int = 1, *, hint: str | None = None,
               end_col: int | None = None) -> None:
        self.diagnostics.append(dg.make(code, message, self.file, line, col, hint=hint, end_col=end_col))

    def pos(self, line: int, col: int = 1) -> Pos:
        return Pos(file=self.file, line=line, col=col)
