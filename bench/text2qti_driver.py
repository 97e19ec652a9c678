"""Runs text2qti 0.8.0 on every ``*.txt`` quiz of a folder, in one process.

text2qti's command line converts one file per process; this driver calls the same code its
``main`` calls (``Quiz`` then ``QTI(...).save``) for each file, so the benchmark compares
conversion work, not Python start-up repeated per bank. Run it with the Python of an
environment where text2qti is installed (bench/run.py makes one).

    python bench/text2qti_driver.py QUIZ_FOLDER OUTPUT_FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

from text2qti.config import Config
from text2qti.qti import QTI
from text2qti.quiz import Quiz


def main() -> None:
    source, output = Path(sys.argv[1]), Path(sys.argv[2])
    output.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.load()
    for path in sorted(source.glob("*.txt")):
        quiz = Quiz(path.read_text(encoding="utf-8-sig"), config=config, source_name=path.as_posix())
        QTI(quiz).save(output / f"{path.stem}.zip")


if __name__ == "__main__":
    main()
