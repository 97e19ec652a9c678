"""Canvas QTI 1.2 packages as Canvas's own exporter writes them, read by the canvas reader.

The fixtures in ``tests/fixtures/canvas/`` are written by hand after canvas-lms's exporter
(``lib/cc/qti/qti_generator.rb``, ``qti_items.rb``, ``qti_manifest.rb``, ``lib/cc/manifest.rb``;
each file says which part it follows): a quiz export with every Classic question type, a
group that draws from the quiz's own questions and one that draws from a bank the export
leaves out; and a course export (``.imscc``) with two quizzes, two question banks, a group
drawing from a bank and one drawing from another course's bank.
"""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from import_support import via_markdown

from qbank.cli import main
from qbank.models import (
    Bank,
    Description,
    Essay,
    FillInBlanks,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    ShortAnswer,
    TrueFalse,
)
from qbank.readers import ReadResult
from qbank.registry import load_reader

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "canvas"
QUIZ = "g3f2a9c41d7e85b60a1c2d3e4f5a6b7c8"


def package(name: str, folder: Path, suffix: str = ".zip") -> Path:
    """The fixture folder zipped as Canvas zips it (the empty non_cc_assessments/ folder included)."""
    source = FIXTURES / name
    target = folder / f"{name}{suffix}"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source).as_posix()
            if path.is_dir():
                archive.writestr(relative + "/", b"")
            elif path.name != ".keep":
                archive.write(path, relative)
    return target


def read(path: Path, media: Path) -> ReadResult:
    media.mkdir(exist_ok=True)
    return load_reader("canvas")(media=media).read(path)


def codes(result: ReadResult) -> list[tuple[str, str, int]]:
    return [(d.code, d.file.rsplit("/", 1)[-1], d.line) for d in result.diagnostics]


@pytest.fixture
def quiz(tmp_path: Path) -> tuple[Bank, ReadResult, Path]:
    result = read(package("quiz-export", tmp_path), tmp_path / "media")
    assert not result.failed and len(result.banks) == 1
    return result.banks[0], result, tmp_path / "media"


def test_quiz_export_settings_come_from_assessment_meta(quiz: tuple[Bank, ReadResult, Path]) -> None:
    bank, _, _ = quiz
    assert bank.title == "Week 3: Dice and cards"
    assert bank.time_limit == 30 * 60 and bank.allowed_attempts == 2 and bank.shuffle is True
    assert bank.description is not None and bank.description.source == "Calculators are **allowed**."


def test_every_classic_type_arrives_with_its_answers(quiz: tuple[Bank, ReadResult, Path]) -> None:
    bank, _, media = quiz
    by_id = {q.id: q for q in bank.questions}
    assert [q.id for q in bank.questions] == ["g1a1", "g1a2", "g1a3", "g1a4", "g1a5", "g1a6", "g1a7", "g1a8", "g1a9",
                                              "g1b0", "g1c1", "g1c2"]
    dice = by_id["g1a1"]
    assert isinstance(dice, MultipleChoice) and dice.points == 2
    assert [c.correct for c in dice.choices] == [True, False, False]
    assert dice.choices[0].text.math[0].latex == r"\frac{1}{6}"  # from data-equation-content
    assert [m.latex for m in dice.stem.math] == ["P(X+Y=7)"]
    assert dice.stem.images[0].src == "two dice.png" and (media / "two dice.png").read_bytes()[:4] == b"\x89PNG"
    assert dice.choices[1].feedback is not None and dice.choices[1].feedback.source == "That is a sum of 4 or 10."
    assert dice.explanation is not None and dice.correct_feedback is not None and dice.incorrect_feedback is not None
    independent = by_id["g1a2"]
    assert isinstance(independent, TrueFalse) and independent.answer is False
    primes = by_id["g1a3"]
    assert isinstance(primes, MultipleSelect)
    assert [c.correct for c in primes.choices] == [True, True, False, True]
    assert [round(c.weight, 4) for c in primes.choices] == [33.3333, 33.3333, -33.3333, 33.3333]  # Canvas's grading
    name = by_id["g1a4"]
    assert isinstance(name, ShortAnswer) and [a.text for a in name.answers] == ["binomial", "Bin(10, 1/2)"]
    assert name.answers[0].feedback is not None
    expected = by_id["g1a5"]
    assert isinstance(expected, Numerical)
    assert [(a.kind, a.low, a.high) for a in expected.answers] == [
        ("tolerance", Decimal("3.45"), Decimal("3.55")), ("range", Decimal("3.4"), Decimal("3.6")),
        ("tolerance", Decimal("3.495"), Decimal("3.505")), ("exact", Decimal("0.00001"), Decimal("0.00001"))]
    assert expected.answers[0].feedback is not None
    assert isinstance(by_id["g1a6"], Essay) and by_id["g1a6"].points == 4
    match = by_id["g1a7"]
    assert isinstance(match, Matching)
    assert [(p.left.source, p.right.source) for p in match.pairs] == [
        ("Heads in 10 tosses", "Binomial"), ("Tosses until the first head", "Geometric")]
    assert [d.source for d in match.distractors] == ["Normal"]
    cards = by_id["g1a8"]
    assert isinstance(cards, FillInBlanks) and [b.answers for b in cards.blanks] == [("52", "fifty-two"), ("4",)]
    colour = by_id["g1a9"]
    assert isinstance(colour, FillInBlanks) and colour.blanks[0].kind == "dropdown"
    assert [(o.text, o.correct) for o in colour.blanks[0].options] == [("red", True), ("black", False)]
    assert isinstance(by_id["g1b0"], Description)


