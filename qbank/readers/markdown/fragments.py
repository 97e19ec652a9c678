"""Turns source lines into :class:`~qbank.models.Fragment` objects with exact positions."""

from __future__ import annotations

import os
from urllib.parse import unquote

from qbank.models import Fragment, Image, Math

from .checks import check_fragment
from .context import Context, Line, RawBlank
from .scan import SourceText, scan


def trim(lines: list[Line]) -> list[Line]:
    start, end = 0, len(lines)
    while start < end and not lines[start].text.strip():
        start += 1
    while end > start and not lines[end - 1].text.strip():
        end -= 1
    return lines[start:end]


def make(ctx: Context, lines: list[Line], *, blanks: bool = False,
         at: tuple[int, int] | None = None) -> tuple[Fragment, list[RawBlank]]:
    """A fragment from ``lines``; also returns the raw blanks found when ``blanks`` is set."""
    lines = trim(lines)
    if not lines:
        line, col = at or (1, 1)
        return Fragment(source="", template="", pos=ctx.pos(line, col)), []
    source = SourceText("\n".join(ln.text for ln in lines), tuple((ln.number, ln.col) for ln in lines))
    result = scan(source.text, blanks=blanks)
    for problem in result.problems:
        line, col = source.locate(problem.offset)
        ctx.report(problem.code, problem.message, line, col, hint=problem.hint, end_col=col + 1)

    maths = []
    for found in result.math:
        line, col = source.locate(found.start)
        maths.append(Math(latex=found.content, display=found.display, pos=ctx.pos(line, col)))
    images = []
    for found in result.images:
        line, col = source.locate(found.start)
        target = found.content
        resolved = _image_path(ctx, target) if target else ""
        images.append(Image(src=target, path=resolved, alt=found.alt.strip(), title=found.title,
                            pos=ctx.pos(line, col)))
    first = lines[0]
    fragment = Fragment(source=source.text, template=result.template, pos=ctx.pos(first.number, first.col),
                        math=tuple(maths), images=tuple(images), blanks=len(result.blanks))
    check_fragment(fragment, ctx)
    raw_blanks = [RawBlank(b.content, *source.locate(b.start)) for b in result.blanks]
    return fragment, raw_blanks


def _image_path(ctx: Context, target: str) -> str:
    """The file an image target names: CommonMark URL-encodes a path (`my%20plot.svg` is
    `my plot.svg`), so it is decoded first; a file whose name really holds the `%` still wins."""
    raw = os.path.normpath(ctx.folder / target)
    if "%" not in target:
        return raw
    decoded = unquote(target)
    if "\x00" in decoded or (os.path.exists(raw) and not os.path.exists(ctx.folder / decoded)):
        return raw
    return os.path.normpath(ctx.folder / decoded)


def plain(ctx: Context, line: Line) -> Fragment:
    """A one-line fragment (a title, an answer) scanned for math like any other."""
    fragment, _ = make(ctx, [line])
    return fragment
