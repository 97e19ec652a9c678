"""``{{...}}`` in a question's text: where each substitution is, and the text of one variant.

A substitution is ``{{NAME}}``, ``{{NAME:spec}}``, ``{{NAME|filter|...}}`` or an inline
expression ``{{= expr}}`` (with the same ``:spec`` or ``|filters``). It is one only when its
name is a declared variable (or it starts with ``=``), so LaTeX's own double braces
(``\\frac{1}{{2}}``, ``x^{{n}}`` with no variable ``n``) are left alone, and ``\\{{`` is never
one. Outside math and code, ``{{word}}`` naming no variable is an error (a typo, most likely).

Substitution works on source lines, before the reader scans them, so math checks, answers
and everything else see the variant's own text. Each line keeps its number; the columns a
substitution shifts are mapped back (:class:`ColumnMap`), so a diagnostic in a variant
points at the author's source.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .evaluate import Expression, Problem, parse_expression
from .formatting import Format, Shown, parse_format, show

__all__ = ["ColumnMap", "Regions", "Slot", "Substituted", "find_slots", "substitute"]

SUBSTITUTION = re.compile(r"(?<!\\)\{\{(.*?)\}\}")
_NAMED = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?::(.*)|\|(.*))?", re.S)


@dataclass(frozen=True)
class Slot:
    """One substitution: on which line (index into the lines given), its span, what it shows."""

    index: int
    start: int
    end: int
    format: Format
    math: bool
    name: str | None = None
    expression: Expression | None = None


@dataclass(frozen=True)
class ColumnMap:
    """Columns of one variant's lines back to the source: ``{line: [(new_start, new_end, start, end)]}``."""

    spans: dict[int, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def source_col(self, line: int, col: int) -> int:
        spans = self.spans.get(line)
        if not spans:
            return col
        k = bisect.bisect_right([s[0] for s in spans], col) - 1
        if k < 0:
            return col
        new_start, new_end, start, end = spans[k]
        return start if col < new_end else col - new_end + end


@dataclass
class Substituted:
    """One variant's lines, where its columns came from, and every value shown (line, slot, shown)."""

    texts: list[str]
    columns: ColumnMap
    shown: list[tuple[int, Slot, Shown]]


def _inside(regions: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in regions)


def _split_expression(content: str) -> tuple[str, str | None, str | None]:
    """``expr``, spec, filters of ``= expr :spec`` / ``= expr |filters`` (split outside brackets and quotes)."""
    depth, quote, colon = 0, "", -1
    for k, char in enumerate(content):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and char == "|":
            return content[:k], None, content[k + 1:]
        elif depth == 0 and char == ":":
            colon = k
    if colon >= 0:
        return content[:colon], content[colon + 1:], None
    return content, None, None


Regions = list[tuple[int, int]]  # (start, end) offsets in the lines joined by newlines


def find_slots(lines: Sequence[tuple[int, int, str]], names: dict[str, int], math: Regions, code: Regions
               ) -> tuple[list[Slot], list[Problem], set[str]]:
    """Every substitution in ``lines`` ((file line, col, text) each), the problems found, and the
    variables the substitutions use. ``names`` maps each declared variable to its line; ``math``
    and ``code`` are where the source format has formulas and code (the reader knows)."""
    slots: list[Slot] = []
    problems: list[Problem] = []
    used: set[str] = set()
    offset = 0
    for index, (line, col, text) in enumerate(lines):
        for match in SUBSTITUTION.finditer(text):
            content = match.group(1)
            at = col + match.start()
            in_math = _inside(math, offset + match.start())
            if content.lstrip().startswith("="):
                source, spec, filters = _split_expression(content.lstrip()[1:])
                parsed = parse_expression(source, line, at + 2 + content.index("=") + 1, names)
                if isinstance(parsed, list):
                    problems.extend(parsed)
                    continue
                used |= parsed.uses
                slot_format = parse_format(spec, filters)
                if isinstance(slot_format, str):
                    problems.append(Problem("E807", slot_format, line, at, _FORMAT_HINT))
                    continue
                slots.append(Slot(index, match.start(), match.end(), slot_format, in_math, expression=parsed))
                continue
            named = _NAMED.fullmatch(content)
            if named is None:
                continue
            name = named.group(1)
            if name not in names:
                if not in_math and not _inside(code, offset + match.start()):
                    close = difflib.get_close_matches(name, list(names), n=1)
                    problems.append(Problem("E803", f"`{{{{{name}}}}}` names no variable of this question", line, at,
                                            f"did you mean `{close[0]}`? " if close else
                                            f"declare `{name} = ...` in the ```vars block, or write `\\{{{{` "
                                            "for literal braces"))
                continue
            used.add(name)
            slot_format = parse_format(named.group(2), named.group(3))
            if isinstance(slot_format, str):
                problems.append(Problem("E807", slot_format, line, at, _FORMAT_HINT))
                continue
            slots.append(Slot(index, match.start(), match.end(), slot_format, in_math, name=name))
        offset += len(text) + 1
    return slots, problems, used


_FORMAT_HINT = "e.g. {{V:.2f}} (2 decimal places), {{V|sig=3}} (3 significant figures), {{V|sep=,|dp=0}}"


def substitute(lines: Sequence[tuple[int, int, str]], slots: Sequence[Slot], values: dict[str, Any],
               inline: Callable[[Expression, dict[str, Any]], Any]) -> Substituted:
    """The lines of one variant. Raises ``ValueError`` (with the slot as its second argument)
    for a value that cannot take its format, and whatever ``inline`` raises."""
    texts = [text for _, _, text in lines]
    spans: dict[int, list[tuple[int, int, int, int]]] = {}
    shown_values: list[tuple[int, Slot, Shown]] = []
    by_line: dict[int, list[Slot]] = {}
    for slot in slots:
        by_line.setdefault(slot.index, []).append(slot)
    for index, line_slots in by_line.items():
        number, col, text = lines[index]
        parts: list[str] = []
        cursor, shift = 0, 0
        line_spans: list[tuple[int, int, int, int]] = []
        for slot in line_slots:
            value = values[slot.name] if slot.name is not None else inline(slot.expression, values)  # type: ignore[arg-type]
            try:
                shown = show(value, slot.format, math=slot.math)
            except ValueError as exc:
                raise ValueError(str(exc), slot) from None
            out = "{" + shown.text + "}" if slot.math else shown.text
            parts.append(text[cursor:slot.start])
            parts.append(out)
            new_start = slot.start + shift
            line_spans.append((col + new_start, col + new_start + len(out), col + slot.start, col + slot.end))
            shift += len(out) - (slot.end - slot.start)
            cursor = slot.end
            shown_values.append((number, slot, shown))
        parts.append(text[cursor:])
        texts[index] = "".join(parts)
        spans[number] = line_spans
    return Substituted(texts, ColumnMap(spans), shown_values)
