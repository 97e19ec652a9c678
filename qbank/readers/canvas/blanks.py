"""Blank markers in a Canvas stem: ``[name]`` for each blank's response, in stem order.

Canvas names a blank's response ``response_<blank id>`` and writes the blank id as the
response's material; the stem holds ``[blank id]`` where the blank goes. qbank's model
numbers blanks 1, 2, ... in stem order, so the order of first appearance decides.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..foreign.packagetext import blank_token
from .qti12 import RawItem, RawResponse

if TYPE_CHECKING:
    from .items import ItemContext

__all__ = ["name_of", "stem_with_blanks"]

_MARKER = re.compile(r"\[([^\[\]<>\n]{1,80})\]")


def name_of(response: RawResponse) -> str:
    if response.material is not None and response.material.text.strip():
        return response.material.text.strip()
    return response.ident.removeprefix("response_")


def stem_with_blanks(item: RawItem, ctx: ItemContext, names: list[str], label: str) -> tuple[str, list[int]]:
    """The stem's HTML with a blank marker per blank, and the response index of each blank in order."""
    order: list[int] = []
    repeated: list[str] = []

    def marker(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            return match.group()
        index = names.index(name)
        if index in order:
            repeated.append(name)
            return match.group()
        order.append(index)
        return blank_token(len(order) - 1)

    html = _MARKER.sub(marker, ctx.html(item.stem))
    missing = [k for k in range(len(names)) if k not in order]
    for k in missing:
        order.append(k)
        html += " " + blank_token(len(order) - 1)
    if missing:
        ctx.report.add("W703", f"{label}: blank(s) {', '.join(names[k] for k in missing)} have no `[name]` in the "
                       "text; they are put at its end (as Canvas does)", ctx.pos(item.line),
                       hint="move them to their place in the text")
    if repeated:
        ctx.report.add("W703", f"{label}: blank(s) {', '.join(sorted(set(repeated)))} appear twice in the text; "
                       "the second is kept as text", ctx.pos(item.line), hint="check the text after import")
    return html, order
