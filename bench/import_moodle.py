"""Time importing a Moodle XML export of several hundred questions: python bench/import_moodle.py [N]."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from qbank.readers.markdown import read_bank
from qbank.readers.moodle import MoodleXmlReader
from qbank.registry import load_target
from qbank.writers.markdown import write_bank

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    bank, _ = read_bank(ROOT / "content" / "showcase.md")
    assert bank is not None
    questions = tuple(q.model_copy(update={"id": f"{q.id}-{k}"}) for k in range(copies) for q in bank.questions)
    big = bank.model_copy(update={"questions": questions})
    data = load_target("moodle-xml")().export(big).data or b""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.moodle.xml"
        source.write_bytes(data)
        start, cpu = time.perf_counter(), time.process_time()
        result = MoodleXmlReader(media=Path(tmp)).read(source)
        read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
        texts = [write_bank(b).text for b in result.banks]
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    count = sum(len(b.questions) for b in result.banks)
    print(f"{count} questions, {len(data) / 1e6:.1f} MB: read {read:.2f} s (CPU {read_cpu:.2f} s), read + Markdown "
          f"{total:.2f} s (CPU {total_cpu:.2f} s; {len(''.join(texts)) / 1e3:.0f} kB of Markdown)")


if __name__ == "__main__":
    main()
