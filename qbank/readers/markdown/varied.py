"""Varied questions: ``variants=N`` on the heading, a ```vars block, ``{{...}}`` in the text.

Such a question is read N times, once per variant, each time from its own text (the
substitutions made, :mod:`qbank.variants.substitute`), by the same code as any question. The
result is N concrete questions ``<id>-01`` ... ``<id>-N`` held in a pool of their own (a
:class:`~qbank.models.Group` of kind ``variants`` that picks 1): every target exports a pool
already, so no target needs code of its own for variants.

Problems are reported once however many variants share them (:mod:`qbank.variants.report`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from qbank.models import Group, Question
from qbank.variants import limits
from qbank.variants.limits import Budget

from .context import Context, Line
from .fences import fence_spans
from .scan import scan
from .settings import Settings

__all__ = ["Budget", "Varied", "expand", "has_vars_block"]
_VARS = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*vars\s*$")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_HINTS = {
    "E804": "check the expression with the values shown",
    "E805": "check the ranges the values are drawn from, so that every result is a real number",
    "E806": "make sure the divisor is never 0, e.g. draw it from a range without 0",
    "E807": "e.g. {{V:.2f}} for 2 decimal places, or {{V|sig=3}} for 3 significant figures",
    "E811": "keep the values small: integers below 10^100, decimals below 10^999",
}
Build = Callable[[Context, str, str, Line, list[Line], Settings, str | None], Question | None]


@dataclass
class Varied:
    questions: list[Question]
    group: Group


def _fences(body: list[Line]) -> list[tuple[int, int, bool]]:
    """Every fenced block: (opening index, closing index or len(body), whether it is ```vars)."""
    return [(a, b, bool(_VARS.match(body[a].text))) for a, b in fence_spans(body)]


def has_vars_block(body: list[Line]) -> bool:
    return any("vars" in line.text and _VARS.match(line.text) for line in body) and \
        any(is_vars for _, _, is_vars in _fences(body))


def _regions(texts: list[str]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where the text has math and code, by the reader's own rules (offsets in the joined text)."""
    joined = "\n".join(texts)
    math = [(found.start, found.start + len(found.content)) for found in scan(joined).math]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    lines = [Line(k, 1, text) for k, text in enumerate(texts)]
    code = [(starts[a], starts[min(b, len(texts) - 1)] + len(texts[min(b, len(texts) - 1)]))
            for a, b, _ in _fences(lines)]
    code += [(m.start(), m.end()) for m in _CODE_SPAN.finditer(joined) if "\n\n" not in m.group(2)]
    return math, code


def expand(ctx: Context, qid: str, title: str, heading: Line, body: list[Line], settings: Settings,
           count: int | None, *, parent: Group | None, groups: dict[str, Group], seed: str,
           seen: dict[str, int], build: Build, budget: Budget) -> Varied | None:
    """The variants of a varied question, or None when it has errors (which are reported)."""
    blocks = [(a, b) for a, b, is_vars in _fences(body) if is_vars]
    if count is None:
        if blocks:
            ctx.report("E802", "a ```vars block, but the heading does not say how many variants to make",
                       body[blocks[0][0]].number, 1, hint="add e.g. `variants=20` to the question's heading")
        return None
    if not blocks:
        ctx.report("E802", "`variants=` on the heading, but the question has no ```vars block", heading.number, 1,
                   hint="declare the variables in a ```vars block, e.g. `R = randint(10, 100)`")
        return None
    if len(blocks) > 1:
        ctx.report("E802", "a second ```vars block in one question", body[blocks[1][0]].number, 1,
                   hint="declare every variable of the question in one ```vars block")
        return None
    if parent is not None and parent.pick is not None:
        ctx.report("E810", f"a varied question in the pool `{parent.id}` (pick={parent.pick}): its variants are "
                   "a pool of their own, and Canvas and Moodle cannot draw from a pool inside a pool",
                   heading.number, 1, hint="move the question out of the pool, into a group without `pick=`")
        return None
    if count > budget.variants:
        ctx.report("E812", f"{count} more variants would make more than {limits.MAX_BANK_VARIANTS:,} in this "
                   "bank", heading.number, 1, hint="ask for fewer variants, or split the bank into several files")
        return None
    if qid in groups:
        ctx.report("E202", f"`{qid}` is also the id of the group at line {groups[qid].pos.line}, and a varied "
                   "question's variants form a group with its id", heading.number, 1,
                   hint="give the question or the group another id")
        return None
    from qbank.variants import engine  # the evaluator is loaded only for banks with varied questions

    start, end = blocks[0]
    rest = body[:start] + body[end + 1:]
    plan = engine.plan(ctx.file, [(line.number, line.text) for line in body[start + 1:end]],
                       [(line.number, line.col, line.text) for line in rest], _regions([ln.text for ln in rest]))
    ctx.diagnostics.extend(plan.diagnostics)
    if any(d.is_error for d in plan.diagnostics if d.line in plan.block_lines):
        return None  # the variables cannot be evaluated
    drawn = engine.draw(plan, seed, qid, count, ctx.file, _HINTS, budget)
    if drawn.failed or any(d.is_error for d in plan.diagnostics):
        ctx.diagnostics.extend(drawn.collector.result())
        return None
    width = max(2, len(str(count)))
    ids = [f"{qid}-{k:0{width}d}" for k in range(1, count + 1)]
    for vid in ids:
        if vid in seen:
            ctx.report("E202", f"variant id `{vid}` is also the id of the question at line {seen[vid]}",
                       heading.number, 1, hint="give one of the two questions another id")
            return None
    for vid in ids:
        seen[vid] = heading.number
    made: list[Question | None] = []
    for k, variant in enumerate(drawn.variants, 1):
        lines = [Line(line.number, line.col, text) for line, text in zip(rest, variant.substituted.texts, strict=True)]
        vctx = Context(ctx.file, ctx.folder, ctx.renderer, variant=variant.label)
        question = build(vctx, ids[k - 1], f"{title} (v{k:0{width}d})", heading, lines, settings, qid)
        columns = variant.substituted.columns
        for d in vctx.diagnostics:
            end_col = columns.source_col(d.line, d.end_col) if d.end_col is not None else None
            col = columns.source_col(d.line, d.col)
            drawn.collector.add(replace(d, col=col, end_col=end_col if end_col and end_col > col else None),
                                variant.label)
        if question is not None:
            engine.check_variant(drawn.collector, ctx.file, question, variant)
        made.append(question)
    ctx.diagnostics.extend(drawn.collector.result())
    if drawn.duplicates:
        ctx.report("W802", f"only {count - drawn.duplicates} of the {count} variants differ; the others repeat one",
                   heading.number, 1, hint="draw the values from wider ranges, or ask for fewer variants")
    if any(q is None for q in made):
        return None
    budget.variants -= count
    group = Group(id=qid, title=title, pick=1, kind="variants", pos=ctx.pos(heading.number, 1),
                  parent=parent.id if parent is not None else None,
                  points_per_question=parent.points_per_question if parent is not None else None)
    return Varied([q for q in made if q is not None], group)


def seed_of(front_matter: Any) -> str:
    seed = getattr(front_matter, "seed", None)
    return "" if seed is None else str(seed)

