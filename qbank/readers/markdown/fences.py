"""Fenced code blocks: which lines are code (never read as questions, answers or sections)."""

from __future__ import annotations

import re

from .context import Line

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def fence_spans(lines: list[Line]) -> list[tuple[int, int]]:
    """Every fenced code block: the index of its opening line and of its closing line
    (``len(lines)`` when it never closes). It closes at a line of at least as many of the
    same fence characters and nothing else."""
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(lines):
        match = FENCE.match(lines[k].text)
        if not match:
            k += 1
            continue
        marker = match.group(1)
        end = k + 1
        while end < len(lines):
            close = FENCE.match(lines[end].text)
            if close and close.group(1)[0] == marker[0] and len(close.group(1)) >= len(marker) \
                    and not lines[end].text.strip().strip(marker[0]):
                break
            end += 1
        spans.append((k, end))
        k = end + 1
    return spans


def scan_fences(lines: list[Line]) -> tuple[list[bool], Line | None]:
    """Which lines are inside (or delimit) a fenced code block, and the opening line of a
    fence that is never closed (None when every fence closes)."""
    mask = [False] * len(lines)
    if not any("```" in line.text or "~~~" in line.text for line in lines):
        return mask, None
    spans = fence_spans(lines)
    for opening, closing in spans:
        mask[opening:closing + 1] = [True] * (min(closing, len(lines) - 1) + 1 - opening)
    return mask, (lines[spans[-1][0]] if spans and spans[-1][1] == len(lines) else None)


def fenced_mask(lines: list[Line]) -> list[bool]:
    """True for every line inside (or delimiting) a fenced code block."""
    return scan_fences(lines)[0]
