"""Diagnostics collected while reading one foreign input, located in the file they concern."""

from __future__ import annotations

from dataclasses import dataclass, field

from qbank import diagnostics as dg
from qbank.models import Pos


@dataclass
class Report:
    """The diagnostics of one input (a package or a file), each at a :class:`~qbank.models.Pos`."""

    diagnostics: list[dg.Diagnostic] = field(default_factory=list)

    def add(self, code: str, message: str, pos: Pos, *, hint: str | None = None) -> None:
        self.diagnostics.append(dg.make(code, message, pos.file, pos.line, pos.col, hint=hint))

    @property
    def failed(self) -> bool:
        return any(d.is_error for d in self.diagnostics)
