"""Author text in the places Moodle shows it: short-answer patterns, plain-text dropdowns, files."""

from __future__ import annotations

import re

from qbank import render
from qbank.models import Fragment, Image


def shortanswer_pattern(text: str) -> str:
    """An accepted answer as a Moodle short-answer pattern: ``*`` is Moodle's wildcard, ``\\*`` a star."""
    return text.replace("*", "\\*")


def plain_with_math(renderer: render.Renderer, fragment: Fragment) -> str:
    """Plain text for a place Moodle shows in a drop-down: math as ``\\(...\\)`` source."""
    return renderer.plain(fragment, math=lambda m: f"\\[{m.latex}\\]" if m.display else f"\\({m.latex}\\)")


def plain_loses(renderer: render.Renderer, fragment: Fragment) -> bool:
    """Whether showing ``fragment`` as plain text loses something (math typesetting, images, markup)."""
    if fragment.math or fragment.images:
        return True
    html_text = renderer.html(fragment, inline=True)
    return bool(re.search(r"<[a-zA-Z]", html_text))


def images_of(*fragments: Fragment | None) -> list[Image]:
    found: list[Image] = []
    for fragment in fragments:
        if fragment is not None:
            found.extend(fragment.images)
    return found
