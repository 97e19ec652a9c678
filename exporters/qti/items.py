"""Questions as dialect-neutral QTI assessment items: declarations, body, scoring, feedback.

One function per question shape fills an :class:`ItemParts`; :func:`build_item` assembles
the ``assessmentItem``. Identifier conventions (the tests and players rely on them):
the response is ``RESPONSE`` (fill-in-the-blanks: ``RESPONSE_1``... per blank); choices keep
the question's option ids (``a``, ``b``... / ``true``, ``false``); matching sources are
``L1``... and targets ``R1``... (each distinct right-hand text once, distractors last);
dropdown options are ``B<blank>_<n>``; feedback identifiers are the choice id,
``ANSWER_<n>`` (n-th answer), ``CORRECT``, ``INCORRECT`` and ``EXPLANATION``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from qbank import xhtml
from qbank.models import (
    Blank,
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
    TrueFalse,
    unhandled,
)

from . import scoring as sc
from .content import ContentBuilder
from .tree import XML_NS, qti

XHTML_P = f"{{{xhtml.XHTML_NS}}}p"


@dataclass
class ItemParts:
    responses: list[sc.Response] = field(default_factory=list)
    body: list[etree._Element] = field(default_factory=list)
    scoring: list[etree._Element] = field(default_factory=list)  # rules computing SCORE
    template: str | None = None  # a standard template computing the same SCORE, if one does
    feedback_rules: list[etree._Element] = field(default_factory=list)
    feedback: list[tuple[str, Fragment]] = field(default_factory=list)  # modal feedback id → text
    scored: bool = True  # False: essays (scored by a person) and descriptions
    clip: bool = False  # the scoring rules may exceed MAXSCORE by rounding


@dataclass
class BuiltItem:
    identifier: str
    element: etree._Element  # neutral assessmentItem
    images: list[str]  # package paths of the images it shows


def build_item(question: Question, content: ContentBuilder, language: str | None) -> BuiltItem:
    parts = ItemParts()
    if isinstance(question, FillInBlanks):
        _fill_in_blanks(question, parts, content)  # the stem holds the interactions
    else:
        parts.body.extend(blocks(content, question.stem))
        _interaction(question, parts, content)
    _general_feedback(question, parts)

    item = qti("assessmentItem", {"identifier": question.id, "title": question.title, "adaptive": False,
                                  "timeDependent": False, "toolName": "qbank"})
    if language is not None:
        item.set(f"{{{XML_NS}}}lang", language)
    for response in parts.responses:
        item.append(response.declaration())
    if not isinstance(question, Description):
        points = sc.number(question.points)
        item.append(qti("outcomeDeclaration", {"identifier": sc.SCORE, "cardinality": "single", "baseType": "float",
                                               "externalScored": None if parts.scored else "human",
                                               "normalMaximum": points if question.points > 0 else None},
                        qti("defaultValue", None, qti("value", None, "0"))))
        item.append(qti("outcomeDeclaration", {"identifier": sc.MAXSCORE, "cardinality": "single",
                                               "baseType": "float"},
                        qti("defaultValue", None, qti("value", None, points))))
    if parts.feedback:
        item.append(qti("outcomeDeclaration", {"identifier": sc.FEEDBACK, "cardinality": "multiple",
                                               "baseType": "identifier"}))
    item.append(qti("itemBody", None, *parts.body))
    if parts.template is not None and not parts.feedback_rules and not parts.clip:
        item.append(sc.processing(template=parts.template))
    elif parts.scoring or parts.feedback_rules:
        item.append(sc.processing([*parts.scoring, *([sc.clip_to_max()] if parts.clip else []),
                                   *parts.feedback_rules]))
    for identifier, fragment in parts.feedback:
        title = "Explanation" if identifier == sc.EXPLANATION else None
        modal = qti("modalFeedback", {"outcomeIdentifier": sc.FEEDBACK, "identifier": identifier,
                                      "showHide": "show", "title": title})
        item.append(content.into(modal, fragment))
    return BuiltItem(question.id, item, list(content.images))


def blocks(content: ContentBuilder, fragment: Fragment,
           interaction: Callable[[int], etree._Element] | None = None) -> list[etree._Element]:
    """The fragment as block elements (loose text wrapped in paragraphs), for the item body."""
    return list(content.holder(fragment, block=True, interaction=interaction))


def paragraph(*children: etree._Element) -> etree._Element:
    element = etree.Element(XHTML_P)
    for child in children:
        element.append(child)
    return element


def _general_feedback(question: Question, parts: ItemParts) -> None:
    if parts.scored:
        parts.feedback_rules.extend(sc.verdict_feedback(question.correct_feedback is not None,
                                                        question.incorrect_feedback is not None))
        if question.correct_feedback is not None:
            parts.feedback.append((sc.CORRECT, question.correct_feedback))
        if question.incorrect_feedback is not None:
            parts.feedback.append((sc.INCORRECT, question.incorrect_feedback))
    if question.explanation is not None:
        parts.feedback_rules.append(sc.add_feedback(sc.EXPLANATION))
        parts.feedback.append((sc.EXPLANATION, question.explanation))


# --- one builder per question shape --------------------------------------------------------


def _choices(question: MultipleChoice | MultipleSelect | TrueFalse, parts: ItemParts,
             content: ContentBuilder) -> None:
    multiple = isinstance(question, MultipleSelect)
    points = question.points
    if multiple:
        positive = sum((Decimal(repr(c.weight)) for c in question.choices if c.weight > 0), Decimal(0))
        values = {c.id: sc.share(points * Decimal(repr(c.weight)), positive) if c.weight > 0
                  else sc.percent_of(points, c.weight) for c in question.choices}
    else:
        values = {c.id: sc.percent_of(points, c.weight) for c in question.choices}
    response = sc.Response("RESPONSE", "multiple" if multiple else "single", "identifier",
                           [c.id for c in question.choices if c.correct],
                           [(c.id, values[c.id]) for c in question.choices if values[c.id] != 0], points)
    parts.responses.append(response)
    interaction = qti("choiceInteraction", {"responseIdentifier": response.identifier,
                                            "shuffle": question.shuffle, "maxChoices": 0 if multiple else 1})
    for choice in question.choices:
        interaction.append(content.into(qti("simpleChoice", {"identifier": choice.id}), choice.text, inline=True))
    parts.body.append(interaction)
    parts.scoring.extend(sc.mapped_score([response]))
    parts.template = "map_response"
    with_feedback = [c for c in question.choices if c.feedback is not None]
    if with_feedback:
        # Every chosen option's identifier joins FEEDBACK; the options with feedback show theirs.
        parts.feedback_rules.append(sc.set_outcome(sc.FEEDBACK, qti("multiple", None, sc.var(sc.FEEDBACK),
                                                                    sc.var(response.identifier))))
        parts.feedback.extend((c.id, c.feedback) for c in with_feedback if c.feedback is not None)


def _text_entry(identifier: str) -> etree._Element:
    # No expectedLength: sized to the answer, the box would tell the candidate its length.
    return qti("textEntryInteraction", {"responseIdentifier": identifier})


def _short_answer(question: ShortAnswer, parts: ItemParts) -> None:
    best = max(question.answers, key=lambda a: a.weight)
    mapping: dict[str, tuple[str, Decimal]] = {}
    for answer in question.answers:
        key = answer.text if question.case_sensitive else answer.text.casefold()
        if key not in mapping and answer.weight != 0:
            mapping[key] = (answer.text, sc.percent_of(question.points, answer.weight))
    response = sc.Response("RESPONSE", "single", "string", [best.text], list(mapping.values()), question.points,
                           case_sensitive=question.case_sensitive)
    parts.responses.append(response)
    parts.body.append(paragraph(_text_entry(response.identifier)))
    parts.scoring.extend(sc.mapped_score([response]))
    parts.template = "map_response"
    for k, answer in enumerate(question.answers, start=1):
        if answer.feedback is None:
            continue
        test = qti("stringMatch", {"caseSensitive": question.case_sensitive}, sc.var(response.identifier),
                   sc.base("string", answer.text))
        parts.feedback_rules.append(sc.condition([(test, [sc.add_feedback(f"ANSWER_{k}")])]))
        parts.feedback.append((f"ANSWER_{k}", answer.feedback))


def _numeric_test(identifier: str, answer: NumericAnswer) -> etree._Element:
    if answer.kind == "exact" or answer.tolerance == 0:
        return qti("equal", {"toleranceMode": "exact"}, sc.var(identifier),
                   sc.base("float", sc.number(answer.value)))
    # Inclusive bounds written from the exact decimals: no float subtraction in the player.
    return qti("and", None, qti("gte", None, sc.var(identifier), sc.base("float", sc.number(answer.low))),
               qti("lte", None, sc.var(identifier), sc.base("float", sc.number(answer.high))))


def _numerical(question: Numerical, parts: ItemParts) -> None:
    ranked = sorted(enumerate(question.answers, start=1), key=lambda pair: -pair[1].weight)
    response = sc.Response("RESPONSE", "single", "float", [sc.number(ranked[0][1].value)])
    parts.responses.append(response)
    entry = paragraph(_text_entry(response.identifier))
    if question.unit:
        entry[-1].tail = f"\u00a0{xhtml.xml_text(question.unit)}"
    parts.body.append(entry)
    branches: list[tuple[etree._Element, list[etree._Element]]] = []
    for k, answer in ranked:
        rules = [sc.set_outcome(sc.SCORE, sc.base("float", sc.number(sc.percent_of(question.points,
                                                                                   answer.weight))))]
        if answer.feedback is not None:
            rules.append(sc.add_feedback(f"ANSWER_{k}"))
            parts.feedback.append((f"ANSWER_{k}", answer.feedback))
        if answer.weight > 0 or answer.feedback is not None:
            branches.append((_numeric_test(response.identifier, answer), rules))
    parts.scoring.append(sc.condition(branches))


def _essay(question: Essay, parts: ItemParts) -> None:
    response = sc.Response("RESPONSE", "single", "string", [])
    parts.responses.append(response)
    parts.body.append(qti("extendedTextInteraction", {"responseIdentifier": response.identifier,
                                                      "expectedLines": question.response_lines}))
    parts.scored = False


def _matching(question: Matching, parts: ItemParts, content: ContentBuilder) -> None:
    targets: dict[str, tuple[str, Fragment, int]] = {}  # right-hand source → (id, text, correct uses)
    for fragment in [pair.right for pair in question.pairs] + list(question.distractors):
        if fragment.source not in targets:
            targets[fragment.source] = (f"R{len(targets) + 1}", fragment, 0)
    for pair in question.pairs:
        ident, fragment, uses = targets[pair.right.source]
        targets[pair.right.source] = (ident, fragment, uses + 1)
    pairs = [f"L{k} {targets[pair.right.source][0]}" for k, pair in enumerate(question.pairs, start=1)]
    each = sc.share(question.points, Decimal(len(pairs)))
    response = sc.Response("RESPONSE", "multiple", "directedPair", pairs, [(p, each) for p in pairs],
                           question.points)
    parts.responses.append(response)
    sources = qti("simpleMatchSet")
    for k, pair in enumerate(question.pairs, start=1):
        sources.append(content.into(qti("simpleAssociableChoice", {"identifier": f"L{k}", "matchMax": 1}),
                                    pair.left, inline=True))
    destinations = qti("simpleMatchSet")
    for ident, fragment, uses in targets.values():
        destinations.append(content.into(qti("simpleAssociableChoice", {"identifier": ident,
                                                                        "matchMax": max(uses, 1)}),
                                         fragment, inline=True))
    parts.body.append(qti("matchInteraction", {"responseIdentifier": response.identifier,
                                               "shuffle": question.shuffle, "maxAssociations": len(pairs)},
                          sources, destinations))
    parts.scoring.extend(sc.mapped_score([response]))
    parts.template = "map_response"


def _ordering(question: Ordering, parts: ItemParts, content: ContentBuilder) -> None:
    response = sc.Response("RESPONSE", "ordered", "identifier", [item.id for item in question.items])
    parts.responses.append(response)
    # The model holds the items in the correct order; write them scrambled (deterministically),
    # so even a player that does not shuffle does not show the answer.
    shown = sorted(question.items, key=lambda item: hashlib.sha256(f"{question.id}/{item.id}".encode()).digest())
    if [i.id for i in shown] == response.correct:
        shown = shown[1:] + shown[:1]
    interaction = qti("orderInteraction", {"responseIdentifier": response.identifier, "shuffle": True})
    for item in shown:
        interaction.append(content.into(qti("simpleChoice", {"identifier": item.id}), item.text, inline=True))
    parts.body.append(interaction)
    parts.scoring.extend(sc.all_correct(response, question.points))
    if question.points == 1:
        parts.template = "match_correct"


def _blank_response(blank: Blank, each: Decimal) -> sc.Response:
    identifier = f"RESPONSE_{blank.id}"
    if blank.kind == "dropdown":
        correct = next(f"B{blank.id}_{k}" for k, o in enumerate(blank.options, start=1) if o.correct)
        return sc.Response(identifier, "single", "identifier", [correct], [(correct, each)], each)
    keys: dict[str, str] = {}
    for answer in blank.answers:
        keys.setdefault(answer if blank.case_sensitive else answer.casefold(), answer)
    return sc.Response(identifier, "single", "string", [blank.answers[0]], [(a, each) for a in keys.values()],
                       each, case_sensitive=blank.case_sensitive)


def _fill_in_blanks(question: FillInBlanks, parts: ItemParts, content: ContentBuilder) -> None:
    each = sc.share(question.points, Decimal(len(question.blanks)))
    parts.responses.extend(_blank_response(blank, each) for blank in question.blanks)

    def interaction(index: int) -> etree._Element:
        blank = question.blanks[index]
        if blank.kind == "text":
            return _text_entry(f"RESPONSE_{blank.id}")
        element = qti("inlineChoiceInteraction", {"responseIdentifier": f"RESPONSE_{blank.id}",
                                                  "shuffle": question.shuffle})
        for k, option in enumerate(blank.options, start=1):
            element.append(qti("inlineChoice", {"identifier": f"B{blank.id}_{k}"}, xhtml.xml_text(option.text)))
        return element

    parts.body.extend(blocks(content, question.stem, interaction))
    parts.scoring.extend(sc.mapped_score(parts.responses))
    parts.clip = True


def _interaction(question: Question, parts: ItemParts, content: ContentBuilder) -> None:
    """The interaction after the stem, with its response and scoring."""
    match question:
        case MultipleChoice() | MultipleSelect() | TrueFalse():
            _choices(question, parts, content)
        case ShortAnswer():
            _short_answer(question, parts)
        case Numerical():
            _numerical(question, parts)
        case Essay():
            _essay(question, parts)
        case Matching():
            _matching(question, parts, content)
        case Ordering():
            _ordering(question, parts, content)
        case Description():
            parts.scored = False  # text only: no interaction, no score
        case FillInBlanks():  # pragma: no cover - build_item puts the interactions in the stem
            raise AssertionError("fill-in-blanks questions have no interaction after the stem")
        case _:
            unhandled(question)
