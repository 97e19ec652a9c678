"""qbank's configuration: which warnings a project has acknowledged, found like ruff finds its own.

For each bank, the nearest folder at or above it holding a ``qbank.toml`` (its keys at the top
level) or a ``pyproject.toml`` with a ``[tool.qbank]`` table gives the configuration; a
``pyproject.toml`` without that table is passed over, and ``qbank.toml`` wins over
``pyproject.toml`` in one folder. Keys::

    select = ["W", "T"]                           # warnings reported (codes or prefixes; default: all)
    ignore = ["W101"]                             # warnings acknowledged everywhere
    per-target-ignores = { gift = ["T002"] }      # ... in one target's checks
    per-file-ignores = { "drafts/*.md" = ["W101"] }   # ... in the banks a glob matches

A code may name one target, ``"T004@canvas"``. Globs are relative to the configuration's
folder; one without ``/`` matches the bank's file name. Only warnings can be acknowledged:
naming an error code is itself an error (E905), because an export with that error would grade
wrongly or lose content.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from qbank import diagnostics as dg
from qbank.codes import CODES

__all__ = ["KEYS", "Config", "Rule", "config_for", "load", "parse_codes", "rule_problem"]

KEYS = ("select", "ignore", "per-target-ignores", "per-file-ignores")
_SPEC = re.compile(r"^([A-Z]{1,8}[0-9]{0,3})(?:@([A-Za-z0-9][A-Za-z0-9_.-]*))?$")


@dataclass(frozen=True)
class Rule:
    """One code or prefix (``W1``, ``T004``) of a select or ignore list, with its scope."""

    prefix: str
    origin: str  # where it is written: "pyproject.toml:14", "--ignore"
    target: str | None = None  # only this target's diagnostics
    files: str | None = None  # only banks this glob matches (relative to ``base``)
    base: Path | None = None

    def matches(self, d: dg.Diagnostic) -> bool:
        if not d.code.startswith(self.prefix):
            return False
        if self.target is not None and d.target != self.target:
            return False
        if self.files is not None and self.base is not None:
            return _glob_matches(self.files, Path(d.file), self.base)
        return True


@dataclass(frozen=True)
class Config:
    """One configuration file's rules (or none: ``path`` None)."""

    path: Path | None = None
    select: tuple[Rule, ...] | None = None  # None: every warning is reported
    ignore: tuple[Rule, ...] = ()
    problems: tuple[dg.Diagnostic, ...] = field(default=(), compare=False)


def _glob_matches(pattern: str, file: Path, base: Path) -> bool:
    try:
        relative = PurePosixPath(file.resolve().relative_to(base.resolve()).as_posix())
    except ValueError:
        return False
    return fnmatchcase(relative.name if "/" not in pattern else str(relative), pattern.removeprefix("./"))


def parse_codes(text: str) -> list[str]:
    """``"T004@gift, W101 T002"`` → its codes (split at commas and spaces)."""
    return [part for part in re.split(r"[\s,]+", text.strip()) if part]


def _known_codes() -> list[str]:
    return sorted({*CODES, *dg.plugin_codes()})


def rule_problem(spec: str, *, exact: bool) -> tuple[str, str, str] | None:
    """Why ``spec`` (``CODE`` or ``CODE@TARGET``; a prefix unless ``exact``) cannot acknowledge
    anything, as (kind, message, hint) with kind ``syntax``, ``unknown`` or ``error``; None when
    it can. A plugin's code (``MYLMS001``) its target has not registered yet is taken on trust."""
    match = _SPEC.match(spec)
    if not match:
        return ("syntax", f"`{spec}` is not a diagnostic code",
                "write codes such as `W101` or `T004`, optionally for one target: `T004@canvas`")
    prefix = match.group(1)
    known = _known_codes()
    covered = [code for code in known if code == prefix] if exact else [c for c in known if c.startswith(prefix)]
    if not covered:
        if dg.PLUGIN_CODE.fullmatch(prefix):
            return None
        close = difflib.get_close_matches(prefix, known, n=1, cutoff=0.6)
        return ("unknown", f"`{prefix}` is not a diagnostic code qbank knows",
                (f"did you mean `{close[0]}`? " if close else "") + "every code is in docs/diagnostics.md")
    if all(dg.code_info(code).severity == "error" for code in covered):
        return ("error", f"`{prefix}` is an error, which cannot be acknowledged: an export with it would grade "
                "wrongly or lose content", "fix the bank instead; only warnings (W codes and the warning T codes) "
                "can be acknowledged")
    return None


