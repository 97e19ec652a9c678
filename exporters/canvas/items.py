"""One ``<item>`` per question, in the QTI 1.2 form Canvas Classic Quizzes writes and reads.

The structure follows Canvas's own QTI exporter (``lib/cc/qti/qti_items.rb`` in canvas-lms),
which Canvas's importer is known to read back: ``response1`` for single-response types,
``response_<id>`` per blank or per matching prompt, a ``SCORE`` outcome of 0–100, and
feedback as ``itemfeedback`` named ``general_fb``, ``correct_fb``, ``general_incorrect_fb``
and ``<answer ident>_fb``. Multi-part types (matching, blanks) add a share of 100 per part and
set ``continue="Yes"`` so that, read by the QTI 1.2 rules, every part is scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TypeVar

from lxml import etree

from qbank.models import (
    Blank,
    Choice,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    NumericAnswer,
    Ordering,
    Question,
    ShortAnswer,
    TextAnswer,
    TrueFalse,
    unhandled,
)
from qbank.numberformat import format_decimal, format_points

from . import text as ct

NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
RIGHT_SIDE = 5000  # matching answers are numbered from here, prompts from 1
BLANK_BLOCK = 100  # blank i's options are numbered from 100 × i
AnswerT = TypeVar("AnswerT", NumericAnswer, TextAnswer)

CANVAS_TYPES = {
    "multiple-choice": "multiple_choice_question",
    "true-false": "true_false_question",
    "multiple-select": "multiple_answers_question",
    "short-answer": "short_answer_question",
    "numerical": "numerical_question",
    "essay": "essay_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "description": "text_only_question",
}


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20 or n % 10 > 3 or n % 10 == 0:
        return f"{n}th"
    return f"{n}{('st', 'nd', 'rd')[n % 10 - 1]}"


def blank_type(question: FillInBlanks) -> str | None:
    """Canvas's type for a fill-in-blanks question, or None when it mixes typed and dropdown blanks."""
    kinds = {blank.kind for blank in question.blanks}
    if kinds == {"text"}:
        return "fill_in_multiple_blanks_question"
    if kinds == {"dropdown"}:
        return "multiple_dropdowns_question"
    return None


def canvas_type(question: Question) -> str:
    if isinstance(question, FillInBlanks):
        kind = blank_type(question)
        if kind is None:
            raise ValueError(f"{question.id}: mixed blanks have no Canvas type")
        return kind
    return CANVAS_TYPES[question.type]


