"""The Markdown writer: a bank (from any reader) → qbank's source format, with its image files.

The output reads back (:mod:`qbank.readers.markdown`) into the same model: every setting a
question has is written (an explicit ``{#id}``, ``type=`` where the answers would be read as
another type, ``points=``, ``{weight=...}`` where the scoring policy would give another
weight), and ``lint`` finds nothing new in it. Each image is written beside the bank under the
name its fragment refers to. What the source format cannot say is a diagnostic (``T005``,
target ``markdown``) and the question is written without it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from qbank import diagnostics as dg
from qbank.models import Bank, Fragment

from .questions import question_block

__all__ = ["MarkdownOutput", "write_bank"]


@dataclass
class MarkdownOutput:
    text: str
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes, written beside the bank
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def front_matter(bank: Bank) -> list[str]:
    lines = ["---", f"title: {_yaml(bank.title)}"]
    for key, value in (("author", bank.author), ("level", bank.level), ("category", bank.category)):
        if value is not None:
            lines.append(f"{key}: {_yaml(value)}")
    if bank.subjects:
        lines.append("subjects: [" + ", ".join(_yaml(s) for s in bank.subjects) + "]")
    if bank.language != "en":
        lines.append(f"language: {_yaml(bank.language)}")
    if bank.time_limit is not None:
        lines.append(f"quiz_time_limit: {bank.time_limit} s")
    if bank.allowed_attempts != 1:
        lines.append(f"allowed_attempts: {bank.allowed_attempts}")
    return [*lines, "---"]


def _images(bank: Bank, out: MarkdownOutput) -> None:
    fragments: list[Fragment] = list(bank.fragments())
    for image in (i for f in fragments for i in f.images):
        relative = PurePosixPath(image.src)
        if relative.is_absolute() or ".." in relative.parts or not image.src:
            out.diagnostics.append(dg.make("T005", f"the image `{image.src}` is not a path inside the bank's "
                                           "folder; it is not copied", image.pos.file, image.pos.line,
                                           image.pos.col, hint="copy the file beside the bank", target="markdown"))
            continue
        try:
            out.files[str(relative)] = Path(image.path).read_bytes()
        except OSError:
            out.diagnostics.append(dg.make("E401", f"image file `{image.src}` not found", image.pos.file,
                                           image.pos.line, image.pos.col, hint=f"looked for {image.path}",
                                           target="markdown"))


def write_bank(bank: Bank) -> MarkdownOutput:
    """The bank as qbank Markdown, the image files it refers to, and what it could not write."""
    out = MarkdownOutput("")
    lines = front_matter(bank)
    if bank.description is not None and not bank.description.is_empty:
        lines += ["", bank.description.source]
    groups = {g.id: g for g in bank.groups}
    # A `#` group runs to the next one: questions outside any group come first.
    ordered = [q for q in bank.questions if q.group not in groups] + \
        [q for g in bank.groups for q in bank.questions if q.group == g.id]
    current: str | None = None
    for question in ordered:
        if question.group in groups and question.group != current:
            group = groups[question.group]
            attrs = [f"#{group.id}"]
            if group.pick is not None:
                attrs.append(f"pick={group.pick}")
            if group.points_per_question is not None:
                attrs.append(f"points={group.points_per_question}")
            lines += ["", f"# {group.title} {{{' '.join(attrs)}}}"]
            current = question.group
        lines += ["", *question_block(question, out.diagnostics)]
    _images(bank, out)
    out.text = "\n".join(lines).rstrip("\n") + "\n"
    return out
