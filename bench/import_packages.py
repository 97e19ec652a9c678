"""Time importing large Canvas and QTI packages: python bench/import_packages.py [COPIES].

The showcase bank copied COPIES times (25: 350 questions, every type, images and math) is
exported to canvas, qti21 and qti30, and each package is read back by its reader.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from qbank.readers.markdown import read_bank
from qbank.registry import load_reader, load_target

ROOT = Path(__file__).resolve().parent.parent
READERS = {"canvas": "canvas", "qti21": "qti", "qti30": "qti"}


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    bank, _ = read_bank(ROOT / "content" / "showcase.md")
    assert bank is not None
    questions = tuple(q.model_copy(update={"id": f"{q.id}-{k}"}) for k in range(copies) for q in bank.questions)
    big = bank.model_copy(update={"questions": questions})
    for target, reader in READERS.items():
        data = load_target(target)().export(big).data or b""
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / f"big{load_target(target).suffix}"
            source.write_bytes(data)
            start = time.perf_counter()
            result = load_reader(reader)(media=Path(tmp)).read(source)
            seconds = time.perf_counter() - start
        count = sum(len(b.questions) for b in result.banks)
        print(f"{target}: {count} questions, {len(data) / 1e6:.2f} MB package: read in {seconds:.2f} s")


if __name__ == "__main__":
    main()
