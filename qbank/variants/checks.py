"""Checks of one built variant that need its values: numbers Canvas would round, tolerances
finer than the digits shown."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from qbank.models import Numerical, Question
from qbank.numberformat import format_decimal

from .substitute import Substituted

__all__ = ["CANVAS_SMALLEST", "Finding", "variant_findings"]

CANVAS_SMALLEST = Decimal("1e-4")
Finding = tuple[str, str, int, int, str]  # code, message, line, col, hint


def variant_findings(question: Question, substituted: Substituted) -> Iterator[Finding]:
    if not isinstance(question, Numerical):
        return
    for answer in question.answers:
        line, col = answer.pos.line, answer.pos.col
        tiny = [x for x in (answer.value, answer.low, answer.high) if x != 0 and abs(x) < CANVAS_SMALLEST]
        if answer.weight == 100 and tiny:
            yield ("W803", f"the answer {format_decimal(tiny[0])} is smaller than 1e-4: Canvas Classic rounds "
                   "it to 0", line, col, "scale the unit (ask in mm, not m), or choose values that keep the "
                   "answer at least 1e-4")
        if answer.kind == "range":
            continue
        for shown_line, _, shown in substituted.shown:
            if shown_line != line or not shown.rounded or shown.shown is None or shown.shown != answer.value:
                continue
            exponent = shown.shown.as_tuple().exponent
            assert isinstance(exponent, int) and shown.exact is not None
            half = Decimal(5).scaleb(exponent - 1)
            if answer.tolerance < half:
                yield ("W804", f"the answer is shown rounded ({shown.text}, exactly {format_decimal(shown.exact)})"
                       f" but its tolerance, ± {format_decimal(answer.tolerance)}, is less than half its last "
                       "digit: the exact value is marked wrong", line, col,
                       f"make the tolerance at least ± {format_decimal(half)}, or show more digits")
            break
