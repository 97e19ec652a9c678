"""Checks on every piece of author text, run as the reader creates it.

Running them at fragment creation (not on the finished model) means a formula or image in a
question that has other errors is still checked: one lint run reports every problem.
"""

from __future__ import annotations

import re

from qbank import assets
from qbank.models import Fragment
from qbank.xhtml import NOT_XML

from .context import Context

# qbank's own placeholders for math, images and blanks (qbank/placeholders.py) while Markdown runs.
RESERVED = re.compile("[\ue000\ue001]")
_RAW_HTML = re.compile(r"<[a-zA-Z!/]|javascript:", re.I)
_OTHER_IMAGE = re.compile(r"<img\b|!\[(?:[^\[\]\\]|\\.)*+\]\s?\[", re.I)  # raw HTML, or ![alt][reference]


def check_fragment(fragment: Fragment, ctx: Context) -> None:
    """Report every problem in ``fragment`` to ``ctx``."""
    report = ctx.report
    for formula in fragment.math:
        for offset, message, hint in ctx.renderer.latex_problems(formula.latex):
            before = formula.latex[:offset]
            line = formula.pos.line + before.count("\n")
            col = (offset - before.rfind("\n")) if "\n" in before else formula.pos.col + offset
            code = "E503" if message == "empty formula" else "E501"
            report(code, message, line, col, hint=hint, end_col=col + 1)
    for image in fragment.images:
        for code, message, hint in assets.problems(image, ctx.folder):
            report(code, message, image.pos.line, image.pos.col, hint=hint)
    bad = NOT_XML.search(fragment.source)
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
        for src in ctx.renderer.foreign_images(fragment):
            report("E403", f"image `{src[:60]}` is not written as `![alt](path)`, so it is not checked or "
                   "packaged; it is removed", fragment.pos.line, fragment.pos.col,
                   hint="write the image as ![alt text](path) with the file in the bank's folder")
    if _RAW_HTML.search(fragment.template):
        removed = ctx.renderer.unsafe_html_removed(fragment)
        if removed:
            report("W104", f"unsafe HTML removed: {', '.join(removed)}", fragment.pos.line, fragment.pos.col,
                   hint="qbank keeps only formatting HTML; scripts and handlers never reach an artifact")
