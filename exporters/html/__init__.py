"""Standalone HTML: one self-contained quiz page per bank, for practice, an answer key or paper.

The page needs nothing beside it: CSS and script are inlined, math is MathML (converted from
LaTeX here, the LaTeX kept as an annotation), images are data URIs. The data the page checks
answers against travels as JSON in a ``<script type="application/json">`` element, escaped so
that no content can close the element early.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from qbank import render
from qbank.durations import format_duration
from qbank.exporter import Exporter, Option
from qbank.models import QUESTION_TYPES, Bank, Question
from qbank.numberformat import format_points

from .view import QuestionView, Views

ANSWER_MODES = ("hidden", "shown", "omitted")
_TEMPLATES = files(__name__) / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (_TEMPLATES / name).read_text(encoding="utf-8")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)


def _asset(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> Markup:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


def _sections(bank: Bank, views: list[QuestionView]) -> list[dict[str, Any]]:
    """Consecutive questions of the same group form one section (ungrouped ones too).

    The variants of a varied question are one entry of their section: a variant set, which
    the page shows one variant at a time (``set``: its id, ``variants``: each one's view).
    """
    groups = {g.id: g for g in bank.groups}
    sections: list[dict[str, Any]] = []
    for view in views:
        group = groups.get(view.q.group) if view.q.group else None
        variant_set = group if group is not None and group.kind == "variants" else None
        if variant_set is not None:
            group = groups.get(variant_set.parent) if variant_set.parent else None
        group_id = group.id if group is not None else None
        if not sections or sections[-1]["id"] != group_id:
            points = group.points_per_question if group else None
            sections.append({"id": group_id, "title": group.title if group else None,
                             "pick": group.pick if group else None,
                             "points": format_points(points) if points is not None else None, "questions": []})
        entries = sections[-1]["questions"]
        if variant_set is None:
            entries.append(view.context)
            continue
        if not entries or entries[-1].get("set") != variant_set.id:
            entries.append({"set": variant_set.id, "dom": f"vs-{variant_set.id}", "variants": []})
        entries[-1]["variants"].append(view.context)
    for section in sections:
        section["count"] = len(section["questions"])
    return sections


def _first_variants(bank: Bank, questions: Sequence[Question]) -> list[bool]:
    """For each question: whether it counts on the page (every variant after a set's first does not)."""
    sets = bank.variant_sets()
    counted: list[bool] = []
    previous: str | None = None
    for question in questions:
        in_set = question.group if question.group in sets else None
        counted.append(in_set is None or in_set != previous)
        previous = in_set
    return counted


def build_page(bank: Bank, questions: Sequence[Question], renderer: render.Renderer, *, answers: str = "hidden",
               reload_endpoint: str | None = None) -> bytes:
    """The page's bytes. ``reload_endpoint`` (preview only) adds a script that reloads on change."""
    text = Views(renderer)
    views: list[QuestionView] = []
    number = 0
    counts = _first_variants(bank, questions)
    for question, counted in zip(questions, counts, strict=True):
        if question.type != "description" and counted:
            number += 1
        views.append(QuestionView(text, question, number if question.type != "description" else None,
                                  with_key=answers != "omitted"))
    scored = [v for v in views if v.data is not None]
    key = {v.q.id: v.data for v in scored} if answers != "omitted" else None
    shown = [q for q, counted in zip(questions, counts, strict=True) if counted]  # a variant set once
    time_limit = bank.quiz_time_limit(questions)
    context = {
        "bank": bank,
        "lang": bank.language,
        "description": text.fragment_html(bank.description),
        "sections": _sections(bank, views),
        "question_count": sum(v.data is not None for v, counted in zip(views, counts, strict=True) if counted),
        "total_points": format_points(bank.total_points(shown)),
        "time_limit": format_duration(time_limit) if time_limit else None,
        "answers": answers,
        "with_key": answers != "omitted",
        "answer_json": json_for_script(key) if key is not None else None,
        "css": Markup(_asset("page.css")),
        "script": Markup(_asset("score.js") + "\n" + _asset("page.js")) if key is not None else None,
        "variants_script": Markup(_asset("variants.js")) if len(shown) < len(questions) and key is not None
        else None,
        "reload_script": Markup(_asset("reload.js").replace("__ENDPOINT__", json.dumps(reload_endpoint)))
        if reload_endpoint else None,
    }
    return _environment().get_template("page.html.j2").render(context).encode("utf-8")


class HtmlExporter(Exporter):
    name = "html"
    description = "standalone HTML page: practice quiz with checking, answer key and print view (offline)"
    suffix = ".html"
    supported_types = frozenset(QUESTION_TYPES)
    options = (
        Option("answers", "hidden: practice page, answers revealed by Check or the 'Show all answers' "
                          "switch; shown: answer key (switch on, printed with answers); omitted: exam "
                          "sheet with no answers in the file at all",
               "hidden", ANSWER_MODES),
        Option("reload-url", "a URL path the page polls, reloading itself when the answer changes "
                             "(`qbank preview --watch` sets it; empty: no reloading)", ""),
    )

    def render(self, bank: Bank, questions: Sequence[Question]) -> bytes:
        return build_page(bank, questions, self.renderer, answers=self.settings["answers"],
                          reload_endpoint=self.settings["reload-url"] or None)
