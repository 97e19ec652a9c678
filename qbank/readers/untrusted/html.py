"""Foreign HTML (an LMS's question text) as a :class:`~qbank.models.Fragment`.

The fragment's template is HTML: sanitised with qbank's allow-list, with every formula and
package image replaced by a placeholder, and loose inline text wrapped in ``<p>`` so that
Markdown passes the whole template through as raw HTML. Rendering such a fragment gives the
same HTML back, which is what makes ``export(import(export(bank)))`` a fixed point.

Formulas are recognised in the forms LMSs write them:

- Canvas equation images, ``<img class="equation_image">``: the LaTeX comes from
  ``data-equation-content``, else from the URL path after ``/equation_images/`` decoded twice
  (as Canvas's own page script does), else from ``alt`` without its ``LaTeX:`` prefix;
  ``display: block`` in its style makes it a display formula;
- MathML ``<math>`` with an ``application/x-tex`` annotation (MathML without one keeps its
  text, with a warning);
- ``\\(...\\)``, ``\\[...\\]`` and ``$$...$$`` in text (MathJax's delimiters), never inside
  ``<code>`` or ``<pre>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

from qbank import placeholders
from qbank.models import Fragment, Image, Math, Pos
from qbank.render import sanitize

from .images import MAX_IMAGE_BYTES, PackageImage, image_model
from .report import Report

__all__ = ["BlankFinder", "HtmlReader", "ImageResolver", "PackageImage", "plain_fragment"]

_EQUATION_IMAGE = re.compile(r"<img\b[^>]*\bclass\s*=\s*(?:\"[^\"]*\bequation_image\b[^\"]*\"|'[^']*\bequation_image\b"
                             r"[^']*'|equation_image\b)[^>]*>", re.I)
_MATHML = re.compile(r"<((?:[A-Za-z][\w.-]*:)?)math\b.*?</\1math\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r"(\ssrc=\")([^\"]*)(\")")
_DELIMITED = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
_BLOCK_START = re.compile(r"\s*<(p|div|ul|ol|dl|table|pre|blockquote|h[1-6]|hr)\b", re.I)
_UNSAFE_TAGS = re.compile(r"<(script|style|iframe|object|embed|form|input|button|textarea|select|link|meta|base|"
                          r"frame|frameset|applet|svg)\b", re.I)
_HANDLER = re.compile(r"\s(on[a-z]+)\s*=", re.I)
_SCRIPT_URL = re.compile(r"(java|vb)script:", re.I)
_DATA_URI = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,(.*)", re.I | re.S)
_EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp", "svg+xml": ".svg"}
_XHTML_PREFIX = re.compile(r"^\{[^}]*\}")

# src (HTML-unescaped) → the package image it means, or None when it is no file of the package
ImageResolver = Callable[[str], "PackageImage | None"]
# text → (text with blank placeholders, number of blanks)
BlankFinder = Callable[[str], tuple[str, int]]


def _attributes(tag: str) -> dict[str, str]:
    try:
        element = lxml_html.fragment_fromstring(tag)
    except (etree.ParserError, ValueError):
        return {}
    return {str(k).lower(): str(v) for k, v in element.attrib.items()}


def _equation_latex(attrs: dict[str, str]) -> str:
    """The LaTeX of a Canvas equation image, by Canvas's own recovery order."""
    if attrs.get("data-equation-content", "").strip():
        return attrs["data-equation-content"]
    src = attrs.get("src", "")
    if "/equation_images/" in src:
        path = src.split("/equation_images/", 1)[1].split("?", 1)[0]
        return unquote(unquote(path))
    alt = attrs.get("alt", "")
    if alt.startswith("LaTeX:"):
        return alt[len("LaTeX:"):].strip()
    return attrs.get("title", alt)


def _mathml_latex(markup: str) -> tuple[str | None, bool, str]:
    """(TeX annotation or None, display, text content) of a MathML element in HTML."""
    display = bool(re.search(r"\bdisplay\s*=\s*[\"']block[\"']", markup[:300], re.I))
    annotation = re.search(r"<(?:[\w.-]+:)?annotation\b[^>]*encoding\s*=\s*[\"'](?:application/x-tex|TeX|"
                           r"application/x-latex)[\"'][^>]*>(.*?)</(?:[\w.-]+:)?annotation\s*>", markup, re.I | re.S)
    text = unescape(_TAG.sub("", markup))
    if annotation is not None:
        return unescape(annotation.group(1)).strip(), display, text
    return None, display, " ".join(text.split())


