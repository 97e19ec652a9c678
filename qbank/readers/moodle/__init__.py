"""Readers of Moodle's two exchange formats: Moodle XML and GIFT.

Both build the same model as the Markdown reader, with positions in the Moodle file; what
the model cannot hold is reported question by question (W701–W703), never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from qbank.readers import Reader, ReadResult

__all__ = ["GiftReader", "MoodleXmlReader"]


class MoodleXmlReader(Reader):
    name = "moodle-xml"
    description = "Moodle XML (question bank export, \"Moodle XML format\"; qbank's own .moodle.xml)"
    suffixes = (".moodle.xml", ".xml")

    @classmethod
    def recognises(cls, path: Path, head: bytes) -> bool:
        return path.name.lower().endswith(".xml") and b"<quiz" in head

    def read(self, path: Path) -> ReadResult:
        from qbank.readers.foreign import safexml

        from .context import Ctx
        from .xml import read_quiz

        result = ReadResult()
        data = safexml.read_bytes(path, safexml.MAX_XML_BYTES, result.diagnostics)
        if data is None:
            return result
        root = safexml.parse(data, str(path), result.diagnostics)
        if root is None:
            return result
        ctx = Ctx(file=str(path), media=self.media, renderer=self.renderer, diagnostics=result.diagnostics,
                  progress=self.progress)
        result.banks = read_quiz(root, ctx)
        return result


class GiftReader(Reader):
    name = "gift"
    description = "GIFT (Moodle's text format; qbank's own .gift.txt)"
    suffixes = (".gift", ".gift.txt")

    def read(self, path: Path) -> ReadResult:
        from qbank.readers.foreign import safexml

        from .context import Ctx
        from .gift import read_gift

        result = ReadResult()
        data = safexml.read_bytes(path, 64 * 1024 * 1024, result.diagnostics)
        if data is None:
            return result
        ctx = Ctx(file=str(path), media=self.media, renderer=self.renderer, diagnostics=result.diagnostics,
                  progress=self.progress)
        result.banks = read_gift(data, ctx)
        return result

