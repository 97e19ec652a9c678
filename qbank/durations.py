"""Durations as authors write them: ``15 min``, ``90s``, ``1 h 30 min``, or a bare number of minutes."""

from __future__ import annotations

import re

__all__ = ["format_duration", "parse_duration"]

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|hours?|hrs?|m|mins?|minutes?|s|secs?|seconds?)\b", re.I)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> int | None:
    """Seconds, or None if ``text`` is not a duration."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return round(float(text) * 60)
    total = 0.0
    pos = 0
    for match in _PART.finditer(text):
        if text[pos:match.start()].strip():
            return None
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)[0].lower()]
        pos = match.end()
    if pos == 0 or text[pos:].strip():
        return None
    return round(total)


def format_duration(seconds: int) -> str:
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
