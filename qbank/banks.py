"""Banks as files and as the little a build keeps of them: no reading, no models.

A no-change ``qbank build`` needs only this (which files are banks, and the cross-bank id check
on identities kept in the cache), so it never loads the reader, the models or Pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qbank import diagnostics as dg

__all__ = ["BankIdentity", "bank_files", "lint_identities"]


@dataclass(frozen=True)
class BankIdentity:
    """What the cross-bank check needs of a bank: where it goes, and its ids with their lines.

    Small and plain, so a build can keep it in its cache and check banks it does not re-read.
    """

    path: str
    category: str
    ids: tuple[tuple[str, int], ...]


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
