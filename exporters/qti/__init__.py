"""IMS QTI 2.1 and QTI 3.0 content packages (``--to qti21`` / ``--to qti30``).

Both targets write the same package from the same dialect-neutral tree
(:mod:`.items`); they differ only in the :class:`~.tree.Dialect`
that spells it (names, namespaces, template URIs, manifest types, MathML version).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from qbank import diagnostics as dg
from qbank.exporter import Exporter
from qbank.models import QUESTION_TYPES, Bank, Fragment, Question, question_fragments

from .content import ABSOLUTE_URL
from .dialects import QTI21, QTI30
from .package import build_zip_package, language_tag
from .tree import Dialect


class _QtiExporter(Exporter):
    dialect: ClassVar[Dialect]
    supported_types = frozenset(QUESTION_TYPES)

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        return [diagnostic for fragment in question_fragments(question)
                for diagnostic in self._raw_images(bank, fragment)]

    def check_bank(self, bank: Bank) -> list[dg.Diagnostic]:
        found = [] if bank.description is None else self._raw_images(bank, bank.description)
        if language_tag(bank) is None:
            found.append(self.diagnostic(
                "T002", f"language `{bank.language}` is not a language tag; {self.dialect.label} items "
                "are written without xml:lang", bank, bank.pos.line,
                hint="write a tag such as `en`, `de` or `pt-BR` in the front matter"))
        return found

    def _raw_images(self, bank: Bank, fragment: Fragment) -> list[dg.Diagnostic]:
        """Only Markdown images are packaged: a raw HTML ``<img>`` of a local file shows its alt text."""
        return [self.diagnostic("T004", f"raw HTML image `{src}` is not copied into the package; its alt "
                                "text is shown instead", bank, fragment.pos.line, fragment.pos.col,
                                hint=f"write it as a Markdown image: ![description]({src})")
                for src in self.renderer.html_images(fragment) if not ABSOLUTE_URL.match(src)]

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        data: bytes = build_zip_package(bank, questions, self.dialect, self.renderer)
        return data


class Qti21Exporter(_QtiExporter):
    name = "qti21"
    description = "IMS QTI 2.1 content package (TAO, Inspera, OpenOlat/ONYX, Blackboard Ultra, Canvas)"
    suffix = ".qti21.zip"
    dialect = QTI21


class Qti30Exporter(_QtiExporter):
    name = "qti30"
    description = "IMS QTI 3.0 content package (Citolab, TAO with QTI 3, 1EdTech QTI 3 players)"
    suffix = ".qti30.zip"
    dialect = QTI30