@dataclass
class _Found:
    math: list[Math] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)


class HtmlReader:
    """Turns the HTML of one package into fragments; ``resolve`` finds the package's images."""

    def __init__(self, report: Report, resolve: ImageResolver) -> None:
        self.report = report
        self.resolve = resolve

    def fragment(self, html: str, pos: Pos, *, what: str, blanks: BlankFinder | None = None) -> Fragment:
        """``html`` (unescaped HTML text) as a fragment at ``pos``; ``what`` names it in diagnostics.

        ``blanks`` replaces the blank markers of the text (after formulas are taken out, so a
        formula is never mistaken for one) and returns the text and how many it found.
        """
        found = _Found()
        text = html.strip()
        if not text:
            return Fragment(source="", template="", pos=pos)
        text = self._math(text, found, pos, what)
        count = 0
        if blanks is not None:
            text, count = blanks(text)
        clean = sanitize(text)
        self._unsafe(text, clean, pos, what)
        clean = self._images(clean, found, pos, what)
        template = clean if _BLOCK_START.match(clean) and not _has_loose_text(clean) else _wrap_loose(clean)
        return Fragment(source=_readable(template, found), template=template, pos=pos, math=tuple(found.math),
                        images=tuple(found.images), blanks=count)

    # --- formulas ---------------------------------------------------------------------------

    def _math(self, text: str, found: _Found, pos: Pos, what: str) -> str:
        def equation(match: re.Match[str]) -> str:
            attrs = _attributes(match.group())
            latex = _equation_latex(attrs)
            style = attrs.get("style", "").replace(" ", "").lower()
            return self._token(found, latex, "display:block" in style, pos)

        def mathml(match: re.Match[str]) -> str:
            latex, display, plain = _mathml_latex(match.group())
            if latex is None:
                self.report.add("W703", f"{what}: a MathML formula without a TeX annotation is kept as its text "
                                f"`{plain[:40]}`", pos, hint="check the formula after import and write it in LaTeX")
                return escape(plain, quote=False)
            return self._token(found, latex, display, pos)

        text = _EQUATION_IMAGE.sub(equation, text)
        text = _MATHML.sub(mathml, text)
        return self._delimited(text, found, pos)

    def _token(self, found: _Found, latex: str, display: bool, pos: Pos) -> str:
        found.math.append(Math(latex=latex, display=display, pos=pos))
        return placeholders.token(placeholders.MATH, len(found.math) - 1)

    def _delimited(self, text: str, found: _Found, pos: Pos) -> str:
        """``\\(..\\)``, ``\\[..\\]``, ``$$..$$`` in the text between tags, outside code."""
        if "\\(" not in text and "\\[" not in text and "$$" not in text:
            return text
        out: list[str] = []
        code = 0
        last = 0
        for tag in _TAG.finditer(text):
            out.append(self._delimited_text(text[last:tag.start()], found, pos) if not code else text[last:tag.start()])
            name = re.match(r"</?\s*([A-Za-z0-9]+)", tag.group())
            if name and name.group(1).lower() in ("code", "pre"):
                code += -1 if tag.group().startswith("</") else 1
                code = max(code, 0)
            out.append(tag.group())
            last = tag.end()
        out.append(self._delimited_text(text[last:], found, pos) if not code else text[last:])
        return "".join(out)

    def _delimited_text(self, segment: str, found: _Found, pos: Pos) -> str:
        def formula(match: re.Match[str]) -> str:
            inline, display, dollars = match.groups()
            latex = unescape(inline if inline is not None else display if display is not None else dollars)
            return self._token(found, latex, inline is None, pos)

        return _DELIMITED.sub(formula, segment)

    # --- sanitising and images ------------------------------------------------------------------

    def _unsafe(self, raw: str, clean: str, pos: Pos, what: str) -> None:
        removed = sorted({f"<{m.group(1).lower()}>" for m in _UNSAFE_TAGS.finditer(raw)}
                         | {m.group(1).lower() for m in _HANDLER.finditer(_strip_text(raw))}
                         | ({"javascript: URL"} if _SCRIPT_URL.search(raw) and not _SCRIPT_URL.search(clean) else set()))
        if removed:
            self.report.add("W104", f"{what}: unsafe HTML removed ({', '.join(removed)})", pos,
                            hint="check the text after import")

    def _images(self, clean: str, found: _Found, pos: Pos, what: str) -> str:
        def image(match: re.Match[str]) -> str:
            tag = match.group()
            src_match = _SRC.search(tag)
            if src_match is None:
                return tag
            src = unescape(src_match.group(2))
            if re.match(r"^https?://", src, re.I):
                return tag
            attrs = _attributes(tag)
            picture = self._data_uri(src) if src.lower().startswith("data:") else self.resolve(src)
            if picture is None:
                alt = attrs.get("alt", "")
                self.report.add("W701", f"{what}: image `{src[:80]}` is not a file of the package; it is dropped"
                                + (f" (its alt text `{alt}` stays)" if alt else ""), pos,
                                hint="add the image to the imported bank by hand")
                return escape(alt, quote=False)
            if len(picture.data) > MAX_IMAGE_BYTES:
                self.report.add("W701", f"{what}: image `{picture.name}` is larger than "
                                f"{MAX_IMAGE_BYTES // 1048576} MiB; it is dropped", pos,
                                hint="reduce it and add it to the imported bank by hand")
                return escape(attrs.get("alt", ""), quote=False)
            found.images.append(image_model(picture, attrs.get("alt", ""), attrs.get("title"), pos))
            token = placeholders.token(placeholders.IMAGE, len(found.images) - 1)
            return tag[:src_match.start(2)] + token + tag[src_match.end(2):]

        return _IMG.sub(image, clean)

    def _data_uri(self, src: str) -> PackageImage | None:
        match = _DATA_URI.match(src)
        if match is None:
            return None
        try:
            data = base64.b64decode(re.sub(r"\s+", "", match.group(2)), validate=True)
        except (binascii.Error, ValueError):
            return None
        suffix = _EXTENSIONS[match.group(1).lower()]
        return PackageImage(f"image-{hashlib.sha256(data).hexdigest()[:12]}{suffix}", data)