def _line_of(lines: list[str], needle: str, start: int = 0) -> int:
    for index in range(start, len(lines)):
        if needle in lines[index]:
            return index + 1
    return 1


def load(path: Path) -> Config | None:
    """The configuration in ``path`` (a qbank.toml or pyproject.toml); None for a pyproject.toml
    without ``[tool.qbank]``. Problems in it are reported as E905 at their line."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return Config(path, problems=(dg.make("E905", f"cannot read the configuration: {exc}", shown, 1,
                                              hint="check the file's permissions and encoding (UTF-8)"),))
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
        return Config(path, problems=(dg.make("E905", f"configuration is not valid TOML: {exc}", shown, line, col,
                                              hint="see https://toml.io for the syntax"),))
    lines = text.splitlines()
    start = 0
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("qbank")
        if table is None:
            return None
        start = max(0, _line_of(lines, "[tool.qbank") - 1)
    else:
        table = data
    return _parse(path, table, lines, start)


def _parse(path: Path, table: Any, lines: list[str], start: int) -> Config:
    shown = str(path)
    problems: list[dg.Diagnostic] = []
    base = path.parent

    def problem(message: str, needle: str, hint: str) -> None:
        problems.append(dg.make("E905", message, shown, _line_of(lines, needle, start), 1, hint=hint))

    def rules(value: Any, key: str, *, target: str | None = None, files: str | None = None) -> list[Rule]:
        if isinstance(value, str):
            value = parse_codes(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problem(f"`{key}` must be a list of codes", key, f'write e.g. {key} = ["W101", "T004@canvas"]')
            return []
        found = []
        for spec in value:
            why = rule_problem(spec, exact=False)
            if why is not None and not (key == "select" and why[0] == "error"):  # errors are always reported
                problem(f"`{key}`: {why[1]}", spec, why[2])
                continue
            prefix, _, on = spec.partition("@")
            found.append(Rule(prefix, f"{shown}:{_line_of(lines, spec, start)}", on or target, files,
                              base if files is not None else None))
        return found

    if not isinstance(table, dict):
        problem("the qbank configuration must be a table", "qbank", "write `[tool.qbank]` and `key = value` lines")
        return Config(path, problems=tuple(problems))
    select: list[Rule] | None = None
    ignore: list[Rule] = []
    for key, value in table.items():
        if key == "select":
            select = rules(value, key)
        elif key == "ignore":
            ignore += rules(value, key)
        elif key in ("per-target-ignores", "per-file-ignores"):
            if not isinstance(value, dict):
                problem(f"`{key}` must be a table", key, f'write e.g. {key} = {{ "gift" = ["T002"] }}')
                continue
            for scope, codes in value.items():
                if key == "per-target-ignores":
                    ignore += rules(codes, f"{key}.{scope}", target=scope)
                else:
                    ignore += rules(codes, f"{key}.{scope}", files=scope)
        else:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            problem(f"unknown qbank configuration key `{key}`", key,
                    f"did you mean `{close[0]}`?" if close else f"keys: {', '.join(KEYS)}")
    return Config(path, tuple(select) if select is not None else None, tuple(ignore), tuple(problems))


_BY_FOLDER: dict[Path, Config] = {}


def config_for(bank: str | Path) -> Config:
    """The configuration that applies to ``bank``: the nearest one at or above its folder."""
    start = Path(bank).resolve().parent
    seen: list[Path] = []
    folder: Path | None = start
    found = Config()
    while folder is not None:
        if folder in _BY_FOLDER:
            found = _BY_FOLDER[folder]
            break
        seen.append(folder)
        config = None
        for name in ("qbank.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                config = load(candidate)
                if config is not None:
                    break
        if config is not None:
            found = config
            break
        folder = folder.parent if folder.parent != folder else None
    for folder in seen:
        _BY_FOLDER[folder] = found
    return found


def forget() -> None:
    """Drop the configurations read so far (a long-running preview re-reads them)."""
    _BY_FOLDER.clear()
