"""Formatting exact decimals for targets: every digit kept, no float rounding."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["format_decimal", "format_points"]


def format_decimal(value: Decimal) -> str:
    """``1.380649e-23``, ``0.001``, ``42``: plain notation for moderate values, else scientific."""
    if value == 0:
        return "0"
    value = value.normalize()
    exponent = value.adjusted()
    if -6 <= exponent < 15:
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return format(value, "e")


def format_points(value: Decimal) -> str:
    """Points as the shortest exact decimal: ``1``, ``1.5``."""
    return format_decimal(value)
