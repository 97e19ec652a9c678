"""Foreign producers from PyPI, run at test time: their packages arrive with types, points, answers,
weights and feedback intact.

Each producer runs as a separate program in its own virtual environment, installed by
``.ci/run`` at a pinned version under ``.cache/producers/<name>`` (or ``$QBANK_PRODUCERS``):
text2qti 0.8.0 (BSD-3-Clause; Canvas QTI 1.2), qti-package-maker 26.7.14 (LGPL-3.0; Canvas
QTI 1.2 and QTI 2.1), mkdocs-quiz 1.7.1 (Apache-2.0; QTI 1.2 with item files, and QTI 2.1)
and citolab-qti-convert 0.2.0 (GPL-3.0-only; QTI 2.x → 3.0, so it is only ever run, never
imported or copied). Without them these tests are skipped, with the reason; CI sets
``QBANK_REQUIRE_PRODUCERS=1`` so that a missing producer fails there instead.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from import_support import export
from producer_support import HERE, ROOT, read, run, tool

from qbank.models import Bank, FillInBlanks, Matching, MultipleChoice, MultipleSelect, Numerical, Question
from qbank.readers.markdown import read_bank


def summary(question: Question) -> tuple[str, str, Decimal]:
    return question.type, question.title, question.points


def test_text2qti_quiz_arrives_intact(tmp_path: Path) -> None:
    source = tmp_path / "quiz.md"
    shutil.copy(HERE / "text2qti_quiz.txt", source)
    run([tool("text2qti", "text2qti"), source], tmp_path)
    result = read(tmp_path / "quiz.zip")
    assert result.diagnostics == []  # text2qti imitates Canvas's quiz export: nothing is lost
    (bank,) = result.banks
    assert bank.title == "Producer check" and bank.shuffle is True
    kinds = [summary(q) for q in bank.questions]
    assert kinds == [
        ("multiple-choice", "Capital", 2), ("multiple-select", "Primes", 1), ("true-false", "Truth", 1),
        ("short-answer", "Name it", 1), ("numerical", "Root", 3), ("numerical", "Range", 1),
        ("numerical", "Percent", 1), ("essay", "Essay", 1), ("description", "Question 9", 0),
        ("multiple-choice", "G1", 2), ("multiple-choice", "G2", 2), ("multiple-choice", "Formula", 1)]
    capital = bank.questions[0]
    assert isinstance(capital, MultipleChoice)
    assert [(c.correct, c.feedback.source if c.feedback else None) for c in capital.choices] == [
        (True, "Paris is right."), (False, "Lyon is not the capital."), (False, None)]
    assert capital.explanation and capital.correct_feedback and capital.incorrect_feedback
    primes = bank.questions[1]
    assert isinstance(primes, MultipleSelect) and [c.correct for c in primes.choices] == [True, True, False]
    assert [c.weight for c in primes.choices] == [50.0, 50.0, -50.0]
    assert bank.questions[2].answer is False  # type: ignore[union-attr]
    assert [a.text for a in bank.questions[3].answers] == ["Earth", "earth"]  # type: ignore[union-attr]
    numbers = [[(a.low, a.high) for a in q.answers] for q in bank.questions[4:7] if isinstance(q, Numerical)]
    assert numbers == [[(Decimal("1.4141"), Decimal("1.4143"))], [(Decimal(1), Decimal(2))],
                       [(Decimal("45.0000"), Decimal("55.0000"))]]  # text2qti turns 10 % into ±5
    (group,) = bank.groups
    assert (group.pick, group.points_per_question) == (1, 2)
    assert [q.title for q in bank.questions if q.group == group.id] == ["G1", "G2"]
    assert bank.questions[-1].stem.math[0].latex == r"\frac{1}{2}"  # an equation image, back to LaTeX


def _package_maker(tmp_path: Path, engine: str) -> Path:
    out = tmp_path / f"{engine}.zip"
    run([tool("qti-package-maker", "python"), HERE / "qti_package_maker_bank.py", engine, out], tmp_path)
    return out


def _package_maker_answers(bank: Bank) -> None:
    by_type = {q.type: q for q in bank.questions}
    mc, ms, match, num = (by_type["multiple-choice"], by_type["multiple-select"], by_type["matching"],
                          by_type["numerical"])
    assert isinstance(mc, MultipleChoice) and [c.correct for c in mc.choices] == [True, False, False]
    assert isinstance(ms, MultipleSelect) and [c.correct for c in ms.choices] == [True, True, False, False]
    assert [c.weight for c in ms.choices] == [50.0, 50.0, -50.0, -50.0]
    assert isinstance(match, Matching) and [(p.left.source, p.right.source) for p in match.pairs] == [
        ("France", "Paris"), ("Japan", "Tokyo"), ("Peru", "Lima")]
    assert isinstance(num, Numerical) and [(a.low, a.high) for a in num.answers] == [(Decimal("41.5"),
                                                                                      Decimal("42.5"))]
    assert [a.text for a in by_type["short-answer"].answers] == ["Au", "au"]  # type: ignore[union-attr]


def test_qti_package_maker_canvas_package_arrives_intact(tmp_path: Path) -> None:
    result = read(_package_maker(tmp_path, "canvas_qti_v1_2"))
    (bank,) = result.banks
    assert [q.type for q in bank.questions] == ["multiple-choice", "multiple-select", "matching", "numerical",
                                                "short-answer", "fill-in-blanks"]
    _package_maker_answers(bank)
    blanks = bank.questions[-1]
    assert isinstance(blanks, FillInBlanks) and [b.answers for b in blanks.blanks] == [("red",), ("blue",)]
    # its settings file sits in a folder not named like the quiz: Canvas ignores it, and says nothing
    assert [d.code for d in result.diagnostics] == ["W701"] and "Canvas ignores them" in result.diagnostics[0].message


def test_qti_package_maker_qti21_and_its_qti30_upgrade_arrive_intact(tmp_path: Path) -> None:
    qti21 = _package_maker(tmp_path, "blackboard_qti_v2_1")
    (tmp_path / "upgraded").mkdir()
    qti30 = tmp_path / "upgraded" / "qti30.zip"
    run([tool("citolab-qti-convert", "qti-convert"), "upgrade", qti21, qti30], tmp_path)
    for path in (qti21, qti30):
        result = read(path)
        (bank,) = result.banks
        assert [q.type for q in bank.questions] == ["multiple-choice", "multiple-select", "matching", "numerical",
                                                    "short-answer", "ordering"]
        _package_maker_answers(bank)
        assert [o.text.source for o in bank.questions[-1].items] == ["one", "two", "three"]  # type: ignore[union-attr]
        # its multiple-blank item is not valid QTI (lower-case element names): reported, not re-typed
        assert sorted(d.code for d in result.diagnostics) == ["W702", "W703"]


def test_qbank_qti21_upgraded_by_citolab_reads_like_qbank_qti30(tmp_path: Path) -> None:
    bank, _ = read_bank(ROOT / "content" / "showcase.md")
    assert bank is not None
    data = export(bank, "qti21")
    assert data is not None
    (tmp_path / "qti21.zip").write_bytes(data)
    (tmp_path / "cito").mkdir()
    run([tool("citolab-qti-convert", "qti-convert"), "upgrade", tmp_path / "qti21.zip", tmp_path / "cito" / "x.zip"],
        tmp_path)
    upgraded = read(tmp_path / "cito" / "x.zip", "qti").banks[0]
    own = tmp_path / "own"
    own.mkdir()
    own_data = export(bank, "qti30")
    assert own_data is not None
    (own / "showcase.qti30.zip").write_bytes(own_data)
    ours = read(own / "showcase.qti30.zip", "qti").banks[0]

    def facts(b: Bank) -> list[object]:
        return [(q.id, q.type, q.points, q.time_limit, [(c.id, c.correct, c.weight) for c in getattr(q, "choices", ())],
                 [a.source if hasattr(a, "source") else a.text for a in getattr(q, "answers", ())],
                 q.explanation is not None, q.correct_feedback is not None) for q in b.questions]

    assert facts(upgraded) == facts(ours)
    assert [(g.title, g.pick) for g in upgraded.groups] == [(g.title, g.pick) for g in ours.groups]


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_mkdocs_quiz_packages_arrive_intact(version: str, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(HERE / "mkdocs_quiz_page.txt", tmp_path / "docs" / "index.md")
    out = tmp_path / "out" / "quiz.zip"
    out.parent.mkdir()
    run([tool("mkdocs-quiz", "mkdocs-quiz"), "export", "qti", "docs", "-q", version, "-o", out], tmp_path)
    (bank,) = read(out).banks
    capital, primes, blank = bank.questions
    assert isinstance(capital, MultipleChoice) and [c.correct for c in capital.choices] == [True, False, False]
    assert capital.explanation is not None and "987" in capital.explanation.source
    assert isinstance(primes, MultipleSelect) and [c.correct for c in primes.choices] == [True, True, False]
    assert isinstance(blank, FillInBlanks) and blank.blanks[0].answers == ("Tokyo",)
