"""Diagnostics of N variants, told once: with the variant (and its values) they concern.

A problem found in every variant of a question is a problem of its source, reported once as
it would be for any question. One found in some variants names the first of them with its
values (``variant 04 (R=50, I=2)``) and how many others share it, so the author can see why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from qbank import diagnostics as dg
from qbank.models import Bank, Question

from .formatting import Format, show

__all__ = ["VARIANT_CODES", "Collector", "label", "told_once"]

# Codes that only ever concern some variants' values: they always say which.
VARIANT_CODES = frozenset({"E804", "E805", "E806", "E808", "E809", "W803", "W804"})
_SHOWN_VALUES = 6


def _value(value: Any) -> str:
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, list):
        text = "[" + ", ".join(_value(v) for v in value) + "]"
    elif isinstance(value, bool):
        text = str(value)
    else:
        text = show(value, Format(), math=False).text
    return text if len(text) <= 24 else text[:21] + "..."


def label(number: int, width: int, values: dict[str, Any]) -> str:
    """``variant 04 (R=50, I=2, ...)``."""
    shown = [f"{name}={_value(value)}" for name, value in list(values.items())[:_SHOWN_VALUES]]
    if len(values) > _SHOWN_VALUES:
        shown.append("...")
    return f"variant {number:0{width}d}" + (f" ({', '.join(shown)})" if shown else "")


def _suffix(code: str, labels: list[str], total: int) -> str:
    if len(labels) == total:
        return f" (in every variant, e.g. {labels[0]})" if code in VARIANT_CODES else ""
    if len(labels) == 1:
        return f" (in {labels[0]})"
    return f" (in {len(labels)} of {total} variants, first {labels[0]})"


class Collector:
    """Gathers the diagnostics of each variant; :meth:`result` tells each problem once."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._found: dict[tuple[str, int, int], tuple[dg.Diagnostic, list[str]]] = {}

    def add(self, diagnostic: dg.Diagnostic, variant: str) -> None:
        key = (diagnostic.code, diagnostic.line, diagnostic.col)
        if key in self._found:
            self._found[key][1].append(variant)
        else:
            self._found[key] = (diagnostic, [variant])

    def result(self) -> list[dg.Diagnostic]:
        return [replace(d, message=d.message + _suffix(d.code, labels, self.total))
                for d, labels in self._found.values()]


def told_once(bank: Bank, found: Iterable[tuple[Question, list[dg.Diagnostic]]]) -> list[dg.Diagnostic]:
    """Per-question diagnostics (of lint or a target's checks) with those of a variant set's
    members merged: one per problem, naming the set (``ohm``) instead of each member (``ohm-07``)."""
    sets = bank.variant_sets()
    sizes: dict[str, int] = {}
    for question in bank.questions:
        if question.group is not None and question.group in sets:
            sizes[question.group] = sizes.get(question.group, 0) + 1
    out: list[dg.Diagnostic] = []
    merged: dict[tuple[str, str, int, int, str | None], tuple[int, list[str], set[str]]] = {}
    for question, diagnostics in found:
        set_id = question.group
        if set_id is None or set_id not in sets:
            out.extend(diagnostics)
            continue
        number = question.id[len(set_id) + 1:] if question.id.startswith(f"{set_id}-") else question.id
        for d in diagnostics:
            key = (set_id, d.code, d.line, d.col, d.target)
            message = d.message.replace(f"`{question.id}`", f"`{set_id}`")
            if key in merged:
                merged[key][1].append(number)
                merged[key][2].add(message)
                continue
            merged[key] = (len(out), [number], {message})
            out.append(replace(d, message=message))
    for (set_id, *_), (index, numbers, messages) in merged.items():
        first = out[index]
        if len(numbers) < sizes[set_id]:
            told = ", ".join(numbers[:5]) + (", ..." if len(numbers) > 5 else "")
            out[index] = replace(first, message=f"{first.message} (in {len(numbers)} of {sizes[set_id]} variants: "
                                                f"{told}{'; the first shown' if len(messages) > 1 else ''})")
        elif len(messages) > 1:  # every variant, each with its own values: say whose these are
            out[index] = replace(first, message=f"{first.message} (in every variant; variant {numbers[0]} shown)")
    return out
