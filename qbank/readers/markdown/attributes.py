"""Heading attributes in Pandoc's form: ``Title {#id key=value key="two words"}``.

This module only splits the heading (keeping where each attribute is written, so a problem
is reported at its own column); :mod:`.settings` validates the values.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field
from functools import cache

from .context import Context, Line

ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
# One attribute: runs of unquoted text and quoted strings, as a shell splits words.
_TOKEN = re.compile(r"""(?:[^\s"']+|"[^"]*"|'[^']*')+""")
_CURLY = re.compile("[\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb]")


@dataclass
class Heading:
    """A heading's title, its explicit ``#id`` (if any) and its ``key=value`` attributes."""

    title: str
    explicit_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # key -> 1-based column of the attribute
    classes: set[str] = field(default_factory=set)


def _tokens(text: str) -> tuple[list[tuple[int, str]], int | None]:
    """``(offset, raw token)`` of each attribute, and the offset of an unclosed quote (or None)."""
    found = [(m.start(), m.group()) for m in _TOKEN.finditer(text)]
    rest = _TOKEN.sub(lambda m: " " * len(m.group()), text)
    quote = re.search("[\"']", rest)
    return found, quote.start() if quote else None


def _merge_yaml_style(tokens: list[tuple[int, str]]) -> list[tuple[int, str, str | None]]:
    """Join ``key: value``, ``key = value``, ``key= value`` and ``key =value`` into one
    ``key=value`` token, remembering how it was written (the third item) to report it."""
    merged: list[tuple[int, str, str | None]] = []
    k = 0
    while k < len(tokens):
        offset, token = tokens[k]
        nxt = tokens[k + 1][1] if k + 1 < len(tokens) else None
        after = tokens[k + 2][1] if k + 2 < len(tokens) else None
        key_like = re.fullmatch(r"[A-Za-z][\w-]*", token.rstrip(":="))
        if key_like and token.endswith((":", "=")) and token.count("=") <= 1 and nxt is not None \
                and "=" not in nxt and not nxt.startswith("#"):
            merged.append((offset, f"{token.rstrip(':=')}={nxt}", f"{token} {nxt}"))
            k += 2
        elif key_like and "=" not in token and nxt == "=" and after is not None:
            merged.append((offset, f"{token}={after}", f"{token} = {after}"))
            k += 3
        elif key_like and "=" not in token and nxt is not None and nxt.startswith("=") and len(nxt) > 1:
            merged.append((offset, f"{token}{nxt}", f"{token} {nxt}"))
            k += 2
        else:
            merged.append((offset, token, None))
            k += 1
    return merged


@cache
def _is_attributes(keys: tuple[str, ...]) -> re.Pattern[str]:
    """`{...}` ending a heading is attributes when it holds an id, a class, a `=`, or a known key
    written YAML-style (`{points: 2}`); anything else (`## Sets {1, 2}`) is part of the title."""
    return re.compile(r"\s*[#.]|.*=|\s*(?:" + "|".join(re.escape(k) for k in keys) + r")\s*:")


def parse_heading(ctx: Context, line: Line, text: str, keys: tuple[str, ...], code: str = "E204",
                  classes: tuple[str, ...] = (), offset: int = 0) -> Heading:
    """Split ``Title {#id .class key=value}``; unknown keys or classes and unreadable attributes
    are reported as ``code``. ``classes``: the ``.class`` names this kind of heading takes.

    ``text`` is the heading after its ``#`` marker, which starts ``offset`` characters into the line.
    """
    match = ATTRS.search(text) if "{" in text else None
    if not match or not _is_attributes(keys).match(match.group(1)):
        return Heading(text.strip())
    inner_start = line.col + offset + match.start() + match.group(0).index("{") + 1
    heading = Heading(text[:match.start()].strip())
    tokens, unclosed = _tokens(match.group(1))
    if unclosed is not None:
        ctx.report(code, "attributes cannot be read: a quote is never closed", line.number, inner_start + unclosed,
                   hint='close the quote: {tags="a b"}')
        return heading
    curly_reported = False
    for start, token, written in _merge_yaml_style(tokens):
        col = inner_start + start
        if written is not None:
            ctx.report(code, f"`{written}` is not how an attribute is written", line.number, col,
                       hint=f"write `{token}` (`key=value`, no `:` and no spaces around `=`)",
                       end_col=col + len(written))
        if _CURLY.search(token):
            if not curly_reported:  # one mistake (a word processor's quotes), one error
                ctx.report(code, f"`{token}` has typographic quotes, which are not quotes here", line.number, col,
                           hint='write straight quotes: {tags="a b"} (word processors replace them)',
                           end_col=col + len(token))
            curly_reported = True
            continue
        try:
            parts = shlex.split(token) if "'" in token or '"' in token or "\\" in token else [token]
        except ValueError as exc:
            ctx.report(code, f"attributes cannot be read: {exc}", line.number, col,
                       hint='quote values with spaces: {tags="a b"}')
            continue
        value_token = parts[0] if parts else token
        if value_token.startswith("#"):
            heading.explicit_id = value_token[1:]
        elif value_token.startswith(".") and "=" not in value_token:
            if value_token[1:] in classes:
                heading.classes.add(value_token[1:])
            else:
                ctx.report(code, f"unknown class `{value_token}`", line.number, col,
                           hint=f"this heading takes {', '.join('.' + c for c in classes)}" if classes
                           else "write attributes as `key=value`, and the id as `#id`", end_col=col + len(token))
        elif "=" in value_token:
            key, value = value_token.split("=", 1)
            key = key.strip().lower()
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
                ctx.report(code, f"unknown attribute `{key}`", line.number, col,
                           hint=f"did you mean `{close[0]}`?" if close else f"attributes: {', '.join(keys)}",
                           end_col=col + len(key))
            else:
                heading.attributes[key] = value
                heading.columns[key] = col
        else:
            ctx.report(code, f"attribute `{value_token}` has no value", line.number, col,
                       hint="write attributes as `key=value`, and the id as `#id`", end_col=col + len(token))
    return heading
