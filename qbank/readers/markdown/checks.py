"""Checks on every piece of author text, run as the reader creates it.

Running them at fragment creation (not on the finished model) means a formula or image in a
question that has other errors is still checked: one lint run reports every problem.
"""

from __future__ import annotations

import re

from qbank import assets
from qbank.models import Fragment
from qbank.xhtml import NOT_XML

from .context import Context, position

# qbank's own placeholders for math, images and blanks (qbank/placeholders.py) while Markdown runs.
RESERVED = re.compile("[\ue000\ue001]")
_CHARACTER_REFERENCE = re.compile(r"&#([xX][0-9A-Fa-f]{1,8}|[0-9]{1,10});")
# Code spans and fenced blocks, where a reference is shown as written.
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)"
                   r"|(`+)(?!`).+?(?<!`)\2(?!`)", re.M | re.S)
_RAW_HTML = re.compile(r"<[a-zA-Z!/]|javascript:", re.I)
_OTHER_IMAGE = re.compile(r"<img\b|!\[(?:[^\[\]\\]|\\.)*+\]\s?\[", re.I)  # raw HTML, or ![alt][reference]
# Lines Markdown may make a heading of inside a fragment: `# x` (after list or quote markers, or
# indented in a list item) and a setext underline (`---` or `===` right under a line of text).
_ATX = re.compile(r"^((?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*| {4,})(#{1,3})(?:[ \t]|$)", re.M)
_SETEXT = re.compile(r"^[ \t]*+\S[^\n]*+\n {0,3}(=++|-++)[ \t]*+$", re.M)
_REMOVED_HEADING = re.compile(r"<h[1-3][ >]")
# Elements sanitising removes on purpose; any other removed "tag" was text that looked like one.
_HTML_ELEMENTS = frozenset(str.split(
    "script style iframe object embed form input button textarea select option optgroup label fieldset link meta "
    "base frame frameset applet svg math video audio source track canvas noscript template html head body title "
    "nav header footer main section article aside figure figcaption picture map area dialog details summary "
    "address center font big small mark q cite dfn time var wbr bdi bdo ruby rt rp data meter progress output "
    "col colgroup caption h1 h2 h3"))
_HTML_HEADING = re.compile(r"<h[1-3]\b[^>]*>", re.I)


def check_fragment(fragment: Fragment, ctx: Context) -> None:
    """Report every problem in ``fragment`` to ``ctx``."""
    report = ctx.report
    for formula in fragment.math:
        for offset, message, hint in ctx.renderer.latex_problems(formula.latex):
            line, col = position(formula.pos, formula.latex, offset)
            code = "E503" if message == "empty formula" else "E501"
            report(code, message, line, col, hint=hint, end_col=col + 1)
    for image in fragment.images:
        for code, message, hint in assets.problems(image, ctx.folder):
            report(code, message, image.pos.line, image.pos.col, hint=hint)
    bad = NOT_XML.search(fragment.source)
    if bad:
        line = position(fragment.pos, fragment.source, bad.start())[0]
        report("E601", f"control character U+{ord(bad.group()):04X} cannot be carried by XML or HTML",
               line, 1, hint="delete it (it is usually pasted in by accident)")
    for line, col, written, code_point in _unrepresentable_references(fragment):
        report("E601", f"`{written}` stands for U+{code_point:04X}, a character XML and HTML cannot carry", line, col,
               hint="delete it, or write `&amp;` for a literal `&` (in code, put it in backticks)",
               end_col=col + len(written))
    reserved = RESERVED.search(fragment.source)
    if reserved:
        line = position(fragment.pos, fragment.source, reserved.start())[0]
        report("E602", f"private-use character U+{ord(reserved.group()):04X} is reserved by qbank", line, 1,
               hint="delete it (icon fonts use such characters; write the symbol another way)")
    if _OTHER_IMAGE.search(fragment.template):
        for src in ctx.renderer.foreign_images(fragment):
            report("E403", f"image `{src[:60]}` is not written as `![alt](path)`, so it is not checked or "
                   "packaged; it is removed", fragment.pos.line, fragment.pos.col,
                   hint="write the image as ![alt text](path) with the file in the bank's folder")
    _headings(fragment, ctx)
    if _RAW_HTML.search(fragment.template):
        removed = ctx.renderer.unsafe_html_removed(fragment)
        if removed:
            unknown = [tag for tag in removed if tag.startswith("<") and tag[1:-1] not in _HTML_ELEMENTS]
            report("W104", f"unsafe HTML removed: {', '.join(removed)}", fragment.pos.line, fragment.pos.col,
                   hint=f"`{unknown[0]}` is no HTML element but is read as one: put code in backticks "
                        "(`#include <stdio.h>`) or write `&lt;` for a literal `<`" if unknown else
                        "qbank keeps only formatting HTML; scripts and handlers never reach an artifact")


def _unrepresentable_references(fragment: Fragment) -> list[tuple[int, int, str, int]]:
    """``(line, column, reference, code point)`` of each ``&#1;``/``&#x1;`` outside code that stands for a
    character XML cannot carry: Markdown and latex2mathml pass such a reference on as the
    character, and no XML target could be written."""
    source = fragment.source
    if "&#" not in source:
        return []
    found = []
    for match in _CHARACTER_REFERENCE.finditer(_CODE.sub(lambda m: " " * len(m.group()), source)):
        digits = match.group(1)
        code_point = int(digits[1:], 16) if digits[0] in "xX" else int(digits)
        if code_point > 0x10FFFF or code_point == 0 or 0xD800 <= code_point <= 0xDFFF \
                or NOT_XML.match(chr(code_point)):
            found.append((*position(fragment.pos, source, match.start()), match.group(), code_point))
    return found


def _headings(fragment: Fragment, ctx: Context) -> None:
    """Each heading inside a question's text (W109): levels 1 to 3 are qbank's own structure and
    sanitising removes them, so the line would lose its `#` and run into the text around it."""
    template = fragment.template
    if "#" not in template and "<h" not in template.lower() and "\n" not in template:
        return  # no heading can be written without one of these
    found = [(m.start(2), f"`{_line_at(template, m.start(2))[:40]}` is a Markdown heading inside the question's "
              "text", "write `\\#` for a literal `#`; a heading inside a question needs `####` or more")
             for m in _ATX.finditer(template)]
    found += [(m.start(1), f"`{m.group(1)}` under a line of text makes that line a Markdown heading",
               "leave an empty line before a `---` rule, or remove the underline") for m in _SETEXT.finditer(template)]
    found += [(m.start(), f"`{m.group()}` is an HTML heading inside the question's text",
               "use `<h4>` or bold text inside a question") for m in _HTML_HEADING.finditer(template)]
    if not found:
        return
    # Only as many as Markdown really made (a `---` may be a list's rule, a `#` may be in code).
    made = len(_REMOVED_HEADING.findall(ctx.renderer.markdown_to_html(template)))
    for offset, message, hint in sorted(found)[:made]:
        line, col = position(fragment.pos, template, offset)
        ctx.report("W109", message + ": qbank removes headings of levels 1 to 3, so its text would run into the "
                   "text around it", line, col, hint=hint)


def _line_at(text: str, offset: int) -> str:
    end = text.find("\n", offset)
    return text[offset:end if end != -1 else len(text)].strip()
