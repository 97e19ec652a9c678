"""GIFT → banks (placeholder until the GIFT reader lands)."""

from __future__ import annotations

from qbank.models import Bank

from .context import Ctx


def read_gift(data: bytes, ctx: Ctx) -> list[Bank]:
    return []
