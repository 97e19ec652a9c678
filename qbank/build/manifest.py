"""``manifest.json``: every artifact of a build with its bank, target, size and SHA-256.

Its bytes depend only on the build's input: no timestamps, sorted keys and lists, paths
relative to the output folder's parent with forward slashes, one line per artifact and per
diagnostic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from qbank import diagnostics as dg
from qbank.build.plan import relative_posix

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1


@dataclass(frozen=True, order=True)
class Artifact:
    name: str  # file name inside the output folder
    bank: str  # the bank file, relative to the base folder
    target: str
    questions: int
    sha256: str
    size: int


def _full_order(d: dg.Diagnostic) -> tuple[object, ...]:
    # sort_key leaves ties (the same message from two targets) in set order: break them all.
    return (*dg.sort_key(d), d.target or "", d.severity.value, d.hint or "", d.end_col or 0)


_FIELDS = tuple(f.name for f in fields(dg.Diagnostic))


def _diagnostic(d: dg.Diagnostic, files: dict[str, str]) -> dict[str, Any]:
    # dg.to_dict's shape, built directly: dataclasses.asdict deep-copies and is slow for
    # the thousands of warnings a large build can have.
    data: dict[str, Any] = {name: getattr(d, name) for name in _FIELDS}
    data["severity"] = d.severity.value
    data["file"] = files[d.file]
    if d.acknowledged is not None:
        data["acknowledged"] = {"by": d.acknowledged.by, "reason": d.acknowledged.reason}
    return data


def manifest_bytes(artifacts: list[Artifact], diagnostics: list[dg.Diagnostic], targets: list[str],
                   base: Path) -> bytes:
    ordered = sorted(set(diagnostics), key=_full_order)
    files = {name: relative_posix(name, base) for name in {d.file for d in ordered}}
    data = {
        "format": MANIFEST_FORMAT,
        "targets": sorted(targets),
        "artifacts": [{"path": a.name, "bank": a.bank, "target": a.target, "questions": a.questions,
                       "sha256": a.sha256, "bytes": a.size} for a in sorted(artifacts)],
        "diagnostics": [_diagnostic(d, files) for d in ordered],
    }
    return render(data).encode("utf-8")


def render(data: dict[str, Any]) -> str:
    """JSON with sorted keys, one line per list entry (readable diffs; and json's C encoder,
    which ``indent=`` would bypass, stays fast for thousands of diagnostics)."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            rows = ",\n".join("    " + _compact(item) for item in value)
            parts.append(f"  {_compact(key)}: [\n{rows}\n  ]")
        else:
            parts.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def _compact(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def previous_artifacts(output: Path) -> list[tuple[str, str]]:
    """(file name, target) of each artifact the manifest already in ``output`` lists.

    None when there is no readable manifest. Only plain names inside the folder count: a
    tampered manifest must not make a build delete files elsewhere.
    """
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        entries = [(str(a["path"]), str(a["target"])) for a in data["artifacts"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [(n, t) for n, t in entries
            if n and "/" not in n and "\\" not in n and n not in (".", "..", MANIFEST)]
