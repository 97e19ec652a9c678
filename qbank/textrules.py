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
_RAW_HTML = re.compile(r"<[a-zA-Z!/]|javascript:", re.I)

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
    if _RAW_HTML.search(fragment.template):
        removed = render.unsafe_html_removed(fragment)
        if removed:
            report("W104", f"unsafe HTML removed: {', '.join(removed)}", fragment.pos.line, fragment.pos.col,
                   hint="qbank keeps only formatting HTML; scripts and handlers never reach an artifact")
