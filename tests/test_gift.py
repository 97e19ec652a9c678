"""GIFT: export, read back with a reader that behaves like Moodle's, and compare with the model."""

from __future__ import annotations

import html
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moodle_banks import TRICKY, WHITESPACE, assert_same_identity, bank_from, delimited, images_bank
from moodle_gift_reader import read_gift
from qbank.exporters.moodle.gift import GiftExporter, escape

from qbank import render
from qbank.models import Bank, Fragment, Image, Question

from moodle_readers import Imported, MoodleImportError, categories, shortanswer_literal
from support import BANKS, ROOT, load_bank

BASE = "https://files.example.org/quiz"
QTYPES = {
    "multiple-choice": "multichoice", "multiple-select": "multichoice", "true-false": "truefalse",
    "short-answer": "shortanswer", "numerical": "numerical", "essay": "essay", "matching": "match",
    "description": "description",
}


def existing_banks() -> list[Path]:
    return [bank for bank in BANKS if bank.exists()]


def hosted_src(image: Image) -> str:
    return html.escape(f"{BASE}/{Path(image.path).name}")


def html_of(fragment: Fragment | None, inline: bool = False) -> str:
    if fragment is None or fragment.is_empty:
        return ""
    return render.shared().html(fragment, image=hosted_src, inline=inline).strip()


def export(bank: Bank, **options: str) -> bytes:
    result = GiftExporter(**options).export(bank)
    assert result.data is not None, result.diagnostics
    data: bytes = result.data
    return data


def compare(bank: Bank, question: Question, got: Imported) -> None:
    assert_same_identity(bank, question, got, QTYPES)
    assert got.questiontext.format == "html"
    assert got.questiontext.text == html_of(question.stem)
    if question.type != "description":
        assert got.generalfeedback.text == html_of(question.explanation)
    if question.type in ("multiple-choice", "multiple-select"):
        assert got.single == (question.type == "multiple-choice")
        assert len(got.answers) == len(question.choices)
        for answer, choice in zip(got.answers, question.choices, strict=True):
            assert answer.text == html_of(choice.text, inline=True)
            assert abs(answer.fraction * 100 - choice.weight) < 0.001
            assert answer.feedback.text == html_of(choice.feedback)
    if question.type == "true-false":
        by_text = {a.text: a for a in got.answers}
        for choice in question.choices:
            assert by_text[choice.id].fraction == (1.0 if choice.correct else 0.0)
            assert by_text[choice.id].feedback.text == html_of(choice.feedback)
    if question.type == "short-answer":
        assert [shortanswer_literal(a.text) for a in got.answers] == [a.text.strip() for a in question.answers]
        for answer, source in zip(got.answers, question.answers, strict=True):
            assert abs(answer.fraction * 100 - source.weight) < 0.001
            assert answer.feedback.text == html_of(source.feedback)
    if question.type == "numerical":
        assert len(got.answers) == len(question.answers)
        for answer, number in zip(got.answers, question.answers, strict=True):
            assert Decimal(answer.text) == number.value and Decimal(answer.tolerance or "0") == number.tolerance
            assert abs(answer.fraction * 100 - number.weight) < 0.001
            assert answer.feedback.text == html_of(number.feedback)
    if question.type == "essay":
        assert got.responsefieldlines == "15"
    if question.type == "matching":
        expected = [(html_of(p.left, inline=True), render.shared().plain(p.right, math=delimited))
                    for p in question.pairs]
        expected += [("", render.shared().plain(d, math=delimited)) for d in question.distractors]
        assert [(t.text, a) for t, a in got.subquestions] == expected


def round_trip(bank: Bank, **options: str) -> list[Imported]:
    got = categories(read_gift(export(bank, **options)))
    kept, _ = GiftExporter(**options).supported(bank)  # what the exporter itself keeps
    assert len(got) == len(kept)
    for question, imported in zip(kept, got, strict=True):
        compare(bank, question, imported)
    return got


@pytest.mark.parametrize("path", existing_banks(), ids=lambda p: p.name)
def test_bank_round_trips(path: Path) -> None:
    got = round_trip(load_bank(path), **{"asset-base-url": BASE + "/"})
    assert got


def test_showcase_types_and_left_out() -> None:
    bank = load_bank(ROOT / "content" / "showcase.md")
    got = round_trip(bank, **{"asset-base-url": BASE})
    assert {q.qtype for q in got} == set(QTYPES.values())
    result = GiftExporter(**{"asset-base-url": BASE}).export(bank)
    left_out = {d.message.split("`")[1]: d for d in result.diagnostics if d.code == "T001"}
    assert set(left_out) == {"training-step", "elbo-blanks"}
    assert "moodle-xml" in (left_out["elbo-blanks"].hint or "")
    by_id = {q.idnumber: q for q in got}
    escapes = by_id["escapes"]
    assert escapes.answers[0].text.startswith("\\(\\frac{a}{b}\\) where \\(a \\neq b\\), \\(x = 2\\), \\(\\nabla f\\)")
    assert "\\(\\{x\\}\\)" in escapes.answers[0].text and "\\(\\#S\\)" in escapes.answers[0].text
    assert escapes.answers[1].text.startswith("\\(a \\\\ b\\)") and "\\(\\nu \\ne \\nu'\\)" in escapes.answers[1].text
    assert "GIFT's ~ = # { } : characters" in escapes.questiontext.text
    assert f'src="{BASE}/vae-diagram.svg"' in by_id["vae-parts"].questiontext.text
    about = by_id["about"]
    assert "\n    <span" in about.questiontext.text  # the code block keeps its lines


