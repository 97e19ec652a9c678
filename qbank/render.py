"""The rendering service: Markdown → sanitised HTML and LaTeX → MathML, each done once.

A fragment's Markdown is rendered once, with its formulas, images and blanks held as
placeholders (:mod:`qbank.placeholders`); each target then puts its own form of them in
place (:meth:`Renderer.html`). Formulas are converted to MathML once (:meth:`Renderer.mathml`).

Both results are pure functions of their text, so a :class:`Renderer` keeps them: in memory
for the process, and, when the build gives it one, in a :class:`Memo` that persists between
builds (:mod:`qbank.build.memo`). The renderer is passed to whoever renders: readers (the
checks that run as fragments are read) and exporters (``Exporter(renderer=...)``). Nothing
replaces module names at run time; a test counts :attr:`Renderer.stats` to see what ran.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from html import escape, unescape
from typing import TYPE_CHECKING, Protocol

from qbank import mathtex, placeholders
from qbank.models import Fragment, Image, Math

if TYPE_CHECKING:
    from lxml import etree

# Markdown, nh3 and lxml are imported where they are first used: `qbank lint` of a bank whose
# text is plain needs none of them, and a command starts sooner without them.

__all__ = [
    "ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "BlankFn", "ImageFn", "MathFn", "Memo", "RenderStats", "Renderer",
    "is_plain_text", "sanitize", "shared", "tex_delimited",
]

# The allow-list for author HTML (and Markdown's own output). Anything else — scripts,
# event handlers, javascript: URLs, iframes, forms — is removed before any target sees it.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "span": {"style"},
    "div": {"style"},
    "pre": {"style"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start"},
}
_CLEAN_KWARGS: dict[str, object] = {
    "tags": ALLOWED_TAGS,
    "attributes": ALLOWED_ATTRIBUTES,
    "url_schemes": {"http", "https", "mailto"},
    "link_rel": None,
    "filter_style_properties": {"color", "background-color", "font-weight", "font-style", "text-align",
                                "border", "padding"},
}

# latex2mathml leaves a bare `&` (an `aligned` column separator, `&` inside \text{}) or `<`
# unescaped in its output now and then; escaped before parsing, so the MathML is always XML.
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_BARE_LESS_THAN = re.compile(r"<(?![A-Za-z/!?])")
_RAW_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]*)\"", re.I)
# A one-line fragment that Markdown and sanitising leave as it is, wrapped in <p>: it starts with
# a letter, a placeholder, a parenthesis or a quote (so no list, heading, quote or code block), and
# holds no character Markdown or the sanitiser would act on (emphasis, code, links, escapes, HTML,
# entities, tables, a no-break space, a line end). Most options and many stems are such text; for
# them the result is computed here (tests/test_render.py checks it equals Markdown's).
_PLAIN_START = re.compile(r"[^\W_\d]|[\ue000(\"']")
_MARKUP = re.compile(r"[\x00-\x1f\x7f\\`*_\[\]<>&!|\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]")

MathFn = Callable[[Math], str]
ImageFn = Callable[[Image], str]
BlankFn = Callable[[int], str]

# Memo tables: what each persistent result is keyed by.
HTML_TABLE = "html"  # fragment template → sanitised HTML
MATHML_TABLE = "mathml"  # "inline"/"block" NUL latex → MathML text
LATEX_TABLE = "latex"  # latex → JSON list of [offset, message, hint] problems


class Memo(Protocol):
    """A persistent store of rendering results, given to a :class:`Renderer` by the build.

    ``get`` returns a result known from an earlier run (or None); ``put`` records a result
    used in this run, whether it was computed now or known already.
    """

    def get(self, table: str, key: str) -> str | None: ...

    def put(self, table: str, key: str, value: str) -> None: ...


@dataclass
class RenderStats:
    """How many results a renderer had to compute (neither in memory nor in its memo)."""

    markdown: int = 0  # fragment templates rendered by Markdown + sanitised
    mathml: int = 0  # formulas converted to MathML
    latex_checks: int = 0  # formulas parsed to check them

    @property
    def total(self) -> int:
        return self.markdown + self.mathml + self.latex_checks


def is_plain_text(template: str) -> bool:
    """Whether Markdown and sanitising would give ``<p>template</p>`` exactly (see ``_PLAIN_START``)."""
    return (_PLAIN_START.match(template) is not None and not template[-1].isspace()
            and _MARKUP.search(template) is None)


def sanitize(html: str) -> str:
    """``html`` reduced to the allow-list above."""
    import nh3

    return nh3.clean(html, **_CLEAN_KWARGS)  # type: ignore[arg-type]


def tex_delimited(m: Math) -> str:
    """``\\(...\\)`` or ``\\[...\\]`` (as HTML text), the form MathJax in Moodle and Canvas reads."""
    latex = escape(m.latex, quote=False)
    return f"\\[{latex}\\]" if m.display else f"\\({latex}\\)"


def _image_src_as_written(image: Image) -> str:
    return escape(image.src)


# A `#` starting a line (after any list or quote markers) with no space after it: `#include`,
# `#1 rule`, `- #tag`. CommonMark (and GitHub) read it as text; Python-Markdown would make it a
# heading, which sanitising then strips (the `#` and the line break vanish). It becomes `&#35;`.
_HASH_WORD = re.compile(r"^((?:(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]?)*)#(?=#*[^\s#])", re.M)
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def literal_hashes(text: str) -> str:
    """``text`` with every line-starting ``#word`` made a literal ``#``, outside fenced code."""
    if "#" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE_LINE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
            elif "#" in line:
                lines[index] = _HASH_WORD.sub(r"\1&#35;", line, count=1)
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and not match.group(2).strip():
            fence = None
    return "\n".join(lines)


