"""Question text of a package (Canvas QTI 1.2, QTI 2.1/3.0) as fragments of qbank Markdown.

The HTML goes through the same path as every foreign reader's: formulas in the package's own
forms become delimited LaTeX (:mod:`.mathforms`), images become files of the reader's media
(:mod:`.packagefiles`), and :mod:`.html2md` writes the Markdown the fragment is built from
(:func:`.build.fragment`). What cannot be carried is a diagnostic at the text's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from qbank import render
from qbank.models import Blank, Fragment, Pos

from . import build, mathforms
from .html2md import to_markdown
from .report import Report

__all__ = ["PackageText", "blank_token"]

_BLANK = re.compile("\ue010(\\d+)\ue011")
_UNSAFE_TAG = re.compile(r"<(script|style|iframe|object|embed|form|input|button|textarea|select|link|meta|base|"
                         r"frame|frameset|applet)\b", re.I)
_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.I)
_SCRIPT_URL = re.compile(r"<[^>]*(?:java|vb)script:", re.I)


def blank_token(index: int) -> str:
    """A marker for blank ``index`` that survives the HTML → Markdown conversion."""
    return f"\ue010{index}\ue011"


class PackageText:
    """Converts the HTML of one package; ``images(member)`` resolves image references in ``member``."""

    def __init__(self, report: Report, media: build.Media, renderer: render.Renderer,
                 images: Callable[[str], Callable[[str], str | None]]) -> None:
        self.report = report
        self.media = media
        self.renderer = renderer
        self.images = images

    def fragment(self, html: str, pos: Pos, member: str, what: str,
                 blanks: Sequence[Blank] | None = None, *, stem: bool = False) -> Fragment:
        """The HTML text as a fragment; with ``blanks``, its blank markers become those blanks.
        ``stem``: a question's text, which the answer list follows (see :func:`.html2md.to_markdown`)."""
        def lost(text: str) -> None:
            self.report.add("W703", f"{what}: a MathML formula without a TeX annotation is kept as its text "
                            f"`{text[:40]}`", pos, hint="write the formula in LaTeX after import")

        self._unsafe(html, pos, what)
        html = mathforms.delimit(html, lost)
        converted = to_markdown(html, renderer=self.renderer, image=self.images(member), stem=stem)
        for src in converted.lost_images:
            self.report.add("W701", f"{what}: the image `{src[:80]}` is not a file of the package; it is dropped "
                            "(its alt text stays)", pos, hint="add the image beside the bank and refer to it as "
                            "![alt](file)")
        for code, message, hint in converted.losses():
            self.report.add(code, f"{what}: {message}", pos, hint=hint)
        source = converted.markdown
        if blanks is not None:
            source = _BLANK.sub(lambda m: build.blank_source(blanks[int(m.group(1))]), source)
        return build.fragment(source, pos, self.media, blanks=blanks is not None)

    def _unsafe(self, html: str, pos: Pos, what: str) -> None:
        removed = sorted({f"<{m.group(1).lower()}>" for m in _UNSAFE_TAG.finditer(html)}
                         | {m.group(1).lower() for m in _HANDLER.finditer(html)}
                         | ({"javascript: URL"} if _SCRIPT_URL.search(html) else set()))
        if removed:
            self.report.add("W104", f"{what}: unsafe HTML removed ({', '.join(removed)})", pos,
                            hint="check the text after import")

    def plain(self, text: str, pos: Pos) -> Fragment:
        """Plain text (a Canvas matching answer, a dropdown option) as a fragment that reads the same."""
        return self.fragment(escape(text, quote=False), pos, "", "text")
