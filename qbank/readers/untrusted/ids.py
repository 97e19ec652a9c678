"""Question and group ids for imported questions: the original where it is a valid qbank id.

A foreign id that is not one (QTI allows any NCName, Canvas any string) gives a derived id,
and the original is kept exactly in the question's ``idnumber`` where the model has it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ID", "IdMaker", "derive"]

ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def derive(text: str, fallback: str) -> str:
    """A valid qbank id made from ``text`` (letters, digits, ``-``, ``_``, ``.``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_text).strip("-.")[:80]
    if not made:
        return fallback
    if not re.match(r"[A-Za-z_]", made):
        made = f"q-{made}"
    return made


class IdMaker:
    """Unique ids within one bank."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        made = wanted
        k = 2
        while made in self.used:
            made = f"{wanted}-{k}"
            k += 1
        self.used.add(made)
        return made

    def question(self, original: str, fallback: str) -> tuple[str, str | None]:
        """(id, the original when it is not that id) for a foreign question ident."""
        if ID.match(original) and original not in self.used:
            self.used.add(original)
            return original, None
        return self.take(derive(original, fallback)), original
