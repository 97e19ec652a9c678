"""The files of a Canvas QTI package: the assessment, Canvas's quiz settings, and the manifest.

Layout (as text2qti and Canvas's own exports lay it out)::

    imsmanifest.xml
    <assessment ident>/<assessment ident>.xml     the QTI 1.2 questestinterop
    <assessment ident>/assessment_meta.xml       Canvas's quiz settings (cccv1p0)
    images/<name>                                every image the questions show
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from qbank.models import Bank, Group, Question
from qbank.numberformat import format_points

from . import text as ct
from .items import NS, ItemWriter, sub

CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"


@dataclass(frozen=True)
class GroupPlan:
    """A bank group with ``pick``, as Canvas will hold it (a question group)."""

    group: Group
    members: tuple[Question, ...]
    pick: int
    points: Decimal  # points of every question drawn from the group
    uneven: bool  # members' own points differ from ``points``: Canvas must be told, and overrides them


def group_plans(bank: Bank, questions: Sequence[Question]) -> dict[str, GroupPlan]:
    plans: dict[str, GroupPlan] = {}
    by_group = bank.members(questions)
    for group in bank.groups:
        if group.pick is None:
            continue
        members = tuple(by_group.get(group.id, ()))
        if not members:
            continue
        # Canvas gives every question drawn from a group the same points: the group's, else the largest
        points = group.points_per_question if group.points_per_question is not None else \
            max(q.points for q in members)
        plans[group.id] = GroupPlan(group, members, min(group.pick, len(members)), points,
                                    any(q.points != points for q in members))
    return plans


def points_possible(questions: Sequence[Question], plans: dict[str, GroupPlan]) -> Decimal:
    """What a student can score: loose questions, plus ``pick × points`` per question group."""
    total = sum((q.points for q in questions if q.group not in plans), Decimal(0))
    return total + sum((plan.pick * plan.points for plan in plans.values()), Decimal(0))


def _serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def assessment_xml(bank: Bank, questions: Sequence[Question], plans: dict[str, GroupPlan],
                   text: ct.TextWriter, always_points_per_item: bool) -> bytes:
    root = etree.Element(f"{{{NS}}}questestinterop", nsmap={None: NS})
    assessment = sub(root, "assessment", ident=ct.assessment_ident(bank), title=bank.title)
    field = sub(sub(assessment, "qtimetadata"), "qtimetadatafield")
    sub(field, "fieldlabel", "cc_maxattempts")
    sub(field, "fieldentry", str(bank.allowed_attempts) if bank.allowed_attempts > 0 else "unlimited")
    section = sub(assessment, "section", ident="root_section")
    bank_title = bank.category or bank.title
    written: set[str] = set()
    for question in questions:
        plan = plans.get(question.group or "")
        if plan is None:
            ItemWriter(text, ct.item_ident(bank, question.id), bank_title).write(section, question)
            continue
        if plan.group.id in written:
            continue
        written.add(plan.group.id)
        pool = sub(section, "section", ident=ct.group_ident(bank, plan.group.id), title=plan.group.title)
        selection = sub(sub(pool, "selection_ordering"), "selection")
        sub(selection, "selection_number", str(plan.pick))
        # Canvas takes a group's points from the questions when they all agree; its extension
        # element (outside the QTI 1.2 DTD) is written only when it must be, or when asked.
        if always_points_per_item or plan.uneven:
            sub(sub(selection, "selection_extension"), "points_per_item", format_points(plan.points))
        for member in plan.members:
            ItemWriter(text, ct.item_ident(bank, member.id), bank_title).write(pool, member)
    return _serialize(root)


def _text(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, f"{{{CANVAS_NS}}}{tag}").text = value


def _flag(value: bool) -> str:
    return "true" if value else "false"


def meta_xml(bank: Bank, total: Decimal, time_limit_minutes: int | None, text: ct.TextWriter) -> bytes:
    ident = ct.assessment_ident(bank)
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", {"identifier": ident}, nsmap={None: CANVAS_NS})
    points = format_points(total)
    _text(root, "title", bank.title)
    _text(root, "description", text.block(bank.description) if bank.description is not None else "")
    _text(root, "shuffle_answers", _flag(bank.shuffle))
    _text(root, "scoring_policy", "keep_highest")
    _text(root, "hide_results", "")
    _text(root, "quiz_type", "assignment")
    _text(root, "points_possible", points)
    if time_limit_minutes is not None:
        _text(root, "time_limit", str(time_limit_minutes))
    _text(root, "show_correct_answers", "true")
    _text(root, "anonymous_submissions", "false")
    _text(root, "could_be_locked", "false")
    _text(root, "allowed_attempts", str(bank.allowed_attempts))
    _text(root, "one_question_at_a_time", "false")
    _text(root, "cant_go_back", "false")
    _text(root, "available", "false")
    _text(root, "one_time_results", "false")
    _text(root, "show_correct_answers_last_attempt", "false")
    _text(root, "only_visible_to_overrides", "false")
    _text(root, "module_locked", "false")
    assignment = etree.SubElement(root, f"{{{CANVAS_NS}}}assignment", {"identifier": f"{ident}_assignment"})
    _text(assignment, "title", bank.title)
    _text(assignment, "workflow_state", "unpublished")
    _text(assignment, "quiz_identifierref", ident)
    _text(assignment, "points_possible", points)
    _text(assignment, "grading_type", "points")
    _text(assignment, "submission_types", "online_quiz")
    return _serialize(root)


def manifest_xml(bank: Bank, files: Sequence[str]) -> bytes:
    """The IMS CP manifest: the assessment, its settings file, and one resource per image."""
    ident = ct.assessment_ident(bank)
    root = etree.Element(f"{{{MANIFEST_NS}}}manifest", {"identifier": f"{ident}_manifest"},
                         nsmap={None: MANIFEST_NS})

    def element(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{MANIFEST_NS}}}{tag}", attrs)

    metadata = element(root, "metadata")
    element(metadata, "schema").text = "IMS Content"
    element(metadata, "schemaversion").text = "1.1.3"
    element(root, "organizations")
    resources = element(root, "resources")
    qti = element(resources, "resource", identifier=ident, type="imsqti_xmlv1p2")
    element(qti, "file", href=f"{ident}/{ident}.xml")
    element(qti, "dependency", identifierref=f"{ident}_meta")
    meta = element(resources, "resource", identifier=f"{ident}_meta",
                   type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                   href=f"{ident}/assessment_meta.xml")
    element(meta, "file", href=f"{ident}/assessment_meta.xml")
    for name in files:
        resource = element(resources, "resource", identifier=ct.resource_ident(name), type="webcontent", href=name)
        element(resource, "file", href=name)
    return _serialize(root)
