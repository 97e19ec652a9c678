"""A Canvas numerical condition → an accepted answer, exactly (decimals, never floats).

Canvas writes (``numerical_resprocessing`` in ``lib/cc/qti/qti_items.rb``): an exact answer as
``varequal`` (with a margin: ``or(varequal, and(vargte, varlte))``), a range as bare
``vargte`` + ``varlte``, and a precision answer as ``or(varequal, and(vargt, varlte))``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from qbank.models import NumericAnswer
from qbank.numberformat import format_decimal

from .qti12 import Condition, leaves, local, number, text_of

if TYPE_CHECKING:
    from .items import ItemContext

__all__ = ["answer"]


def answer(condition: Condition, ctx: ItemContext, label: str, weight: float) -> NumericAnswer | None:
    bounds: dict[str, Decimal] = {}
    pos = ctx.pos(condition.line)
    for leaf, negated in leaves(condition.test):
        name = local(leaf)
        if negated or name not in ("varequal", "vargte", "vargt", "varlte", "varlt"):
            continue
        value = number(text_of(leaf))
        if value is None:
            ctx.report.add("W701", f"{label}: `{text_of(leaf).strip()[:30]}` is not a number; that answer is "
                           "dropped", pos, hint="check the question's answers after import")
            return None
        key = {"vargt": "low", "vargte": "low", "varlt": "high", "varlte": "high"}.get(name, "exact")
        bounds.setdefault(key, value)
    exact, low, high = bounds.get("exact"), bounds.get("low"), bounds.get("high")
    if exact is not None and low is not None and high is not None:
        if exact - low == high - exact:
            tolerance = high - exact
            return NumericAnswer(kind="tolerance", value=exact, tolerance=tolerance, weight=weight, pos=pos,
                                 source=f"{format_decimal(exact)} ± {format_decimal(tolerance)}")
        ctx.report.add("W703", f"{label}: the answer {format_decimal(exact)} accepts [{format_decimal(low)}, "
                       f"{format_decimal(high)}], which is not centred on it: read as that range", pos,
                       hint="check the answer after import")
    if low is not None and high is not None:
        if low > high:
            ctx.report.add("W701", f"{label}: the range [{format_decimal(low)}, {format_decimal(high)}] is empty; "
                           "that answer is dropped", pos, hint="check the question's answers after import")
            return None
        return NumericAnswer(kind="range", value=(low + high) / 2, tolerance=(high - low) / 2, weight=weight,
                             pos=pos, source=f"[{format_decimal(low)}, {format_decimal(high)}]")
    if exact is not None:
        return NumericAnswer(kind="exact", value=exact, weight=weight, pos=pos, source=format_decimal(exact))
    if low is not None or high is not None:
        ctx.report.add("W701", f"{label}: an answer bounded on one side only ({'≥' if low is not None else '≤'} "
                       f"{format_decimal(low if low is not None else high or Decimal(0))}) has no place in the "
                       "model; it is dropped", pos, hint="give it both bounds after import")
    return None
