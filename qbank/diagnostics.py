"""One diagnostic type for every stage (reader, lint, exporters), and its renderers.

Like ruff or rustc: a stable code, a severity, a span, a message and a one-line hint.
Renderers: ``text`` (source line with a caret), ``json`` and ``github`` (workflow annotations).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from qbank.codes import CODES, Code

__all__ = ["RENDERERS", "Acknowledgement", "Code", "Diagnostic", "Severity", "code_info", "from_dict", "make",
           "plugin_codes", "register_codes", "render", "render_github", "render_json", "render_text", "sort_key",
           "unpositioned"]

# A plugin's own codes: two or more capital letters, then three digits.
PLUGIN_CODE = re.compile(r"[A-Z]{2,}[0-9]{3}")
_PLUGIN_CODES: dict[str, tuple[Code, str]] = {}  # code -> (its meaning, who declared it)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Acknowledgement:
    """Why a warning is not reported: where it was acknowledged (``file:line``, or the
    command-line option) and the reason written there, if any."""

    by: str
    reason: str | None = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int  # 0 (with col 0) when the diagnostic has no position in a file (a path it cannot write)
    col: int
    code: str
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR)
    end_col: int | None = None  # exclusive; the caret covers col..end_col
    target: str | None = None  # set when an exporter's own check raised it
    question: str | None = None  # the id of the question it is about (None: the bank, or no question)
    acknowledged: Acknowledgement | None = None  # a warning the author acknowledged (not reported)

    def __post_init__(self) -> None:
        if self.code not in CODES and self.code not in _PLUGIN_CODES:
            raise ValueError(f"unregistered diagnostic code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def reported(self) -> bool:
        """Whether it counts: every error, and every warning nobody acknowledged."""
        return self.acknowledged is None

    def escalated(self) -> Diagnostic:
        """The diagnostic as an error (``--strict``); an acknowledged warning stays as it is."""
        return self if self.acknowledged is not None else replace(self, severity=Severity.ERROR)


def register_codes(codes: Mapping[str, Code], owner: str) -> None:
    """Register a plugin's own diagnostic codes (its ``codes`` class attribute).

    Each must look like ``MYLMS001`` (two or more capital letters, three digits), so it can
    never be one of qbank's, and keep one meaning: declaring a code again with another
    meaning, or one another plugin declared, is refused.
    """
    for code, info in codes.items():
        if not PLUGIN_CODE.fullmatch(code):
            raise ValueError(f"{owner} declares diagnostic code `{code}`; a plugin's codes are two or more "
                             "capital letters and three digits, e.g. MYLMS001")
        if info.severity not in (Severity.ERROR.value, Severity.WARNING.value):
            raise ValueError(f"{owner} declares `{code}` with severity `{info.severity}` (error or warning)")
        known = _PLUGIN_CODES.get(code)
        if known is not None and (known[0] != info or known[1] != owner):
            raise ValueError(f"{owner} declares `{code}`, which {known[1]} already declares")
        _PLUGIN_CODES[code] = (Code(*info), owner)


def plugin_codes() -> list[str]:
    """The codes plugins have registered in this process."""
    return list(_PLUGIN_CODES)


def code_info(code: str) -> Code:
    """The meaning and default severity of a code, qbank's own or a plugin's."""
    if code in CODES:
        return CODES[code]
    return _PLUGIN_CODES[code][0]


def make(code: str, message: str, file: str, line: int, col: int = 1, *, hint: str | None = None,
         end_col: int | None = None, target: str | None = None, question: str | None = None) -> Diagnostic:
    """Create a diagnostic with the severity its code is registered with."""
    return Diagnostic(file=file, line=line, col=col, code=code, message=message, hint=hint,
                      severity=Severity(code_info(code).severity), end_col=end_col, target=target,
                      question=question)


def unpositioned(code: str, message: str, path: str, *, hint: str | None = None) -> Diagnostic:
    """A diagnostic about a path as a whole (an output it cannot write): no line, no source quoted."""
    return Diagnostic(file=path, line=0, col=0, code=code, message=message, hint=hint,
                      severity=Severity(code_info(code).severity))


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    return (d.file, d.line, d.col, d.code, d.message, d.target or "")


# --- renderers -------------------------------------------------------------------------


class _SourceLines:
    """Reads each file once, tolerating files that are not UTF-8."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self._cache:
            try:
                text = Path(file).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._cache[file] = text.lstrip("\ufeff").splitlines()
        lines = self._cache[file]
        return lines[number - 1] if 1 <= number <= len(lines) else None


