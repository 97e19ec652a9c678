"""What one bank may spend on varied questions: how many variants, and how much evaluation.

Kept apart from the engine, so that a reader can hold a bank's :class:`Budget` without
loading the evaluator for a bank that has no varied question.
"""

from __future__ import annotations

__all__ = ["MAX_BANK_VARIANTS", "MAX_BANK_WORK", "Budget"]

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
