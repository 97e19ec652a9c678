"""The model of each question type, from its answer items (the type is already known)."""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from typing import Any

from qbank.models import (
    Blank,
    BlankOption,
    Choice,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Matching,
    MatchPair,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    OrderItem,
    OtherAnswer,
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
)
from qbank.variants.formatting import value_key
from qbank.xhtml import NOT_XML

from . import fragments
from . import items as ans
from .context import Context, Line, RawBlank
from .numeric import lookalike_hint, numeric_lookalike, parse_numeric
from .settings import Settings


def choice_id(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(97 + rem) + letters
    return letters


def _norm(fragment: Fragment) -> str:
    return " ".join(fragment.source.split()).casefold()


def _forbidden_character(ctx: Context, text: str, line: int, col: int) -> bool:
    """Plain-text answers are not fragments: check them for characters XML cannot carry here."""
    bad = NOT_XML.search(text)
    if bad:
        ctx.report("E601", f"control character U+{ord(bad.group()):04X} cannot be carried by XML or HTML", line, col,
                   hint="delete it (it is usually pasted in by accident)")
    return bad is not None


def _item_fragments(ctx: Context, item: ans.Item) -> tuple[Fragment, Fragment | None]:
    text, _ = fragments.make(ctx, item.text_lines, at=(item.line.number, item.line.col))
    fb = fragments.make(ctx, item.feedback_lines)[0] if fragments.trim(item.feedback_lines) else None
    return text, fb


def _duplicates(ctx: Context, texts: list[tuple[Fragment, ans.Item]], what: str) -> None:
    seen: dict[str, ans.Item] = {}
    for fragment, item in texts:
        key = _norm(fragment)
        if ctx.variant is not None:  # in a variant, `0.5` and `$0.50$` are the same option too
            key = value_key(key) or key
        if key not in seen:
            seen[key] = item
            continue
        first = seen[key].line.number
        if ctx.variant is None:
            ctx.report("E305", f"duplicate {what} (same as line {first})", item.line.number, item.line.col,
                       hint=f"remove one of the two, or make the {what}s different")
        elif what == "option" and (item.marked or seen[key].marked):
            ctx.report("E809", f"a wrong option equals the correct one (line {first})", item.line.number,
                       item.line.col, hint="compute the distractors so that they always differ from the answer")
        else:
            ctx.report("E808", f"two {what}s are the same (this one and line {first})", item.line.number,
                       item.line.col, hint=f"compute the {what}s so that they always differ")


def build_typed(ctx: Context, qtype: str, items: list[ans.Item], raw_blanks: list[RawBlank],
                 settings: Settings, common: dict[str, Any], heading: Line) -> Question | None:
    if qtype in ("multiple-choice", "multiple-select", "true-false"):
        return _choices(ctx, qtype, items, settings, common, heading)
    if qtype in ("short-answer", "numerical"):
        return _typed_answers(ctx, qtype, items, settings, common, heading)
    if qtype == "matching":
        pairs: list[MatchPair] = []
        distractors: list[Fragment] = []
        lefts: list[tuple[Fragment, ans.Item]] = []
        for item in items:
            line = item.text_lines[0]
            match = ans.PAIR.search(line.text)
            assert match is not None
            left_text = line.text[:match.start()]
            right = Line(line.number, line.col + match.end(), line.text[match.end():])
            right_frag = fragments.make(ctx, [right] + item.text_lines[1:])[0]
            if not left_text.strip():
                distractors.append(right_frag)
                continue
            left_frag = fragments.make(ctx, [Line(line.number, line.col, left_text)])[0]
            lefts.append((left_frag, item))
            pairs.append(MatchPair(left=left_frag, right=right_frag, pos=ctx.pos(line.number, line.col)))
        if len(pairs) < 2:
            ctx.report("E313", f"matching needs at least two pairs, found {len(pairs)}", heading.number, 1,
                       hint="write each pair as `- left -> right`")
            return None
        _duplicates(ctx, lefts, "left-hand item")
        return Matching(**common, pairs=tuple(pairs), distractors=tuple(distractors), shuffle=settings.shuffle)
    if qtype == "ordering":
        order = [OrderItem(id=choice_id(k), text=_item_fragments(ctx, item)[0],
                           pos=ctx.pos(item.line.number, item.line.col)) for k, item in enumerate(items)]
        if len(order) < 2:
            ctx.report("E314", f"ordering needs at least two items, found {len(order)}", heading.number, 1,
                       hint="list the items in their correct order")
            return None
        _duplicates(ctx, [(o.text, i) for o, i in zip(order, items, strict=True)], "item")
        return Ordering(**common, items=tuple(order), shuffle=settings.shuffle)
    if qtype == "fill-in-blanks":
        blanks = [_blank(ctx, k, raw, settings) for k, raw in enumerate(raw_blanks)]
        if any(b is None for b in blanks):
            return None
        return FillInBlanks(**common, blanks=tuple(b for b in blanks if b is not None))
    if qtype == "essay":
        return Essay(**common, response_lines=settings.lines)
    return Description(**{**common, "points": Decimal(0)})


def _choices(ctx: Context, qtype: str, items: list[ans.Item], settings: Settings, common: dict[str, Any],
             heading: Line) -> Question | None:
    if len(items) < 2:
        ctx.report("E304", f"a choice question needs at least two options, found {len(items)}",
                   heading.number, 1, hint="add the wrong options as `( )` or `[ ]` items")
        return None
    built = [(item, *_item_fragments(ctx, item), ans.parse_weight(ctx, item)) for item in items]
    _duplicates(ctx, [(text, item) for item, text, _, _ in built], "option")
    correct = [item for item in items if item.marked]

    if qtype == "true-false":
        if not ans.is_true_false(items):
            ctx.report("E319", "a true/false question has exactly two options, `True` and `False`",
                       heading.number, 1, hint="write `- (x) True` and `- ( ) False` (or the other way round)")
            return None
        if len(correct) != 1:
            ctx.report("E302", f"true/false needs exactly one correct option, found {len(correct)}",
                       heading.number, 1, hint="mark the right one with `(x)`")
            return None
        by_value = {ans.first_text(item).casefold(): (item, fb) for item, _, fb, _ in built}
        tf = []
        for value in ("true", "false"):
            item, fb = by_value[value]
            tf.append(Choice(id=value, text=fragments.plain(ctx, Line(item.line.number, 1, value.capitalize())),
                             correct=item.marked, weight=100.0 if item.marked else 0.0, feedback=fb,
                             pos=ctx.pos(item.line.number, item.line.col)))
        return TrueFalse(**common, answer=by_value["true"][0].marked, choices=tuple(tf), shuffle=False)

    if qtype == "multiple-choice":
        if len(correct) != 1:
            ctx.report("E302", f"multiple choice needs exactly one correct option, found {len(correct)}",
                       heading.number, 1,
                       hint="mark one option `(x)`; for several correct answers use `[x]`/`[ ]` (multiple select)")
            return None
        weights = []
        for item, _, _, weight in built:
            if item.marked:
                if weight not in (None, 100.0):
                    ctx.report("E311", "the correct option of a multiple-choice question is worth 100%",
                               item.line.number, item.weight_col, hint="remove the weight")
                weights.append(100.0)
            else:
                if weight is not None and weight >= 100:
                    ctx.report("E311", "a wrong option must be worth less than 100%", item.line.number,
                               item.weight_col, hint="use a partial weight such as `{weight=50}`")
                weights.append(weight or 0.0)
    else:
        if not correct:
            ctx.report("E303", "multiple select needs at least one correct option", heading.number, 1,
                       hint="mark the correct options with `[x]`")
            return None
        weights = _select_weights(ctx, built, settings.scoring, heading)
    choices = tuple(
        Choice(id=choice_id(k), text=text, correct=item.marked, weight=w, feedback=fb,
               pos=ctx.pos(item.line.number, item.line.col))
        for k, ((item, text, fb, _), w) in enumerate(zip(built, weights, strict=True)))
    if qtype == "multiple-choice":
        return MultipleChoice(**common, choices=choices, shuffle=settings.shuffle)
    return MultipleSelect(**common, choices=choices, shuffle=settings.shuffle,
                          scoring=settings.scoring)


def _select_weights(ctx: Context, built: list[Any], scoring: str, heading: Line) -> list[float]:
    """Resolve multiple-select weights: explicit ones, then the policy for the rest."""
    given = [w for _, _, _, w in built]
    for (item, _, _, weight) in built:
        if weight is not None and (weight > 0) != item.marked and weight != 0:
            sign = "positive" if item.marked else "zero or negative"
            ctx.report("E311", f"weight {weight:g}% on a {'correct' if item.marked else 'wrong'} option; "
                       f"it must be {sign}", item.line.number, item.weight_col,
                       hint="correct options gain credit, wrong options lose it")
    correct_free = [k for k, (item, _, _, w) in enumerate(built) if item.marked and w is None]
    wrong_free = [k for k, (item, _, _, w) in enumerate(built) if not item.marked and w is None]
    positive = sum(w for w in given if w is not None and w > 0)
    weights = [w if w is not None else 0.0 for w in given]
    if correct_free:
        share = (100.0 - positive) / len(correct_free)
        for k in correct_free:
            weights[k] = share
    if wrong_free and scoring == "penalty":
        for k in wrong_free:
            weights[k] = -100.0 / len(wrong_free)
    total = sum(w for w in weights if w > 0)
    if abs(total - 100.0) > 0.01 or any(weights[k] <= 0 for k in correct_free):
        ctx.report("E312", f"the correct options' weights add up to {total:g}%, not 100%", heading.number, 1,
                   hint="adjust the `{weight=...}` values so a fully correct answer scores 100%")
    return weights


def _typed_answers(ctx: Context, qtype: str, items: list[ans.Item], settings: Settings,
                   common: dict[str, Any], heading: Line) -> Question | None:
    if not items:
        ctx.report("E317", "no accepted answer", heading.number, 1, hint="add answers as `- = answer` lines")
        return None
    numeric: list[NumericAnswer] = []
    texts: list[TextAnswer] = []
    other: OtherAnswer | None = None
    for item in items:
        first = item.text_lines[0]
        value = " ".join(ln.text.strip() for ln in item.text_lines if ln.text.strip())
        weight = ans.parse_weight(ctx, item)
        fb = fragments.make(ctx, item.feedback_lines)[0] if fragments.trim(item.feedback_lines) else None
        pos = ctx.pos(first.number, first.col)
        if not value:
            ctx.report("E318", "empty answer", item.line.number, item.line.col, hint="write the answer after `=`")
            continue
        if _forbidden_character(ctx, "".join(ln.text for ln in item.text_lines), first.number, first.col):
            continue
        if qtype == "numerical":
            parsed = parse_numeric(value)
            if isinstance(parsed, str):
                code = "E308" if "negative" in parsed else "E310" if "lower bound" in parsed else "E307"
                lookalike = numeric_lookalike(value) if code == "E307" else None
                if lookalike is not None:
                    ctx.report(code, f"{lookalike.message}, which is not a number qbank reads", first.number,
                               first.col, hint=lookalike_hint(lookalike, typed=True),
                               end_col=first.col + len(first.text.rstrip()))
                    continue
                ctx.report(code, parsed, first.number, first.col,
                           hint="write `= 3.14`, `= 3.14 ± 0.01`, `= 2 ± 5%` or `= [1.2, 1.3]`")
                continue
            kind, number, tolerance = parsed
            numeric.append(NumericAnswer(kind=kind, value=number, tolerance=tolerance,
                                         source=value, weight=100.0 if weight is None else weight,
                                         feedback=fb, pos=pos))
        elif value == "*":  # any other answer (Moodle's `*`): its own credit and feedback
            if other is not None:
                ctx.report("E305", f"a second `= *` answer (the first is at line {other.pos.line})", first.number,
                           first.col, hint="any other answer is one answer: keep one `- = *`")
            elif weight is not None and weight >= 100:
                ctx.report("E311", "any other answer (`*`) must be worth less than 100%", item.line.number,
                           item.weight_col, hint="give it a partial weight such as `{weight=10}`, or none")
            else:
                other = OtherAnswer(weight=weight or 0.0, feedback=fb, pos=pos)
        else:
            texts.append(TextAnswer(text=value, weight=100.0 if weight is None else weight, feedback=fb, pos=pos))
    answers: list[Any] = list(numeric if qtype == "numerical" else texts)
    if answers and max(a.weight for a in answers) != 100.0:
        ctx.report("E312", "no answer is worth 100%", heading.number, 1,
                   hint="give at least one answer full marks (no weight, or `{weight=100}`)")
    seen: dict[str, int] = {}
    for answer in answers:
        key = answer.source if qtype == "numerical" else (answer.text if settings.case_sensitive
                                                            else answer.text.casefold())
        if key in seen:
            plain = ctx.variant is None
            ctx.report("E305" if plain else "E808", f"{'duplicate answer' if plain else 'two answers are the same'}"
                       f" (same as line {seen[key]})", answer.pos.line, answer.pos.col,
                       hint="remove one of the two" if plain else "make the answers always differ")
        seen.setdefault(key, answer.pos.line)
    if qtype == "numerical":
        return Numerical(**common, answers=tuple(numeric), unit=settings.unit, shuffle=False)
    if not texts and other is not None:
        ctx.report("E317", "`= *` (any other answer) is the only answer", heading.number, 1,
                   hint="add the accepted answers as `- = answer` lines before it")
        return None
    return ShortAnswer(**common, answers=tuple(texts), other=other, case_sensitive=settings.case_sensitive,
                       shuffle=False)


# A blank answer's own settings, after it: `Paname {weight=50 feedback="Its nickname"}`.
PART_SETTINGS = re.compile(r"\s*\{((?:[^{}]*\s)?(?:weight|feedback)\s*=[^{}]*)\}\s*$")


def _blank_part(ctx: Context, raw: RawBlank, part: str) -> tuple[str, float | None, str | None] | None:
    """A blank answer or option: its text, its weight (percent, None if not given) and its feedback."""
    match = PART_SETTINGS.search(part)
    if match is None:
        return part, None, None
    try:
        tokens = shlex.split(match.group(1))
    except ValueError as exc:
        ctx.report("E204", f"the settings of blank answer `{part}` cannot be read: {exc}", raw.line, raw.col,
                   hint='write them as {weight=50 feedback="text"}')
        return None
    settings: dict[str, str] = {}
    for token in tokens:
        key, _, value = token.partition("=")
        if key not in ("weight", "feedback") or not _:
            ctx.report("E204", f"blank answer setting `{token}` is not `weight=` or `feedback=`", raw.line, raw.col,
                       hint='write them as {weight=50 feedback="text"}')
            return None
        settings[key] = value
    weight = None
    if "weight" in settings:
        try:
            weight = float(settings["weight"].removesuffix("%"))
        except ValueError:
            weight = float("nan")
        if weight != weight or not -100 <= weight <= 100:
            ctx.report("E311", f"weight `{settings['weight']}` is not a percentage between -100 and 100",
                       raw.line, raw.col, hint="write e.g. `{weight=50}`")
            return None
    return part[:match.start()].strip(), weight, settings.get("feedback") or None


def _blank(ctx: Context, index: int, raw: RawBlank, settings: Settings) -> Blank | None:
    pos = ctx.pos(raw.line, raw.col)
    if _forbidden_character(ctx, raw.content, raw.line, raw.col):
        return None
    parsed = [_blank_part(ctx, raw, p.strip()) for p in raw.content.split("|")]
    if any(p is None for p in parsed):
        return None
    parts = [p for p in parsed if p is not None]
    if any(ans.SINGLE.match(text + " ") for text, _, _ in parts):
        options = []
        for part, weight, feedback in parts:
            match = ans.SINGLE.match(part + " ")
            if not match:
                ctx.report("E318", f"dropdown option `{part}` has no `( )`/`(x)` marker", raw.line, raw.col,
                           hint="write every option of a dropdown blank as `(x) right` or `( ) wrong`")
                return None
            correct = match.group(1) in "xX"
            if weight is not None and (weight != 100 if correct else weight >= 100):
                ctx.report("E311", f"weight {weight:g}% on {'the correct' if correct else 'a wrong'} option of a "
                           "dropdown blank", raw.line, raw.col,
                           hint="the correct option is worth 100%; a wrong one less")
                return None
            options.append(BlankOption(text=part[match.end() - 1:].strip() if match.end() <= len(part) else "",
                                       correct=correct, feedback=feedback,
                                       weight=None if weight in (None, 100.0 if correct else 0.0) else weight))
        if sum(o.correct for o in options) != 1 or len(options) < 2:
            ctx.report("E316", "a dropdown blank needs two or more options and exactly one `(x)`",
                       raw.line, raw.col, hint="e.g. `[[(x) Paris | ( ) Lyon | ( ) Nice]]`")
            return None
        return Blank(id=str(index + 1), kind="dropdown", options=tuple(options), pos=pos)
    other = None
    responses = []
    for text, weight, feedback in parts:
        if not text:
            continue
        if text == "*":  # any other answer
            other = BlankOption(text="*", correct=False, weight=weight or None, feedback=feedback)
            continue
        correct = weight is None or weight == 100
        responses.append(BlankOption(text=text, correct=correct, feedback=feedback,
                                     weight=None if correct or weight == 0 else weight))
    accepted = tuple(r.text for r in responses if r.correct)
    if not accepted:
        ctx.report("E315", "blank has no accepted answer", raw.line, raw.col,
                   hint="write the accepted answers inside, e.g. `[[Paris | paris]]`")
        return None
    detailed = any(r.feedback or not r.correct for r in responses)
    return Blank(id=str(index + 1), kind="text", answers=accepted, case_sensitive=settings.case_sensitive,
                 responses=tuple(responses) if detailed else (), other=other, pos=pos)
