"""What the HTML page shows of each question, and the answer data its script checks against.

Each question becomes a plain dict for the Jinja2 template (its HTML fragments already
rendered and sanitised, so they are marked safe) and, unless answers are left out, a dict of
scoring data that the page carries as JSON. Math becomes MathML, images data URIs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from qbank import render
from qbank.assets import data_uri
from qbank.durations import format_duration
from qbank.models import (
    Blank,
    Choice,
    Description,
    Essay,
    FillInBlanks,
    Fragment,
    Image,
    Matching,
    Math,
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

_VISIBLE_TOKEN = re.compile(r"<(?:mi|mn|mo|mtext|ms)[ >]")
# A formula and the punctuation right after it: kept on one line ("$x$." never wraps before ".").
_MATH_AND_PUNCTUATION = re.compile(r"(<math\b(?:(?!</math>).)*</math>)([.,;:!?%)\]]+)", re.S)
_MATHML_NS = ' xmlns="http://www.w3.org/1998/Math/MathML"'

TYPE_LABELS = {
    "multiple-choice": "Multiple choice",
    "multiple-select": "Multiple select",
    "true-false": "True or false",
    "short-answer": "Short answer",
    "numerical": "Numerical",
    "essay": "Essay",
    "matching": "Matching",
    "ordering": "Ordering",
    "fill-in-blanks": "Fill in the blanks",
    "description": "Text",
}

INSTRUCTIONS = {
    "multiple-choice": "Choose one answer.",
    "multiple-select": "Choose every answer that applies.",
    "true-false": "Choose one answer.",
    "short-answer": "Type your answer.",
    "numerical": "Type a number.",
    "essay": "Write your answer.",
    "matching": "Choose the letter that matches each item.",
    "ordering": "Put the items in order (Move up / Move down, or Alt+arrow keys on an item).",
    "fill-in-blanks": "Fill in every blank.",
}


class Views:
    """Fragments as page HTML: math as MathML, images as data URIs (one renderer for the page)."""

    def __init__(self, renderer: render.Renderer) -> None:
        self.renderer = renderer
        self._sources: dict[str, str] = {}  # image path -> its escaped data URI (a figure may recur)

    def image_src(self, image: Image) -> str:
        source = self._sources.get(image.path)
        if source is None:
            source = self._sources[image.path] = escape(data_uri(image))
        return source

    def mathml(self, m: Math) -> str:
        """MathML for a formula; the namespace is implied in HTML, so the page names no URL at all.

        A formula that draws nothing (``$\\$``, a bare line break) would vanish from the page;
        its LaTeX source is shown as code instead, so the reader still sees what was written.
        """
        converted = self.renderer.mathml(m.latex, m.display).replace(_MATHML_NS, "", 1)
        if not _VISIBLE_TOKEN.search(converted.split("<annotation", 1)[0]):
            return f'<code class="tex-source">{escape(m.latex, quote=False)}</code>'
        return converted

    def fragment_html(self, fragment: Fragment | None, *, inline: bool = False,
                      blank: render.BlankFn | None = None) -> Markup | None:
        if fragment is None or fragment.is_empty:
            return None
        html = self.renderer.html(fragment, math=self.mathml, image=self.image_src, blank=blank, inline=inline)
        return Markup(_MATH_AND_PUNCTUATION.sub(r'<span class="nobr">\1\2</span>', html))


def percent_text(weight: float) -> str:
    """A weight for people to read: ``50``, ``33.33``, ``-50``."""
    return f"{weight:.2f}".rstrip("0").rstrip(".")


def letter(index: int) -> str:
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def stable_order(key: str, ids: Sequence[str]) -> list[int]:
    """A fixed scrambled order of ``ids`` (same input → same page), never the given order."""
    order = sorted(range(len(ids)), key=lambda i: hashlib.sha256(f"{key}\0{ids[i]}".encode()).hexdigest())
    if len(order) > 1 and order == list(range(len(ids))):
        order = order[1:] + order[:1]
    return order


class QuestionView:
    """Builds the template context and the answer data of one question."""

    def __init__(self, views: Views, question: Question, number: int | None, with_key: bool = True) -> None:
        fragment_html = views.fragment_html
        self.fragment_html = fragment_html
        self.q = question
        self.with_key = with_key
        self.dom = f"q-{question.id}"
        self.context: dict[str, Any] = {
            "id": question.id,
            "dom": self.dom,
            "number": number,
            "type": question.type,
            "type_label": TYPE_LABELS.get(question.type, question.type),  # an unknown type fails below
            "instructions": INSTRUCTIONS.get(question.type) if with_key or question.type != "ordering"
            else "Number the items in order.",
            "title": question.title,
            "points": format_points(question.points),
            "points_value": question.points,
            "time": format_duration(question.time_limit) if question.time_limit else None,
            "explanation": fragment_html(question.explanation),
            "correct_feedback": fragment_html(question.correct_feedback),
            "incorrect_feedback": fragment_html(question.incorrect_feedback),
        }
        self.data: dict[str, Any] | None = None
        if question.type != "description":
            self.data = {"type": question.type, "points": format_points(question.points)}
        match question:
            case MultipleChoice() | TrueFalse():
                self._choices(question.choices, multiple=False)
            case MultipleSelect():
                self._choices(question.choices, multiple=True)
            case ShortAnswer():
                self._short_answer(question)
            case Numerical():
                self._numerical(question)
            case Essay():
                self._essay(question)
            case Matching():
                self._matching(question)
            case Ordering():
                self._ordering(question)
            case FillInBlanks():
                self._fill_in_blanks(question)
            case Description():
                self.context["stem"] = fragment_html(question.stem)
            case _:
                unhandled(question)

    # --- one builder per question type ---------------------------------------------------

    def _choices(self, choices: Sequence[Choice], multiple: bool) -> None:
        self.context["stem"] = self.fragment_html(self.q.stem)
        self.context["input_type"] = "checkbox" if multiple else "radio"
        self.context["choices"] = [{
            "id": c.id,
            "dom": f"{self.dom}-{c.id}",
            "html": self.fragment_html(c.text, inline=True),
            "correct": c.correct,
            "weight": percent_text(c.weight),
            "feedback": self.fragment_html(c.feedback),
        } for c in choices]
        assert self.data is not None
        self.data["multiple"] = multiple
        self.data["weights"] = {c.id: c.weight for c in choices}

    def _short_answer(self, q: ShortAnswer) -> None:
        self.context["stem"] = self.fragment_html(q.stem)
        self.context["unit"] = None
        self.context["answers"] = [{
            "text": a.text, "weight": percent_text(a.weight), "credit": a.weight > 0,
            "feedback": self.fragment_html(a.feedback), "dom": f"{self.dom}-fb{i}",
        } for i, a in enumerate(q.answers)]
        self.context["key"] = [a.text for a in q.answers if a.weight > 0]
        self.context["case_sensitive"] = q.case_sensitive
        assert self.data is not None
        self.data["case_sensitive"] = q.case_sensitive
        self.data["answers"] = [{"text": a.text, "weight": a.weight} for a in q.answers]

    def _numerical(self, q: Numerical) -> None:
        self.context["stem"] = self.fragment_html(q.stem)
        self.context["unit"] = q.unit
        self.context["answers"] = [{
            "text": a.source, "weight": percent_text(a.weight), "credit": a.weight > 0,
            "feedback": self.fragment_html(a.feedback), "dom": f"{self.dom}-fb{i}",
        } for i, a in enumerate(q.answers)]
        self.context["key"] = [a.source for a in q.answers if a.weight > 0]
        assert self.data is not None
        self.data["unit"] = q.unit
        self.data["answers"] = [{"low": format_decimal(a.low), "high": format_decimal(a.high),
                                 "weight": a.weight} for a in q.answers]

    def _essay(self, q: Essay) -> None:
        self.context["stem"] = self.fragment_html(q.stem)
        self.context["lines"] = q.response_lines

    def _matching(self, q: Matching) -> None:
        self.context["stem"] = self.fragment_html(q.stem)
        rights = [p.right for p in q.pairs] + list(q.distractors)
        order = stable_order(q.id, [r.source for r in rights])
        position = {original: shown for shown, original in enumerate(order)}
        self.context["options"] = [{"letter": letter(shown), "html": self.fragment_html(rights[original], inline=True)}
                                   for shown, original in enumerate(order)]
        self.context["pairs"] = [{
            "dom": f"{self.dom}-m{i}",
            "left": self.fragment_html(p.left, inline=True),
            "key": letter(position[i]),
        } for i, p in enumerate(q.pairs)]
        assert self.data is not None
        self.data["correct"] = [letter(position[i]) for i in range(len(q.pairs))]

    def _ordering(self, q: Ordering) -> None:
        self.context["stem"] = self.fragment_html(q.stem)
        order = stable_order(q.id, [item.id for item in q.items])
        self.context["order_items"] = [{
            "id": q.items[i].id, "html": self.fragment_html(q.items[i].text, inline=True),
        } for i in order]
        self.context["key"] = [self.fragment_html(item.text, inline=True) for item in q.items]
        assert self.data is not None
        self.data["correct"] = [item.id for item in q.items]

    def _fill_in_blanks(self, q: FillInBlanks) -> None:
        blanks = q.blanks

        def blank(index: int) -> str:
            return blank_markup(self.dom, blanks[index], self.with_key)

        self.context["stem"] = self.fragment_html(q.stem, blank=blank)
        assert self.data is not None
        self.data["blanks"] = [
            {"kind": "dropdown", "correct": next(str(i) for i, o in enumerate(b.options) if o.correct)}
            if b.kind == "dropdown" else
            {"kind": "text", "answers": list(b.answers), "case_sensitive": b.case_sensitive}
            for b in blanks]


def blank_markup(dom: str, blank: Blank, with_key: bool) -> str:
    """An input (or select) standing in the stem for one blank, followed by its answer key."""
    index = int(blank.id) - 1
    ident = f"{dom}-b{index}"
    label = escape(f"Blank {blank.id}")
    if blank.kind == "dropdown":
        options = "".join(f'<option value="{i}">{escape(o.text)}</option>' for i, o in enumerate(blank.options))
        control = (f'<select class="blank" id="{ident}" data-blank="{index}" aria-label="{label}">'
                   f'<option value="">Choose…</option>{options}</select>')
        key = next(o.text for o in blank.options if o.correct)
    else:
        control = (f'<input type="text" class="blank" id="{ident}" data-blank="{index}" aria-label="{label}"'
                   ' autocomplete="off" spellcheck="false">')
        key = " / ".join(blank.answers)
    mark = f'<span class="mark" id="{ident}-mark"></span>'
    if not with_key:
        return control
    return f'{control}{mark}<span class="key inline-key">{escape(key)}</span>'
