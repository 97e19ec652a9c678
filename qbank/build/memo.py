"""A persistent memo of the two costly pure functions behind rendering.

``render._template_html`` (Markdown → sanitised HTML, per fragment template) and
``mathtex.convert`` (LaTeX → MathML, per formula) are pure functions of their text. The
core caches them in memory for one process; this memo keeps their results on disk between
builds, so re-exporting a bank after one question changed renders only that question's
fragments. It wraps both functions where the core looks them up (module globals) and
records which entries a bank used, so a bank's memo holds exactly that bank's fragments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qbank import mathtex, render
from qbank.atomic import write_atomic


class FragmentMemo:
    """Known results (loaded from disk) and the ones used in this run (to save)."""

    def __init__(self, html: dict[str, str] | None = None, mathml: dict[str, str] | None = None,
                 used: bool = False) -> None:
        """``used``: the entries given are this run's (to save), not earlier ones (to look up)."""
        self.known_html = {} if used else html or {}
        self.known_mathml = {} if used else mathml or {}
        self.used_html: dict[str, str] = (html or {}) if used else {}
        self.used_mathml: dict[str, str] = (mathml or {}) if used else {}
        self.misses = 0  # how many results had to be computed (for tests and measurement)

    @classmethod
    def load(cls, path: Path) -> FragmentMemo:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(dict(data["html"]), dict(data["mathml"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        data = {"html": self.used_html, "mathml": self.used_mathml}
        write_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def _html(self, compute: Callable[[str], str]) -> Callable[[str], str]:
        def template_html(template: str) -> str:
            html = self.used_html.get(template)
            if html is None:
                html = self.known_html.get(template)
                if html is None:
                    self.misses += 1
                    html = compute(template)
                self.used_html[template] = html
            return html

        return template_html

    def _mathml(self, compute: Callable[..., str]) -> Callable[..., str]:
        def convert(latex: str, *args: Any, **kwargs: Any) -> str:
            if args:  # the core passes display by keyword; anything else is not memoised
                return compute(latex, *args, **kwargs)
            key = f"{kwargs.get('display', 'inline')}\0{latex}"
            mathml = self.used_mathml.get(key)
            if mathml is None:
                mathml = self.known_mathml.get(key)
                if mathml is None:
                    self.misses += 1
                    mathml = compute(latex, **kwargs)
                self.used_mathml[key] = mathml
            return mathml

        return convert

    @contextmanager
    def installed(self) -> Iterator[FragmentMemo]:
        """Route the core's rendering through this memo while the block runs."""
        saved_html, saved_convert = render._template_html, mathtex.convert  # type: ignore[attr-defined]
        # Formulas already in to_mathml's in-process cache would never reach the memo, so
        # the memo could not record them as used by this bank.
        mathtex.to_mathml.cache_clear()
        render._template_html = self._html(saved_html)  # type: ignore[assignment]
        mathtex.convert = self._mathml(saved_convert)  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            render._template_html = saved_html
            mathtex.convert = saved_convert  # type: ignore[attr-defined]
