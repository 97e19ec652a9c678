"""Placeholder tokens that stand for math, images and blanks while Markdown runs.

They use Unicode private-use characters, which Markdown neither interprets nor escapes,
so whatever a formula contains (``_``, ``*``, ``\\``, ``<``, ``&``) never reaches Markdown.
"""

from __future__ import annotations

import re

OPEN = "\ue000"
CLOSE = "\ue001"
MATH, IMAGE, BLANK = "M", "I", "B"

PATTERN = re.compile("\ue000([MIB])(\\d+)\ue001")


def token(kind: str, index: int) -> str:
    return f"{OPEN}{kind}{index}{CLOSE}"
