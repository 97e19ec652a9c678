"""Moodle category paths: the bank's category, and a sub-category per group.

Moodle reads category paths with ``/`` as the level separator and ``//`` for a literal slash
(``split_category_path`` in ``question/format.php``), trims every level, and puts every
question after a category question into that category.
"""

from __future__ import annotations

from qbank.models import Bank, Group, Question

TOP = "$course$/top"
def category_segment(name: str) -> str:
    """One level of a category path; a ``/`` inside it is written ``//`` as Moodle reads it."""
    # Moodle trims every level, and a slash at either end would merge with the separator.
    return " ".join(name.split()).strip("/ ").replace("/", "//")


def bank_category(bank: Bank) -> str:
    """``$course$/top/<path>``: the front-matter ``category`` (levels split on ``/``), else the title."""
    if bank.category is not None:
        levels = [category_segment(part) for part in bank.category.split("/")]
    else:
        levels = [category_segment(bank.title)]
    return "/".join([TOP, *(level for level in levels if level)])


def group_path(bank: Bank, group: Group) -> str:
    """A group's sub-category below the bank's category (empty when it has no name).

    A varied question's variants get a sub-category of their own, named by its section's
    title, its own title and its id (two questions may share a title, never an id):
    ``Varied questions - Ohm's law (ohm)``. It is one level, like every group's, so that
    importing the file and exporting it again gives the same file.
    """
    segment = category_segment(group.title)
    if group.kind != "variants":
        return segment
    parent = next((g for g in bank.groups if g.id == group.parent), None) if group.parent else None
    name = " - ".join(part for part in (parent.title if parent else "", group.title) if part.strip())
    return category_segment(f"{name} ({group.id})" if name.strip() else group.id)


def question_categories(bank: Bank, questions: list[Question]) -> list[tuple[str, list[Question]]]:
    """Consecutive runs of questions with their category: a bank group becomes a sub-category."""
    base = bank_category(bank)
    paths = {group.id: group_path(bank, group) for group in bank.groups}
    runs: list[tuple[str, list[Question]]] = []
    for question in questions:
        path = base
        if question.group is not None and paths.get(question.group):
            path = f"{base}/{paths[question.group]}"
        if runs and runs[-1][0] == path:
            runs[-1][1].append(question)
        else:
            runs.append((path, [question]))
    return runs
