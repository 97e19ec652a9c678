"""Helpers of the foreign-producer tests: find a producer's program, run it, read what it wrote.

Each producer lives in a virtual environment of its own under ``.cache/producers/<name>`` (or
``$QBANK_PRODUCERS``), installed by ``.ci/run`` at a pinned version. Without it a test is skipped
with the reason; ``QBANK_REQUIRE_PRODUCERS=1`` (set by CI) makes that a failure instead.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from qbank.readers import ReadResult
from qbank.registry import load_reader

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "producers"
PRODUCERS = Path(os.environ.get("QBANK_PRODUCERS", ROOT / ".cache" / "producers"))


def tool(package: str, program: str) -> Path:
    path = PRODUCERS / package / "bin" / program
    if not path.exists():
        reason = f"{package} is not installed in {PRODUCERS} (.ci/run installs it)"
        if os.environ.get("QBANK_REQUIRE_PRODUCERS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def run(command: list[str | Path], cwd: Path) -> str:
    """The program's standard output; it must succeed (its stderr is the failure's message)."""
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def read(path: Path, reader: str | None = None) -> ReadResult:
    """``path`` read by ``reader`` (default: the reader ``qbank import`` would choose), without errors."""
    from qbank.conversion import choose_reader

    media = path.parent / "media"
    media.mkdir(exist_ok=True)
    chosen = load_reader(reader)(media=media) if reader else choose_reader(path, None, media)
    assert not isinstance(chosen, str), chosen
    result = chosen.read(path)
    assert not result.failed, [str(d) for d in result.diagnostics]
    return result
