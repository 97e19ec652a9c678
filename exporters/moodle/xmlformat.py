"""Moodle XML: every question type core Moodle holds, imported exactly as written.

Written for Moodle's own reader (``question/format/xml/format.php``): a category question
first, then one ``<question>`` per question. Text is HTML with math as ``\\(...\\)``/``\\[...\\]``
(what Moodle's MathJax filter reads); every element whose text shows an image carries that
image as a base64 ``<file>`` and refers to it as ``@@PLUGINFILE@@/name``. Fill-in-the-blanks
questions become cloze questions; ordering questions qtype_ordering ones (core since Moodle 4.4).
Text that HTML escaping would change is written in CDATA, as Moodle's exporter writes it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from urllib.parse import quote

from lxml import etree

from qbank import diagnostics as dg
from qbank import render
from qbank.assets import AssetTable
from qbank.exporter import Exporter
from qbank.models import (
    Bank,
    Choice,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Image,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    unhandled,
)
from qbank.numberformat import format_decimal, format_points

from . import categories, checks, cloze, grades
from . import text as mtext

PENALTY = "0.3333333"  # Moodle's default penalty for each wrong try (interactive behaviour)
# Marks where a CDATA section must end and a new one start (qbank's reserved characters, which no
# text can hold: the reader refuses them, E602), replaced in the serialised document.
_SPLIT = "\ue001\ue000"
_HTML_SPECIAL = re.compile("[&<>\"']")


def cdata(text: str) -> str | etree.CDATA:
    """Text as Moodle's own exporter writes it (``xml_escape`` in question/format/xml/format.php).

    Moodle's XML reader drops every character chunk that is only whitespace, and its parser hands
    each entity reference (``&lt;``) over as a chunk of its own: escaped HTML would lose the space
    in ``<b>git</b> <i>commit</i>``. Inside CDATA the text is one chunk. A ``]]>`` in the text
    ends one section and starts the next (``]]]]><![CDATA[>``), as Moodle writes it.
    """
    if not _HTML_SPECIAL.search(text):
        return text
    return etree.CDATA(text.replace("]]>", "]]" + _SPLIT + ">"))


class _Writer:
    """Builds the ``<quiz>`` tree for one bank; images are named once per bank."""

    def __init__(self, renderer: render.Renderer) -> None:
        self.renderer = renderer
        self.assets = AssetTable()
        self.root = etree.Element("quiz")

    # --- text elements ----------------------------------------------------------------------

    def _image_src(self, image: Image) -> str:
        return "@@PLUGINFILE@@/" + quote(self.assets.add(image))

    def html(self, fragment: Fragment | None, *, inline: bool = False) -> str:
        if fragment is None or fragment.is_empty:
            return ""
        return self.renderer.html(fragment, image=self._image_src, inline=inline).strip()

    def text_element(self, parent: etree._Element, tag: str, text: str, images: Sequence[Image] = (),
                     fmt: str | None = "html") -> etree._Element:
        """``<tag format=...><text>...</text><file .../></tag>``: files live where their text is."""
        element = etree.SubElement(parent, tag)
        if fmt is not None:
            element.set("format", fmt)
        etree.SubElement(element, "text").text = cdata(text)
        seen: set[str] = set()
        for image in images:
            name = self.assets.add(image)
            if name in seen:
                continue
            seen.add(name)
            file = etree.SubElement(element, "file", name=name, path="/", encoding="base64")
            file.text = base64.b64encode(self.assets.data(name)).decode("ascii")
        return element

    def fragment_element(self, parent: etree._Element, tag: str, fragment: Fragment | None,
                         *, inline: bool = False) -> etree._Element:
        return self.text_element(parent, tag, self.html(fragment, inline=inline), mtext.images_of(fragment))

    @staticmethod
    def simple(parent: etree._Element, tag: str, text: str) -> etree._Element:
        element = etree.SubElement(parent, tag)
        element.text = text
        return element

    # --- questions --------------------------------------------------------------------------

    def category(self, path: str, info: Fragment | None) -> None:
        question = etree.SubElement(self.root, "question", type="category")
        self.text_element(question, "category", path, fmt=None)
        if info is not None and not info.images:
            self.fragment_element(question, "info", info)

    def header(self, question: Question, qtype: str, grade: str) -> etree._Element:
        element = etree.SubElement(self.root, "question", type=qtype)
        self.text_element(element, "name", question.title, fmt=None)
        self.fragment_element(element, "questiontext", question.stem)
        self.fragment_element(element, "generalfeedback", question.explanation)
        self.simple(element, "defaultgrade", grade)
        self.simple(element, "penalty", "0" if qtype == "description" else PENALTY)
        self.simple(element, "hidden", "0")
        self.simple(element, "idnumber", question.idnumber or question.id)
        return element

    def tags(self, element: etree._Element, question: Question) -> None:
        if not question.tags:
            return
        tags = etree.SubElement(element, "tags")
        for tag in question.tags:
            self.text_element(tags, "tag", tag, fmt=None)

    def combined_feedback(self, element: etree._Element, question: Question, *, numcorrect: bool,
                          numcorrect_value: str | None = None) -> None:
        # "Incorrect feedback" is for any answer that is not fully right, partly right included.
        self.fragment_element(element, "correctfeedback", question.correct_feedback)
        self.fragment_element(element, "partiallycorrectfeedback", question.incorrect_feedback)
        self.fragment_element(element, "incorrectfeedback", question.incorrect_feedback)
        if numcorrect:
            etree.SubElement(element, "shownumcorrect").text = numcorrect_value

    def choice_answer(self, element: etree._Element, choice: Choice) -> None:
        answer = self.fragment_element(element, "answer", choice.text, inline=True)
        answer.set("fraction", grades.fraction(choice.weight))
        self.fragment_element(answer, "feedback", choice.feedback)

    def multichoice(self, question: MultipleChoice | MultipleSelect) -> etree._Element:
        element = self.header(question, "multichoice", format_points(question.points))
        single = question.type == "multiple-choice"
        self.simple(element, "single", "true" if single else "false")
        self.simple(element, "shuffleanswers", "true" if question.shuffle else "false")
        self.simple(element, "answernumbering", "abc")
        self.simple(element, "showstandardinstruction", "1")
        self.combined_feedback(element, question, numcorrect=not single)
        for choice in question.choices:
            self.choice_answer(element, choice)
        return element

    def truefalse(self, question: TrueFalse) -> etree._Element:
        element = self.header(question, "truefalse", format_points(question.points))
        for choice in question.choices:  # Moodle matches the literal texts "true" and "false"
            answer = self.text_element(element, "answer", choice.id, fmt="moodle_auto_format")
            answer.set("fraction", "100" if choice.correct else "0")
            self.fragment_element(answer, "feedback", choice.feedback)
        return element

    def shortanswer(self, question: ShortAnswer) -> etree._Element:
        element = self.header(question, "shortanswer", format_points(question.points))
        self.simple(element, "usecase", "1" if question.case_sensitive else "0")
        for item in question.answers:
            answer = self.text_element(element, "answer", mtext.shortanswer_pattern(item.text),
                                       fmt="moodle_auto_format")
            answer.set("fraction", grades.fraction(item.weight))
            self.fragment_element(answer, "feedback", item.feedback)
        if question.other is not None:  # `*` alone is Moodle's "any other answer"
            answer = self.text_element(element, "answer", "*", fmt="moodle_auto_format")
            answer.set("fraction", grades.fraction(question.other.weight))
            self.fragment_element(answer, "feedback", question.other.feedback)
        return element

    def numerical(self, question: Numerical) -> etree._Element:
        element = self.header(question, "numerical", format_points(question.points))
        for item in question.answers:
            # A range is kept as its midpoint ± half-width: both exact decimals.
            answer = self.text_element(element, "answer", format_decimal(item.value), fmt="moodle_auto_format")
            answer.set("fraction", grades.fraction(item.weight))
            self.fragment_element(answer, "feedback", item.feedback)
            self.simple(answer, "tolerance", format_decimal(item.tolerance))
        if question.unit:
            units = etree.SubElement(element, "units")
            unit = etree.SubElement(units, "unit")
            self.simple(unit, "multiplier", "1")
            self.simple(unit, "unit_name", question.unit)
        self.simple(element, "unitgradingtype", "0")
        self.simple(element, "unitpenalty", "0.1000000")
        self.simple(element, "showunits", "0" if question.unit else "3")
        self.simple(element, "unitsleft", "0")
        return element

    def essay(self, question: Essay) -> etree._Element:
        element = self.header(question, "essay", format_points(question.points))
        self.simple(element, "responseformat", "editor")
        self.simple(element, "responserequired", "1")
        self.simple(element, "responsefieldlines", str(question.response_lines))
        self.simple(element, "attachments", "0")
        self.simple(element, "attachmentsrequired", "0")
        self.text_element(element, "graderinfo", "")
        self.text_element(element, "responsetemplate", "")
        return element

    def matching(self, question: Matching) -> etree._Element:
        element = self.header(question, "matching", format_points(question.points))
        self.simple(element, "shuffleanswers", "true" if question.shuffle else "false")
        self.combined_feedback(element, question, numcorrect=True)
        for pair in question.pairs:
            sub = self.fragment_element(element, "subquestion", pair.left, inline=True)
            self.text_element(sub, "answer", mtext.plain_with_math(self.renderer, pair.right), fmt=None)
        for distractor in question.distractors:  # a subquestion with no text is an extra answer
            sub = self.text_element(element, "subquestion", "")
            self.text_element(sub, "answer", mtext.plain_with_math(self.renderer, distractor), fmt=None)
        return element

    def cloze(self, question: FillInBlanks) -> etree._Element:
        element = etree.SubElement(self.root, "question", type="cloze")
        self.text_element(element, "name", question.title, fmt=None)
        self.text_element(element, "questiontext", cloze.cloze_text(self.renderer, question, self._image_src).strip(),
                          mtext.images_of(question.stem))
        self.fragment_element(element, "generalfeedback", question.explanation)
        self.simple(element, "penalty", PENALTY)
        self.simple(element, "hidden", "0")
        self.simple(element, "idnumber", question.idnumber or question.id)
        return element

    def ordering(self, question: Ordering) -> etree._Element:
        """qtype_ordering (core since Moodle 4.4): every item shown, scored all or nothing.

        Its importer's defaults are 6 items drawn at random and relative grading, so every option
        is written; the items go in their correct order (Moodle shuffles them for students).
        """
        element = self.header(question, "ordering", format_points(question.points))
        self.simple(element, "layouttype", "VERTICAL")
        self.simple(element, "selecttype", "ALL")
        self.simple(element, "selectcount", str(len(question.items)))
        self.simple(element, "gradingtype", "ALL_OR_NOTHING")
        self.simple(element, "showgrading", "SHOW")
        self.simple(element, "numberingstyle", "none")
        # read as a value here: without it Moodle also makes up two empty hints
        self.combined_feedback(element, question, numcorrect=True, numcorrect_value="1")
        for position, item in enumerate(question.items, 1):
            answer = self.fragment_element(element, "answer", item.text, inline=True)
            answer.set("fraction", str(position))
        return element

    def description(self, question: Description) -> etree._Element:
        return self.header(question, "description", "0")

    def question(self, question: Question) -> None:
        match question:
            case MultipleChoice() | MultipleSelect():
                element = self.multichoice(question)
            case TrueFalse():
                element = self.truefalse(question)
            case ShortAnswer():
                element = self.shortanswer(question)
            case Numerical():
                element = self.numerical(question)
            case Essay():
                element = self.essay(question)
            case Matching():
                element = self.matching(question)
            case FillInBlanks():
                element = self.cloze(question)
            case Description():
                element = self.description(question)
            case Ordering():
                element = self.ordering(question)
            case _:
                unhandled(question)
        self.tags(element, question)


class MoodleXmlExporter(Exporter):
    name = "moodle-xml"
    description = "Moodle XML (Question bank → Import → Moodle XML format)"
    suffix = ".moodle.xml"
    supported_types = frozenset({
        "multiple-choice", "multiple-select", "true-false", "short-answer", "numerical", "essay",
        "matching", "fill-in-blanks", "description", "ordering",
    })
    holds = frozenset({"idnumber", "other-answer", "blank-feedback", "blank-credit"})

    def check_question(self, bank: Bank, question: Question) -> list[dg.Diagnostic]:
        found = list(checks.weight_diagnostics(self.diagnostic, bank, question, "Moodle"))
        found += checks.title_diagnostics(self.diagnostic, bank, question)
        found += checks.combined_feedback_diagnostics(self.diagnostic, bank, question,
                                                  checks.COMBINED_FEEDBACK_TYPES, "Moodle")
        if isinstance(question, Matching):
            found += checks.matching_diagnostics(self.diagnostic, self.renderer, bank, question)
        if isinstance(question, FillInBlanks):
            marks, exact = cloze.blank_marks(question)
            if not exact:
                found.append(self.diagnostic(
                    "T002", f"`{question.id}`: Moodle scores a cloze question in whole marks per blank; "
                    f"it will be worth {sum(marks)} instead of {format_points(question.points)}",
                    bank, question.pos.line, 1,
                    hint=f"give it a whole number of points divisible by its {len(question.blanks)} blanks, "
                         "or set its mark in the Moodle quiz"))
        return found

    def check_bank(self, bank: Bank) -> list[dg.Diagnostic]:
        found = list(checks.time_limit_diagnostics(self.diagnostic, bank, self.name))
        found += checks.group_diagnostics(self.diagnostic, bank)
        ordering = next((q for q in bank.questions if isinstance(q, Ordering)), None)
        if ordering is not None:
            found.append(self.diagnostic(
                "T004", f"`{ordering.id}`: ordering questions are a core Moodle type since Moodle 4.4; Moodle 4.3 "
                "and older import them only with the qtype_ordering plugin installed", bank, ordering.pos.line,
                hint="on Moodle 4.3 or older, install the plugin first, or export ordering questions elsewhere"))
        if bank.description is not None and bank.description.images:
            image = bank.description.images[0]
            found.append(self.diagnostic(
                "T002", "a Moodle category description cannot carry images; the bank description is "
                "left out", bank, image.pos.line, image.pos.col,
                hint="move the picture into a question, or a description question"))
        return found

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        writer = _Writer(self.renderer)
        current = categories.bank_category(bank)
        writer.category(current, bank.description)
        for path, run in categories.question_categories(bank, list(questions)):
            if path != current:
                writer.category(path, None)
                current = path
            for question in run:
                writer.question(question)
        data: bytes = etree.tostring(writer.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return data.replace(_SPLIT.encode("utf-8"), b"]]><![CDATA[")
