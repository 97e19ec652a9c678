"""The source reader: one Markdown bank file → a :class:`~qbank.models.Bank` plus diagnostics.

File layout: YAML front matter, optional introduction (the bank's description), then
questions, each under a ``##`` heading. A ``#`` heading starts a group of questions (a pool
when it says ``{pick=N}``). Heading attributes use Pandoc's ``{#id key=value}`` form, which
GitHub shows as plain text.
"""

from __future__ import annotations

import difflib
import gc
import html
import re
import shlex
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

import nh3

from qbank import diagnostics as dg
from qbank import fragments, frontmatter, questions
from qbank.answers import fenced_mask, unclosed_fence
from qbank.durations import parse_duration
from qbank.fragments import Context, Line
from qbank.models import Bank, Group, Question
from qbank.textrules import XML_FORBIDDEN

MAX_BYTES = 4 * 1024 * 1024
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
QUESTION_KEYS = ("type", "points", "time", "tags", "shuffle", "difficulty", "case", "unit", "lines", "scoring")
GROUP_KEYS = ("pick", "points")
TRUE_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def slug(text: str) -> str:
    text = re.sub(r"[$\\{}]", " ", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    words = words[:60].rstrip("-")
    if words and not words[0].isalpha():
        words = "q-" + words
    return words


def _decode(ctx: Context, data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        ctx.report("E005", f"file is {len(data) / 1048576:.1f} MiB; banks are limited to "
                   f"{MAX_BYTES // 1048576} MiB", 1, hint="split the bank, or move large content into images")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        ctx.report("E001", "file is UTF-16, not UTF-8", 1, 1,
                   hint="save the file as UTF-8 (most editors: 'Save with encoding')")
        return None
    if b"\x00" in data:
        at = data.index(b"\x00")
        ctx.report("E004", "file contains NUL bytes: it is binary, not a Markdown bank",
                   data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at),
                   hint="pass only Markdown (.md) question banks")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # Columns count characters (as editors do), not bytes, and not the byte-order mark.
        before = data[data.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8").removeprefix("\ufeff")
        col = len(before) + 1
        ctx.report("E001", f"byte 0x{data[exc.start]:02x} is not valid UTF-8", line, col,
                   hint="save the file as UTF-8 (most editors: 'Save with encoding')")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        ctx.report("E002", "file is empty", 1, hint="start with front matter and a `## question` heading")
        return None
    return text


def _parse_attrs(ctx: Context, line: Line, text: str, keys: tuple[str, ...]) -> tuple[str, str | None, dict[str, str]]:
    """Split ``Title {#id key=value}`` into title, explicit id and attributes."""
    match = ATTRS.search(text)
    if not match or not re.match(r"\s*[#.]|.*=", match.group(1)):
        return text.strip(), None, {}
    col = line.col + match.start() + match.group(0).index("{") + 1
    try:
        tokens = shlex.split(match.group(1))
    except ValueError as exc:
        ctx.report("E204", f"attributes cannot be read: {exc}", line.number, col,
                   hint='quote values with spaces: {tags="a b"}')
        return text[:match.start()].strip(), None, {}
    explicit: str | None = None
    attrs: dict[str, str] = {}
    for token in tokens:
        if token.startswith("#"):
            explicit = token[1:]
        elif "=" in token:
            key, value = token.split("=", 1)
            key = key.strip().lower()
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                ctx.report("E204", f"unknown attribute `{key}`", line.number, col,
                           hint=f"did you mean `{close[0]}`?" if close else f"attributes: {', '.join(keys)}")
            else:
                attrs[key] = value
        else:
            ctx.report("E204", f"attribute `{token}` has no value", line.number, col,
                       hint="write attributes as `key=value`, and the id as `#id`")
    return text[:match.start()].strip(), explicit, attrs


def _settings(ctx: Context, line: Line, attrs: dict[str, str], fm: frontmatter.FrontMatter) -> questions.Settings:
    def bad(key: str, hint: str) -> None:
        ctx.report("E204", f"`{key}={attrs[key]}` is not valid", line.number, 1, hint=hint)

    qtype = None
    if "type" in attrs:
        qtype = questions.TYPE_ALIASES.get(attrs["type"].lower())
        if qtype is None:
            close = difflib.get_close_matches(attrs["type"].lower(), questions.TYPE_ALIASES, n=1)
            bad("type", (f"did you mean `{close[0]}`? " if close else "")
                + "types: " + ", ".join(sorted(set(questions.TYPE_ALIASES.values()))))
    points = fm.points
    if "points" in attrs:
        try:
            given = Decimal(attrs["points"])
            if not given.is_finite():
                raise InvalidOperation
            points = given
        except InvalidOperation:
            bad("points", "write a number, e.g. points=2 or points=0.5")
    time_limit = parse_duration(str(fm.time_limit)) if fm.time_limit is not None else None
    if "time" in attrs:
        time_limit = parse_duration(attrs["time"])
        if time_limit is None:
            ctx.report("E321", f"`time={attrs['time']}` is not a duration", line.number, 1,
                       hint="write e.g. time=15min, time=90s or time=1h")
    shuffle = fm.shuffle
    if "shuffle" in attrs:
        if attrs["shuffle"].lower() not in TRUE_WORDS:
            bad("shuffle", "write shuffle=true or shuffle=false")
        shuffle = TRUE_WORDS.get(attrs["shuffle"].lower(), shuffle)
    case = attrs.get("case", "insensitive").lower()
    if case not in ("sensitive", "insensitive"):
        bad("case", "write case=sensitive or case=insensitive")
    scoring = attrs.get("scoring", fm.scoring)
    if scoring not in ("penalty", "no-penalty"):
        bad("scoring", "write scoring=penalty or scoring=no-penalty")
        scoring = fm.scoring
    lines = 10
    if "lines" in attrs:
        if attrs["lines"].isdigit() and 0 < int(attrs["lines"]) <= 100:
            lines = int(attrs["lines"])
        else:
            bad("lines", "write the essay box height in lines, 1 to 100")
    tags = tuple(dict.fromkeys([*fm.tags, *(t.strip() for t in attrs.get("tags", "").split(",") if t.strip())]))
    return questions.Settings(type=qtype, points=points, time_limit=time_limit, tags=tags,
                              difficulty=attrs.get("difficulty", fm.difficulty), shuffle=shuffle, scoring=scoring,
                              case_sensitive=case == "sensitive", unit=attrs.get("unit"), lines=lines)


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


def read_bank(path: str | Path) -> tuple[Bank | None, list[dg.Diagnostic]]:
    """Read one bank. The bank is None when nothing usable could be read."""
    with _gc_paused():
        return _read_bank(path)


def _read_bank(path: str | Path) -> tuple[Bank | None, list[dg.Diagnostic]]:
    file = str(path)
    ctx = Context(file=file, folder=Path(path).resolve().parent)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        ctx.report("E003", f"cannot read the file: {exc.strerror or exc}", 1, hint="check the path and permissions")
        return None, ctx.diagnostics
    text = _decode(ctx, data)
    if text is None:
        return None, ctx.diagnostics
    raw_lines = text.split("\n")
    fm_result = frontmatter.read(file, raw_lines)
    ctx.diagnostics.extend(fm_result.diagnostics)
    fm = fm_result.data or frontmatter.FrontMatter(title=Path(file).stem)

    body = [Line(k + 1, 1, raw_lines[k].replace("\t", "    ")) for k in range(fm_result.body_start, len(raw_lines))]
    mask = fenced_mask(body)
    open_fence = unclosed_fence(body)
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
        if not fenced and re.match(r"^#{1,2} ", text_line):
            if text_line.startswith("## "):
                blocks.append((line, [], current_group))
            else:
                new_group = _group(ctx, line, len(groups), fm)
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
    for heading, lines, group in blocks:
        raw_title, explicit, attrs = _parse_attrs(ctx, heading, heading.text[3:], QUESTION_KEYS)
        title = _plain_title(ctx, raw_title, heading.number)
        if explicit is not None and not ID.match(explicit):
            ctx.report("E203", f"invalid question id `{explicit}`", heading.number, 1,
                       hint="ids start with a letter and use letters, digits, `-`, `_` and `.` only")
            continue
        qid = explicit or slug(title) or f"q{len(seen) + 1}"
        if XML_FORBIDDEN.search(heading.text):
            ctx.report("E601", "the heading holds a control character XML cannot carry", heading.number, 1,
                       hint="delete it")
        if not title:
            ctx.report("E207", "question heading has no title", heading.number, 1,
                       hint="write the question's title after `## `")
        if qid in seen:
            ctx.report("E202", f"duplicate question id `{qid}` (first at line {seen[qid]})", heading.number, 1,
                       hint="give one of them an explicit id: `## Title {#another-id}`")
            continue
        seen[qid] = heading.number
        settings = _settings(ctx, heading, attrs, fm)
        question = questions.build(ctx, qid, title, heading, lines, settings, group)
        if question is not None:
            built.append(question)
    if not blocks and not any(d.code in ("E101", "E102") for d in ctx.diagnostics):
        ctx.report("E201", "bank has no questions", fm_result.body_start + 1, 1,
                   hint="start each question with a `## Title` heading")
    time_limit = parse_duration(str(fm.quiz_time_limit)) if fm.quiz_time_limit is not None else None
    bank = Bank(path=file, title=fm.title, description=description_fragment, author=fm.author,
                subjects=tuple(fm.subjects), tags=tuple(fm.tags), level=fm.level, difficulty=fm.difficulty,
                language=fm.language, category=fm.category, time_limit=time_limit, shuffle=fm.shuffle,
                allowed_attempts=fm.allowed_attempts, groups=tuple(groups), questions=tuple(built),
                pos=ctx.pos(1, 1))
    return bank, ctx.diagnostics


def _plain_title(ctx: Context, title: str, line: int) -> str:
    """Titles are plain text, which some LMSs show as HTML: tags in one are removed (W104)."""
    if not re.search(r"<[a-zA-Z/!?]", title):
        return title
    plain = html.unescape(nh3.clean(title, tags=set()))
    if plain != title:
        ctx.report("W104", f"HTML removed from the title (titles are plain text): now `{plain}`", line, 1,
                   hint="write the title as plain text; use Markdown in the question's text")
    return plain


def _group(ctx: Context, line: Line, index: int, fm: frontmatter.FrontMatter) -> Group:
    title, explicit, attrs = _parse_attrs(ctx, line, line.text[2:], GROUP_KEYS)
    title = _plain_title(ctx, title, line.number)
    if XML_FORBIDDEN.search(line.text):
        ctx.report("E601", "the group heading holds a control character XML cannot carry", line.number, 1,
                   hint="delete it")
    pick = None
    points = None
    if "pick" in attrs:
        if attrs["pick"].isdigit() and int(attrs["pick"]) > 0:
            pick = int(attrs["pick"])
        else:
            ctx.report("E208", f"`pick={attrs['pick']}` is not a positive whole number", line.number, 1,
                       hint="write pick=2 to draw two questions of this group")
    if "points" in attrs:
        try:
            points = Decimal(attrs["points"])
            if not points.is_finite() or points <= 0:
                raise InvalidOperation
        except InvalidOperation:
            ctx.report("E208", f"`points={attrs['points']}` is not a positive number", line.number, 1,
                       hint="write the points each drawn question is worth, e.g. points=2")
    gid = explicit if explicit and ID.match(explicit) else (slug(title) or f"group-{index + 1}")
    return Group(id=gid, title=title or gid, pick=pick, points_per_question=points, pos=ctx.pos(line.number, 1))
