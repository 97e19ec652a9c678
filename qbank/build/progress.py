"""A one-line progress bar on stderr, redrawn with ``\\r`` (only on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None,
                 label: str = "banks") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.enabled = enabled and total > 1
        self.total = total
        self.done = 0
        self.questions = 0
        self.label = label
        self._last_draw = 0.0
        self._drawn = False

    def advance(self, questions: int = 0) -> None:
        self.done += 1
        self.questions += questions
        now = time.monotonic()
        if self.enabled and (now - self._last_draw >= 0.1 or self.done == self.total):
            self._last_draw = now
            self.draw()

    def line(self) -> str:
        filled = WIDTH * self.done // max(1, self.total)
        bar = "#" * filled + "-" * (WIDTH - filled)
        return f"[{bar}] {self.done}/{self.total} {self.label}, {self.questions} questions"

    def draw(self) -> None:
        self.stream.write("\r" + self.line())
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar, so the messages that follow start on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * len(self.line()) + "\r")
            self.stream.flush()
            self._drawn = False
