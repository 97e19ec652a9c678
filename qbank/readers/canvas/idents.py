"""qbank's own Canvas idents, read back: the bank key, question ids and group ids they encode.

qbank's Canvas target writes ``qbank_<safe id>_<digest>``, where the safe id is the id with
every run of characters other than letters, digits and ``_`` turned into ``_`` and the digest
is the start of a SHA-256 of the bank's key and the id (``exporters/canvas/text.py``). The
spellings the safe form can stand for are tried, and the one whose digest matches is the id:
a package from qbank imports with the ids it was written from, so exporting it again gives the
same idents.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator

__all__ = ["QBANK_IDENT", "recover", "recover_key"]

QBANK_IDENT = re.compile(r"^qbank_(?P<safe>\w*?)_(?P<digest>[0-9a-f]{8})$")
_GROUP_IDENT = re.compile(r"^qbank_group_(?P<safe>\w*?)_(?P<digest>[0-9a-f]{8})$")
_MAX_CANDIDATES = 20_000
_STANDS_FOR = ("_", "-", ".", " ")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _spellings(safe: str, choices: tuple[str, ...]) -> Iterator[str]:
    """Every text whose safe form is ``safe`` with one character per ``_`` (bounded)."""
    slots = safe.count("_")
    if len(choices) ** slots > _MAX_CANDIDATES:
        yield safe
        return
    pieces = safe.split("_")
    for chosen in itertools.product(choices, repeat=slots):
        yield pieces[0] + "".join(c + p for c, p in zip(chosen, pieces[1:], strict=True))


def recover_key(ident: str, hints: tuple[str, ...] = ()) -> str | None:
    """The bank key (file stem) of a qbank assessment ident, or None when it is not one."""
    match = QBANK_IDENT.match(ident)
    if match is None:
        return None
    digest = match.group("digest")
    for candidate in (*hints, *_spellings(match.group("safe"), _STANDS_FOR)):
        if _digest("assessment/" + candidate) == digest:
            return candidate
    return None


def recover(ident: str, key: str, *, group: bool = False) -> str | None:
    """The qbank question id (``group``: group id) an ident of bank ``key`` was made from."""
    match = (_GROUP_IDENT if group else QBANK_IDENT).match(ident)
    if match is None:
        return None
    digest = match.group("digest")
    prefix = f"{key}/group/" if group else f"{key}/"
    for candidate in _spellings(match.group("safe"), _STANDS_FOR[:3]):
        if _digest(prefix + candidate) == digest:
            return candidate
    return None