def render_text(diagnostics: Sequence[Diagnostic], color: bool = False) -> str:
    sources = _SourceLines()
    out: list[str] = []
    red, yellow, blue, bold, reset = (
        ("\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[1m", "\x1b[0m") if color else ("",) * 5
    )
    acknowledged = sum(not d.reported for d in diagnostics)
    diagnostics = [d for d in diagnostics if d.reported]
    for d in diagnostics:
        sev_color = red if d.is_error else yellow
        where = f" [{d.target}]" if d.target else ""
        place = f"{d.file}:{d.line}:{d.col}:" if d.line > 0 else f"{d.file}:"
        out.append(f"{bold}{place}{reset} {sev_color}{d.severity.value}"
                   f"[{d.code}]{reset}{where}: {d.message}")
        src = sources.line(d.file, d.line) if d.line > 0 else None
        if src is not None and src.strip():
            shown = src.replace("\t", " ")
            gutter = f"{d.line:>5} | "
            out.append(f"{blue}{gutter}{reset}{shown}")
            width = max(1, (d.end_col or d.col + 1) - d.col)
            width = min(width, max(1, len(shown) - d.col + 1))
            out.append(" " * (len(gutter) - 2) + f"{blue}|{reset} " + " " * (d.col - 1)
                       + f"{sev_color}{'^' * width}{reset}")
        if d.hint:
            out.append(f"      = hint: {d.hint}")
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    also = (f" ({acknowledged} acknowledged warning{'s' * (acknowledged != 1)} not shown; "
            "`--format json` lists them)") if acknowledged else ""
    if diagnostics or acknowledged:
        out.append(f"Found {errors} error{'s' * (errors != 1)} and "
                   f"{warnings} warning{'s' * (warnings != 1)}{also}.")
    return "\n".join(out) + ("\n" if out else "")


def to_dict(d: Diagnostic) -> dict[str, object]:
    data = asdict(d)
    data["severity"] = d.severity.value
    return data


def from_dict(data: Mapping[str, object]) -> Diagnostic:
    """The diagnostic :func:`to_dict` gave (as the build cache stores it)."""
    values = dict(data)
    values["severity"] = Severity(str(values["severity"]))
    ack = values.get("acknowledged")
    if isinstance(ack, Mapping):
        values["acknowledged"] = Acknowledgement(str(ack["by"]), None if ack.get("reason") is None
                                                 else str(ack["reason"]))
    return Diagnostic(**values)  # type: ignore[arg-type]


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([to_dict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """Workflow commands for the reported diagnostics (an acknowledged warning annotates nothing)."""
    lines = []
    for d in diagnostics:
        if not d.reported:
            continue
        kind = "error" if d.is_error else "warning"
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        where = f",line={d.line},col={d.col}" if d.line > 0 else ""
        props = (f"file={_gh_escape(d.file, prop=True)}{where},"
                 f"title={_gh_escape(d.code, prop=True)}")
        lines.append(f"::{kind} {props}::{_gh_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def render(diagnostics: Iterable[Diagnostic], fmt: str, color: bool = False) -> str:
    ordered = sorted(set(diagnostics), key=sort_key)
    if fmt == "text":
        return render_text(ordered, color=color)
    return RENDERERS[fmt](ordered)
