"""What one bank may spend on varied questions: how many variants, and how much evaluation.

Kept apart from the engine, so that a reader can hold a bank's :class:`Budget` without
loading the evaluator for a bank that has no varied question.
"""

from __future__ import annotations

import re

__all__ = ["MAX_BANK_VARIANTS", "MAX_BANK_WORK", "Budget", "expanded_size"]

MAX_BANK_VARIANTS = 10_000  # concrete questions made from varied questions, per bank
MAX_BANK_WORK = 2_000_000  # units of evaluation work per bank (see evaluate.HEAVY): seconds at most


class Budget:
    """What one bank may still spend: variants, and evaluation work (redraws included).

    The work is counted from each expression's static cost, never timed, so a bank that is
    refused is refused on every machine.
    """

    def __init__(self) -> None:
        self.variants = MAX_BANK_VARIANTS
        self.work = MAX_BANK_WORK


_QUESTION = re.compile(rb"^## [^\n]*?\bvariants=(\d{1,3})\b", re.M)
_NEXT = re.compile(rb"^#{1,2} ", re.M)


def expanded_size(data: bytes) -> int:
    """About how many bytes a Markdown bank is once its varied questions are read as their
    variants (a question with ``variants=20`` counts 20 times): what building it costs, for
    the build's plan, without reading the bank."""
    if b"variants=" not in data:
        return len(data)
    size = len(data)
    for match in _QUESTION.finditer(data):
        following = _NEXT.search(data, match.end())
        end = following.start() if following else len(data)
        size += (end - match.start()) * (min(int(match.group(1)), 100) - 1)
    return size
