"""Moodle's fixed list of grade fractions, which both Moodle targets must write.

Moodle's importer (default "Error if grade not listed") accepts a weight only if it is
within 0.00001 (as a fraction, i.e. 0.001 percentage points) of one of these.
"""

from __future__ import annotations

MOODLE_PERCENTAGES: tuple[float, ...] = (
    100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0, 20.0,
    16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0,
)
_TOLERANCE = 0.001  # percentage points


def moodle_percentage(weight: float) -> str | None:
    """``weight`` (percent) as Moodle's listed value, e.g. ``"33.33333"``; None if not listed."""
    magnitude = abs(weight)
    for allowed in MOODLE_PERCENTAGES:
        if abs(magnitude - allowed) < _TOLERANCE:
            text = f"{allowed:.5f}".rstrip("0").rstrip(".")
            return ("-" + text) if weight < 0 and allowed else text
    return None


def nearest_moodle(weight: float) -> str:
    magnitude = min(MOODLE_PERCENTAGES, key=lambda allowed: abs(abs(weight) - allowed))
    text = f"{magnitude:.5f}".rstrip("0").rstrip(".")
    return ("-" + text) if weight < 0 and magnitude else text


def fraction(weight: float) -> str:
    """A weight as the percentage Moodle lists (``33.33333``); checks run first, so it exists."""
    text = moodle_percentage(weight)
    if text is None:  # pragma: no cover - check_question reports T003 before any render
        raise ValueError(f"weight {weight} is not a Moodle fraction")
    return text
