"""What reading one Moodle file keeps at hand: the file, its media, ids, diagnostics and text conversion."""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from qbank import diagnostics as dg
from qbank import render
from qbank.models import Fragment, Pos, Question
from qbank.readers.foreign import build
from qbank.readers.foreign.html2md import to_markdown

_PLUGINFILE = "@@PLUGINFILE@@/"


@dataclass
class Ctx:
    file: str
    media: build.Media
    renderer: render.Renderer
    ids: build.Ids = field(default_factory=build.Ids)
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    question: str = ""  # the question being read, for messages
    text_format: str = "html"  # the question text's format: the default of its other texts, as in Moodle
    progress: Callable[[int, int], None] | None = None  # (questions read, questions in the file)

    def pos(self, line: int | None) -> Pos:
        return Pos(file=self.file, line=line or 1, col=1)

    def report(self, code: str, message: str, line: int | None, hint: str) -> None:
        where = f"`{self.question}`: " if self.question else ""
        self.diagnostics.append(dg.make(code, where + message, self.file, line or 1, 1, hint=hint))

    def dropped(self, what: str, line: int | None, hint: str = "re-create it in the LMS after importing") -> None:
        self.report("W701", f"{what} cannot be held by qbank; dropped", line, hint)

    def keep(self, question: Question | None) -> Question | None:
        """The question, unless it has no text (qbank's source format needs one: W702)."""
        if question is not None and question.stem.is_empty:
            self.report("W702", "the question has no text; it is left out", question.pos.line,
                        "give it a question text in Moodle and export again")
            return None
        return question

    # --- text ---------------------------------------------------------------------------

    def files(self, element: etree._Element) -> dict[str, str]:
        """The element's ``<file>`` children stored as media: {path/name as referenced: media name}."""
        found: dict[str, str] = {}
        for file in element.findall("file"):
            name = file.get("name", "")
            path = (file.get("path") or "/").strip("/")
            reference = f"{path}/{name}" if path else name
            try:
                data = base64.b64decode("".join((file.text or "").split()), validate=True)
            except (binascii.Error, ValueError):
                self.report("W701", f"the file `{name}` is not valid base64; dropped", file.sourceline,
                            "export the question again from Moodle")
                continue
            stored, why = self.media.add(name, data)
            if stored is None:
                self.dropped(f"the file {why}", file.sourceline)
                continue
            found[reference] = stored
        return found

    def markdown(self, text: str, files: dict[str, str], line: int | None, fmt: str = "html", *,
                 stem: bool = False) -> str:
        """Moodle text in the given format as qbank Markdown (images named as stored)."""
        if fmt == "markdown":
            return text
        if fmt in ("plain_text", "moodle_auto_format") and not re.search(r"<[a-zA-Z/]", text):
            paragraphs = [html.escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]
            text = "".join("<p>" + p.replace("\n", "<br />") + "</p>" for p in paragraphs) \
                if len(paragraphs) > 1 or "\n" in text.strip() else html.escape(text)

        def image(src: str) -> str | None:
            if src.startswith(_PLUGINFILE):
                return files.get(unquote(src[len(_PLUGINFILE):]).lstrip("/"))
            return None

        converted = to_markdown(text, renderer=self.renderer, image=image, stem=stem)
        for src in converted.lost_images:
            self.dropped(f"the image `{src[:80]}`" + (" (no such file in the export)" if src.startswith(_PLUGINFILE)
                                                       else ""), line,
                         "add the image file beside the bank and refer to it as ![alt](file)")
        for code, message, hint in converted.losses():
            self.report(code, message, line, hint)
        return converted.markdown

    def fragment(self, element: etree._Element | None, *, blanks: bool = False,
                 default_format: str | None = None, stem: bool = False) -> Fragment | None:
        """A ``<tag format=...><text>...</text><file/></tag>`` element as a fragment (None if absent or empty)."""
        if element is None:
            return None
        text_el = element.find("text")
        text = (text_el.text or "") if text_el is not None else ""
        if not text.strip() and not element.findall("file"):
            return None
        line = text_el.sourceline if text_el is not None else element.sourceline
        fmt = (element.get("format") or "").strip(PHP_SPACE) or default_format or self.text_format
        source = self.markdown(text, self.files(element), line, fmt, stem=stem)
        made = build.fragment(source, self.pos(line), self.media, blanks=blanks)
        return None if made.is_empty else made

    def plain(self, text: str, line: int | None) -> Fragment:
        """Plain text (a matching answer, a True/False label) with its ``\\(...\\)`` math, as a fragment."""
        source = to_markdown(html.escape(text), renderer=self.renderer, image=lambda _: None).markdown
        return build.fragment(source, self.pos(line), self.media)


PHP_SPACE = " \t\n\r\0\x0b"  # what PHP's trim() removes (not NBSP or other Unicode spaces)


def child_text(element: etree._Element, path: str, default: str = "") -> str:
    """The text at ``path``, PHP-trimmed as Moodle's ``getpath(..., true)`` does."""
    found = element.find(path)
    if found is None:
        return default
    return str(found.text or "").strip(PHP_SPACE)  # an empty element is `''`, not the default


def trans_single(value: str) -> bool:
    """``qformat_xml::trans_single``: false only for `false`, `` or `0` (after trim), any other value is true."""
    value = value.strip(PHP_SPACE)
    return not (value == "false" or value in ("", "0"))


def php_number(text: str) -> float | None:
    """A PHP numeric-leading string's value (``"50%"`` → 50, ``" 1e2"`` → 100), None when nothing numeric leads."""
    match = re.match(r"[ \t\n\r\v\f]*([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)", text)
    return float(match.group(1)) if match else None
