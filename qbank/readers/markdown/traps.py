"""Look-alikes: what an author meant as answers but the format reads as something else.

A question with no answer list is a description: text only, worth 0 points. That is right for
an introduction, and wrong for a question whose answers did not parse — matching written with
``=>``, options numbered ``1)`` without markers, an essay box of two underscores, a blank inside
a formula. Each of those is an error here (E322, E504) instead of a silent description.
"""

from __future__ import annotations

import re

from qbank.models import Fragment

from . import items as ans
from .context import Context, Line, position
from .fences import fenced_mask
from .settings import Settings

# A line of one or two underscores, or spaced ones (`_ _ _`): meant as an essay's answer box.
SHORT_BOX = re.compile(r"^ {0,3}(?:_{1,2}|_(?: +_)+)\s*$")
# Arrows a matching pair is written with by mistake (qbank's is ` -> ` or ` → `, spaced).
WRONG_ARROW = re.compile(r"=+>|⇒|⟹|-{2,}>|[—–]>|<-+>|↦|(?<=\S)(?:->|→)|(?:->|→)(?=\S)")
_BLANK_IN_MATH = re.compile(r"\[\[.*?\]\]", re.S)
# Blanks as people write them elsewhere: `[[Paris]`, `[[Paris`, `{{Paris}}`, `____` in a sentence.
_NOT_A_BLANK = re.compile(r"\[\[[^\]\n]*\](?!\])|\[\[[^\]\n]*$|\{\{[^{}\n]+\}\}|(?<=\S)[ \t]*_{3,}|_{3,}(?=[ \t]*\S)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_QUESTION = re.compile(r"\?(?:\s|$|[*_)\]\"'”’])")


def _asks(stem: Fragment) -> bool:
    """Whether the stem asks something (a question mark ending a sentence, outside code)."""
    text = re.sub(r"`[^`]*`", "", stem.template)
    return bool(_QUESTION.search(text + " "))


def blank_in_math(ctx: Context, stem: Fragment) -> bool:
    """`$\\mathbb{R}^{[[5]]}$`: a blank inside a formula is LaTeX text, never an answer box (E504)."""
    found = False
    for formula in stem.math:
        match = _BLANK_IN_MATH.search(formula.latex)
        if match is None:
            continue
        line, col = position(formula.pos, formula.latex, match.start())
        ctx.report("E504", f"`{match.group()}` is inside a formula, so it is LaTeX, not a blank", line, col,
                   hint="close the formula before the blank and reopen it after: "
                        "`$\\mathbb{R}^n$ with $n =$ [[5]]`", end_col=col + len(match.group()))
        found = True
    return found


def section_as_question(ctx: Context, heading: Line, title: str, sections: dict[str, str]) -> bool:
    """`## Explanation` under a question: a new (description) question, not that question's
    section (E214). True when it was reported."""
    name = title.strip().rstrip(":").strip()
    if name.casefold() not in sections or "{" in heading.text:
        return False
    ctx.report("E214", f"`## {name}` starts a new question, not a section of the one above", heading.number, 1,
               hint=f"a section heading has three `#`: `### {name}`", end_col=3)
    return True


def unread_answers(ctx: Context, heading: Line, main: list[Line], unread: list[ans.Item], stem: Fragment,
                   settings: Settings) -> bool:
    """Report (E322) a question that would become a 0-point description although it was meant to
    have answers; True when it was reported."""
    mask = fenced_mask(main)
    for line, fenced in zip(main, mask, strict=True):
        blank = None if fenced else _NOT_A_BLANK.search(_CODE_SPAN.sub(lambda m: " " * len(m.group()), line.text))
        if blank is not None:
            written = blank.group().strip()
            col = line.col + blank.start() + len(blank.group()) - len(blank.group().lstrip())
            ctx.report("E322", f"`{written}` is not a blank, so the question would be a 0-point description",
                       line.number, col, hint="write a blank as `[[answer]]`, with two brackets on each side; or "
                            "`{type=description}` on the heading if it is text only",
                       end_col=col + len(written))
            return True
        if not fenced and SHORT_BOX.match(line.text):
            written = line.text.strip()
            ctx.report("E322", f"`{written}` is not an answer box, so the question would be a 0-point description",
                       line.number, line.col + len(line.text) - len(line.text.lstrip()),
                       hint="an essay's answer box is a line of three or more underscores: `____`; "
                            "or write `{type=essay}` on the heading", end_col=line.col + len(line.text.rstrip()))
            return True
    if unread:
        first = unread[0]
        arrows = [item for item in unread if WRONG_ARROW.search(ans.first_text(item))]
        if arrows:
            item = arrows[0]
            arrow = WRONG_ARROW.search(ans.first_text(item))
            assert arrow is not None
            ctx.report("E322", f"`{arrow.group().strip()}` does not pair a matching answer, so the question would be "
                       "a 0-point description", item.line.number, item.text_lines[0].col,
                       hint="write each pair as `- left -> right`, with a space on each side of `->`")
            return True
        if _asks(stem) or settings.points_given:
            numbered = ans.ITEM.match(first.line.text)
            ordered = numbered is not None and numbered.group(2)[0].isdigit()
            ctx.report("E322", "the list ending this question has no answer markers, so the question would be a "
                       "0-point description", first.line.number, first.line.col,
                       hint="mark each option: `- (x) right` / `- ( ) wrong` (or `[x]`/`[ ]` for several right)"
                            + ("; a list to put in order needs `{type=ordering}`" if ordered else "")
                            + "; text alone needs `{type=description}`")
            return True
    if settings.points_col is not None:
        ctx.report("E322", "the question sets `points=` but has no answers, so it would be a 0-point description",
                   heading.number, settings.points_col,
                   hint="add its answers, or write `{type=description}` without `points=`")
        return True
    return False


def points_on_description(ctx: Context, heading: Line, settings: Settings) -> None:
    """``type=description points=2``: a description is worth nothing, whatever it says (W106)."""
    col = settings.points_col or heading.col
    ctx.report("W106", f"a description is worth 0 points; `points={settings.points}` is ignored", heading.number, col,
               hint="remove `points=`, or give the question answers and another type",
               end_col=col + len("points="))
