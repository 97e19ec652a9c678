"""A bank: its questions, its groups (sections and pools) and what one quiz of it is worth."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Literal

from pydantic import model_validator

from .questions import Description, Fragment, Frozen, Pos, Question, QuestionBase, question_fragments


class Group(Frozen):
    """A section of a bank; with ``pick`` set, a pool from which an LMS draws questions.

    ``points_per_question`` (the group's ``points=``) is what each of its questions is worth:
    the bank puts it into every member's ``points``, so every target reads one value.

    ``kind="variants"``: the pool of one varied question's variants (``pick`` 1), which a
    target may show as one question; ``parent`` is the section it stands in, if any.
    """

    id: str
    title: str
    pick: int | None = None
    points_per_question: Decimal | None = None
    kind: Literal["group", "variants"] = "group"
    parent: str | None = None
    pos: Pos


class Allowance(Frozen):
    """A warning the author acknowledged in the source: ``allow=`` on a question heading (for that
    question's diagnostics), on a group heading (the heading's own), or ``allow:`` in the front
    matter (the bank's own: diagnostics about no single question). It is not reported, but listed."""

    code: str  # one warning code, e.g. "T004"
    target: str | None = None  # only this target's diagnostic ("T004@canvas")
    question: str | None = None  # this question's diagnostics (None: those about no question)
    group: str | None = None  # only this group heading's own (a group's ``allow=``)
    reason: str | None = None
    pos: Pos  # where it is written


class Bank(Frozen):
    path: str  # the bank file, as given to the reader
    title: str
    description: Fragment | None = None
    author: str | None = None
    subjects: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    level: str | None = None
    difficulty: str | None = None
    language: str = "en"
    category: str | None = None
    time_limit: int | None = None  # seconds for the whole quiz, when the bank sets one
    shuffle: bool = True
    allowed_attempts: int = 1
    groups: tuple[Group, ...] = ()
    questions: tuple[Question, ...]
    pos: Pos
    allowances: tuple[Allowance, ...] = ()  # warnings acknowledged in the source

    @model_validator(mode="before")
    @classmethod
    def _group_points(cls, data: object) -> object:
        """A group's ``points=`` is each member's worth: put it into the members, once, here.

        Every reader gets this for free, and every target then writes the same points for a
        question drawn from a pool (a description stays at 0).
        """
        if not isinstance(data, dict):
            return data
        points = {g.id: g.points_per_question for g in data.get("groups", ())
                  if isinstance(g, Group) and g.points_per_question is not None}
        if points and "questions" in data:
            data = {**data, "questions": tuple(
                q.model_copy(update={"points": points[q.group]})
                if isinstance(q, QuestionBase) and q.group in points and not isinstance(q, Description) else q
                for q in data["questions"])}
        return data

    def group_of(self, question: Question) -> Group | None:
        """The group (section or pool) the question belongs to, if any."""
        if question.group is None:
            return None
        return next((g for g in self.groups if g.id == question.group), None)

    def variant_sets(self) -> frozenset[str]:
        """The ids of the groups that hold a varied question's variants (``kind="variants"``)."""
        return frozenset(g.id for g in self.groups if g.kind == "variants")

    def members(self, questions: Sequence[Question] | None = None) -> dict[str, list[Question]]:
        """Each group's questions among ``questions`` (default: the bank's), in order; a group
        with none is absent. One pass, however many groups (every varied question is one)."""
        found: dict[str, list[Question]] = {}
        for question in self.questions if questions is None else questions:
            if question.group is not None:
                found.setdefault(question.group, []).append(question)
        return found

    def fragments(self) -> Iterator[Fragment]:
        """Every fragment of the bank (its description, then each question's), in source order."""
        if self.description is not None:
            yield self.description
        for question in self.questions:
            yield from question_fragments(question)

    def _pools(self, questions: Sequence[Question] | None) -> tuple[list[Question], list[tuple[int, list[Question]]]]:
        """The questions outside any pool, and each pool's (pick, members) among ``questions``."""
        held = list(self.questions if questions is None else questions)
        loose: list[Question] = []
        pools: dict[str, tuple[int, list[Question]]] = {}
        picks = {g.id: g.pick for g in self.groups if g.pick is not None}
        for question in held:
            if question.group in picks:
                pools.setdefault(question.group, (picks[question.group], []))[1].append(question)
            else:
                loose.append(question)
        return loose, [(min(pick, len(members)), members) for pick, members in pools.values()]

    def total_points(self, questions: Sequence[Question] | None = None) -> Decimal:
        """The points of every question (of the bank, or of ``questions``), pool members included."""
        return sum((q.points for q in (self.questions if questions is None else questions)), Decimal(0))

    def quiz_points(self, questions: Sequence[Question] | None = None) -> Decimal:
        """What one quiz made from the bank (or from ``questions``) is worth: every question outside
        a pool, plus ``pick`` questions of each pool (its highest-worth ones: pools whose members
        differ in points are worth different totals to different students)."""
        loose, pools = self._pools(questions)
        total = sum((q.points for q in loose), Decimal(0))
        for pick, members in pools:
            total += sum(sorted((q.points for q in members), reverse=True)[:pick], Decimal(0))
        return total

    def quiz_time_limit(self, questions: Sequence[Question] | None = None) -> int | None:
        """The bank's own limit, else what one quiz's questions add up to (None if neither).

        A pool counts its ``pick`` longest limits: only that many of its questions are drawn,
        and no student may get less time than the questions drawn for them need.
        """
        if self.time_limit is not None:
            return self.time_limit
        loose, pools = self._pools(questions)
        limits = [q.time_limit for q in loose if q.time_limit is not None]
        for pick, members in pools:
            limits += sorted((q.time_limit for q in members if q.time_limit is not None), reverse=True)[:pick]
        return sum(limits) if limits else None
