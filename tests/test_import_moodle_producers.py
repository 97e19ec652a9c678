"""Foreign producers of GIFT and Moodle XML from PyPI, run at test time: what they write from
their own example inputs arrives with types, points, answers, weights and feedback intact.

Each runs as a separate program in its own virtual environment, installed by ``.ci/run`` at a
pinned version under ``.cache/producers/<name>`` (or ``$QBANK_PRODUCERS``), as the QTI import
tests' producers are: gift-wrapper 1.8.1 (Apache-2.0; GIFT from YAML), pymoodef 0.1.0 (MIT; Moodle
XML from CSV, with its sample questions and images in the package) and moodle-questions 0.2.1
(a Python builder of Moodle XML). Without them these tests are skipped with the reason; CI sets
``QBANK_REQUIRE_PRODUCERS=1`` so that a missing producer fails there instead. Nothing of theirs is
copied into qbank: the inputs are written here or taken from the installed package at run time.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from producer_support import HERE, read, run, tool

from qbank.models import (
    Essay,
    Matching,
    MultipleChoice,
    Numerical,
    Ordering,
    ShortAnswer,
    TrueFalse,
)


def source(question) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.text.source for c in question.choices]


def test_gift_wrapper_bank_arrives_intact(tmp_path: Path) -> None:
    shutil.copy(HERE / "gift_wrapper_bank.yaml", tmp_path / "bank.yaml")
    run([tool("gift-wrapper", "wrap.py"), "-i", "bank.yaml", "-l", "-n"], tmp_path)
    result = read(tmp_path / "bank.gift.txt", "gift")
    assert result.diagnostics == []
    (bank,) = result.banks
    assert bank.title == "Producer check"
    pi, energy, quixote = bank.questions
    assert isinstance(pi, Numerical) and (pi.title, pi.points) == ("Pi", 1)
    assert [(a.value, a.tolerance, a.weight) for a in pi.answers] == [(Decimal("3.1415"), Decimal("0.25"), 100)]
    assert pi.stem.math[0].latex == r"\pi" and pi.explanation is not None and pi.explanation.source == r"well, $\pi$"
    assert isinstance(energy, Numerical) and energy.answers[0].value == Decimal("1.6666666666666667")
    assert [m.latex for m in energy.stem.math] == ["E_s", r"\{0, 1, 2\}"]
    assert isinstance(quixote, MultipleChoice)
    assert [(c.text.source, c.correct, c.weight) for c in quixote.choices] == [
        ("Don Quixote", True, 100), ("Sancho Panza", False, 90), ("Dulcinea del Toboso", False, 10),
        ("Some guy", False, 0), (r"$\frac{2}{3}$", False, 0)]
    assert quixote.explanation is not None and quixote.explanation.source == "Look at the cover."


def test_pymoodef_sample_questions_arrive_intact(tmp_path: Path) -> None:
    python = tool("pymoodef", "python")
    data = Path(run([python, "-c", "import os, pymoodef.data as d; print(os.path.dirname(d.__file__))"],
                    tmp_path).strip())
    for name in ("questions.csv", "questions.ini", "divide.png", "ops.png"):  # its own sample, as shipped
        shutil.copy(data / name, tmp_path / name)
    run([python, "-m", "pymoodef", "questions.csv", "out.xml"], tmp_path)
    result = read(tmp_path / "out.xml", "moodle-xml")
    (bank,) = result.banks
    assert bank.title == "Initial test"
    by_kind = [(type(q).__name__, q.points) for q in bank.questions]
    assert by_kind == [("MultipleChoice", 1), ("Matching", 1), ("TrueFalse", 1), ("ShortAnswer", 1),
                       ("Ordering", 1), ("Ordering", 1), ("Numerical", 1), ("Numerical", 1), ("Essay", 1),
                       ("ShortAnswer", 1), ("Ordering", 1)]
    mc, match, tf, short, order, _, sqrt, third, essay, figure, ops = bank.questions
    assert isinstance(mc, MultipleChoice) and mc.shuffle is True
    assert [(c.correct, c.weight, c.feedback.source if c.feedback else None) for c in mc.choices] == [
        (True, 100, "Correct."), (False, -50, "Incorrect."), (False, -50, "Incorrect.")]
    assert mc.correct_feedback is not None and mc.correct_feedback.source == "Correct."
    assert isinstance(match, Matching) and [p.right.source for p in match.pairs] == ["\\+", "\\-", "\\*"]
    assert isinstance(tf, TrueFalse) and tf.answer is False
    assert isinstance(short, ShortAnswer) and [a.text for a in short.answers] == ["Addition"]
    assert isinstance(order, Ordering) and source_items(order) == ["6/2", "6-2", "6+2", "6\\*2"]
    assert isinstance(sqrt, Numerical) and [(a.value, a.weight) for a in sqrt.answers] == [(2, 100), (-2, 100)]
    assert isinstance(third, Numerical) and [(a.value, a.tolerance) for a in third.answers] == [
        (Decimal("1.33"), Decimal("0.03"))]
    assert isinstance(essay, Essay)
    assert figure.stem.images[0].src == "divide.png" and (tmp_path / "media" / "divide.png").is_file()
    assert isinstance(ops, Ordering) and ops.stem.images[0].alt == "Operations"
    left_out = {d.message.split("`")[1] for d in result.diagnostics if d.code == "W702"}
    assert left_out == {"q005_ddwtos_the_symbol_for_addition_is_1_the_sy",
                        "q006_gapselect_the_symbol_for_addition_is_1_the_sy"}  # types qbank cannot hold
    dropped = " ".join(d.message for d in result.diagnostics if d.code == "W701")
    assert "penalty" in dropped and "partly correct" in dropped and "hints" in dropped


def source_items(question: Ordering) -> list[str]:
    return [item.text.source for item in question.items]


def test_moodle_questions_builder_arrives_as_moodle_reads_it(tmp_path: Path) -> None:
    run([tool("moodle-questions", "python"), HERE / "moodle_questions_bank.py", "quiz.xml"], tmp_path)
    result = read(tmp_path / "quiz.xml", "moodle-xml")
    (bank,) = result.banks
    capital, element = bank.questions
    assert isinstance(capital, MultipleChoice) and (capital.id, capital.points) == ("cap-1", 2)
    assert source(capital) == ["Paris", "Lyon", "Marseille &amp; Nice"]  # Markdown for "&"
    assert [c.feedback.source if c.feedback else None for c in capital.choices] == [
        "Right.", "Lyon is the third city.", None]
    assert capital.explanation is not None and capital.explanation.source == "Paris, since 987."
    assert capital.shuffle is False  # it writes no <shuffleanswers>: Moodle's default is not to shuffle
    assert isinstance(element, ShortAnswer)
    assert [(a.text, a.weight, a.feedback.source if a.feedback else None) for a in element.answers] == [
        ("Au", 100, "Aurum."), ("au", 50, None)]
    # It writes no <single> (its `single=False` is ignored), so Moodle reads "Primes" as one-answer
    # multiple choice with no answer worth 100%: qbank leaves it out and says so.
    (primes,) = [d for d in result.diagnostics if d.code == "W702"]
    assert "exactly one answer worth 100%" in primes.message
