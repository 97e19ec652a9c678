"""The Markdown reader: one bank file → a :class:`~qbank.models.Bank` plus diagnostics.

File layout: YAML front matter, optional introduction (the bank's description), then
questions, each under a ``##`` heading. A ``#`` heading starts a group of questions (a pool
when it says ``{pick=N}``). Heading attributes use Pandoc's ``{#id key=value}`` form, which
GitHub shows as plain text.
"""

from __future__ import annotations

import gc
import html
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import nh3
from pydantic import ValidationError

from qbank import acknowledge, render
from qbank import diagnostics as dg
from qbank.models import Allowance, Bank, Group, Question
from qbank.xhtml import NOT_XML

from . import fragments, frontmatter, questions, varied
from .attributes import Heading, parse_heading
from .context import Context, Line
from .decode import decode
from .fences import scan_fences
from .settings import (
    GROUP_HINTS,
    GROUP_KEYS,
    QUESTION_HINTS,
    QUESTION_KEYS,
    GroupAttributes,
    QuestionAttributes,
    Settings,
    problems_of,
)

ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# `##Title`, `###Explanation`: meant as headings (a lone `#word`, such as `#include`, is text).
_NO_SPACE_HEADING = re.compile(r"^#{2,3}[^\s#]")


def slug(text: str) -> str:
    text = re.sub(r"[$\\{}]", " ", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    words = words[:60].rstrip("-")
    if words and not words[0].isalpha():
        words = "q-" + words
    return words


def _validated(ctx: Context, line: Line, heading: Heading, model: type[QuestionAttributes] | type[GroupAttributes],
               code: str, hints: dict[str, str]) -> Any:
    """The heading's attributes as ``model``; an invalid value is reported and left at its default."""
    values = dict(heading.attributes)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        for problem in problems_of(exc, values, code, hints):
            col = heading.columns.get(problem.key, 1)
            ctx.report(problem.code, problem.message, line.number, col, hint=problem.hint,
                       end_col=col + len(problem.key) + 1 + len(str(values.get(problem.key, ""))))
            values.pop(problem.key, None)
    return model.model_validate(values)


def _allowances(ctx: Context, line: Line, heading: Heading, text: str | None, code: str, *,
                question: str | None = None, group: str | None = None) -> None:
    """The ``allow=`` of a heading: warnings acknowledged for its question (or group)."""
    if text is None:
        return
    col = heading.columns.get("allow", 1)
    specs, problems = acknowledge.parse_allow(text)
    for message, hint in problems:
        ctx.report(code, f"`allow`: {message}", line.number, col, hint=hint, end_col=col + 5)
    for warning, target, reason in specs:
        ctx.allowances.append(Allowance(code=warning, target=target, question=question, group=group,
                                        reason=reason, pos=ctx.pos(line.number, col)))


def _settings(attrs: QuestionAttributes, fm: frontmatter.FrontMatter, columns: dict[str, int]) -> Settings:
    return Settings(
        type=attrs.type, points=attrs.points if attrs.points is not None else fm.points,
        time_limit=attrs.time if attrs.time is not None else fm.time_limit,
        tags=tuple(dict.fromkeys([*fm.tags, *(t.strip() for t in attrs.tags if t.strip())])),
        difficulty=attrs.difficulty if attrs.difficulty is not None else fm.difficulty,
        shuffle=attrs.shuffle if attrs.shuffle is not None else fm.shuffle,
        scoring=attrs.scoring if attrs.scoring is not None else fm.scoring,
        case_sensitive=attrs.case == "sensitive", unit=attrs.unit, lines=attrs.lines,
        points_col=columns.get("points", 1) if attrs.points is not None else None, idnumber=attrs.idnumber)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading builds large trees without cycles, and
    repeated full collections over them cost a third of the reading time on big banks."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_bank(path: str | Path, *, renderer: render.Renderer | None = None) -> tuple[Bank | None, list[dg.Diagnostic]]:
    """Read one bank. The bank is None when nothing usable could be read."""
    with _gc_paused():
        return _read_bank(path, renderer if renderer is not None else render.shared())


def _read_bank(path: str | Path, renderer: render.Renderer) -> tuple[Bank | None, list[dg.Diagnostic]]:
    file = str(path)
    ctx = Context(file=file, folder=Path(path).resolve().parent, renderer=renderer)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        ctx.report("E003", f"cannot read the file: {exc.strerror or exc}", 1, hint="check the path and permissions")
        return None, ctx.diagnostics
    text = decode(ctx, data)
    if text is None:
        return None, ctx.diagnostics
    raw_lines = text.split("\n")
    fm_result = frontmatter.read(file, raw_lines)
    ctx.diagnostics.extend(fm_result.diagnostics)
    ctx.allowances.extend(fm_result.allowances)
    fm = fm_result.data or frontmatter.FrontMatter(title=Path(file).stem)

    body = [Line(k + 1, 1, raw_lines[k].replace("\t", "    ")) for k in range(fm_result.body_start, len(raw_lines))]
    mask, open_fence = scan_fences(body)
    if open_fence is not None:
        ctx.report("E209", "code block is never closed: everything after it is read as code",
                   open_fence.number, 1, hint=f"close it with a `{open_fence.text.strip()[:3]}` line")
    intro: list[Line] = []
    blocks: list[tuple[Line, list[Line], str | None]] = []
    groups: list[Group] = []
    current_group: str | None = None
    stray: list[Line] = []
    for line, fenced in zip(body, mask, strict=True):
        text_line = line.text
        if not fenced and text_line.startswith("##") and _NO_SPACE_HEADING.match(text_line):
            marker = text_line[:len(text_line) - len(text_line.lstrip("#"))]
            what = "a question" if marker == "##" else "a section"
            ctx.report("E213", f"`{text_line.strip()[:40]}` is not a heading: a space is missing after `{marker}`, "
                       f"so it is not {what} but text", line.number, 1,
                       hint=f"write `{marker} {text_line[len(marker):].strip()[:40]}`", end_col=len(marker) + 2)
        if not fenced and re.match(r"^#{1,2} ", text_line):
            if text_line.startswith("## "):
                blocks.append((line, [], current_group))
                continue
            new_group = _group(ctx, line, len(groups))
            if new_group is None:  # `# {.end}`: the questions after it belong to no group
                current_group = None
                continue
            groups.append(new_group)
            current_group = new_group.id
            continue
        if blocks and (not groups or blocks[-1][2] == current_group):
            blocks[-1][1].append(line)
        elif groups:
            stray.append(line)
        else:
            intro.append(line)
    if fragments.trim(stray):
        first = fragments.trim(stray)[0]
        ctx.report("E205", "text between a group heading and its first question belongs to no question",
                   first.number, 1, hint="move it into a question, or into the bank's description")

    description = fm.description
    description_fragment = None
    if fragments.trim(intro):
        if description:
            ctx.report("E205", "text before the first question, and a `description` in the front matter",
                       fragments.trim(intro)[0].number, 1,
                       hint="keep one: the introduction text is the bank's description")
        description_fragment = fragments.make(ctx, intro)[0]
    elif description:
        description_fragment = fragments.make(ctx, [Line(1, 1, line) for line in description.splitlines()])[0]

    built: list[Question] = []
    seen: dict[str, int] = {}
    by_id = {g.id: g for g in groups}
    variant_sets: list[Group] = []
    budget = varied.Budget()  # what this bank may spend on variants
    for line, lines, group in blocks:
        question = _question(ctx, line, lines, by_id.get(group) if group else None, fm, seen, by_id, budget)
        if isinstance(question, varied.Varied):  # a varied question: its variants, in a pool of their own
            built.extend(question.questions)
            variant_sets.append(question.group)
        elif question is not None:
            built.append(question)
    if not blocks and not any(d.code in ("E101", "E102", "E213") for d in ctx.diagnostics):
        sections = any(ln.text.startswith("### ") for ln, fenced in zip(body, mask, strict=True) if not fenced)
        ctx.report("E201", "bank has no questions", fm_result.body_start + 1, 1,
                   hint="start each question with a `## Title` heading"
                        + ("; `### ` starts a section inside a question (`### Explanation`)" if sections else ""))
    bank = Bank(path=file, title=fm.title, description=description_fragment, author=fm.author,
                subjects=tuple(fm.subjects), tags=tuple(fm.tags), level=fm.level, difficulty=fm.difficulty,
                language=fm.language, category=fm.category, time_limit=fm.quiz_time_limit, shuffle=fm.shuffle,
                allowed_attempts=fm.allowed_attempts, groups=(*groups, *variant_sets), questions=tuple(built),
                pos=ctx.pos(1, 1), allowances=tuple(ctx.allowances))
    return bank, ctx.diagnostics


def _question(ctx: Context, line: Line, lines: list[Line], group: Group | None, fm: frontmatter.FrontMatter,
              seen: dict[str, int], groups: dict[str, Group], budget: varied.Budget
              ) -> Question | varied.Varied | None:
    heading = parse_heading(ctx, line, line.text[3:], QUESTION_KEYS, offset=3)
    title = _plain_title(ctx, heading.title, line.number)
    explicit = heading.explicit_id
    if explicit is not None and not ID.match(explicit):
        ctx.report("E203", f"invalid question id `{explicit}`", line.number, 1,
                   hint="ids start with a letter and use letters, digits, `-`, `_` and `.` only")
        return None
    qid = explicit or slug(title) or f"q{len(seen) + 1}"
    if NOT_XML.search(line.text):
        ctx.report("E601", "the heading holds a control character XML cannot carry", line.number, 1,
                   hint="delete it")
    if not title:
        ctx.report("E207", "question heading has no title", line.number, 1,
                   hint="write the question's title after `## `")
    if qid in seen:
        ctx.report("E202", f"duplicate question id `{qid}` (first at line {seen[qid]})", line.number, 1,
                   hint="give one of them an explicit id: `## Title {#another-id}`")
        return None
    seen[qid] = line.number
    start = len(ctx.diagnostics)
    attrs = _validated(ctx, line, heading, QuestionAttributes, "E204", QUESTION_HINTS)
    _allowances(ctx, line, heading, attrs.allow, "E204", question=qid)
    if group is not None and group.points_per_question is not None and attrs.points is not None \
            and attrs.points != group.points_per_question:
        ctx.report("E212", f"question `{qid}` sets points={heading.attributes['points']}, but its group "
                   f"`{group.id}` makes each of its questions worth {group.points_per_question}", line.number,
                   heading.columns.get("points", 1),
                   hint="keep one: remove `points=` from the question, or from the group heading")
    settings = _settings(attrs, fm, heading.columns)
    if attrs.variants is not None or varied.has_vars_block(lines):
        built: Question | varied.Varied | None = varied.expand(
            ctx, qid, title, line, lines, settings, attrs.variants, parent=group, groups=groups,
            seed=varied.seed_of(fm), seen=seen, build=questions.build, budget=budget)
    else:
        built = questions.build(ctx, qid, title, line, lines, settings, group.id if group else None)
    # What was found from the heading on is about this question (its `allow=` can acknowledge it).
    ctx.diagnostics[start:] = [d if d.question is not None else replace(d, question=qid)
                               for d in ctx.diagnostics[start:]]
    return built


def _plain_title(ctx: Context, title: str, line: int) -> str:
    """Titles are plain text, which some LMSs show as HTML: tags in one are removed (W104)."""
    if not re.search(r"<[a-zA-Z/!?]", title):
        return title
    plain = html.unescape(nh3.clean(title, tags=set()))
    if plain != title:
        ctx.report("W104", f"HTML removed from the title (titles are plain text): now `{plain}`", line, 1,
                   hint="write the title as plain text; use Markdown in the question's text")
    return plain


def _group(ctx: Context, line: Line, index: int) -> Group | None:
    """The group a ``#`` heading starts, or None for ``# {.end}`` (which ends the current one)."""
    heading = parse_heading(ctx, line, line.text[2:], GROUP_KEYS, "E208", classes=("end",), offset=2)
    if "end" in heading.classes:
        if heading.attributes or heading.explicit_id:
            ctx.report("E208", "`{.end}` ends a group: it takes no id or other attributes", line.number, 1,
                       hint="write `# {.end}` on a line of its own; start a new group with its own heading")
        return None
    title = _plain_title(ctx, heading.title, line.number)
    if NOT_XML.search(line.text):
        ctx.report("E601", "the group heading holds a control character XML cannot carry", line.number, 1,
                   hint="delete it")
    attrs = _validated(ctx, line, heading, GroupAttributes, "E208", GROUP_HINTS)
    explicit = heading.explicit_id
    gid = explicit if explicit and ID.match(explicit) else (slug(title) or f"group-{index + 1}")
    _allowances(ctx, line, heading, attrs.allow, "E208", group=gid)
    return Group(id=gid, title=title or gid, pick=attrs.pick, points_per_question=attrs.points,
                 pos=ctx.pos(line.number, 1))
