"""IMS QTI 2.1, 2.2 and 3.0 content packages (and single item files): qbank's own and other producers'.

:mod:`.normalize` gives both versions one spelling, :mod:`.package` reads the manifest and
the assessment test (sections as groups, limits, weights), :mod:`.items` decides each item's
question type by its interactions, :mod:`.interactions` (choices, matching, ordering) and
:mod:`.typed` (typed answers, blanks) read the answers, weights and feedback, and
:mod:`.content` turns the item's XHTML and MathML back into HTML for the shared HTML →
Markdown conversion.
"""

from __future__ import annotations

from pathlib import Path

from qbank.readers import Reader, ReadResult

from ..foreign.archive import is_zip, peek
from ..foreign.report import Report

__all__ = ["QtiReader"]

_MARKERS = (b"imsqti_item_xmlv2", b"imsqti_item_xmlv3", b"imsqti_test_xmlv", b"imsqti_assessment_xmlv2",
            b"imsqti_v2p", b"qtiv3p0", b"imsqtiasi_v3p0")


class QtiReader(Reader):
    name = "qti"
    description = "IMS QTI 2.1/2.2/3.0 content package (.zip) or item file (.xml): qbank's qti21/qti30 and others"
    suffixes = (".zip", ".xml")

    @classmethod
    def recognises(cls, path: Path, head: bytes) -> bool:
        if is_zip(head):
            peeked = peek(path, "imsmanifest.xml")
            return peeked is not None and any(marker in peeked[1] for marker in _MARKERS)
        return path.name.lower().endswith(".xml") and (b"assessmentItem" in head or b"qti-assessment-item" in head
                                                      or b"assessmentTest" in head or b"qti-assessment-test" in head)

    def read(self, path: Path) -> ReadResult:
        from .package import read_qti  # lxml, the renderer: only when a package is read

        report = Report()
        banks = read_qti(path, report, self.media, self.renderer)
        return ReadResult([] if report.failed else banks, report.diagnostics)
