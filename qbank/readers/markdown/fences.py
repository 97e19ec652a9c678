"""Fenced code blocks: which lines are code (never read as questions, answers or sections)."""

from __future__ import annotations

import re

from .context import Line

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def scan_fences(lines: list[Line]) -> tuple[list[bool], Line | None]:
    """Which lines are inside (or delimit) a fenced code block, and the opening line of a
    fence that is never closed (None when every fence closes)."""
    if not any("```" in line.text or "~~~" in line.text for line in lines):
        return [False] * len(lines), None
    mask: list[bool] = []
    fence: str | None = None
    opening: Line | None = None
    for line in lines:
        match = FENCE.match(line.text)
        if fence is None:
            if match:
                fence, opening = match.group(1), line
            mask.append(match is not None)
            continue
        mask.append(True)
        if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and not line.text.strip().strip(fence[0]):
            fence = None
    return mask, (opening if fence is not None else None)


def fenced_mask(lines: list[Line]) -> list[bool]:
    """True for every line inside (or delimiting) a fenced code block."""
    return scan_fences(lines)[0]
