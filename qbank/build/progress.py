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
        self.terminal = enabled
        self.enabled = enabled and total > 1
        self.total = total
        self.done = 0
        self.questions = 0
        self.label = label
        self._last_draw = 0.0
        self._drawn = False
        self._width = 0
        self.part: tuple[int, int] | None = None  # questions done / in the item being read (one large input)

    def advance(self, questions: int = 0) -> None:
        self.done += 1
        self.part = None
        self.questions += questions
        now = time.monotonic()
        if self.enabled and (now - self._last_draw >= 0.1 or self.done == self.total):
            self._last_draw = now
            self.draw()

    def inside(self, done: int, total: int) -> None:
        """Progress inside the current item: ``done`` of the ``total`` questions of one input being
        read, so a single large input shows its progress too (on a terminal, redrawn ≤ 10 times a second)."""
        if not self.terminal or total < 2:
            return
        self.part = (min(done, total), total)
        now = time.monotonic()
        if now - self._last_draw >= 0.1 or done >= total:
            self._last_draw = now
            self.draw()

    def line(self) -> str:
        if self.part is not None:
            done, total = self.part
            filled = WIDTH * done // max(1, total)
            where = f" ({self.label[:-1] if self.label.endswith('s') else self.label} {self.done + 1}/{self.total})" \
                if self.total > 1 else ""
            return f"[{'#' * filled + '-' * (WIDTH - filled)}] {done}/{total} questions{where}"
        filled = WIDTH * self.done // max(1, self.total)
        bar = "#" * filled + "-" * (WIDTH - filled)
        return f"[{bar}] {self.done}/{self.total} {self.label}, {self.questions} questions"

    def draw(self) -> None:
        line = self.line()
        self.stream.write("\r" + line + " " * max(0, self._width - len(line)))
        self.stream.flush()
        self._width = max(self._width, len(line))
        self._drawn = True

    def close(self) -> None:
        """Erase the bar, so the messages that follow start on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._drawn = False
