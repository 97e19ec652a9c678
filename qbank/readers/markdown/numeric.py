"""Numerical answers as authors write them: ``42``, ``3.14 ± 0.01``, ``2 ± 5%``, ``[1.2, 1.3]``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

NUMBER = r"[-+−]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMERIC_FORMS = [
    ("range", re.compile(rf"^\[\s*({NUMBER})\s*,\s*({NUMBER})\s*\]$")),
    ("range", re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")),
    ("tolerance", re.compile(rf"^({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})\s*(%?)$")),
    ("exact", re.compile(rf"^({NUMBER})$")),
]


def parse_number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("_", "").replace("−", "-"))
    except InvalidOperation:
        return None


def parse_numeric(text: str) -> tuple[str, Decimal, Decimal] | str:
    """(kind, value, tolerance) for a numerical answer, or an error message."""
    text = text.strip()
    for kind, pattern in NUMERIC_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        first = parse_number(match.group(1))
        if first is None:
            break
        if kind == "exact":
            return kind, first, Decimal(0)
        second = parse_number(match.group(2))
        if second is None:
            break
        if kind == "range":
            if first > second:
                return f"range [{match.group(1)}, {match.group(2)}] has its lower bound above its upper bound"
            return kind, (first + second) / 2, (second - first) / 2
        if second < 0:
            return f"tolerance {match.group(2)} is negative"
        if match.group(3):
            second = abs(first) * second / 100
        return kind, first, second
    return f"`{text}` is not a number, `value ± tolerance` or a range `[low, high]`"


def looks_numeric(text: str) -> bool:
    """Written in a numerical form (even an invalid one, such as a negative tolerance)."""
    text = text.strip()
    return any(pattern.match(text) for _, pattern in NUMERIC_FORMS)
