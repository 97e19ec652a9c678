"""Foreign HTML → qbank Markdown: Markdown where Markdown can say it, sanitised inline HTML where not.

Readers of LMS formats get question text as HTML (Moodle's editors, Canvas, QTI). This turns it
into the Markdown of qbank's source format, so the imported bank reads well and renders again
to the same HTML: paragraphs, emphasis, code (fenced blocks keep their highlighting language,
found by rendering the candidates), lists, simple tables, links and images become Markdown;
math delimited as ``\\(...\\)``, ``\\[...\\]`` or ``$$...$$`` becomes ``$...$``/``$$...$$``;
anything else the allow-list keeps (``<sup>``, a styled ``<span>``, a table without a header)
stays as HTML. Text is escaped so that nothing in it is read as Markdown, math or a blank.

The HTML is sanitised with the renderer's allow-list first (:func:`qbank.render.sanitize`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from lxml import etree
from lxml import html as lxml_html

from qbank import render

__all__ = ["Converted", "ImageRef", "to_markdown"]

# An <img src> → (Markdown target, or None when the image cannot be carried).
ImageRef = Callable[[str], str | None]

_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)
_BLOCK = {"p", "div", "ul", "ol", "li", "pre", "table", "blockquote", "h3", "h4", "h5", "h6", "hr", "dl", "dd", "dt"}
_LANGUAGES = ("", "python", "text", "bash", "sh", "console", "c", "cpp", "java", "javascript", "js", "typescript",
              "json", "yaml", "r", "sql", "latex", "tex", "html", "xml", "css", "go", "rust", "matlab", "julia",
              "haskell", "scala", "kotlin", "php", "ruby", "perl", "csharp", "fortran", "lisp", "prolog", "ini",
              "diff", "make", "dockerfile", "toml", "markdown", "pycon", "ipython", "numpy")
_STYLE = re.compile(r' style="[^"]*"')
_LINE_START = re.compile(r"^(#|>|[-+*](?=\s|$)|=|\d{1,9}(?=[.)])|\(|\[|\||~~~|\s)")


_REPORTED_BLOCKS = ("table", "blockquote", "h3", "h4", "h5", "h6", "hr", "dl", "div", "p", "ul", "ol")


@dataclass
class Converted:
    markdown: str
    kept_html: list[str] = field(default_factory=list)  # tags left as HTML (Markdown cannot say them)
    lost_images: list[str] = field(default_factory=list)  # images that cannot be carried
    unwrapped: list[str] = field(default_factory=list)  # inline tags around blocks, dropped

    def losses(self) -> list[tuple[str, str, str]]:
        """``(code, message, hint)`` for each thing Markdown cannot say that was kept as HTML or
        dropped (images excepted: each reader knows why its image is missing)."""
        found = [("W703", f"a <{tag}> block Markdown cannot say is kept as HTML", "rewrite it in Markdown if you can")
                 for tag in self.kept_html if tag in _REPORTED_BLOCKS]
        found += [("W703", f"the <{tag}> formatting around whole paragraphs is dropped (Markdown cannot say it; a "
                   "tag left open does this)", "format the text inside each paragraph instead")
                  for tag in dict.fromkeys(self.unwrapped)]
        return found


def _escape_text(text: str) -> str:
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*$])", r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = text.replace("[[", "&#91;[").replace("](", "]&#40;").replace("->", "-&gt;").replace("→", "&#8594;")
    return text.replace("\ue000", "").replace("\ue001", "").replace("\ue002", "").replace("\ue003", "")


def _spaces(text: str) -> str:
    """HTML white space as Markdown keeps it: a run with a line break is one line break; a run of
    spaces stays as it is (Markdown keeps it too, so qbank's own output reads back unchanged),
    a tab is a space."""
    return re.sub(r"[ \t\r\n]+", lambda m: "\n" if "\n" in m.group() or "\r" in m.group()
                  else m.group().replace("\t", " "), text)


def _protect_start(line: str) -> str:
    """A line of a paragraph that must not read as a heading, list item, quote or answer option."""
    match = _LINE_START.match(line)
    if not match:
        return line
    first = match.group(1)
    if first.isdigit():
        return first + "\\" + line[len(first):]
    if first.isspace():
        return line.lstrip()
    return {"#": "\\#", ">": "&gt;", "=": "&#61;", "(": "&#40;", "[": "&#91;", "|": "\\|", "~~~": "\\~~~"}.get(
        first, "\\" + first) + line[len(first):]


class _Converter:
    def __init__(self, renderer: render.Renderer, image: ImageRef) -> None:
        self.renderer = renderer
        self.image = image
        self.out = Converted("")

    # --- inline -----------------------------------------------------------------------

    def text(self, text: str | None, pre: bool = False) -> str:
        if not text:
            return ""
        if pre:
            return text
        parts: list[str] = []
        last = 0
        for match in _MATH.finditer(text):
            parts.append(_escape_text(_spaces(text[last:match.start()])))
            inline, block, dollars = match.groups()
            latex = inline if inline is not None else (block if block is not None else dollars)
            parts.append(self.math(latex, display=inline is None))
            last = match.end()
        parts.append(_escape_text(_spaces(text[last:])))
        return "".join(parts)

    @staticmethod
    def math(latex: str, display: bool) -> str:
        if display:
            return f"$${latex}$$" if "$$" not in latex else f"\\[{latex}\\]"
        if latex and not latex[0].isspace() and not latex[-1].isspace() and "$" not in latex:
            return f"${latex}$"
        return f"\\({latex}\\)"

    def inline(self, element: etree._Element) -> str:
        parts = [self.text(element.text)]
        for child in element:
            if isinstance(child.tag, str):
                parts.append(self.inline_element(child))
            parts.append(self.text(child.tail))
        return "".join(parts)

    def inline_element(self, element: etree._Element) -> str:
        tag = element.tag
        if tag in ("strong", "b", "em", "i"):
            inner = self.inline(element)
            mark = "**" if tag in ("strong", "b") else "*"
            stripped = inner.strip()
            if not stripped:
                return inner
            lead = inner[:len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()):]
            if tag in ("b", "i") or "*" in stripped[:1] + stripped[-1:]:
                return self.raw_inline(element, inner)
            return f"{lead}{mark}{stripped}{mark}{trail}"
        if tag == "code":
            code = "".join(element.itertext())
            if len(element) or "\n" in code:
                return self.raw_inline(element, escape(code, quote=False))
            ticks = "`"
            while ticks in code:
                ticks += "`"
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            return f"{ticks}{pad}{code}{pad}{ticks}"
        if tag == "a" and element.get("href"):
            title = element.get("title")
            href = element.get("href", "").replace(" ", "%20").replace(")", "%29").replace("(", "%28")
            inner = self.inline(element) or self.text(href)
            return f"[{inner}]({href}" + (f' "{title}"' if title and '"' not in title else "") + ")"
        if tag == "img":
            return self.img(element)
        if tag == "br":
            return "<br />"
        return self.raw_inline(element, self.inline(element))

    def raw_inline(self, element: etree._Element, inner: str) -> str:
        tag = str(element.tag)
        if tag not in self.out.kept_html:
            self.out.kept_html.append(tag)
        attrs = "".join(f' {k}="{escape(v)}"' for k, v in element.attrib.items())
        return f"<{tag}{attrs}>{inner}</{tag}>"

    def img(self, element: etree._Element) -> str:
        src = element.get("src", "")
        target = self.image(src)
        if target is None:
            self.out.lost_images.append(src)
            return self.text(element.get("alt", ""))
        alt = element.get("alt", "").replace("[", "(").replace("]", ")").replace("\\", "/")
        alt = " ".join(alt.split()) or target.rsplit("/", 1)[-1]
        if re.search(r"[\s()<>]", target):
            target = f"<{target}>"
        title = element.get("title")
        return f"![{alt}]({target}" + (f' "{title}"' if title and '"' not in title else "") + ")"

    # --- blocks -----------------------------------------------------------------------

    def blocks(self, element: etree._Element) -> list[str]:
        """The element's children as Markdown blocks (inline runs become paragraphs)."""
        found: list[str] = []
        run = etree.Element("p")
        run.text = element.text

        def flush() -> None:
            nonlocal run
            paragraph = self.paragraph(run)
            if paragraph:
                found.append(paragraph)
            run = etree.Element("p")

        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _BLOCK:
                flush()
                found.extend(self.block(child))
                run.text = child.tail
            elif any(isinstance(x.tag, str) and x.tag in _BLOCK for x in child.iterdescendants()):
                # An inline element around whole blocks (a tag left open in the source): Markdown
                # cannot say it, so its blocks stand alone and the formatting is dropped.
                flush()
                self.out.unwrapped.append(str(child.tag))
                found.extend(self.blocks(child))
                run.text = child.tail
            else:
                tail = child.tail
                copy = etree.SubElement(run, "span")
                copy.tag = child.tag
                copy.attrib.update(child.attrib)
                copy.text = child.text
                copy.extend(list(child))
                copy.tail = tail
        flush()
        return found

    def paragraph(self, element: etree._Element) -> str:
        if len(element) and not "".join(element.itertext()).strip() and \
                all(x.tag not in ("img", "br") for x in element.iterdescendants()):
            # Only empty formatting: what the HTML parser leaves of an inline element it closed
            # before a block it held (`<u><p>...</p></u>`, a tag left open in the source).
            self.out.unwrapped += [str(x.tag) for x in element.iterdescendants() if isinstance(x.tag, str)][:1]
            return ""
        text = self.inline(element).strip()
        if not text:
            return ""
        text = text.replace("<br />\n", "<br />").replace("<br />", "<br />\n")
        lines = [line.strip(" ") for line in text.split("\n")]
        return "\n".join(_protect_start(line) for line in lines if line)

    def block(self, element: etree._Element) -> list[str]:
        tag = element.tag
        if tag == "p":
            if element.attrib:
                return [self.raw_block(element)]
            paragraph = self.paragraph(element)
            return [paragraph] if paragraph else []
        if tag == "div":
            if set(element.attrib) <= {"style"} and len(element) == 1 and element[0].tag == "pre" \
                    and not (element.text or "").strip():
                return [self.code(element)]
            if element.attrib:
                return [self.raw_block(element)]
            return self.blocks(element)
        if tag in ("ul", "ol"):
            return [self.listing(element)]
        if tag == "pre":
            return [self.code(element)]
        if tag == "table":
            return [self.table(element)]
        return [self.raw_block(element)]

    def listing(self, element: etree._Element, depth: int = 0) -> str:
        items = [li for li in element if li.tag == "li"]
        if len(items) != len(element) or element.text and element.text.strip() or any(
                (li.tail or "").strip() for li in items):
            return self.raw_block(element)
        start = int(element.get("start", "1")) if (element.get("start") or "1").isdigit() else 1
        loose = any(len(li) and li[0].tag == "p" for li in items)
        lines: list[str] = []
        for k, li in enumerate(items):
            marker = f"{start + k}. " if element.tag == "ol" else "- "
            body = self.blocks(li) or [""]
            text = ("\n\n" if loose else "\n").join(body)
            inner = text.split("\n")
            lines.append(marker + inner[0])
            lines += [("    " + line) if line else "" for line in inner[1:]]
            if loose and k < len(items) - 1:
                lines.append("")
        return "\n".join(lines)

    def code(self, element: etree._Element) -> str:
        target = render.sanitize(etree.tostring(element, encoding="unicode", method="html", with_tail=False))
        pre = element if element.tag == "pre" else element[0]
        code = "".join(pre.itertext()).lstrip("\n") if pre.tag == "pre" else ""
        if code.endswith("\n"):
            code = code[:-1]
        fence = "```"
        while fence in code:
            fence += "`"
        # Formats without a style attribute (QTI) keep the highlighting's spans but not their colours:
        # there the candidates are compared without styles.
        unstyled = _STYLE.search(target) is None
        for language in _LANGUAGES:
            candidate = f"{fence}{language}\n{code}\n{fence}"
            html = render.sanitize(self.renderer.markdown_to_html(candidate))
            if (_STYLE.sub("", html) if unstyled else html) == target:
                return candidate
        return f"{fence}\n{code}\n{fence}"

    def table(self, element: etree._Element) -> str:
        head = element.find("thead")
        body = element.find("tbody")
        rows_head = head.findall("tr") if head is not None else []
        rows_body = body.findall("tr") if body is not None else []
        simple = head is not None and len(rows_head) == 1 and len(element) == (2 if body is not None else 1)
        cells = [c for row in (*rows_head, *rows_body) for c in row]
        align: list[str] = []
        if simple:
            align = [re.sub(r"^text-align: (left|right|center);$", r"\1", c.get("style") or "") for c in rows_head[0]]
            for row in rows_body:
                if len(row) != len(align):
                    simple = False
                    break
                for cell, want in zip(row, align, strict=True):
                    if re.sub(r"^text-align: (left|right|center);$", r"\1", cell.get("style") or "") != want:
                        simple = False
        if not simple or any(set(c.attrib) - {"style"} or any(x.tag in _BLOCK for x in c.iter() if x is not c)
                             or c.tag != ("th" if c.getparent() in rows_head else "td") for c in cells) \
                or any(a not in ("", "left", "right", "center") for a in align):
            return self.raw_block(element)
        rule = {"": "---", "left": ":---", "right": "---:", "center": ":---:"}

        def line(row: etree._Element) -> str:
            return "| " + " | ".join(self.inline(c).strip().replace("|", "\\|") or " " for c in row) + " |"

        out = [line(rows_head[0]), "| " + " | ".join(rule[a] for a in align) + " |"]
        out += [line(row) for row in rows_body]
        return "\n".join(out)

    def raw_block(self, element: etree._Element) -> str:
        tag = str(element.tag)
        if tag not in self.out.kept_html:
            self.out.kept_html.append(tag)
        for img in list(element.iter("img")):  # Markdown inside HTML is not read: the image is lost
            self.out.lost_images.append(img.get("src", ""))
            parent = img.getparent()
            if parent is not None:
                alt = img.get("alt", "")
                previous = img.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + alt + (img.tail or "")
                else:
                    parent.text = (parent.text or "") + alt + (img.tail or "")
                parent.remove(img)
        text = etree.tostring(element, encoding="unicode", method="html", with_tail=False)
        return re.sub(r"\n\s*\n", "\n", text).replace("$", "\\$").replace("[[", "&#91;[")


def to_markdown(html_text: str, *, renderer: render.Renderer, image: ImageRef, stem: bool = False) -> Converted:
    """``html_text`` (foreign, untrusted) as qbank Markdown.

    ``stem``: the text is a question's stem, which the answer list follows; a list ending it
    would read as part of the answer list, so it stays HTML.
    """
    clean = render.sanitize(html_text)
    if not clean.strip():
        return Converted("")
    converter = _Converter(renderer, image)
    try:
        root = lxml_html.fragment_fromstring(clean, create_parent="div")
    except (etree.ParserError, ValueError):
        return Converted(_escape_text(clean))
    blocks = converter.blocks(root)
    last = next((child for child in reversed(root) if isinstance(child.tag, str)), None)
    if stem and blocks and last is not None and last.tag in ("ul", "ol") and not (last.tail or "").strip() \
            and re.match(r"(?:[-+*]|\d{1,9}[.)])(?:\s|$)", blocks[-1]):
        blocks[-1] = converter.raw_block(last)
    converter.out.markdown = "\n\n".join(blocks).strip("\n")
    return converter.out
