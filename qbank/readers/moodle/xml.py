"""Moodle XML (``question/format/xml/format.php``) → banks: one per top category, sub-categories as groups.

A category question (``$course$/top/Algebra``) starts a bank titled after its last level
(``category`` keeps the whole path below ``top`` when there is more than one level); a
category below the bank's (``$course$/top/Algebra/Warm-up``) is a group of that bank, as qbank's
own export writes groups. Questions before any category form a bank named after the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from qbank.models import Bank, Fragment, Group, Question
from qbank.readers.markdown.reader import slug

from . import questions
from .context import Ctx, child_text

_CONTEXTS = ("$course$", "$system$", "$module$", "$cat1$", "$cat2$", "$cat3$", "$cat4$")


def split_category(path: str) -> list[str]:
    """``question/format.php`` ``split_category_path``: levels on a lone ``/``, ``//`` a slash inside a level."""
    levels = [level.strip().replace("//", "/") for level in re.split(r"(?<!/)/(?!/)", path.strip())]
    if levels and levels[0] in _CONTEXTS:
        levels = levels[1:]
    if levels and levels[0] == "top":
        levels = levels[1:]
    return [level for level in levels if level]


@dataclass
class Draft:
    levels: list[str]
    line: int
    description: Fragment | None = None
    groups: list[Group] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    group: str | None = None


def enter_category(ctx: Ctx, drafts: list[Draft], current: Draft | None, levels: list[str],
                   line: int) -> tuple[Draft, bool]:
    """Where the questions after a category go, and whether that is a new bank: a category one
    level or more below the current bank's is a group of it; any other is a bank (the one
    already read under that path, else a new one)."""
    if current is not None and current.levels and len(levels) > len(current.levels) \
            and levels[:len(current.levels)] == current.levels:
        title = " - ".join(levels[len(current.levels):])
        gid = slug(title) or f"group-{len(current.groups) + 1}"
        if all(g.id != gid for g in current.groups):
            current.groups.append(Group(id=gid, title=title, pos=ctx.pos(line)))
        current.group = gid
        return current, False
    same = next((d for d in drafts if d.levels == levels), None)
    if same is not None:
        same.group = None
        return same, False
    draft = Draft(levels=levels, line=line)
    drafts.append(draft)
    return draft, True


def bank_of(ctx: Ctx, draft: Draft, fallback_title: str) -> Bank:
    title = draft.levels[-1] if draft.levels else fallback_title
    category = "/".join(level.replace("/", "//") for level in draft.levels) if len(draft.levels) > 1 else None
    if category is not None and "//" in category:
        category = None  # a slash inside a level cannot be written back; the title keeps the last level
    used = {q.group for q in draft.questions}
    return Bank(path=ctx.file, title=title, description=draft.description, category=category,
                groups=tuple(g for g in draft.groups if g.id in used), questions=tuple(draft.questions),
                pos=ctx.pos(draft.line))


def read_quiz(root: etree._Element, ctx: Ctx) -> list[Bank]:
    if root.tag != "quiz":
        ctx.report("E701", f"the root element is <{root.tag}>, not Moodle's <quiz>", root.sourceline,
                   "export the questions from Moodle's question bank in \"Moodle XML format\"")
        return []
    drafts: list[Draft] = []
    current: Draft | None = None
    fallback = Path(ctx.file).name.split(".")[0] or "Imported questions"
    index = 0
    elements = root.findall("question")  # Moodle reads quiz/question only
    total = sum(1 for e in elements if e.get("type") != "category")
    for element in elements:
        if ctx.progress is not None:
            ctx.progress(index, total)
        if element.get("type") == "category":
            levels = split_category(child_text(element, "category/text"))
            current, new = enter_category(ctx, drafts, current, levels, element.sourceline or 1)
            if new:
                ctx.question, ctx.text_format = "", "html"
                current.description = ctx.fragment(element.find("info"))
            continue
        index += 1
        if current is None:
            current = Draft(levels=[], line=element.sourceline or 1)
            drafts.append(current)
        question = ctx.keep(questions.question(ctx, element, index))
        ctx.question = ""
        if question is not None:
            if current.group is not None:
                question = question.model_copy(update={"group": current.group})
            current.questions.append(question)
    if ctx.progress is not None:
        ctx.progress(total, total)
    return [bank_of(ctx, d, fallback) for d in drafts if d.questions]
