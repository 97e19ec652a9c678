"""An example qbank target: a spreadsheet of the bank, one CSV row per question.

It uses only qbank's public plugin API: the models, the exporter base class, the rendering
service (``self.renderer``) and diagnostics, including a code of its own (``CSV001``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from qbank import diagnostics as dg
from qbank.exporter import Code, Exporter, Option
from qbank.models import QUESTION_TYPES, Bank, Question
from qbank.numberformat import format_points


class CsvExporter(Exporter):
    name = "csv"
    description = "CSV: one row per question (id, type, points, title, text)"
    suffix = ".csv"
    supported_types = frozenset(QUESTION_TYPES) - {"description"}
    options = (Option("delimiter", "the field separator", ",", (",", ";", "tab")),)
    codes = {"CSV001": Code("warning", "image shown as its alt text")}

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        # A target's own rule, with its own code: `qbank lint --target csv` reports it too.
        return [self.diagnostic("CSV001", f"`{question.id}`: the image `{image.src}` becomes its alt text",
                                bank, image.pos.line, image.pos.col, hint="describe the image in the alt text")
                for image in question.stem.images]

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        out = io.StringIO()
        delimiter = "\t" if self.settings["delimiter"] == "tab" else self.settings["delimiter"]
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["id", "type", "points", "title", "text"])
        for question in questions:
            text = self.renderer.plain(question.stem)  # math as its LaTeX, images as their alt text
            writer.writerow([question.id, question.type, format_points(question.points), question.title,
                             text])
        return out.getvalue().encode("utf-8")