class _Markdown:
    """The one Markdown backend (Python-Markdown with the extensions qbank's format uses)."""

    def __init__(self) -> None:
        import markdown

        self._md = markdown.Markdown(
            extensions=["tables", "fenced_code", "codehilite", "sane_lists"],
            extension_configs={"codehilite": {"noclasses": True, "guess_lang": False, "css_class": "highlight"}},
            output_format="xhtml",
        )

    def convert(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(literal_hashes(text))


class Renderer:
    """Renders fragments and formulas, computing each distinct one once.

    ``memo`` (optional) is consulted before computing and told of every result used, so a
    build can keep exactly the results a bank needed. Results also stay in memory for the
    renderer's life, across banks.
    """

    def __init__(self, memo: Memo | None = None) -> None:
        self.memo = memo
        self.stats = RenderStats()
        self._markdown: _Markdown | None = None
        self._known: dict[str, dict[str, str]] = {HTML_TABLE: {}, MATHML_TABLE: {}, LATEX_TABLE: {}}
        self._elements: dict[str, etree._Element] = {}
        self._last_raw = ("", "")  # the last Markdown converted, and its HTML
        self._plain: dict[str, str] = {}  # template -> its text, spaces collapsed (see plain())

    def with_memo(self, memo: Memo | None) -> Renderer:
        """A renderer sharing this one's in-memory results, recording into ``memo``."""
        other = Renderer(memo)
        other._markdown = self._markdown
        other._known = self._known
        other._elements = self._elements
        other._plain = self._plain
        return other

    # --- the cached computations ----------------------------------------------------------

    def _cached(self, table: str, key: str, compute: Callable[[], str]) -> str:
        known = self._known[table]
        value = known.get(key)
        if value is None and self.memo is not None:
            value = self.memo.get(table, key)
        if value is None:
            value = compute()
            if table == HTML_TABLE:
                self.stats.markdown += 1
            elif table == MATHML_TABLE:
                self.stats.mathml += 1
            else:
                self.stats.latex_checks += 1
        known[key] = value
        if self.memo is not None:
            self.memo.put(table, key, value)
        return value

    def markdown_to_html(self, text: str) -> str:
        """Markdown → HTML, unsanitised (for reporting what sanitising removes).

        Only the last result is kept: the reader's checks of one fragment and its rendering ask
        for the same text one after another, and nothing else asks twice.
        """
        if self._last_raw[0] == text and text:
            return self._last_raw[1]
        if self._markdown is None:
            self._markdown = _Markdown()
        raw = self._markdown.convert(text)
        self._last_raw = (text, raw)
        return raw

    def template_html(self, fragment: Fragment) -> str:
        """Sanitised HTML of the fragment, with placeholders where math, images and blanks go."""
        template = fragment.template
        if is_plain_text(template):
            return f"<p>{template}</p>"
        return self._cached(HTML_TABLE, template, lambda: sanitize(self.markdown_to_html(template)))

    def mathml(self, latex: str, display: bool) -> str:
        """MathML for ``latex`` (the LaTeX kept in an annotation), as text."""
        key = f"{'block' if display else 'inline'}\0{latex}"
        return self._cached(MATHML_TABLE, key, lambda: mathtex.to_mathml(latex, display))

    def mathml_element(self, formula: Math) -> etree._Element:
        """The formula as a new MathML ``math`` element (parsed once, copied for each use)."""
        from lxml import etree

        text = self.mathml(formula.latex, formula.display)
        element = self._elements.get(text)
        if element is None:
            try:
                element = etree.fromstring(text)
            except etree.XMLSyntaxError:
                element = etree.fromstring(_BARE_LESS_THAN.sub("&lt;", _BARE_AMPERSAND.sub("&amp;", text)))
            self._elements[text] = element
        return deepcopy(element)

    def latex_problems(self, latex: str) -> list[tuple[int, str, str]]:
        """Problems in a formula, as :func:`qbank.mathtex.check` reports them (its conversion is
        the inline MathML every target then uses, so it is done once)."""
        def compute() -> str:
            return json.dumps(mathtex.check(latex, lambda: self.mathml(latex, False)), ensure_ascii=False)

        text = self._cached(LATEX_TABLE, latex, compute)
        return [(int(offset), str(message), str(hint)) for offset, message, hint in json.loads(text)]

    # --- fragments for targets ------------------------------------------------------------

    def html(self, fragment: Fragment, *, math: MathFn = tex_delimited, image: ImageFn = _image_src_as_written,
             blank: BlankFn | None = None, inline: bool = False) -> str:
        """The fragment as HTML for one target.

        ``image`` returns the (already escaped) value of the ``src`` attribute; ``inline``
        drops the wrapping ``<p>`` of a one-paragraph fragment (options, blanks, titles).
        """
        html = self.template_html(fragment)
        if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return _fill(html, fragment, math, image, blank)

    def plain(self, fragment: Fragment, *, math: MathFn | None = None) -> str:
        """Plain text (no markup) for places a target cannot show HTML: math as its LaTeX."""
        text = self._plain.get(fragment.template)
        if text is None:
            text = self._plain[fragment.template] = self._plain_text(fragment)
        if not text:
            return ""

        def sub(match: re.Match[str]) -> str:
            kind, index = match.group(1), int(match.group(2))
            if kind == placeholders.MATH:
                m = fragment.math[index]
                return math(m) if math else m.latex
            if kind == placeholders.IMAGE:
                return fragment.images[index].alt
            return "_____"

        return placeholders.PATTERN.sub(sub, text)

    def _plain_text(self, fragment: Fragment) -> str:
        if is_plain_text(fragment.template):  # its HTML is <p>template</p>: no markup to remove
            return " ".join(fragment.template.split())
        rendered = self.template_html(fragment)
        if not rendered.strip():
            return ""
        from lxml import html as lxml_html

        return " ".join(lxml_html.fragment_fromstring(rendered, create_parent="div").text_content().split())

    # --- what sanitising does to author HTML (for the reader's checks) ----------------------

    def unsafe_html_removed(self, fragment: Fragment) -> list[str]:
        """Names of the tags/attributes sanitising removed from the author's raw HTML."""
        raw = self.markdown_to_html(fragment.template)
        if raw == self.template_html(fragment):
            return []
        removed: list[str] = []
        for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", raw):
            # Headings of levels 1-3 are removed too, but they are not unsafe: the reader reports them (W109).
            if tag.lower() not in ALLOWED_TAGS and tag.lower() not in ("h1", "h2", "h3") \
                    and f"<{tag.lower()}>" not in removed:
                removed.append(f"<{tag.lower()}>")
        for attr in re.findall(r"\s(on[a-z]+)\s*=", raw, flags=re.I):
            if attr.lower() not in removed:
                removed.append(attr.lower())
        if re.search(r"javascript:", raw, flags=re.I):
            removed.append("javascript: URL")
        return removed

    def html_images(self, fragment: Fragment) -> list[str]:
        """The ``src`` of every raw HTML ``<img>`` that survives sanitising (Markdown images excluded).

        The Markdown reader refuses raw images (E403); a bank built another way may hold them.
        """
        return [unescape(match.group(1)) for match in _RAW_IMG_SRC.finditer(self.template_html(fragment))
                if not match.group(1).startswith(placeholders.OPEN)]

    def foreign_images(self, fragment: Fragment) -> list[str]:
        """The src of every image not written as `![alt](path)` (raw HTML, reference-style)."""
        raw = self.markdown_to_html(fragment.template)
        if "<img" not in raw:
            return []
        from lxml import html as lxml_html

        tree = lxml_html.fragment_fromstring(raw, create_parent="div")
        return [img.get("src", "") for img in tree.iter("img")
                if not placeholders.PATTERN.fullmatch(img.get("src", ""))]


def _fill(html: str, fragment: Fragment, math: MathFn, image: ImageFn, blank: BlankFn | None) -> str:
    def sub(match: re.Match[str]) -> str:
        kind, index = match.group(1), int(match.group(2))
        if kind == placeholders.MATH:
            return math(fragment.math[index])
        if kind == placeholders.IMAGE:
            return image(fragment.images[index])
        if blank is None:
            raise ValueError(f"{fragment.pos}: fragment has blanks but no blank renderer was given")
        return blank(index)

    return placeholders.PATTERN.sub(sub, html)


_SHARED: Renderer | None = None


def shared() -> Renderer:
    """The process's renderer without a memo: what readers and exporters use when given none."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Renderer()
    return _SHARED