def test_questions_with_images_are_left_out_without_a_base_url() -> None:
    bank = load_bank(ROOT / "content" / "showcase.md")
    result = GiftExporter().export(bank)
    assert result.data is not None and b"vae-parts" not in result.data
    left_out = [d for d in result.diagnostics if d.code == "T001" and "vae-parts" in d.message]
    assert len(left_out) == 1 and not left_out[0].is_error
    assert "asset-base-url" in (left_out[0].hint or "") and "image" in left_out[0].message
    question = next(q for q in bank.questions if q.id == "vae-parts")
    assert left_out[0].line == question.pos.line


def test_hosted_images_everywhere(tmp_path: Path) -> None:
    bank = images_bank(tmp_path)
    got = {q.idnumber: q for q in round_trip(bank, **{"asset-base-url": BASE})}
    assert f'src="{BASE}/losses.svg"' in got["pictures"].answers[0].feedback.text
    assert f'src="{BASE}/critic.svg"' in got["match-pictures"].subquestions[0][0].text
    without_url = GiftExporter().export(bank)
    left_out = {d.message.split("`")[1] for d in without_url.diagnostics if d.code == "T001"}
    assert left_out == {"pictures", "match-pictures"} and without_url.data is not None


def test_adversarial_round_trip(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, TRICKY)
    got = {q.idnumber: q for q in round_trip(bank)}
    title = got["title-specials"]
    assert title.name == "Braces: ~ = # { } and \\ in a title"
    assert "\\(a \\nleq b\\)" in title.questiontext.text and "\\(\\nu\\)" in title.questiontext.text
    assert [a.text for a in title.answers][1:3] == ["%50% of cases", "[moodle] looks like a format"]
    assert got["short-specials"].answers[3].text == "C# and \\n and a\\b"
    match = got["match-specials"]
    assert match.subquestions[1][1] == "p: q -> r" and match.subquestions[2][1] == "{distractor} & <"
    diagnostics = GiftExporter().export(bank).diagnostics
    lost = " ".join(d.message for d in diagnostics if d.code == "T002")
    assert "case-sensitive" in lost and "unit `m/s`" in lost and "not worth 1 point" in lost


def test_whitespace_edges(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, WHITESPACE)
    (padded,) = round_trip(bank)
    assert padded.category == "$course$/top/Spaces" and padded.answers[0].text == "padded option"
    assert "literal {#1} marker" in padded.questiontext.text


def test_no_blank_line_inside_a_question(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, TRICKY)
    blocks = export(bank).decode("utf-8").split("\n\n")
    questions = [b for b in blocks if not b.startswith("$CATEGORY")]
    kept, _ = GiftExporter().supported(bank)  # what the exporter itself keeps
    assert len(questions) == len(kept)


def test_escape_matches_moodle_reader() -> None:
    samples = ["\\frac{a}{b}", "\\neq \\nabla \\nu", "a \\\\ b", "x = 2 ~ y # z : w", "\\{x\\}", "line\nbreak",
               "\\", "\\\\n", "&&058; literal"]
    for sample in samples[:-1]:
        block = f"::t::[html]{escape(sample)}{{=%100%{escape(sample)}#{escape(sample)}}}"
        (got,) = read_gift(block.encode())
        assert got.questiontext.text == sample.strip()
        assert got.answers[0].text == sample.strip() and got.answers[0].feedback.text == sample.strip()


def test_reader_rejects_what_moodle_rejects() -> None:
    with pytest.raises(MoodleImportError):
        read_gift(b"::q::Pick {~%33.33%a ~%66.67%b}")
    with pytest.raises(MoodleImportError):
        read_gift(b"::q::Broken {=a")


def test_deterministic_and_cli(tmp_path: Path) -> None:
    for path in existing_banks():
        first = export(load_bank(path), **{"asset-base-url": BASE})
        assert first == export(load_bank(path), **{"asset-base-url": BASE})
        out = tmp_path / (path.stem + ".gift")
        run = subprocess.run([sys.executable, "-m", "qbank", "export", str(path), "--to", "gift", "-o", str(out),
                              "-O", f"asset-base-url={BASE}"], capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stdout + run.stderr
        assert out.read_bytes() == first


def test_text_gift_cannot_hold_is_an_error(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, """---
title: T
---

## A &&058; title {#placeholder}

Q?

- = x -> y

### Explanation

E.
""")
    result = GiftExporter().export(bank)
    assert result.data is None
    messages = sorted(d.message for d in result.diagnostics if d.code == "T005")
    assert len(messages) == 2 and "`x -> y`" in messages[0] and "&&058;" in messages[1]


SPECIALS = st.text(alphabet="\\{}~=#:n[]%->&;0 aT\n*", min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(SPECIALS, SPECIALS, SPECIALS)
def test_any_text_survives_gift(stem: str, option: str, feedback: str) -> None:
    """Whatever the characters, Moodle's reader gives back exactly what was escaped."""
    stem, option, feedback = ("x" + stem).strip(), ("x" + option).strip(), ("x" + feedback).strip()
    block = (f"// [id:q]\n::{escape(option)}::[html]{escape(stem)}{{\n\t={escape(option)}#{escape(feedback)}\n"
             f"\t~%-50%{escape(feedback)}\n\t####{escape(stem)}\n}}")
    (got,) = read_gift(block.encode())
    assert (got.name, got.questiontext.text, got.generalfeedback.text) == (option, stem, stem)
    assert [(a.text, a.fraction, a.feedback.text) for a in got.answers] == [
        (option, 1.0, feedback), (feedback, -0.5, "")]
