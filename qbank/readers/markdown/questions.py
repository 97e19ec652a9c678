"""One question from its heading and body lines: sections, answer list, and its type (inferred or stated)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from qbank.models import Question

from . import fragments, traps
from . import items as ans
from .context import Context, Line
from .fences import fenced_mask
from .numeric import lookalike_hint, looks_numeric, numeric_lookalike
from .settings import Settings
from .typed import build_typed

SECTIONS = {
    "explanation": "explanation",
    "answer explanation": "explanation",
    "general feedback": "explanation",
    "correct feedback": "correct_feedback",
    "if correct": "correct_feedback",
    "incorrect feedback": "incorrect_feedback",
    "if incorrect": "incorrect_feedback",
}
# The types each answer syntax can be (the first is what an unstated type is inferred as).
SYNTAX_TYPES = {
    "single": ("multiple-choice", "true-false"),
    "multi": ("multiple-select",),
    "answer": ("short-answer", "numerical"),
    "pair": ("matching",),
    "plain": ("ordering",),
    "blanks": ("fill-in-blanks",),
    "essay": ("essay",),
    # With no answers at all, a stated type gets its own "needs answers" error below.
    "none": ("description", "essay", "multiple-choice", "multiple-select", "true-false", "short-answer",
             "numerical", "matching", "ordering"),
}
SYNTAX_NAMES = {
    "single": "`( )`/`(x)` options (one correct answer)",
    "multi": "`[ ]`/`[x]` options (several correct answers)",
    "answer": "`- = answer` lines",
    "pair": "`left -> right` pairs",
    "plain": "a plain list",
    "blanks": "`[[...]]` blanks in the text",
    "essay": "a `____` answer box",
    "none": "no answers",
}
ESSAY_BOX = re.compile(r"^ {0,3}_{3,}\s*$")
_DEEP_SECTION = re.compile(r"^(#{4,6})[ \t]+(.+?)[ \t#]*$")


def split_sections(ctx: Context, body: list[Line]) -> tuple[list[Line], dict[str, tuple[Line, list[Line]]]]:
    mask = fenced_mask(body)
    main: list[Line] = []
    sections: dict[str, tuple[Line, list[Line]]] = {}
    current: list[Line] = main
    for line, fenced in zip(body, mask, strict=True):
        deep = None if fenced or not line.text.startswith("####") else _DEEP_SECTION.match(line.text)
        if deep and deep.group(2).strip().rstrip(":").strip().casefold() in SECTIONS:
            name = deep.group(2).strip().rstrip(":").strip()
            ctx.report("E214", f"`{deep.group(1)} {name}` is a heading inside the question's text, not a section: "
                       "what follows it would be shown with the question", line.number, 1,
                       hint=f"a section heading has three `#`: `### {name}`", end_col=len(deep.group(1)) + 1)
        if not fenced and line.text.startswith("### "):
            name = line.text[4:].strip().rstrip(":").strip()
            key = SECTIONS.get(name.casefold())
            if key is None:
                close = difflib.get_close_matches(name.casefold(), SECTIONS, n=1, cutoff=0.5)
                ctx.report("E206", f"unknown section `### {name}`", line.number, 5,
                           hint=(f"did you mean `### {close[0].capitalize()}`? " if close else "")
                           + "sections are `### Explanation`, `### Correct feedback`, `### Incorrect feedback`",
                           end_col=5 + len(name))
                current = []
                continue
            if key in sections:
                ctx.report("E206", f"section `### {name}` appears twice", line.number, 5,
                           hint="merge the two sections into one")
            current = []
            sections[key] = (line, current)
            continue
        current.append(line)
    return main, sections


def build(ctx: Context, qid: str, title: str, heading: Line, body: list[Line], settings: Settings,
          group: str | None) -> Question | None:
    """The question, or None when it has errors (which are reported)."""
    errors_before = sum(d.is_error for d in ctx.diagnostics)
    main, sections = split_sections(ctx, body)
    feedback = {key: fragments.make(ctx, lines, at=(head.number, 1))[0] for key, (head, lines) in sections.items()}
    feedback = {key: frag for key, frag in feedback.items() if not frag.is_empty}

    mask = fenced_mask(main)
    essay_box = [k for k, line in enumerate(main) if not mask[k] and ESSAY_BOX.match(line.text)]
    for k in reversed(essay_box):
        del main[k]

    start = ans.trailing_list(main)
    items = ans.split_items(ctx, main[start:]) if start is not None else []
    bad_markers = any(item.bad_marker for item in items)  # reported already: nothing else to say
    markers = {item.kind for item in items}
    answer_list = bool(markers - {"plain"}) or (settings.type in ("ordering",) and items)
    unread: list[ans.Item] = []
    if not answer_list:
        unread, items, start = items, [], None
    stem_lines = main[:start] if start is not None else main

    # Answer lines left in the stem would be silently lost: stop them here.
    stem_mask = fenced_mask(stem_lines)
    for k, (line, fenced) in enumerate(zip(stem_lines, stem_mask, strict=True)):
        match = ans.ITEM.match(line.text)
        if match and not fenced:
            rest = line.text[match.end():]
            if ans.SINGLE.match(rest) or ans.MULTI.match(rest) or ans.ANSWER.match(rest):
                _option_outside_list(ctx, stem_lines, k)
                return None
    if _stray_options(ctx, stem_lines, "is not a list item, so it would be lost"):
        return None
    for head, section_lines in sections.values():
        _stray_options(ctx, section_lines, f"is inside `{head.text.strip()}`, not in the answer list")

    stem, raw_blanks = fragments.make(ctx, stem_lines, blanks=True, at=(heading.number, 1))
    if stem.is_empty:
        ctx.report("E207", f"question `{qid}` has no text", heading.number, 1,
                   hint="write the question below its heading")
    if bad_markers:
        return None

    kinds = {item.kind for item in items}
    if raw_blanks:
        kinds.add("blanks")
    if essay_box:
        kinds.add("essay")
    if "single" in kinds and "multi" in kinds:
        first = next(i for i in items if i.kind != items[0].kind and i.kind in ("single", "multi"))
        ctx.report("E306", "`( )` and `[ ]` options mixed in one question", first.line.number,
                   first.text_lines[0].col - 4 if first.text_lines else 1,
                   hint="use `(x)`/`( )` throughout for one correct answer, `[x]`/`[ ]` for several")
        return None
    syntax = _syntax(kinds - {"plain"} if len(kinds) > 1 else kinds)
    if syntax is None:
        ctx.report("E301", "answers of different kinds in one question: "
                   + ", ".join(SYNTAX_NAMES[k] for k in sorted(kinds)), heading.number, 1,
                   hint="a question has one kind of answer; split it into two questions")
        return None

    qtype = settings.type
    allowed = SYNTAX_TYPES[syntax]
    if syntax in ("blanks", "none") and qtype in (None, "fill-in-blanks") and traps.blank_in_math(ctx, stem):
        return None
    if syntax == "none" and qtype is None and (traps.section_as_question(ctx, heading, title, SECTIONS)
                                               or traps.unread_answers(ctx, heading, main, unread, stem, settings)):
        return None
    if qtype == "description" and settings.points_given:
        traps.points_on_description(ctx, heading, settings)
    if qtype is None:
        qtype = allowed[0]
        if syntax == "single" and ans.is_true_false(items):
            qtype = "true-false"
        if syntax == "answer" and all(looks_numeric(ans.first_text(i)) for i in items):
            qtype = "numerical"
        elif syntax == "answer" and _numbers_read_as_text(ctx, items):
            return None  # every answer is a number, but written so qbank would take it for text
    elif qtype not in allowed:
        expected = [s for s, types in SYNTAX_TYPES.items() if qtype in types]
        ctx.report("E301", f"`type={qtype}` but the question has {SYNTAX_NAMES[syntax]}", heading.number, 1,
                   hint=f"a {qtype} question needs " + " or ".join(SYNTAX_NAMES[s] for s in expected))
        return None

    unmarked = [item for item in items if item.kind == "plain" and qtype != "ordering"]
    for item in unmarked:
        if syntax == "pair":
            ctx.report("E318", "list item is not a `left -> right` pair like the others", item.line.number,
                       item.line.col, hint="write the pair as `- left -> right`, with a space on each side of `->`")
        else:
            ctx.report("E318", "list item has no option marker", item.line.number, item.line.col,
                       hint="start it with `( )`, `(x)`, `[ ]`, `[x]` or `=`, matching the other options")
    if unmarked:
        return None

    common: dict[str, Any] = dict(
        id=qid, idnumber=settings.idnumber, title=title, pos=ctx.pos(heading.number, 1), stem=stem,
        points=settings.points,
        time_limit=settings.time_limit, tags=settings.tags, difficulty=settings.difficulty, group=group,
        explanation=feedback.get("explanation"), correct_feedback=feedback.get("correct_feedback"),
        incorrect_feedback=feedback.get("incorrect_feedback"),
    )
    question = build_typed(ctx, qtype, items, raw_blanks, settings, common, heading)
    if question is None or sum(d.is_error for d in ctx.diagnostics) > errors_before:
        return None
    return question


def _option_outside_list(ctx: Context, stem_lines: list[Line], k: int) -> None:
    """An answer option in the stem: usually an unindented `>` feedback line cut the list short."""
    line = stem_lines[k]
    after = next((other for other in stem_lines[k + 1:] if other.text.strip()), None)
    if after is not None and after.text.startswith(">"):
        ctx.report("E318", f"answer option outside the answer list: the `>` feedback on line {after.number} is not "
                   "indented, so it ends the list", line.number, line.col,
                   hint="indent an option's feedback under it by two spaces: `  > Right!`")
        return
    ctx.report("E318", "answer option outside the answer list", line.number, line.col,
               hint="options must form one list at the end of the question, before any ### section")


def _stray_options(ctx: Context, lines: list[Line], why: str) -> bool:
    """Report lines (outside code) that look like answer options but cannot be read as such."""
    mask = fenced_mask(lines)
    for line, fenced in zip(lines, mask, strict=True):
        loose = None if fenced else ans.LOOSE_OPTION.match(line.text)
        if loose:
            col = line.col + len(loose.group(1)) - len(loose.group(1).lstrip(" \u00a0"))
            ctx.report("E318", f"this answer option {why}", line.number, col,
                       hint="write options as one list ending the question: `- (x) text`, a hyphen and a space "
                            "at the start of the line, no indentation")
            return True
    return False


def _numbers_read_as_text(ctx: Context, items: list[ans.Item]) -> bool:
    """Report `- = 3,14` and `- = 9.81 m/s^2`: numbers qbank would take for text, making the
    question a short answer that accepts exactly what is written (E307, as in a numerical one).

    Only when every answer is a number (a short answer that also accepts `Paris` may accept `50%`)."""
    lookalikes = [numeric_lookalike(ans.first_text(item)) for item in items]
    if not all(lk is not None or looks_numeric(ans.first_text(item)) for lk, item in zip(lookalikes, items,
                                                                                           strict=True)):
        return False
    found = False
    for item, lookalike in zip(items, lookalikes, strict=True):
        first = item.text_lines[0] if item.text_lines else None
        if first is None or lookalike is None:
            continue
        col = first.col + len(first.text) - len(first.text.lstrip())
        ctx.report("E307", f"{lookalike.message}, so it is read as text: the question would be a short answer "
                   f"accepting exactly `{ans.first_text(item)}`", first.number, col,
                   hint=lookalike_hint(lookalike, typed=False), end_col=first.col + len(first.text.rstrip()))
        found = True
    return found


def _syntax(kinds: set[str]) -> str | None:
    if not kinds:
        return "none"
    if len(kinds) == 1:
        return next(iter(kinds))
    return None
