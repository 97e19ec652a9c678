"""Bringing the output folder up to date, or saying how it differs (``--check``).

Nothing here runs unless the whole build succeeded, so a failed build leaves the folder as
it was. Each file is replaced atomically (never half-written), only when its bytes change;
the manifest is written last. Artifacts the previous manifest listed that this build no
longer produces (a bank renamed or deleted, a target dropped) are removed; files qbank did
not write are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qbank.atomic import write_atomic
from qbank.build.cache import BuildCache
from qbank.build.fingerprint import sha256_file
from qbank.build.manifest import MANIFEST, Artifact, previous_artifacts


@dataclass(frozen=True)
class Change:
    name: str
    kind: str  # "missing" | "changed" | "stale"

    def describe(self, output: Path) -> str:
        what = {"missing": "missing", "changed": "differs", "stale": "no longer built"}[self.kind]
        return f"{(output / self.name).as_posix()}: {what}"


FileState = dict[str, tuple[int, int, str]]  # file name -> (size, mtime in ns, SHA-256)


def _digest(path: Path, known: FileState | None) -> str | None:
    """The file's SHA-256, taken from ``known`` when its size and time show it untouched since."""
    if known is not None and path.name in known:
        size, mtime, digest = known[path.name]
        stat = path.stat()
        if stat.st_size == size and stat.st_mtime_ns == mtime:
            return digest
    return sha256_file(path)


def changes(output: Path, artifacts: list[Artifact], manifest: bytes, targets: list[str],
            known: FileState | None = None) -> list[Change]:
    """How ``output`` differs from what this build of ``targets`` produces, in name order.

    ``known`` (what the last build wrote there) spares re-hashing files whose size and
    modification time did not change; ``--check`` passes none and hashes every file. An
    artifact of another target (from an earlier build with other ``--to``) is left alone.
    """
    found: list[Change] = []
    for artifact in artifacts:
        path = output / artifact.name
        if not path.is_file():
            found.append(Change(artifact.name, "missing"))
        elif path.stat().st_size != artifact.size or _digest(path, known) != artifact.sha256:
            found.append(Change(artifact.name, "changed"))
    manifest_path = output / MANIFEST
    if not manifest_path.is_file():
        found.append(Change(MANIFEST, "missing"))
    elif manifest_path.read_bytes() != manifest:
        found.append(Change(MANIFEST, "changed"))
    produced = {a.name for a in artifacts}
    for name, target in previous_artifacts(output):
        if target in targets and name not in produced and (output / name).is_file():
            found.append(Change(name, "stale"))
    return sorted(found, key=lambda c: c.name)


def apply(output: Path, artifacts: list[Artifact], manifest: bytes, todo: list[Change],
          cache: BuildCache) -> FileState:
    """Write what changed (artifacts, then the manifest), then remove stale artifacts.

    Returns the state of every artifact now in ``output``, for the next build's :func:`changes`.
    """
    by_name = {a.name: a for a in artifacts}
    output.mkdir(parents=True, exist_ok=True)
    for change in todo:
        if change.kind != "stale" and change.name != MANIFEST:
            write_atomic(output / change.name, cache.read_blob(by_name[change.name].sha256))
    if any(c.name == MANIFEST for c in todo):
        write_atomic(output / MANIFEST, manifest)
    for change in todo:
        if change.kind == "stale":
            (output / change.name).unlink(missing_ok=True)
    state: FileState = {}
    for artifact in artifacts:
        stat = (output / artifact.name).stat()
        state[artifact.name] = (stat.st_size, stat.st_mtime_ns, artifact.sha256)
    return state
