"""Heading attributes in Pandoc's form: ``Title {#id key=value key="two words"}``.

This module only splits the heading; :mod:`.settings` validates the values.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field

from .context import Context, Line

ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")


@dataclass
class Heading:
    """A heading's title, its explicit ``#id`` (if any) and its ``key=value`` attributes."""

    title: str
    explicit_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)


def parse_heading(ctx: Context, line: Line, text: str, keys: tuple[str, ...], code: str = "E204",
                  classes: tuple[str, ...] = ()) -> Heading:
    """Split ``Title {#id .class key=value}``; unknown keys or classes and unreadable attributes
    are reported as ``code``. ``classes``: the ``.class`` names this kind of heading takes."""
    match = ATTRS.search(text)
    if not match or not re.match(r"\s*[#.]|.*=", match.group(1)):
        return Heading(text.strip())
    col = line.col + match.start() + match.group(0).index("{") + 1
    try:
        tokens = shlex.split(match.group(1))
    except ValueError as exc:
        ctx.report(code, f"attributes cannot be read: {exc}", line.number, col,
                   hint='quote values with spaces: {tags="a b"}')
        return Heading(text[:match.start()].strip())
    heading = Heading(text[:match.start()].strip())
    for token in tokens:
        if token.startswith("#"):
            heading.explicit_id = token[1:]
        elif token.startswith(".") and "=" not in token:
            if token[1:] in classes:
                heading.classes.add(token[1:])
            else:
                ctx.report(code, f"unknown class `{token}`", line.number, col,
                           hint=f"this heading takes {', '.join('.' + c for c in classes)}" if classes
                           else "write attributes as `key=value`, and the id as `#id`")
        elif "=" in token:
            key, value = token.split("=", 1)
            key = key.strip().lower()
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                ctx.report(code, f"unknown attribute `{key}`", line.number, col,
                           hint=f"did you mean `{close[0]}`?" if close else f"attributes: {', '.join(keys)}")
            else:
                heading.attributes[key] = value
        else:
            ctx.report(code, f"attribute `{token}` has no value", line.number, col,
                       hint="write attributes as `key=value`, and the id as `#id`")
    return heading
