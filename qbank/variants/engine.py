"""The steps of one varied question, for any reader: plan it, draw its variants, check each.

1. :func:`plan`: read the variables, find the substitutions in the text, report what is
   wrong with either (and variables nobody uses);
2. :func:`draw`: evaluate each variant from its key, substitute its values into the text, and
   redraw a variant that repeats an earlier one (a bounded number of times);
3. the reader builds each variant's question from its text; :func:`check_variant` then
   checks what only the values can tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qbank import diagnostics as dg
from qbank.models import Question

from . import limits
from .checks import variant_findings
from .evaluate import Block, EvaluationError, Evaluator, parse_block
from .limits import Budget
from .report import Collector, label
from .rng import variant_key
from .substitute import Regions, Slot, Substituted, find_slots, substitute

__all__ = ["ATTEMPTS", "Drawn", "Plan", "Variant", "check_variant", "draw", "plan"]

ATTEMPTS = 20  # draws of one variant, to avoid one that repeats an earlier variant


@dataclass
class Plan:
    block: Block
    lines: Sequence[tuple[int, int, str]]
    slots: list[Slot]
    diagnostics: list[dg.Diagnostic]

    @property
    def cost(self) -> int:
        """The work of one variant: every variable, and every inline expression, once."""
        return self.block.cost + sum(s.expression.cost for s in self.slots if s.expression is not None)

    @property
    def block_lines(self) -> frozenset[int]:
        return frozenset(range(self.first_line - 1, self.last_line + 2))

    first_line: int = 0
    last_line: int = 0


@dataclass(frozen=True)
class Variant:
    number: int
    label: str
    values: dict[str, Any]
    substituted: Substituted


@dataclass
class Drawn:
    collector: Collector
    variants: list[Variant] = field(default_factory=list)
    duplicates: int = 0
    failed: bool = False


def plan(file: str, block_lines: list[tuple[int, str]], lines: Sequence[tuple[int, int, str]],
         regions: tuple[Regions, Regions]) -> Plan:
    """``block_lines``: the ```vars block's (line, text); ``lines``: the rest of the question,
    (line, col, text); ``regions``: where that text has math and code."""
    block = parse_block(block_lines)
    found = [dg.make(p.code, p.message, file, p.line, p.col, hint=p.hint) for p in block.problems]
    names = {v.name: v.line for v in block.variables}
    slots, problems, used = find_slots(lines, names, *regions)
    found += [dg.make(p.code, p.message, file, p.line, p.col, hint=p.hint) for p in problems]
    for variable in block.variables:
        used |= variable.uses
    for variable in block.variables:
        if variable.name not in used:
            found.append(dg.make("W801", f"variable `{variable.name}` is never used", file, variable.line, 1,
                                 hint=f"show it with {{{{{variable.name}}}}}, or remove it"))
    if not block.variables and not block.problems:
        found.append(dg.make("E801", "the ```vars block declares no variables", file,
                             block_lines[0][0] - 1 if block_lines else 1, 1,
                             hint="write one `name = expression` per line, e.g. `R = randint(10, 100)`"))
    first, last = (block_lines[0][0], block_lines[-1][0]) if block_lines else (1, 1)
    return Plan(block, lines, slots, found, first, last)


def draw(plan: Plan, seed: str, question: str, count: int, file: str, hints: dict[str, str],
         budget: Budget) -> Drawn:
    """Every variant's values and text; evaluation problems go to the result's collector."""
    evaluator = Evaluator(plan.block)
    drawn = Drawn(Collector(count))
    width = max(2, len(str(count)))
    texts: set[str] = set()
    cost = max(1, plan.cost)
    for number in range(1, count + 1):
        variant: Variant | None = None
        for attempt in range(ATTEMPTS):
            if budget.work < cost:
                drawn.collector.add(dg.make(
                    "E811", f"the bank's variables need more evaluation than qbank allows one bank "
                    f"({limits.MAX_BANK_WORK:,} units; variant {number} of this question needs {cost} more)", file,
                    plan.first_line, 1, hint="ask for fewer variants, simplify the variables, or split the bank"),
                    "")
                drawn.failed = True
                return drawn
            budget.work -= cost
            try:
                values = evaluator.values(variant_key(seed, question, number, attempt))
                substituted = substitute(plan.lines, plan.slots, values, evaluator.inline)
            except EvaluationError as exc:
                where = exc.expression
                drawn.collector.add(dg.make(exc.code, exc.message, file, where.line, where.col,
                                            hint=hints.get(exc.code)), label(number, width, evaluator.current))
                drawn.failed, variant = True, None
                break
            except ValueError as exc:
                slot: Slot = exc.args[1]
                line, col, _ = plan.lines[slot.index]
                drawn.collector.add(dg.make("E807", f"`{{{{...}}}}` cannot show its value: {exc.args[0]}", file,
                                            line, col + slot.start, hint=hints.get("E807")),
                                    label(number, width, evaluator.current))
                drawn.failed, variant = True, None
                break
            variant = Variant(number, label(number, width, values), values, substituted)
            text = "\n".join(substituted.texts)
            if text not in texts:
                break
        else:
            drawn.duplicates += 1
        if variant is None:
            continue
        texts.add(text)
        drawn.variants.append(variant)
    return drawn


def check_variant(collector: Collector, file: str, question: Question, variant: Variant) -> None:
    for code, message, line, col, hint in variant_findings(question, variant.substituted):
        collector.add(dg.make(code, message, file, line, col, hint=hint), variant.label)
