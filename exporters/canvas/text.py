"""Text for Canvas: math in the chosen form, package images, plain text for dropdowns, idents.

Canvas keeps question text as HTML and runs it through its own sanitiser on import; image
``src`` values are URL-decoded and matched against the package's files, so images are
written the way Canvas's own exports write them: ``%24IMS-CC-FILEBASE%24/images/<name>``.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from pathlib import Path
from urllib.parse import quote

from qbank import render
from qbank.assets import AssetTable
from qbank.models import Bank, Fragment, Image, Math

MATH_MODES = ("equation-image", "mathjax", "mathml")
IMAGE_FOLDER = "images"


def equation_image(formula: Math) -> str:
    """Canvas's equation-editor form: an ``<img class="equation_image">`` that Canvas renders itself.

    Canvas's page script reads the LaTeX back from the URL path and decodes it twice, which
    is why the path is quoted twice (a single quote breaks formulas holding ``%``). A display
    formula is the same image, on a line of its own.
    """
    latex = formula.latex
    path = quote(quote(latex, safe=""), safe="")
    text = escape(latex)
    style = ' style="display: block; margin-left: auto; margin-right: auto;"' if formula.display else ""
    return (f'<img class="equation_image" title="{text}" src="/equation_images/{path}?scale=1" '
            f'alt="LaTeX: {text}" data-equation-content="{text}" data-ignore-a11y-check=""{style} />')


def mathjax(formula: Math) -> str:
    """``\\(...\\)`` inline, ``$$...$$`` display.

    Canvas loads MathJax only when a page's text holds ``\\(`` or ``$$``, so display math is
    written with ``$$`` (a page whose only formula is ``\\[...\\]`` would stay untypeset).
    """
    latex = escape(formula.latex, quote=False)
    return f"$${latex}$$" if formula.display else f"\\({latex}\\)"


def math_function(mode: str, renderer: render.Renderer) -> render.MathFn:
    if mode == "equation-image":
        return equation_image
    if mode == "mathml":
        return lambda formula: renderer.mathml(formula.latex, formula.display)
    return mathjax


def image_src(name: str) -> str:
    """The ``src`` Canvas resolves to the package file ``images/<name>`` (escaped for HTML)."""
    return escape(f"%24IMS-CC-FILEBASE%24/{IMAGE_FOLDER}/{quote(name)}")


class TextWriter:
    """Renders fragments for one package, collecting the images they use."""

    def __init__(self, math_mode: str, renderer: render.Renderer) -> None:
        self.renderer = renderer
        self.math = math_function(math_mode, renderer)
        self.assets = AssetTable()

    def _image(self, image: Image) -> str:
        return image_src(self.assets.add(image))

    def html(self, fragment: Fragment, *, inline: bool = False, blank: render.BlankFn | None = None) -> str:
        return self.renderer.html(fragment, math=self.math, image=self._image, blank=blank, inline=inline)

    def block(self, fragment: Fragment, blank: render.BlankFn | None = None) -> str:
        """A stem or a piece of feedback, wrapped in a ``<div>`` as Canvas stores it."""
        return f"<div>{self.html(fragment, blank=blank)}</div>"


    def plain(self, fragment: Fragment) -> str:
        """Text for places Canvas shows as plain text (matching answers): math as its LaTeX."""
        return self.renderer.plain(fragment)


def is_plain(renderer: render.Renderer, fragment: Fragment) -> bool:
    """True when the fragment reads the same as plain text (no math, image or formatting)."""
    if fragment.math or fragment.images:
        return False
    html = renderer.html(fragment, inline=True)
    return "<" not in html


# --- identifiers -----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def digest(text: str, size: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def bank_key(bank: Bank) -> str:
    """The bank's file name: idents include it so two banks in one course never collide."""
    return Path(bank.path).stem


def safe_word(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("_") or "x"


def item_ident(bank: Bank, question_id: str) -> str:
    """Stable ident of a question: readable, and unique even when ids differ only in ``-`` vs ``_``."""
    return f"qbank_{safe_word(question_id)}_{digest(bank_key(bank) + '/' + question_id)}"


def answer_base(item: str) -> int:
    """Four digits (1000–9999) that start every answer ident of one item."""
    return int(digest(item), 16) % 9000 + 1000


def assessment_ident(bank: Bank) -> str:
    return f"qbank_{safe_word(bank_key(bank))}_{digest('assessment/' + bank_key(bank))}"


def group_ident(bank: Bank, group_id: str) -> str:
    return f"qbank_group_{safe_word(group_id)}_{digest(bank_key(bank) + '/group/' + group_id)}"


def resource_ident(name: str) -> str:
    return f"qbank_file_{digest(name, 16)}"
