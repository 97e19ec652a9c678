"""The answer block of a question: list items with their markers, weights and feedback.

A question's answers are the list that ends its main part (before any ``###`` section):

- ``- (x)`` / ``- ( )``: one correct answer (multiple choice; True/False → true/false);
- ``- [x]`` / ``- [ ]``: several correct answers (multiple select);
- ``- = answer``: accepted answers (numerical when every one is a number, else short answer);
- ``- left -> right`` and ``- -> distractor``: matching;
- any list under ``type=ordering``: the items in their correct order.

An item's continuation lines are indented; indented ``>`` lines are that option's feedback.
A trailing ``{weight=50}`` on an item's first line sets its partial credit in percent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .context import Context, Line
from .fences import fenced_mask

ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])( +|$)")
SINGLE = re.compile(r"^\(([xX ])\)(?:\s+|$)")
MULTI = re.compile(r"^\[([xX ])\](?:\s+|$)")
ANSWER = re.compile(r"^=(?:\s+|$)")
PAIR = re.compile(r"\s(->|→)\s|^(->|→)\s")
# A line that carries an option marker but is no list item (bullet missing, mistyped, indented
# into a code block): Markdown reads it as text, so the option would be silently lost.
LOOSE_OPTION = re.compile(r"^([ \u00a0]*(?:[-*+\u2022\u2023\u25e6\u25aa\u25cf\u2013\u2014]|\d{1,9}[.)])?[ \u00a0]*)"
                          r"(?:\([xX ]\)|\[[xX ]\]|=)(?:\s|$)")
LOOKALIKE = re.compile(r"^[\[(（［【]\s*[^\s\])）］】]{0,2}\s*[\])）］】](?:\s|$)")
# A marker with no space after it (`(x)yes`, `=5`): Markdown text, not an option.
GLUED = re.compile(r"^(\([xX ]\)|\[[xX ]\]|=)(?=[^\s=>])")
WEIGHT = re.compile(r"\s*\{\s*weight\s*=\s*([^}]*)\}\s*$")
# What a weight looks like when mistyped: `{50%}`, `{weight:50}`, `{weigth=50}`, `{w=50}` (a bare
# `{5}` may be a set, and is left as text).
WEIGHTISH = re.compile(r"\{\s*(?:(?:w|wt|wgt|weight|weigth|wieght|weigh|weights|points)\s*[=:]\s*"
                       r"([-+−]?\d+(?:\.\d+)?\s*%?)|([-+−]?\d+(?:\.\d+)?)\s*%)\s*\}\s*$", re.I)


@dataclass
class Item:
    """One list item of an answer block."""

    line: Line  # the item's first line, with the bullet
    kind: str  # "single" | "multi" | "answer" | "pair" | "plain"
    marked: bool  # (x) / [x]
    text_lines: list[Line] = field(default_factory=list)  # first line (after marker) + continuation
    feedback_lines: list[Line] = field(default_factory=list)
    weight: str | None = None
    weight_col: int = 0
    bad_marker: bool = False  # a mistyped option marker, already reported (E318)


def trailing_list(lines: list[Line]) -> int | None:
    """Index where the list that ends ``lines`` starts, or None when they end otherwise."""
    mask = fenced_mask(lines)
    end = len(lines)
    while end > 0 and not lines[end - 1].text.strip():
        end -= 1
    if end == 0:
        return None
    start = None
    k = end - 1
    while k >= 0:
        text = lines[k].text
        if mask[k]:
            break
        if ITEM.match(text):
            start = k
        elif text.strip() and not text.startswith("  ") and not text.startswith("\t"):
            break
        k -= 1
    return start


def split_items(ctx: Context, lines: list[Line]) -> list[Item]:
    items: list[Item] = []
    current: Item | None = None
    indent = 2
    in_feedback = False
    for line in lines:
        match = ITEM.match(line.text)
        if match:
            bullet_end = match.end()
            rest = Line(line.number, line.col + bullet_end, line.text[bullet_end:])
            current = _classify(ctx, line, rest)
            items.append(current)
            indent = max(2, bullet_end)
            in_feedback = False
            continue
        if current is None:
            continue
        inner = line.dedent(indent)
        stripped = inner.text.lstrip(" ")
        if stripped.startswith(">"):
            in_feedback = True
            body = stripped[1:]
            skip = len(inner.text) - len(stripped) + 1 + (1 if body.startswith(" ") else 0)
            current.feedback_lines.append(Line(inner.number, inner.col + skip, inner.text[skip:]))
        elif not inner.text.strip():
            (current.feedback_lines if in_feedback else current.text_lines).append(inner)
        else:
            in_feedback = False
            current.text_lines.append(inner)
    return items


def _classify(ctx: Context, line: Line, rest: Line) -> Item:
    text = rest.text
    for kind, pattern in (("single", SINGLE), ("multi", MULTI), ("answer", ANSWER)):
        match = pattern.match(text)
        if match:
            marked = kind != "answer" and match.group(1) in "xX"
            item = Item(line, kind, marked)
            body = Line(rest.number, rest.col + match.end(), text[match.end():])
            _take_weight(item, body)
            _mistyped_weight(ctx, item)
            return item
    if PAIR.search(text):
        item = Item(line, "pair", False)
        _take_weight(item, rest)
        _mistyped_weight(ctx, item)
        return item
    item = Item(line, "plain", False)
    glued = GLUED.match(text)
    if LOOKALIKE.match(text):
        marker = text.split()[0] if text.split() else text
        ctx.report("E318", f"`{marker}` is not an option marker", rest.number, rest.col,
                   hint="write `( )`/`(x)` for one correct answer or `[ ]`/`[x]` for several, with ASCII "
                        "brackets and a lowercase x", end_col=rest.col + len(marker))
        item.bad_marker = True
    elif glued:
        marker = glued.group(1)
        word = marker + text[len(marker):].split()[0]
        ctx.report("E318", f"`{word}`: a space is missing after `{marker}`, so it is not read as an answer",
                   rest.number, rest.col, hint=f"write `- {marker} {text[len(marker):].strip()}`",
                   end_col=rest.col + len(word))
        item.bad_marker = True
    item.text_lines.append(rest)
    return item


def _take_weight(item: Item, body: Line) -> None:
    match = WEIGHT.search(body.text)
    if match:
        item.weight = match.group(1).strip()
        item.weight_col = body.col + match.start() + match.group(0).index("{")
        body = Line(body.number, body.col, body.text[:match.start()])
    item.text_lines.append(body)


def _mistyped_weight(ctx: Context, item: Item) -> None:
    """`{50}` or `{weight:50}` ending an option: meant as its weight, it would be part of its text (E311)."""
    if item.weight is not None or not item.text_lines:
        return
    body = item.text_lines[0]
    match = WEIGHTISH.search(body.text)
    if match is None:
        return
    written = match.group().strip()
    col = body.col + match.start()
    ctx.report("E311", f"`{written}` is not a weight, so it would be part of the option's text", body.number, col,
               hint=f"write `{{weight={(match.group(1) or match.group(2)).replace(' ', '').removesuffix('%')}}}` "
                    "(percent)",
               end_col=col + len(written))


def parse_weight(ctx: Context, item: Item) -> float | None:
    """The item's weight in percent, or None if it gave none (reports malformed ones)."""
    if item.weight is None:
        return None
    raw = item.weight.removesuffix("%").strip().replace("−", "-")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or not -100 <= value <= 100:
        ctx.report("E311", f"weight `{item.weight}` is not a percentage between -100 and 100",
                   item.line.number, item.weight_col, hint="write e.g. `{weight=50}` or `{weight=-25}`")
        return None
    return value


def first_text(item: Item) -> str:
    return item.text_lines[0].text.strip() if item.text_lines else ""


def is_true_false(items: list[Item]) -> bool:
    return len(items) == 2 and sorted(first_text(i).casefold() for i in items) == ["false", "true"] \
        and all(len(i.text_lines) == 1 or not any(ln.text.strip() for ln in i.text_lines[1:]) for i in items)
