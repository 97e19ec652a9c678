"""A persistent memo of rendering results, one file per bank (a :class:`qbank.render.Memo`).

Markdown → HTML of each fragment template, LaTeX → MathML of each formula and the LaTeX
check of each formula are pure functions of their text. The build gives each bank's
:class:`~qbank.render.Renderer` this memo: results known from the last build are taken from
it, and every result the bank uses is recorded, so the saved memo holds exactly that bank's
results and re-exporting a bank after one question changed renders only that question.
"""

from __future__ import annotations

import json
from pathlib import Path

from qbank.atomic import write_atomic
from qbank.build.fingerprint import render_fingerprint

MEMO_FORMAT = 3  # 3: a line-starting `#word` renders as text (qbank.render.literal_hashes)


class FragmentMemo:
    """Results known from disk (to look up) and the ones used in this run (to save)."""

    def __init__(self, known: dict[str, dict[str, str]] | None = None) -> None:
        self.known: dict[str, dict[str, str]] = known or {}
        self.used: dict[str, dict[str, str]] = {}

    @classmethod
    def load(cls, path: Path) -> FragmentMemo:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != MEMO_FORMAT or data.get("renderer") != render_fingerprint():
                return cls()  # another way of rendering: nothing known still holds
            return cls({str(table): {str(k): str(v) for k, v in entries.items()}
                        for table, entries in data["tables"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    # --- the qbank.render.Memo protocol ---------------------------------------------------

    def get(self, table: str, key: str) -> str | None:
        return self.known.get(table, {}).get(key)

    def put(self, table: str, key: str, value: str) -> None:
        self.used.setdefault(table, {})[key] = value

    # --- between processes and builds -----------------------------------------------------

    def merge(self, used: dict[str, dict[str, str]]) -> None:
        """Add the results another part of the same bank used (built in another process)."""
        for table, entries in used.items():
            self.used.setdefault(table, {}).update(entries)

    def save(self, path: Path) -> None:
        data = {"format": MEMO_FORMAT, "renderer": render_fingerprint(), "tables": self.used}
        write_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"), durable=False)
