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

__all__ = ["RENDERERS", "Code", "Diagnostic", "Severity", "code_info", "make", "register_codes", "render",
           "render_github", "render_json", "render_text", "sort_key"]

# A plugin's own codes: two or more capital letters, then three digits.
PLUGIN_CODE = re.compile(r"[A-Z]{2,}[0-9]{3}")
_PLUGIN_CODES: dict[str, tuple[Code, str]] = {}  # code -> (its meaning, who declared it)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    code: str
    message: str
    hint: str | None = None
    severity: Severity = field(default=Severity.ERROR)
    end_col: int | None = None  # exclusive; the caret covers col..end_col
    target: str | None = None  # set when an exporter's own check raised it

    def __post_init__(self) -> None:
        if self.code not in CODES and self.code not in _PLUGIN_CODES:
            raise ValueError(f"unregistered diagnostic code {self.code}")

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def escalated(self) -> Diagnostic:
        return replace(self, severity=Severity.ERROR)


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


def code_info(code: str) -> Code:
    """The meaning and default severity of a code, qbank's own or a plugin's."""
    if code in CODES:
        return CODES[code]
    return _PLUGIN_CODES[code][0]


def make(code: str, message: str, file: str, line: int, col: int = 1, *, hint: str | None = None,
         end_col: int | None = None, target: str | None = None) -> Diagnostic:
    """Create a diagnostic with the severity its code is registered with."""
    return Diagnostic(file=file, line=line, col=col, code=code, message=message, hint=hint,
                      severity=Severity(code_info(code).severity), end_col=end_col, target=target)


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
    for d in diagnostics:
        sev_color = red if d.is_error else yellow
        where = f" [{d.target}]" if d.target else ""
        out.append(f"{bold}{d.file}:{d.line}:{d.col}:{reset} {sev_color}{d.severity.value}"
                   f"[{d.code}]{reset}{where}: {d.message}")
        src = sources.line(d.file, d.line)
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
    if diagnostics:
        out.append(f"Found {errors} error{'s' * (errors != 1)} and "
                   f"{warnings} warning{'s' * (warnings != 1)}.")
    return "\n".join(out) + ("\n" if out else "")


def to_dict(d: Diagnostic) -> dict[str, object]:
    data = asdict(d)
    data["severity"] = d.severity.value
    return data


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([to_dict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def _gh_escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        kind = "error" if d.is_error else "warning"
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        props = (f"file={_gh_escape(d.file, prop=True)},line={d.line},col={d.col},"
                 f"title={_gh_escape(d.code, prop=True)}")
        lines.append(f"::{kind} {props}::{_gh_escape(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}


def render(diagnostics: Iterable[Diagnostic], fmt: str, color: bool = False) -> str:
    ordered = sorted(set(diagnostics), key=sort_key)
    if fmt == "text":
        return render_text(ordered, color=color)
    return RENDERERS[fmt](ordered)
