"""A Canvas quiz (``<assessment>``) or question bank (``<objectbank>``) → one bank of the model.

Quizzes follow ``lib/cc/qti/qti_generator.rb`` (``generate_quiz``, ``add_group``): one
``root_section`` whose children are items and group sections; a group section with
``selection_ordering/selection/selection_number`` is a pool that draws N, with its points in
``selection_extension/points_per_item``; a group linked to a question bank holds no items,
only ``sourcebank_ref``. Banks (``generate_question_bank``) are an ``objectbank`` whose items
are its direct children, titled by the ``bank_title`` metadata field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from qbank.models import Bank, Fragment, Group, Pos, Question
from qbank.readers.markdown.reader import slug

from ..foreign.build import Ids
from .idents import recover
from .items import ItemContext, build_question
from .meta import Meta
from .qti12 import children, first, number, read_item, text_of
from .qti12 import descendant as find

__all__ = ["BankSource", "read_assessment", "read_objectbank"]


@dataclass
class BankSource:
    """A question bank of the package, for groups that draw from it."""

    ident: str
    title: str
    items: list[etree._Element]
    file: str  # for positions: package path / member
    member: str


def _fields(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    meta = first(element, "qtimetadata")
    for entry in children(meta, "qtimetadatafield") if meta is not None else []:
        found.setdefault(text_of(first(entry, "fieldlabel")).strip(), text_of(first(entry, "fieldentry")).strip())
    return found


@dataclass
class _Reading:
    ctx: ItemContext
    key: str | None
    banks: dict[str, BankSource]
    items: dict[str, tuple[etree._Element, str, str]] = field(default_factory=dict)  # ident → (item, member, file)
    questions: list[Question] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    group_ids: Ids = field(default_factory=Ids)
    count: int = 0
    missing_bank: bool = False  # the group being read draws from a bank the package lacks (reported once)

    def item(self, element: etree._Element, group: str | None) -> None:
        self.count += 1
        question = build_question(read_item(element), self.ctx, self.count, group)
        if question is not None:
            self.questions.append(question)

    def section(self, element: etree._Element, depth: int) -> None:
        for child in children(element):
            name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if name == "item":
                self.item(child, None)
            elif name == "section":
                self.group(child, depth)
            elif name == "itemref" and child.get("linkrefid", "") in self.items:
                self.referenced(child.get("linkrefid", ""), None)
            elif name in ("itemref", "sectionref"):
                self.ctx.report.add("W701", f"`{name}` {child.get('linkrefid', '')} refers to nothing in this "
                                    "package; it is dropped", self.ctx.pos(child.sourceline or 1),
                                    hint="export the quiz again with its items")

    def referenced(self, ident: str, group: str | None) -> None:
        """An item in a file of its own (``itemref``, as mkdocs-quiz writes), read where it is referenced."""
        element, member, file = self.items[ident]
        saved = self.ctx.file, self.ctx.member
        self.ctx.file, self.ctx.member = file, member
        self.item(element, group)
        self.ctx.file, self.ctx.member = saved

    def group(self, element: etree._Element, depth: int) -> None:
        pos = self.ctx.pos(element.sourceline or 1)
        selection = find(element, "selection")
        pick_text = text_of(find(selection, "selection_number")).strip() if selection is not None else ""
        pick = int(pick_text) if pick_text.isdigit() else None
        points = number(text_of(find(selection, "points_per_item"))) if selection is not None else None
        title = element.get("title", "") if element.get("title", "").strip() else f"Group {len(self.groups) + 1}"
        ident = element.get("ident", "")
        gid = recover(ident, self.key, group=True) if self.key is not None else None
        if gid is None or not self.group_ids.claim(gid):
            gid = self.group_ids.derive(None, title or ident)[0]
        if depth > 0:
            self.ctx.report.add("W703", f"group `{title}` inside another group: the model has one level of groups, "
                                "so its questions join it as a group of their own", pos,
                                hint="check the groups after import")
        group = Group(id=gid, title=title, pick=pick, points_per_question=points if points else None, pos=pos)
        self.groups.append(group)
        before = len(self.questions)
        for ref in [find(s, "sourcebank_ref") for s in children(find(element, "selection_ordering"))
                    if find(s, "sourcebank_ref") is not None] if find(element, "selection_ordering") is not None \
                else []:
            external = text_of(find(selection, "sourcebank_is_external")).strip() == "true"
            self.from_bank(text_of(ref).strip(), group, pos,
                           text_of(find(selection, "sourcebank_context")).strip() if external else None)
        for child in children(element):
            name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if name == "item":
                self.item(child, gid)
            elif name == "itemref" and child.get("linkrefid", "") in self.items:
                self.referenced(child.get("linkrefid", ""), gid)
            elif name == "section":
                self.group(child, depth + 1)
        if len(self.questions) == before:
            self.groups.remove(group)
            if self.missing_bank:
                self.missing_bank = False
                return
            self.ctx.report.add("W701", f"group `{title}` holds no question qbank can read; it is dropped", pos,
                                hint="add its questions by hand after import")

    def from_bank(self, ref: str, group: Group, pos: Pos, external: str | None) -> None:
        bank = self.banks.get(ref)
        if bank is None:
            where = (f"a bank of another course ({external or 'external'}), which no export of this course holds"
                     if external is not None else
                     "which is not in this package (Canvas leaves banks out of quiz exports)")
            hint = ("export that course too and import its bank" if external is not None
                    else "export the whole course (.imscc) to bring the bank along")
            self.ctx.report.add("W701", f"group `{group.title}` draws {group.pick or 'all'} question(s) from question "
                                f"bank `{ref}`, {where}; the group is empty", pos, hint=hint)
            self.missing_bank = True
            return
        self.ctx.report.add("W703", f"group `{group.title}` draws from question bank `{bank.title}`: its "
                            f"{len(bank.items)} question(s) are copied into the group", pos,
                            hint="the bank is imported on its own as well")
        saved = self.ctx.file, self.ctx.member
        self.ctx.file, self.ctx.member = bank.file, bank.member
        for element in bank.items:
            self.item(element, group.id)
        self.ctx.file, self.ctx.member = saved


def _bank_key(title: str, ident: str) -> str:
    return slug(title) or slug(ident) or "bank"


def read_assessment(element: etree._Element, ctx: ItemContext, key: str | None, meta: Meta | None,
                    banks: dict[str, BankSource], items: dict[str, tuple[etree._Element, str, str]]) -> Bank | None:
    fields = _fields(element)
    title = meta.title if meta and meta.title and meta.title.strip() else element.get("title", "")
    title = title if title.strip() else "Quiz"
    reading = _Reading(ctx, key, banks, items)
    for section in children(element, "section"):
        reading.section(section, 0)
    for item in children(element, "item"):
        reading.item(item, None)
    pos = ctx.pos(element.sourceline or 1)
    if not reading.questions:
        ctx.report.add("W701", f"quiz `{title}` holds no question qbank can read; no bank is made from it", pos,
                       hint="check the diagnostics above for why each question was left out")
        return None
    attempts = _attempts(fields.get("cc_maxattempts", ""))
    limit = number(fields.get("qmd_timelimit", "") or "x")
    description: Fragment | None = None
    shuffle = True
    if meta is not None:
        attempts = meta.allowed_attempts if meta.allowed_attempts is not None else attempts
        limit = Decimal(meta.time_limit) if meta.time_limit is not None else limit
        description = meta.description
        shuffle = meta.shuffle if meta.shuffle is not None else shuffle
    category = ctx.bank_title if ctx.bank_title and ctx.bank_title != title else None
    return Bank(path=f"{key or _bank_key(title, element.get('ident', ''))}.md", title=title,
                description=description, category=category,
                time_limit=int(limit * 60) if limit is not None and limit > 0 else None, shuffle=shuffle,
                allowed_attempts=attempts, groups=tuple(reading.groups), questions=tuple(reading.questions), pos=pos)


def _attempts(text: str) -> int:
    if text.strip().lower() == "unlimited":
        return -1
    return int(text) if text.strip().lstrip("-").isdigit() and int(text) != 0 else 1


def read_objectbank(source: BankSource, element: etree._Element, ctx: ItemContext) -> Bank | None:
    reading = _Reading(ctx, None, {})
    for item in source.items:
        reading.item(item, None)
    pos = ctx.pos(element.sourceline or 1)
    if not reading.questions:
        ctx.report.add("W701", f"question bank `{source.title}` holds no question qbank can read; no bank is made "
                       "from it", pos, hint="check the diagnostics above for why each question was left out")
        return None
    return Bank(path=f"{_bank_key(source.title, source.ident)}.md", title=source.title, category=None,
                questions=tuple(reading.questions), pos=pos)


def bank_source(element: etree._Element, file: str, member: str) -> BankSource:
    fields = _fields(element)
    ident = element.get("ident", "")
    title = fields.get("bank_title", "") if fields.get("bank_title", "").strip() else ident or "Question bank"
    return BankSource(ident, title, children(element, "item"), file, member)