def test_a_group_keeps_its_pick_and_points(quiz: tuple[Bank, ReadResult, Path]) -> None:
    bank, _, _ = quiz
    assert [(g.title, g.pick, g.points_per_question) for g in bank.groups] == [("Card draws", 1, Decimal("2.0"))]
    assert [q.id for q in bank.questions if q.group == bank.groups[0].id] == ["g1c1", "g1c2"]


def test_what_the_model_cannot_hold_is_reported_where_it_is(quiz: tuple[Bank, ReadResult, Path]) -> None:
    _, result, _ = quiz
    found = codes(result)
    assert ("W701", "assessment_meta.xml", 3) in found  # access code, due date: LMS settings
    assert ("W702", f"{QUIZ}.xml", 633) in found  # the file-upload question
    assert ("W702", f"{QUIZ}.xml", 661) in found  # the calculated question
    assert ("W701", f"{QUIZ}.xml", 829) in found  # a group drawing from a bank the quiz export leaves out
    messages = " ".join(d.message for d in result.diagnostics)
    assert "Upload your working" in messages and "Sum of x and y" in messages and "access_code=dice" in messages
    assert len(found) == 4


def test_course_export_reads_every_quiz_and_bank(tmp_path: Path) -> None:
    result = read(package("course-export", tmp_path, ".imscc"), tmp_path / "media")
    assert not result.failed
    titles = [b.title for b in result.banks]
    assert titles == ["Quiz 1: Counting", "Quiz 2: Cards", "Counting bank", "Spare bank"]
    quiz1, quiz2, counting, spare = result.banks
    assert quiz1.allowed_attempts == -1 and quiz1.shuffle is False
    (group,) = quiz1.groups
    assert (group.title, group.pick, group.points_per_question) == ("Bank draw", 2, Decimal("2.0"))
    assert [q.title for q in quiz1.questions if q.group == group.id] == ["Handshakes", "Subsets", "Paths"]
    assert quiz2.time_limit == 20 * 60 and not quiz2.groups
    assert [q.title for q in counting.questions] == ["Handshakes", "Subsets", "Paths"] and len(spare.questions) == 1
    found = codes(result)
    assert ("W703", "gqa1b2c3d4e5f60718293a4b5c6d7e8f9a.xml.qti", 69) in found  # bank questions copied
    assert [c for c, _, _ in found] == ["W703", "W701"]  # the CC profile copies are not read: no warning
    assert "another course (course_77)" in result.diagnostics[1].message


def test_imported_banks_write_as_markdown_that_reads_back(tmp_path: Path) -> None:
    for name, suffix in (("quiz-export", ".zip"), ("course-export", ".imscc")):
        result = read(package(name, tmp_path, suffix), tmp_path / f"media-{name}")
        for k, bank in enumerate(result.banks):
            again = via_markdown(bank, tmp_path / f"md-{name}-{k}")
            assert [(q.id, q.type, q.points) for q in again.questions] == \
                [(q.id, q.type, q.points) for q in bank.questions]


def test_import_command_writes_one_markdown_bank_per_quiz_and_bank(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["import", str(package("course-export", tmp_path, ".imscc")), "-o", f"{out}/"]) == 0
    assert sorted(p.name for p in out.glob("*.md")) == ["counting-bank.md", "quiz-1-counting.md", "quiz-2-cards.md",
                                                         "spare-bank.md"]
    assert main(["lint", str(out)]) == 0
