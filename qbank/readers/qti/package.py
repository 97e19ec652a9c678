"""A QTI 2.x/3.0 content package (or one item file) → banks: one per assessment test.

The manifest (IMS CP) lists the test and item resources; a test's sections become groups
(``selection select=N`` a pool that draws N; a section titled like the test and drawing
nothing is no group), its ``timeLimits`` the bank's time limit and its ``itemSessionControl
maxAttempts`` the allowed attempts; each ``assessmentItemRef`` points to an item file, and its
``weight`` scales the item's points (a group's points where they agree). A package without a
test is one bank of its items, in manifest order.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

from qbank import render
from qbank.models import Bank, Fragment, Group, Question
from qbank.readers.markdown.reader import slug

from ..foreign.archive import Package, open_input
from ..foreign.build import Ids, Media
from ..foreign.packagefiles import ImageFiles
from ..foreign.packagetext import PackageText
from ..foreign.report import Report
from .content import Content
from .items import ItemCtx, build_question
from .normalize import normalize, version_of
from .scoring import decimal

__all__ = ["read_qti"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class _Resource:
    identifier: str
    type: str
    href: str
    files: list[str]


def _manifest(package: Package, report: Report) -> tuple[list[_Resource], str | None]:
    member = package.find("imsmanifest.xml")
    if member is None:
        return [], None
    root = package.parse(member, report)
    if root is None:
        return [], None
    resources = []
    for node in root.iter("{*}resource"):
        files = [f.get("href", "") for f in node.iter("{*}file")]
        resources.append(_Resource(node.get("identifier", ""), node.get("type", ""), node.get("href") or
                                   (files[0] if files else ""), files))
    title = next((t.text for t in root.iter("{*}string") if t.text and t.text.strip()), None)
    return resources, title


class _Reader:
    def __init__(self, package: Package, report: Report, media: Media, renderer: render.Renderer) -> None:
        self.package = package
        self.report = report
        self.files = ImageFiles(package, media, report)
        self.text = PackageText(report, media, renderer, self.files.resolver)
        self.documents: dict[str, etree._Element | None] = {}

    def document(self, member: str) -> etree._Element | None:
        if member not in self.documents:
            root = None
            if self.package.has(member):
                root = self.package.parse(member, self.report)
                if root is not None and version_of(root) is None:
                    root = None
                if root is not None:
                    normalize(root)
            self.documents[member] = root
        return self.documents[member]

    def item(self, member: str, ids: Ids, group: str | None) -> Question | None:
        root = self.document(member)
        if root is None or root.tag != "assessmentItem":
            self.report.add("W702", f"`{member}` is not a QTI assessment item this reader knows; it is left out",
                            self.package.pos(member), hint="check the package's manifest")
            return None
        ctx = ItemCtx(self.report, self.text, member, self.package.pos(member).file, ids)
        return build_question(root, ctx, group)

    def test(self, member: str) -> Bank | None:
        root = self.document(member)
        if root is None or root.tag != "assessmentTest":
            return None
        title = root.get("title", "") if root.get("title", "").strip() else root.get("identifier", "") or "Test"
        identifier = root.get("identifier", "")
        key = identifier[5:] if identifier.startswith("test-") and root.get("toolName") == "qbank" else \
            (slug(title) or slug(identifier) or "bank")
        ids, group_ids = Ids(), Ids()
        questions: list[Question] = []
        groups: list[Group] = []
        description: Fragment | None = None
        folder = posixpath.dirname(member)
        sections = [s for s in root.iter("assessmentSection")]
        for number, section in enumerate(sections, 1):
            group = self._group(section, title, group_ids, member)
            for rubric in section.findall("rubricBlock"):
                if number == 1 and description is None:
                    description = self.text.fragment(Content().inner(rubric), self.package.pos(
                        member, rubric.sourceline or 1), member, "the test's introduction")
                else:
                    self.report.add("W701", f"a rubric block of section `{section.get('title', '')}` has no place in "
                                    "the model; it is dropped", self.package.pos(member, rubric.sourceline or 1),
                                    hint="put its text into a question")
            members: list[tuple[Question, Decimal]] = []
            for ref in section.findall("assessmentItemRef"):
                href = posixpath.normpath(posixpath.join(folder, ref.get("href", "")))
                question = self.item(href, ids, group.id if group else None)
                if question is None:
                    continue
                limit = ref.find("timeLimits")
                seconds = decimal(limit.get("maxTime")) if limit is not None else None
                if seconds is not None:
                    question = question.model_copy(update={"time_limit": int(seconds)})
                weight = ref.find("weight")
                members.append((question, (decimal(weight.get("value")) if weight is not None else None)
                                or Decimal(1)))
            weighted = [(q, w) for q, w in members if w != 1 and q.points != 0]
            if group is not None and members:
                per = {q.points * w for q, w in members if q.points != 0}
                if weighted and len(per) == 1:
                    group = group.model_copy(update={"points_per_question": per.pop()})
                    weighted = []
                groups.append(group)
            for question, weight in weighted:
                self.report.add("W703", f"`{question.title}` weighs {weight} in the test, which the model cannot "
                                "say (only a group's `points=` can); its own points are kept", question.pos,
                                hint="put it in a group with `points=` after import")
            questions.extend(q for q, _ in members)
        if not questions:
            self.report.add("W701", f"test `{title}` holds no question qbank can read; no bank is made from it",
                            self.package.pos(member, root.sourceline or 1), hint="check the diagnostics above")
            return None
        return self._bank(root, key, title, description, questions, groups, member)

    def _group(self, section: etree._Element, test_title: str, ids: Ids, member: str) -> Group | None:
        selection = section.find("selection")
        pick = selection.get("select") if selection is not None else None
        title = section.get("title", "")
        if pick is None and title in (test_title, ""):
            return None
        gid = ids.derive(None, title or section.get("identifier", "group"))[0]
        return Group(id=gid, title=title or gid, pick=int(pick) if pick and pick.isdigit() else None,
                     pos=self.package.pos(member, section.sourceline or 1))

    def _bank(self, root: etree._Element, key: str, title: str, description: Fragment | None,
              questions: list[Question], groups: list[Group], member: str) -> Bank:
        limit = root.find("timeLimits")
        seconds = decimal(limit.get("maxTime")) if limit is not None else None
        control = root.find("testPart/itemSessionControl")
        attempts = control.get("maxAttempts") if control is not None else None
        language = next((r.get(_XML_LANG) for r in self.documents.values() if r is not None and r.get(_XML_LANG)),
                        "en")
        return Bank(path=f"{key}.md", title=title, description=description, language=language or "en",
                    time_limit=int(seconds) if seconds else None,
                    allowed_attempts=(-1 if attempts == "0" else int(attempts)) if attempts and attempts.isdigit()
                    else 1, groups=tuple(groups), questions=tuple(questions),
                    pos=self.package.pos(member, root.sourceline or 1))


def _tag(root: etree._Element | None) -> str:
    return str(root.tag) if root is not None else ""


def read_qti(path: Path, report: Report, media: Media, renderer: render.Renderer) -> list[Bank]:
    package = open_input(path, report)
    if package is None:
        return []
    with package:
        return _read(_Reader(package, report, media, renderer), path)


def _read(reader: _Reader, path: Path) -> list[Bank]:
    resources, title = _manifest(reader.package, reader.report)
    if reader.report.failed:
        return []
    tests = [r.href for r in resources if "test" in r.type or "assessment_xml" in r.type]
    banks = [bank for bank in (reader.test(t) for t in tests) if bank is not None]
    if banks or reader.report.failed:
        return banks
    items = [r.href for r in resources if "item" in r.type] or sorted(
        n for n in reader.package.names if n.lower().endswith(".xml") and n != "imsmanifest.xml")
    ids = Ids()
    items = [m for m in items if _tag(reader.document(m)) == "assessmentItem"]
    questions = [q for q in (reader.item(m, ids, None) for m in items) if q is not None]
    if reader.report.failed:
        return []
    if not questions:
        reader.report.add("E701", "no QTI 2.x or 3.0 assessment item found", reader.package.pos(""),
                          hint="a QTI package lists its items in imsmanifest.xml")
        return []
    name = title or path.name.split(".")[0]
    return [Bank(path=f"{slug(name) or 'bank'}.md", title=name, questions=tuple(questions),
                 pos=reader.package.pos(items[0]))]