def share(parts: int) -> str:
    """The ``SCORE`` each of ``parts`` parts adds, as Canvas writes it (two decimals)."""
    return format_decimal((Decimal(100) / parts).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


def accepted(answers: Sequence[AnswerT]) -> list[tuple[int, AnswerT]]:
    """The answers Canvas receives (full credit), numbered 1, 2, ... among themselves, so the
    answer idents do not depend on answers Canvas never sees (and a package imports back exactly)."""
    return list(enumerate((a for a in answers if a.weight == 100), 1))


class ItemWriter:
    """Writes the items of one bank; ``text`` collects the images they use."""

    def __init__(self, text: ct.TextWriter, item_ident: str, bank_title: str) -> None:
        self.text = text
        self.ident = item_ident
        self.bank_title = bank_title  # the Canvas question bank that receives the question
        self.feedback: list[tuple[str, Fragment]] = []
        self.base = ct.answer_base(item_ident)

    def answer_id(self, number: int) -> str:
        """A stable, all-digit answer ident, as Canvas writes them.

        Canvas's importer takes a matching answer's id from the *first run of digits* in its
        ident and a question's answer ids from ``original_answer_ids`` as integers, so idents
        are plain numbers: the item's four-digit base, then the answer's number.
        """
        return f"{self.base}{number:04d}"

    # --- shared pieces -------------------------------------------------------------------------

    def _metadata(self, item: etree._Element, question: Question, answer_ids: Sequence[str]) -> None:
        fields = sub(sub(item, "itemmetadata"), "qtimetadata")
        for label, entry in (("question_type", canvas_type(question)),
                             ("points_possible", format_points(question.points)),
                             ("original_answer_ids", ",".join(answer_ids)),
                             ("assessment_question_identifierref", f"{self.ident}_ref"),
                             ("bank_title", self.bank_title)):
            field = sub(fields, "qtimetadatafield")
            sub(field, "fieldlabel", label)
            sub(field, "fieldentry", entry)

    @staticmethod
    def _material(parent: etree._Element, text: str, html: bool = True) -> None:
        material = sub(parent, "material")
        if html:
            sub(material, "mattext", text, texttype="text/html")
        else:
            sub(material, "mattext", text, texttype="text/plain")

    def _resprocessing(self, item: etree._Element, question: Question) -> etree._Element:
        processing = sub(item, "resprocessing")
        sub(sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
            vartype="Decimal")
        if question.explanation is not None:
            self._other(processing, "Yes", "general_fb")
            self.feedback.append(("general_fb", question.explanation))
        if question.correct_feedback is not None:
            self.feedback.append(("correct_fb", question.correct_feedback))
        if question.incorrect_feedback is not None:
            self.feedback.append(("general_incorrect_fb", question.incorrect_feedback))
        return processing

    @staticmethod
    def _other(processing: etree._Element, continue_: str, feedback: str | None) -> None:
        condition = sub(processing, "respcondition", continue_=continue_)
        sub(sub(condition, "conditionvar"), "other")
        if feedback:
            sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)

    @staticmethod
    def _display(condition: etree._Element, linkrefid: str) -> None:
        sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=linkrefid)

    def _scored(self, processing: etree._Element, question: Question) -> etree._Element:
        """A ``continue="No"`` condition that sets full marks (its conditionvar is returned)."""
        condition = sub(processing, "respcondition", continue_="No")
        conditionvar = sub(condition, "conditionvar")
        sub(condition, "setvar", "100", action="Set", varname="SCORE")
        if question.correct_feedback is not None:
            self._display(condition, "correct_fb")
        return conditionvar

    def _incorrect(self, processing: etree._Element, question: Question) -> None:
        if question.incorrect_feedback is not None:
            self._other(processing, "No", "general_incorrect_fb")

    def _answer_feedback(self, processing: etree._Element, ident: str, value: str, feedback: Fragment) -> None:
        condition = sub(processing, "respcondition", continue_="Yes")
        sub(sub(condition, "conditionvar"), "varequal", value, respident="response1")
        self._display(condition, f"{ident}_fb")
        self.feedback.append((f"{ident}_fb", feedback))

    def _feedback(self, item: etree._Element) -> None:
        for ident, fragment in self.feedback:
            feedback = sub(item, "itemfeedback", ident=ident)
            self._material(sub(feedback, "flow_mat"), self.text.block(fragment))

    # --- the item ----------------------------------------------------------------------------

    def write(self, parent: etree._Element, question: Question) -> etree._Element:
        item = sub(parent, "item", ident=self.ident, title=question.title)
        match question:
            case MultipleChoice() | TrueFalse() | MultipleSelect():
                self._choices(item, question)
            case ShortAnswer():
                self._short_answer(item, question)
            case Numerical():
                self._numerical(item, question)
            case Essay():
                self._essay(item, question)
            case Matching():
                lefts = [(self.answer_id(k), self.text.html(p.left, inline=True))
                         for k, p in enumerate(question.pairs, 1)]
                rights = sorted({self.text.plain(p.right) for p in question.pairs}
                                | {self.text.plain(d) for d in question.distractors})
                key = [self.text.plain(p.right) for p in question.pairs]
                self._matching(item, question, lefts, rights, key)
            case Ordering():
                # Canvas shows matching prompts in the order written, so the items are written in a
                # stable scrambled order (never the correct one), each to be matched to its position.
                numbered = list(enumerate(question.items, 1))
                shown = sorted(numbered, key=lambda pair: ct.digest(f"{self.ident}/{pair[1].id}"))
                if shown == numbered:
                    shown = shown[1:] + shown[:1]
                lefts = [(self.answer_id(k), self.text.html(i.text, inline=True)) for k, i in shown]
                positions = [ordinal(k) for k in range(1, len(question.items) + 1)]
                self._matching(item, question, lefts, positions, [ordinal(k) for k, _ in shown])
            case FillInBlanks():
                self._blanks(item, question)
            case Description():  # text only, nothing to answer or score
                self._metadata(item, question, [])
                self._material(sub(item, "presentation"), self.text.block(question.stem))
            case _:
                unhandled(question)
        self._feedback(item)
        return item

    def _choices(self, item: etree._Element, question: MultipleChoice | TrueFalse | MultipleSelect) -> None:
        ids = [self.answer_id(k) for k in range(1, len(question.choices) + 1)]
        self._metadata(item, question, ids)
        presentation = sub(item, "presentation")
        self._material(presentation, self.text.block(question.stem))
        multiple = isinstance(question, MultipleSelect)
        lid = sub(presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
        choices = sub(lid, "render_choice")
        for ident, choice in zip(ids, question.choices, strict=True):
            label = sub(choices, "response_label", ident=ident)
            if isinstance(question, TrueFalse):  # Canvas recognises true/false by these exact texts
                self._material(label, "True" if choice.id == "true" else "False", html=False)
            else:
                self._material(label, self.text.html(choice.text, inline=True))
        processing = self._resprocessing(item, question)
        for ident, choice in zip(ids, question.choices, strict=True):
            if choice.feedback is not None:
                self._answer_feedback(processing, ident, ident, choice.feedback)
        conditionvar = self._scored(processing, question)
        if multiple:
            both = sub(conditionvar, "and")
            for ident, choice in zip(ids, question.choices, strict=True):
                if choice.correct:
                    sub(both, "varequal", ident, respident="response1")
                else:
                    sub(sub(both, "not"), "varequal", ident, respident="response1")
        else:
            correct: Choice = next(c for c in question.choices if c.correct)
            sub(conditionvar, "varequal", ids[question.choices.index(correct)], respident="response1")
        self._incorrect(processing, question)

    def _text_entry(self, item: etree._Element, question: Question, fibtype: str | None) -> None:
        presentation = sub(item, "presentation")
        self._material(presentation, self.text.block(question.stem))
        response = sub(presentation, "response_str", ident="response1", rcardinality="Single")
        fib = sub(response, "render_fib", fibtype=fibtype) if fibtype else sub(response, "render_fib")
        sub(fib, "response_label", ident="answer1", rshuffle="No")

    def _short_answer(self, item: etree._Element, question: ShortAnswer) -> None:
        answers = [(self.answer_id(k), a) for k, a in accepted(question.answers)]
        self._metadata(item, question, [ident for ident, _ in answers])
        self._text_entry(item, question, None)
        processing = self._resprocessing(item, question)
        case = "Yes" if question.case_sensitive else "No"
        for ident, answer in answers:
            if answer.feedback is not None:
                self._answer_feedback(processing, ident, answer.text, answer.feedback)
        # Canvas lists every accepted answer in one condition; a single response can equal only
        # one of them, so the list reads as alternatives.
        conditionvar = self._scored(processing, question)
        for _, answer in answers:
            sub(conditionvar, "varequal", answer.text, respident="response1", case=case)
        self._incorrect(processing, question)

    def _numerical(self, item: etree._Element, question: Numerical) -> None:
        answers = [(self.answer_id(k), a) for k, a in accepted(question.answers)]
        self._metadata(item, question, [ident for ident, _ in answers])
        self._text_entry(item, question, "Decimal")
        processing = self._resprocessing(item, question)
        for ident, answer in answers:
            condition = sub(processing, "respcondition", continue_="No")
            conditionvar = sub(condition, "conditionvar")
            if answer.kind == "range":
                sub(conditionvar, "vargte", format_decimal(answer.low), respident="response1")
                sub(conditionvar, "varlte", format_decimal(answer.high), respident="response1")
            else:
                either = sub(conditionvar, "or")
                sub(either, "varequal", format_decimal(answer.value), respident="response1")
                if answer.kind == "tolerance":
                    both = sub(either, "and")
                    sub(both, "vargte", format_decimal(answer.low), respident="response1")
                    sub(both, "varlte", format_decimal(answer.high), respident="response1")
            sub(condition, "setvar", "100", action="Set", varname="SCORE")
            if answer.feedback is not None:
                self._display(condition, f"{ident}_fb")
                self.feedback.append((f"{ident}_fb", answer.feedback))
            if question.correct_feedback is not None:
                self._display(condition, "correct_fb")
        self._incorrect(processing, question)

    def _essay(self, item: etree._Element, question: Essay) -> None:
        self._metadata(item, question, [])
        self._text_entry(item, question, None)
        processing = self._resprocessing(item, question)
        self._other(processing, "No", None)

    def _matching(self, item: etree._Element, question: Question, lefts: list[tuple[str, str]],
                  rights: list[str], key: list[str]) -> None:
        """Each prompt gets a ``response_lid`` whose choices are every answer, as plain text."""
        right_ids = {text: self.answer_id(RIGHT_SIDE + k) for k, text in enumerate(rights, 1)}
        self._metadata(item, question, [ident for ident, _ in lefts])
        presentation = sub(item, "presentation")
        self._material(presentation, self.text.block(question.stem))
        for ident, html in lefts:
            lid = sub(presentation, "response_lid", ident=f"response_{ident}")
            self._material(lid, html)
            choices = sub(lid, "render_choice")
            for text in rights:
                self._material(sub(choices, "response_label", ident=right_ids[text]), text, html=False)
        processing = self._resprocessing(item, question)
        part = share(len(lefts))
        for (ident, _), answer in zip(lefts, key, strict=True):
            condition = sub(processing, "respcondition", continue_="Yes")
            sub(sub(condition, "conditionvar"), "varequal", right_ids[answer], respident=f"response_{ident}")
            sub(condition, "setvar", part, action="Add", varname="SCORE")

    def _blanks(self, item: etree._Element, question: FillInBlanks) -> None:
        names = [f"blank{ct.safe_word(b.id)}" for b in question.blanks]
        options: list[list[tuple[str, str, bool]]] = []
        for number, blank in enumerate(question.blanks, 1):
            options.append(self._blank_options(number, blank))
        self._metadata(item, question, [ident for group in options for ident, _, _ in group])
        presentation = sub(item, "presentation")
        self._material(presentation, self.text.block(question.stem, blank=lambda i: f"[{names[i]}]"))
        for name, group in zip(names, options, strict=True):
            lid = sub(presentation, "response_lid", ident=f"response_{name}")
            self._material(lid, name, html=False)
            choices = sub(lid, "render_choice")
            for ident, text, _ in group:
                self._material(sub(choices, "response_label", ident=ident), text, html=False)
        processing = self._resprocessing(item, question)
        part = share(len(names))
        for name, group in zip(names, options, strict=True):
            for ident, _, correct in group:
                if not correct:
                    continue
                condition = sub(processing, "respcondition", continue_="Yes")
                sub(sub(condition, "conditionvar"), "varequal", ident, respident=f"response_{name}")
                sub(condition, "setvar", part, action="Add", varname="SCORE")

    def _blank_options(self, number: int, blank: Blank) -> list[tuple[str, str, bool]]:
        """(ident, text, correct) of a blank's choices: options of a dropdown, accepted answers of a text blank."""
        first = BLANK_BLOCK * number
        if blank.kind == "dropdown":
            return [(self.answer_id(first + k), o.text, o.correct) for k, o in enumerate(blank.options, 1)]
        return [(self.answer_id(first + k), text, True) for k, text in enumerate(blank.answers, 1)]
