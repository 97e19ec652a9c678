"""Canvas QTI 1.2: quiz exports, course exports (``.imscc``), text2qti packages, qbank's own.

One reader for every package in Canvas's QTI 1.2 dialect: :mod:`.package` finds the quizzes
and question banks in each layout, :mod:`.assessment` turns a quiz or bank into a bank of the
model (groups, pools drawing from banks, settings from ``assessment_meta.xml``),
:mod:`.items` decides each item's type as Canvas does and :mod:`.answers` reads its answers,
scoring and feedback; :mod:`.idents` reads back the ids qbank's own canvas target encodes.
"""

from __future__ import annotations

from pathlib import Path

from qbank.readers import Reader, ReadResult

from ..foreign.archive import is_zip, peek
from ..foreign.report import Report

__all__ = ["CanvasReader"]

_QTI2_MARKERS = (b"imsqti_item_xmlv2", b"imsqti_item_xmlv3", b"imsqti_test_xmlv", b"imsqti_assessment_xmlv2")


class CanvasReader(Reader):
    name = "canvas"
    description = ("Canvas QTI 1.2: a quiz export (.zip), a course export (.imscc) with its quizzes and "
                   "question banks, text2qti and qbank canvas packages, or one QTI 1.2 XML file")
    suffixes = (".zip", ".imscc", ".xml", ".qti")

    @classmethod
    def recognises(cls, path: Path, head: bytes) -> bool:
        name = path.name.lower()
        if is_zip(head):
            if name.endswith(".imscc"):
                return True
            peeked = peek(path, "imsmanifest.xml")
            if peeked is None:
                return False
            names, text = peeked
            if len(names) > 100_000:
                return False
            if any(marker in text for marker in _QTI2_MARKERS):
                return False  # a QTI 2.x/3.0 package (which may carry a stray assessment_meta.xml)
            if b"imsqti_xmlv1p2" in text or b"imsqti_assessment_xmlv1p2" in text:
                return True
            return any(n.startswith("non_cc_assessments/") or n.endswith("assessment_meta.xml") for n in names)
        return name.endswith((".xml", ".qti")) and b"questestinterop" in head

    def read(self, path: Path) -> ReadResult:
        from .package import read_canvas  # lxml, the renderer: only when a package is read

        report = Report()
        banks = read_canvas(path, report, self.media, self.renderer)
        if report.failed:
            banks = []
        return ReadResult(banks, report.diagnostics)
