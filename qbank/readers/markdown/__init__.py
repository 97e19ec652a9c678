"""qbank's own source format: Markdown with LaTeX math, one bank per file.

The grammar, one module per part:

- :mod:`.decode`: bytes → text; :mod:`.frontmatter`: the YAML front matter;
- :mod:`.reader`: the file's layout (front matter, introduction, ``#`` groups, ``##`` questions);
- :mod:`.attributes` splits ``{#id key=value}``, :mod:`.settings` validates the values;
- :mod:`.questions`: a question's sections, answer list and type; :mod:`.typed`: each type's model;
- :mod:`.items`: answer list items and their markers; :mod:`.numeric`: numerical answers (and
  numbers written so they would be read as text); :mod:`.traps`: answers that would silently make
  a description;
- :mod:`.fences`: fenced code; :mod:`.scan`: math, images and blanks in a fragment;
- :mod:`.fragments` makes fragments with exact positions, :mod:`.checks` checks each one.
"""

from __future__ import annotations

from pathlib import Path

from qbank.readers import Reader, ReadResult

from .reader import read_bank, slug

__all__ = ["MarkdownReader", "read_bank", "slug"]


class MarkdownReader(Reader):
    name = "markdown"
    description = "qbank Markdown: one bank per file (the source format)"
    suffixes = (".md", ".markdown")

    def read(self, path: Path) -> ReadResult:
        bank, diagnostics = read_bank(path, renderer=self.renderer)
        return ReadResult([bank] if bank is not None else [], diagnostics)
