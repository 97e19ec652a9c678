"""The reader builds the model the format describes, with exact positions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from qbank.models import MultipleChoice
from qbank.readers.markdown import read_bank, slug

from support import CONTENT, load_bank

FRONT = "---\ntitle: T\npoints: 2\ntime_limit: 15 min\n---\n\n"


def read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "b.md"
    path.write_text(text, encoding="utf-8")
    bank, found = read_bank(path)
    assert bank is not None
    return bank, found


def test_showcase_holds_every_type() -> None:
    bank = load_bank(CONTENT / "showcase.md")
    types = {q.type for q in bank.questions}
    assert types == {"multiple-choice", "multiple-select", "true-false", "short-answer", "numerical", "essay",
                     "matching", "ordering", "fill-in-blanks", "description"}
    assert [g.id for g in bank.groups] == ["core", "tricky", "varied", "ohm", "kinetic", "coulomb", "charles",
                                           "interest"]
    assert bank.groups[1].pick == 2
    # each varied question is a pool of its variants, in the section it stands in (or in none)
    variant_sets = [g for g in bank.groups if g.kind == "variants"]
    assert [(g.pick, g.parent) for g in variant_sets] == [(1, "varied")] * 4 + [(1, None)]
    assert [q.id for q in bank.questions if q.group == "ohm"] == [f"ohm-{k:02d}" for k in range(1, 21)]


def test_generative_models_bank_matches_the_seed() -> None:
    bank = load_bank(CONTENT / "generative-models.md")
    assert bank.title == "Deep Learning: Generative Models"
    assert [q.type for q in bank.questions] == [
        "multiple-select", "multiple-select", "multiple-select", "multiple-select", "multiple-choice",
        "multiple-select", "multiple-choice", "multiple-choice", "multiple-choice", "multiple-select"]
    assert all(q.points == 1 and q.time_limit == 15 * 60 and q.explanation for q in bank.questions)
    assert bank.quiz_time_limit() == 10 * 15 * 60
    figures = [img for q in bank.questions for img in q.stem.images]
    assert len(figures) == 2 and all(Path(img.path).is_file() and img.alt for img in figures)


def test_defaults_attributes_and_positions(tmp_path: Path) -> None:
    bank, found = read(tmp_path, FRONT + "## First {#one points=3 time=90s tags=\"a, b\"}\n\nStem $x_1$.\n\n"
                       "- ( ) no\n- (x) yes\n  > right\n\n## Second\n\nStem.\n\n- (x) a\n- ( ) b\n")
    assert not found
    first, second = bank.questions
    assert isinstance(first, MultipleChoice)
    assert (first.id, first.points, first.time_limit, first.tags) == ("one", Decimal(3), 90, ("a", "b"))
    assert (second.id, second.points, second.time_limit) == ("second", Decimal(2), 900)
    assert first.pos.line == 7 and first.stem.math[0].pos.line == 9 and first.stem.math[0].pos.col == 7
    assert first.correct_choice.id == "b" and first.correct_choice.feedback is not None
    assert first.correct_choice.feedback.source == "right"


def test_math_is_kept_verbatim(tmp_path: Path) -> None:
    latex = r"\frac{a_1 * b_2}{c < d \,\&\, e} \\ x"
    bank, found = read(tmp_path, FRONT + f"## Q\n\nSee $${latex}$$ and \\(y_*\\).\n\n- (x) a\n- ( ) b\n")
    assert [m.latex for m in bank.questions[0].stem.math] == [latex, "y_*"]


def test_code_is_never_parsed_as_questions_or_math(tmp_path: Path) -> None:
    bank, _ = read(tmp_path, FRONT + "## Q\n\n```\n## not a question\n- (x) not an option $x$\n```\n\n"
                   "- (x) a\n- ( ) b\n")
    (question,) = bank.questions
    assert "## not a question" in question.stem.source and question.stem.math == ()


def test_multiple_select_scoring_policies(tmp_path: Path) -> None:
    body = "## Q\n\nPick.\n\n- [x] a\n- [x] b\n- [ ] c\n- [ ] d\n- [ ] e\n"
    bank, _ = read(tmp_path, FRONT + body)
    assert [round(c.weight, 5) for c in bank.questions[0].choices] == [50, 50, -33.33333, -33.33333, -33.33333]
    bank, _ = read(tmp_path, FRONT.replace("---\n\n", "scoring: no-penalty\n---\n\n", 1).replace(
        "time_limit: 15 min\n---", "time_limit: 15 min\nscoring: no-penalty\n---") + body)
    assert [c.weight for c in bank.questions[0].choices] == [50, 50, 0, 0, 0]


def test_numbers_keep_every_digit(tmp_path: Path) -> None:
    bank, _ = read(tmp_path, FRONT + "## Q\n\nHow small?\n\n- = 1.000000001e-7 ± 1e-16\n- = [0.1, 0.3] {weight=50}\n")
    exact, rng = bank.questions[0].answers
    assert exact.value == Decimal("1.000000001e-7") and exact.tolerance == Decimal("1e-16")
    assert (rng.kind, rng.low, rng.high) == ("range", Decimal("0.1"), Decimal("0.3"))


def test_slugs() -> None:
    assert slug("The $\\beta$-VAE objective!") == "the-beta-vae-objective"
    assert slug("2 + 2") == "q-2-2"
    assert slug("Ελληνικά") == ""


def test_models_are_immutable() -> None:
    bank = load_bank(CONTENT / "showcase.md")
    with pytest.raises(ValidationError):
        bank.questions[0].points = Decimal(5)  # type: ignore[misc]


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "b.md"
    path.write_bytes(b"\xef\xbb\xbf" + (FRONT + "## Q\n\nPick.\n\n- (x) a\n- ( ) b\n").replace("\n", "\r\n").encode())
    bank, found = read_bank(path)
    assert bank is not None and not found and bank.questions[0].pos.line == 7


@pytest.mark.parametrize("marker", ["- (X) a", "* (x) a", "+ (x) a", "1. (x) a"])
def test_marker_spellings(tmp_path: Path, marker: str) -> None:
    bank, found = read(tmp_path, FRONT + f"## Q\n\nPick.\n\n{marker}\n- ( ) b\n")
    assert not found and bank.questions[0].type == "multiple-choice"
