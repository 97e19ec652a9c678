"""Helpers of the import tests: export a bank, import the artifact, write it as Markdown, read it back."""

from __future__ import annotations

from pathlib import Path

from qbank.models import Bank
from qbank.readers import ReadResult
from qbank.readers.markdown import read_bank
from qbank.registry import load_reader, load_target
from qbank.writers.markdown import write_bank

CONTENT = Path(__file__).resolve().parent.parent / "content"


def banks_under_test() -> list[Path]:
    """Every bank in content/ and every test bank that reads without errors."""
    paths = sorted(CONTENT.glob("*.md"))
    for path in sorted((Path(__file__).resolve().parent).rglob("*.md")):
        bank, found = read_bank(path)
        if bank is not None and not any(d.is_error for d in found):
            paths.append(path)
    return paths


def export(bank: Bank, target: str) -> bytes | None:
    return load_target(target)().export(bank).data


def import_bytes(data: bytes, reader: str, folder: Path, name: str) -> ReadResult:
    path = folder / name
    path.write_bytes(data)
    return load_reader(reader)(media=folder / "media").read(path) if (folder / "media").mkdir(exist_ok=True) is None \
        else ReadResult()


def via_markdown(bank: Bank, folder: Path) -> Bank:
    """The bank written as Markdown (images beside it) and read back by the Markdown reader."""
    out = write_bank(bank)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "bank.md"
    target.write_text(out.text, encoding="utf-8")
    for name, data in out.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    read, found = read_bank(target)
    errors = [str(d) for d in found if d.is_error]
    assert read is not None and not errors, (errors, out.text[:3000])
    return read
