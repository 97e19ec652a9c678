"""The on-disk build cache: one record per bank, artifacts stored by their SHA-256.

Layout under the cache folder (default ``.cache/qbank/`` beside the output folder)::

    records/<id>.json   what building one bank gave: its diagnostics, and per target the
                        artifact's hash, question count and diagnostics
    memo/<id>.json      the bank's rendered fragments (see :mod:`qbank.build.memo`)
    blobs/<sha256>      artifact bytes

``<id>`` names the bank file, so a bank has one record however often it changes: the cache
never grows beyond the banks and targets last built. A record is valid for one bank key (the
bank file's bytes, its path and the code fingerprint) and for the images the bank used
having unchanged content. Concurrent builds sharing a cache folder are not supported.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qbank import diagnostics as dg
from qbank.atomic import write_atomic
from qbank.banks import BankIdentity
from qbank.build.fingerprint import sha256_bytes, sha256_file

if TYPE_CHECKING:
    from qbank.models import Allowance

CACHE_FORMAT = 3  # 3: diagnostics name their question; records keep the bank's allowances


def diagnostic_to_json(d: dg.Diagnostic) -> dict[str, Any]:
    return dg.to_dict(d)


def diagnostic_from_json(data: dict[str, Any]) -> dg.Diagnostic:
    return dg.from_dict(data)


@dataclass(frozen=True)
class TargetOutcome:
    """One bank exported to one target."""

    sha256: str | None  # None when the target reported errors and wrote nothing
    questions: int
    size: int
    diagnostics: tuple[dg.Diagnostic, ...] = ()


@dataclass
class BankRecord:
    bank_key: str
    images: dict[str, str | None]  # absolute image path -> its SHA-256 when last built
    questions: int
    diagnostics: tuple[dg.Diagnostic, ...]
    targets: dict[str, TargetOutcome] = field(default_factory=dict)  # by target fingerprint
    identity: BankIdentity | None = None
    allowances: tuple[Allowance, ...] = ()  # warnings the bank's source acknowledges

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "bank_key": self.bank_key,
            "images": self.images,
            "questions": self.questions,
            "identity": None if self.identity is None else {
                "path": self.identity.path, "category": self.identity.category,
                "ids": [list(pair) for pair in self.identity.ids]},
            "diagnostics": [diagnostic_to_json(d) for d in self.diagnostics],
            "targets": {fp: {"sha256": o.sha256, "questions": o.questions, "size": o.size,
                             "diagnostics": [diagnostic_to_json(d) for d in o.diagnostics]}
                        for fp, o in self.targets.items()},
            "allowances": [a.model_dump() for a in self.allowances],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BankRecord:
        if data.get("format") != CACHE_FORMAT:
            raise ValueError("cache record of another format")
        return cls(
            bank_key=data["bank_key"], images=dict(data["images"]), questions=int(data["questions"]),
            diagnostics=tuple(diagnostic_from_json(d) for d in data["diagnostics"]),
            targets={fp: TargetOutcome(o["sha256"], int(o["questions"]), int(o["size"]),
                                       tuple(diagnostic_from_json(d) for d in o["diagnostics"]))
                     for fp, o in data["targets"].items()},
            identity=None if data.get("identity") is None else BankIdentity(
                data["identity"]["path"], data["identity"]["category"],
                tuple((str(qid), int(line)) for qid, line in data["identity"]["ids"])),
            allowances=_allowances(data.get("allowances", ())),
        )


def _allowances(data: list[Any]) -> tuple[Allowance, ...]:
    if not data:
        return ()
    from qbank.models import Allowance  # the model, only for a bank whose source acknowledges warnings

    return tuple(Allowance.model_validate(a) for a in data)


class BuildCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.records = folder / "records"
        self.memos = folder / "memo"
        self.blobs = folder / "blobs"

    @staticmethod
    def bank_id(bank_path: str) -> str:
        return sha256_bytes(os.path.abspath(bank_path).encode())[:32]

    def record_path(self, bank_path: str) -> Path:
        return self.records / f"{self.bank_id(bank_path)}.json"

    def memo_path(self, bank_path: str) -> Path:
        return self.memos / f"{self.bank_id(bank_path)}.json"

    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256

    def load(self, bank_path: str) -> BankRecord | None:
        try:
            return BankRecord.from_json(json.loads(self.record_path(bank_path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def lookup(self, bank_path: str, bank_key: str, target_fps: list[str]) -> BankRecord | None:
        """The bank's record when it is still valid for every requested target, else None."""
        record = self.load(bank_path)
        if record is None or record.bank_key != bank_key:
            return None
        if any(sha256_file(path) != digest for path, digest in record.images.items()):
            return None
        for fp in target_fps:
            outcome = record.targets.get(fp)
            if outcome is None or (outcome.sha256 is not None and not self._blob_whole(outcome)):
                return None
        return record

    def _blob_whole(self, outcome: TargetOutcome) -> bool:
        """The artifact is in the store at its full size (blobs are written without a disk flush,
        so after a crash one may be missing or cut short: then it is built again)."""
        try:
            return self.blob_path(str(outcome.sha256)).stat().st_size == outcome.size
        except OSError:
            return False

    def store(self, bank_path: str, record: BankRecord) -> None:
        """Save ``record``, keeping the outcomes of other targets built earlier from the same bank."""
        previous = self.load(bank_path)
        if previous is not None and previous.bank_key == record.bank_key and previous.images == record.images:
            record.targets = {**previous.targets, **record.targets}
        write_atomic(self.record_path(bank_path), json.dumps(record.to_json(), sort_keys=True).encode(),
                     durable=False)

    def _output_state_path(self, output: Path) -> Path:
        return self.folder / "outputs" / f"{sha256_bytes(os.path.abspath(output).encode())[:32]}.json"

    def output_state(self, output: Path) -> dict[str, tuple[int, int, str]]:
        """What the last build wrote into ``output``: name -> (size, mtime in ns, SHA-256)."""
        try:
            data = json.loads(self._output_state_path(output).read_text(encoding="utf-8"))
            return {str(name): (int(v[0]), int(v[1]), str(v[2])) for name, v in data.items()}
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            return {}

    def store_output_state(self, output: Path, state: dict[str, tuple[int, int, str]]) -> None:
        write_atomic(self._output_state_path(output), json.dumps(state, sort_keys=True).encode(), durable=False)

    def put_blob(self, data: bytes) -> str:
        digest = sha256_bytes(data)
        path = self.blob_path(digest)
        if not path.is_file():
            write_atomic(path, data, durable=False)
        return digest

    def read_blob(self, sha256: str) -> bytes:
        data = self.blob_path(sha256).read_bytes()
        if sha256_bytes(data) != sha256:  # never publish a damaged artifact
            raise OSError(f"the build cache's copy of an artifact is damaged: {self.blob_path(sha256)}; "
                          "build again with --no-cache")
        return data

    def collect_garbage(self) -> int:
        """Delete blobs no record refers to; returns how many were deleted."""
        if not self.blobs.is_dir():
            return 0
        referenced: set[str] = set()
        for path in self.records.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                referenced.update(o["sha256"] for o in data["targets"].values() if o["sha256"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
        deleted = 0
        for blob in self.blobs.iterdir():
            if blob.name not in referenced and not blob.name.startswith("."):
                blob.unlink(missing_ok=True)
                deleted += 1
        return deleted
