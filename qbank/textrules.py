"""Checks on every piece of author text, run as the reader creates it.

Running them at fragment creation (not on the finished model) means a formula or image in a
question that has other errors is still checked: one lint run reports every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from qbank import assets, mathtex, render
from qbank.models import Fragment

# XML 1.0 forbids these characters outright; no target could carry them.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# qbank's own placeholders for math, images and blanks (qbank/placeholders.py) while Markdown runs.
RESERVED = re.compile("[\ue000\ue001]")
_RAW_HTML = re.compile(r"<[a-zA-Z!/]|javascript:", re.I)
_OTHER_IMAGE = re.compile(r"<img\b|!\[(?:[^\[\]\\]|\\.)*+\]\s?\[", re.I)  # raw HTML, or ![alt][reference]

Report = Callable[..., None]


@lru_cache(maxsize=1 << 16)
def _latex_problems(latex: str) -> tuple[tuple[int, str, str], ...]:
    return tuple(mathtex.check(latex))


def check_fragment(fragment: Fragment, folder: object, report: Report) -> None:
    """Report (through ``report(code, message, line, col, hint=...)``) every problem in ``fragment``."""
    for formula in fragment.math:
        for offset, message, hint in _latex_problems(formula.latex):
            before = formula.latex[:offset]
            line = formula.pos.line + before.count("\n")
            col = (offset - before.rfind("\n")) if "\n" in before else formula.pos.col + offset
            code = "E503" if message == "empty formula" else "E501"
            report(code, message, line, col, hint=hint, end_col=col + 1)
    for image in fragment.images:
        for code, message, hint in assets.problems(image, folder):  # type: ignore[arg-type]
            report(code, message, image.pos.line, image.pos.col, hint=hint)
    bad = XML_FORBIDDEN.search(fragment.source)
    if bad:
        before = fragment.source[:bad.start()]
        line = fragment.pos.line + before.count("\n")
        report("E601", f"control character U+{ord(bad.group()):04X} cannot be carried by XML or HTML",
               line, 1, hint="delete it (it is usually pasted in by accident)")
    reserved = RESERVED.search(fragment.source)
    if reserved:
        before = fragment.source[:reserved.start()]
        line = fragment.pos.line + before.count("\n")
        report("E602", f"private-use character U+{ord(reserved.group()):04X} is reserved by qbank", line, 1,
               hint="delete it (icon fonts use such characters; write the symbol another way)")
    if _OTHER_IMAGE.search(fragment.template):
        for src in render.foreign_images(fragment):
            report("E403", f"image `{src[:60]}` is not written as `![alt](path)`, so it is not checked or "
                   "packaged; it is removed", fragment.pos.line, fragment.pos.col,
                   hint="write the image as ![alt text](path) with the file in the bank's folder")
    if _RAW_HTML.search(fragment.template):
        removed = render.unsafe_html_removed(fragment)
        if removed:
            report("W104", f"unsafe HTML removed: {', '.join(removed)}", fragment.pos.line, fragment.pos.col,
                   hint="qbank keeps only formatting HTML; scripts and handlers never reach an artifact")