def _strip_text(html: str) -> str:
    """Only the tags of ``html`` (so that text mentioning `onclick=` is not taken for a handler)."""
    return " ".join(_TAG.findall(html))


def _top_level(html: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


_BLOCK_TAGS = frozenset({"p", "div", "ul", "ol", "dl", "table", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5",
                         "h6", "hr"})


def _has_loose_text(html: str) -> bool:
    root = _top_level(html)
    if root is None:
        return False
    if (root.text or "").strip():
        return True
    return any(not isinstance(child.tag, str) or child.tag.lower() not in _BLOCK_TAGS or (child.tail or "").strip()
               for child in root)


def _wrap_loose(html: str) -> str:
    """Put runs of top-level text and inline elements into ``<p>`` (block elements stay)."""
    if not _BLOCK_START.match(html):
        if not re.search(r"<(p|div|ul|ol|dl|table|pre|blockquote|h[1-6]|hr)\b", html, re.I):
            return f"<p>{html}</p>"
    root = _top_level(html)
    if root is None:
        return f"<p>{html}</p>"
    parts: list[str] = []
    run: list[str] = [escape(root.text or "", quote=False)]

    def flush() -> None:
        joined = "".join(run).strip()
        if joined:
            parts.append(f"<p>{joined}</p>")
        run.clear()

    for child in root:
        tail = escape(child.tail or "", quote=False)
        child.tail = None
        markup = lxml_html.tostring(child, encoding="unicode")
        if isinstance(child.tag, str) and child.tag.lower() in _BLOCK_TAGS:
            flush()
            parts.append(markup)
        else:
            run.append(markup)
        run.append(tail)
    flush()
    return "\n".join(parts)


def _readable(template: str, found: _Found) -> str:
    """The fragment's source: its HTML with formulas as ``\\(...\\)`` and images as their file names."""
    def sub(match: re.Match[str]) -> str:
        kind, index = match.group(1), int(match.group(2))
        if kind == placeholders.MATH:
            m = found.math[index]
            return f"\\[{m.latex}\\]" if m.display else f"\\({m.latex}\\)"
        if kind == placeholders.IMAGE:
            return escape(found.images[index].src)
        return "[[]]"

    return placeholders.PATTERN.sub(sub, template)


def plain_fragment(text: str, pos: Pos) -> Fragment:
    """Plain text (a matching answer, a dropdown option) as a fragment that renders to that text."""
    if not text.strip():
        return Fragment(source="", template="", pos=pos)
    template = f"<p>{escape(text, quote=False)}</p>"
    return Fragment(source=text, template=template, pos=pos)


def xhtml_local(tag: str) -> str:
    return _XHTML_PREFIX.sub("", tag)
