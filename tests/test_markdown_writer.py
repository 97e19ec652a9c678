"""The Markdown writer: what it writes reads back as the same question (or it says what it left out)."""

from __future__ import annotations

from pathlib import Path

from import_support import via_markdown

from qbank.models import MultipleSelect, Numerical
from qbank.readers.markdown import read_bank
from qbank.writers.markdown import write_bank


def _bank(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    source = tmp_path / "source.md"
    source.write_text(text, encoding="utf-8")
    bank, found = read_bank(source)
    assert bank is not None and not [d for d in found if d.is_error], found
    return bank


def test_no_penalty_scoring_reads_back_with_its_weights(tmp_path: Path) -> None:
    bank = _bank(tmp_path, "---\ntitle: T\n---\n\n## Primes {#p scoring=no-penalty}\n\nWhich are prime?\n\n"
                 "- [x] 2\n- [x] 3\n- [ ] 4\n")
    (question,) = bank.questions
    assert isinstance(question, MultipleSelect) and [c.weight for c in question.choices] == [50, 50, 0]
    (again,) = via_markdown(bank, tmp_path / "out").questions
    assert isinstance(again, MultipleSelect)
    assert ([c.weight for c in again.choices], again.scoring) == ([50, 50, 0], "no-penalty")


def test_attribute_values_with_quotes_read_back(tmp_path: Path) -> None:
    bank = _bank(tmp_path, "---\ntitle: T\n---\n\n## Speed {#v unit=m/s}\n\nHow fast?\n\n- = 3\n")
    for value in ('x " y', "it's \"x\" ok", "a b", "back\\slash", "m/s^2"):
        question = bank.questions[0].model_copy(update={"unit": value, "difficulty": value})
        (again,) = via_markdown(bank.model_copy(update={"questions": (question,)}), tmp_path / "q").questions
        assert isinstance(again, Numerical) and (again.unit, again.difficulty, again.title) == (value, value, "Speed")


def test_an_attribute_a_heading_cannot_hold_is_reported_not_misread(tmp_path: Path) -> None:
    bank = _bank(tmp_path, "---\ntitle: T\n---\n\n## Speed {#v unit=m/s}\n\nHow fast?\n\n- = 3\n")
    question = bank.questions[0].model_copy(update={"unit": "m}s"})
    written = write_bank(bank.model_copy(update={"questions": (question,)}))
    assert [(d.code, "unit `m}s`" in d.message) for d in written.diagnostics] == [("T005", True)]
    (again,) = via_markdown(bank.model_copy(update={"questions": (question,)}), tmp_path / "out").questions
    assert (again.id, again.title, getattr(again, "unit", None)) == ("v", "Speed", None)
