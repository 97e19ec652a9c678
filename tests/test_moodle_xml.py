"""Moodle XML: export, read back as Moodle's importer would, and compare with the source model."""

from __future__ import annotations

import hashlib
import html
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from moodle_banks import (
    TRICKY,
    WEIGHT_375,
    WHITESPACE,
    assert_same_identity,
    bank_from,
    delimited,
    images_bank,
)
from qbank.exporters.moodle.xmlformat import MoodleXmlExporter

from qbank import render
from qbank.models import Bank, Fragment, Image, Question

from moodle_readers import (
    Imported,
    MoodleImportError,
    Text,
    broken_images,
    categories,
    extract_cloze,
    read_moodle_xml,
    shortanswer_literal,
    split_category_path,
)
from support import BANKS, ROOT, load_bank

QTYPES = {
    "multiple-choice": "multichoice", "multiple-select": "multichoice", "true-false": "truefalse",
    "short-answer": "shortanswer", "numerical": "numerical", "essay": "essay", "matching": "match",
    "fill-in-blanks": "multianswer", "description": "description", "ordering": "ordering",
}
# Required children per question type (Moodle's reader indexes these, or needs them to keep our values).
REQUIRED = {
    "multichoice": ["name/text", "questiontext/text", "generalfeedback/text", "defaultgrade", "idnumber", "single",
                    "shuffleanswers", "answernumbering", "correctfeedback/text", "partiallycorrectfeedback/text",
                    "incorrectfeedback/text", "answer/text", "answer/feedback/text"],
    "truefalse": ["name/text", "questiontext/text", "defaultgrade", "answer/text", "answer/feedback/text"],
    "shortanswer": ["name/text", "questiontext/text", "defaultgrade", "usecase", "answer/text"],
    "numerical": ["name/text", "questiontext/text", "defaultgrade", "answer/text", "answer/tolerance", "showunits"],
    "essay": ["name/text", "questiontext/text", "defaultgrade", "responseformat", "responsefieldlines",
              "responserequired", "attachments", "attachmentsrequired", "graderinfo", "responsetemplate"],
    "matching": ["name/text", "questiontext/text", "defaultgrade", "shuffleanswers", "subquestion/text",
                 "subquestion/answer/text"],
    "cloze": ["name/text", "questiontext/text", "generalfeedback/text", "idnumber"],
    "description": ["name/text", "questiontext/text", "defaultgrade"],
    # qtype_ordering's importer defaults each of these to what an author rarely means
    "ordering": ["name/text", "questiontext/text", "defaultgrade", "layouttype", "selecttype", "selectcount",
                 "gradingtype", "showgrading", "numberingstyle", "shownumcorrect", "answer/text"],
    "category": ["category/text"],
}


def existing_banks() -> list[Path]:
    return [bank for bank in BANKS if bank.exists()]


def digest_src(image: Image) -> str:
    return hashlib.sha256(Path(image.path).read_bytes()).hexdigest()


def html_of(fragment: Fragment | None, inline: bool = False) -> str:
    """What the target must carry: the fragment's HTML, images named by their bytes' digest."""
    if fragment is None or fragment.is_empty:
        return ""
    return render.shared().html(fragment, image=digest_src, inline=inline).strip()


def resolved(text: Text) -> str:
    """An imported text with each ``@@PLUGINFILE@@/name`` replaced by the digest of the file it names."""
    assert broken_images(text) == [], f"image without its file in the same element: {broken_images(text)}"
    out = text.text
    for name, data in text.files.items():
        out = out.replace(f"@@PLUGINFILE@@/{name}", hashlib.sha256(data).hexdigest())
    return out


def export(bank: Bank) -> bytes:
    result = MoodleXmlExporter().export(bank)
    assert result.data is not None, result.diagnostics
    data: bytes = result.data
    return data


def compare(bank: Bank, question: Question, got: Imported) -> None:
    """Everything Moodle stored for ``got`` is what the model says."""
    assert_same_identity(bank, question, got, QTYPES)
    assert resolved(got.generalfeedback) == html_of(question.explanation)
    if question.type == "fill-in-blanks":
        text = render.shared().html(question.stem, image=digest_src, blank=lambda i: f"{{#{i + 1}}}").strip()
        # Text that Moodle would take for a sub-question has its `{` written as the entity `&#123;`.
        assert resolved(got.questiontext).replace("&#123;", "{") == text
        assert len(got.cloze) == len(question.blanks)
        for part, blank in zip(got.cloze, question.blanks, strict=True):
            if blank.kind == "text":
                assert part.qtype == "shortanswer" and part.usecase == int(blank.case_sensitive)
                assert [shortanswer_literal(a.text) for a in part.answers] == list(blank.answers)
                assert [a.fraction for a in part.answers] == [1.0] * len(blank.answers)
            else:
                assert part.qtype == "multichoice"
                assert [html.unescape(a.text) for a in part.answers] == [o.text for o in blank.options]
                assert [a.fraction for a in part.answers] == [1.0 if o.correct else 0.0 for o in blank.options]
        return
    assert resolved(got.questiontext) == html_of(question.stem)
    assert Decimal(got.defaultmark) == question.points
    if question.type in ("multiple-choice", "multiple-select"):
        assert got.single == (question.type == "multiple-choice")
        assert len(got.answers) == len(question.choices)
        for answer, choice in zip(got.answers, question.choices, strict=True):
            assert resolved(Text(answer.text, files=answer.files)) == html_of(choice.text, inline=True)
            assert abs(answer.fraction * 100 - choice.weight) < 0.001
            assert resolved(answer.feedback) == html_of(choice.feedback)
    if question.type == "ordering":
        options = got.ordering
        # every item shown, in a scrambled order, scored all or nothing as in every other target
        assert options["selecttype"] == "ALL" and options["selectcount"] == len(question.items)
        assert options["gradingtype"] == "ALL_OR_NOTHING" and options["shownumcorrect_given"]
        assert [resolved(Text(a.text, files=a.files)) for a in got.answers] == [
            html_of(item.text, inline=True) for item in question.items]
    if question.type in ("multiple-choice", "multiple-select", "matching", "ordering"):
        assert got.correctfeedback is not None and got.incorrectfeedback is not None
        assert resolved(got.correctfeedback) == html_of(question.correct_feedback)
        assert resolved(got.incorrectfeedback) == html_of(question.incorrect_feedback)
    if question.type == "true-false":
        by_text = {a.text: a for a in got.answers}
        assert set(by_text) == {"true", "false"}
        for choice in question.choices:
            assert by_text[choice.id].fraction == (1.0 if choice.correct else 0.0)
            assert resolved(by_text[choice.id].feedback) == html_of(choice.feedback)
    if question.type == "short-answer":
        assert got.usecase == int(question.case_sensitive)
        assert [shortanswer_literal(a.text) for a in got.answers] == [a.text.strip() for a in question.answers]
        for answer, source in zip(got.answers, question.answers, strict=True):
            assert abs(answer.fraction * 100 - source.weight) < 0.001
            assert resolved(answer.feedback) == html_of(source.feedback)
    if question.type == "numerical":
        for answer, number in zip(got.answers, question.answers, strict=True):
            assert Decimal(answer.text) == number.value and Decimal(answer.tolerance or "0") == number.tolerance
            assert abs(answer.fraction * 100 - number.weight) < 0.001
            assert resolved(answer.feedback) == html_of(number.feedback)
        assert got.units == ([("1", question.unit)] if question.unit else [])
    if question.type == "essay":
        assert got.responsefieldlines == str(question.response_lines)
    if question.type == "matching":
        plain = [render.shared().plain(p.right, math=delimited) for p in question.pairs]
        assert [(resolved(t), a) for t, a in got.subquestions[:len(question.pairs)]] == [
            (html_of(p.left, inline=True), right) for p, right in zip(question.pairs, plain, strict=True)]
        distractors = got.subquestions[len(question.pairs):]
        assert [t.text for t, _ in distractors] == [""] * len(question.distractors)
        assert [a for _, a in distractors] == [render.shared().plain(d, math=delimited) for d in question.distractors]


def round_trip(bank: Bank) -> list[Imported]:
    data = export(bank)
    got = categories(read_moodle_xml(data))
    kept, _ = MoodleXmlExporter().supported(bank)  # what the exporter itself keeps
    assert len(got) == len(kept)
    for question, imported in zip(kept, got, strict=True):
        compare(bank, question, imported)
    return got


# --- the real banks ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", existing_banks(), ids=lambda p: p.name)
def test_bank_round_trips(path: Path) -> None:
    bank = load_bank(path)
    got = round_trip(bank)
    assert got, "no question exported"


def test_showcase_holds_every_type() -> None:
    bank = load_bank(ROOT / "content" / "showcase.md")
    got = round_trip(bank)
    assert {q.qtype for q in got} == set(QTYPES.values())
    result = MoodleXmlExporter().export(bank)
    assert not [d for d in result.diagnostics if d.code == "T001"]
    # ordering is core Moodle since 4.4 only: the export says so once
    (note,) = [d for d in result.diagnostics if d.code == "T004" and "ordering" in d.message]
    assert "4.4" in note.message and note.line == next(q for q in bank.questions if q.type == "ordering").pos.line


def test_showcase_specifics() -> None:
    bank = load_bank(ROOT / "content" / "showcase.md")
    got = {q.idnumber: q for q in categories(read_moodle_xml(export(bank)))}
    escapes = got["escapes"]
    assert "\\(a \\neq b\\)" in escapes.answers[0].text and "\\(\\{x\\}\\)" in escapes.answers[0].text
    assert "\\(\\\\\\)" in escapes.generalfeedback.text
    assert "]]&gt;" in escapes.questiontext.text and "a &lt; b &amp;&amp; c" in escapes.questiontext.text
    assert "日本語" in got["unicode"].questiontext.text
    assert [a.fraction for a in got["weights"].answers] == [0.5, 0.5, -0.5, 0.0]
    assert [a.fraction for a in got["elbo-properties"].answers] == [0.5, 0.5, -0.5, -0.5]
    boltzmann = got["boltzmann"]
    assert [(a.text, a.tolerance) for a in boltzmann.answers] == [("1.380649e-23", "1e-28"), ("1.38e-23", "1e-25")]
    assert boltzmann.defaultmark == "1.5" and boltzmann.units == [("1", "J/K")]
    vae = got["vae-parts"]
    assert list(vae.questiontext.files) == ["vae-diagram.svg"]
    assert vae.questiontext.files["vae-diagram.svg"] == (ROOT / "content/figures/vae-diagram.svg").read_bytes()
    assert "@@PLUGINFILE@@/vae-diagram.svg" in vae.questiontext.text
    assert got["about"].defaultmark == "0" and got["about"].qtype == "description"


def test_well_formed_structured_and_deterministic() -> None:
    for path in existing_banks():
        bank = load_bank(path)
        first, second = export(bank), export(load_bank(path))
        assert first == second
        root = etree.fromstring(first)
        assert root.tag == "quiz" and first.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        questions = root.findall("question")
        assert questions[0].get("type") == "category"
        for question in questions:
            for needed in REQUIRED[question.get("type", "")]:
                assert question.find(needed) is not None, (question.get("type"), needed)
            for answer in question.findall("answer"):
                assert answer.get("fraction") is not None


def test_time_limits_one_warning_at_first_question() -> None:
    bank = load_bank(ROOT / "content" / "showcase.md")
    found = [d for d in MoodleXmlExporter().check(bank) if d.code == "T002" and "time limit" in d.message]
    assert len(found) == 1
    limited = [q for q in bank.questions if q.time_limit is not None]
    assert found[0].line == limited[0].pos.line and str(len(limited)) in found[0].message


# --- adversarial banks -------------------------------------------------------------------------------

def test_adversarial_round_trip(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, TRICKY)
    got = {q.idnumber: q for q in round_trip(bank)}
    title = got["title-specials"]
    assert title.name == "Braces: ~ = # { } and \\ in a title"
    assert "\\(a \\nleq b\\)" in title.questiontext.text and "\\(a \\\\ b\\)" in title.questiontext.text
    assert title.answers[1].text == "%50% of cases" and title.answers[2].text.startswith("[moodle]")
    short = got["short-specials"]
    assert [a.text for a in short.answers][:4] == ["a{b}", "x~y = z", "50%", "C# and \\n and a\\b"]
    assert short.answers[6].text == "2\\*3 and a\\\\*b"
    assert shortanswer_literal(short.answers[6].text) == "2*3 and a\\*b"
    numbers = got["numbers"]
    assert [(Decimal(a.text), Decimal(a.tolerance or 0)) for a in numbers.answers][:3] == [
        (Decimal("-3.5"), Decimal("0.25")), (Decimal(2), Decimal(1)), (Decimal("0.2"), Decimal("0.1"))]
    cloze = got["cloze-specials"]
    assert cloze.defaultmark == "4"
    assert [a.text for a in cloze.cloze[0].answers] == ["a\\*b}c", "c#d", "e~f", "g\\h", "i&j", "k<l", "{m}", "&amp;"]
    assert cloze.cloze[0].usecase == 1
    assert "{1:SA:=no}" in html.unescape(cloze.questiontext.text)


def test_whitespace_edges(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, WHITESPACE)
    got = round_trip(bank)
    assert got[0].category == "$course$/top/Spaces"
    assert got[0].answers[0].text == "padded option" and got[0].answers[0].feedback.text == ""
    assert got[0].correctfeedback is not None and got[0].correctfeedback.text == ""
    assert [a.text for a in got[1].cloze[0].answers] == ["a", "b"]
    assert "literal {#1} marker" in got[0].questiontext.text
    assert "now, not &#123;#2}." in got[1].questiontext.text
    quiz_limit = [d for d in MoodleXmlExporter().check(bank) if d.code == "T002" and "quiz time limit" in d.message]
    assert len(quiz_limit) == 1


def test_each_element_carries_its_images(tmp_path: Path) -> None:
    got = {q.idnumber: q for q in round_trip(images_bank(tmp_path))}  # compare() checks every image resolves
    pictures = got["pictures"]
    assert list(pictures.questiontext.files) == ["critic.svg"]
    assert list(pictures.answers[0].files) == ["critic.svg"] and pictures.answers[1].files == {}
    assert list(pictures.answers[0].feedback.files) == ["losses.svg"]
    assert list(pictures.generalfeedback.files) == ["losses.svg"]
    assert pictures.correctfeedback is not None and list(pictures.correctfeedback.files) == ["critic.svg"]
    assert [list(text.files) for text, _ in got["match-pictures"].subquestions] == [["critic.svg"], ["losses.svg"]]


def test_category_path_escapes_slash(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, TRICKY)
    data = export(bank)
    path = read_moodle_xml(data)[0].category
    assert path == "$course$/top/Tricky // edge: cases"
    assert split_category_path(path) == ["$course$", "top", "Tricky / edge: cases"]


def test_cloze_answers_are_escaped_as_moodle_reads_them() -> None:
    from qbank.exporters.moodle.cloze import cloze_answer

    samples = ["}", "#", "~", "\\", "\\}", "\\#", "a\\", "&", "&amp;", "x&", "{", "}}##~~\\\\", "&#126;", "<b>"]
    for sample in samples:
        text = "{1:SHORTANSWER:=" + cloze_answer(sample) + "~=" + cloze_answer(sample + "2") + "}"
        _, parts = extract_cloze(text)
        assert [a.text for a in parts[0].answers] == [sample, sample + "2"], sample


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="\\}{#~&;amp<>\"' b*=%:", min_size=1, max_size=20).map(str.strip)
                .filter(bool), min_size=1, max_size=4))
def test_any_cloze_answer_survives(answers: list[str]) -> None:
    from qbank.exporters.moodle.cloze import cloze_answer

    text = ("<p>x {2:SHORTANSWER:" + "~".join("=" + cloze_answer(a) for a in answers) + "} y "
            "{1:MULTICHOICE:=z~" + "~".join(cloze_answer(a) for a in answers) + "}</p>")
    stem, parts = extract_cloze(text)
    assert stem == "<p>x {#1} y {#2}</p>" and parts[0].mark == "2"
    assert [a.text for a in parts[0].answers] == answers
    assert [(a.text, a.fraction) for a in parts[1].answers] == [("z", 1.0)] + [(a, 0.0) for a in answers]


def test_reader_rejects_what_moodle_rejects() -> None:
    bad = b"<quiz><question type='multichoice'><name><text>x</text></name><questiontext><text>q</text>" \
          b"</questiontext><answer fraction='33.33'><text>a</text></answer></question></quiz>"
    with pytest.raises(MoodleImportError):
        read_moodle_xml(bad)
    with pytest.raises(MoodleImportError):
        read_moodle_xml(b"<quiz><question type='multichoice'><questiontext><text>q</text>"
                        b"</questiontext></question></quiz>")


def test_unrepresentable_weight_is_t003(tmp_path: Path) -> None:
    bank = bank_from(tmp_path, WEIGHT_375)
    result = MoodleXmlExporter().export(bank)
    errors = [d for d in result.diagnostics if d.code == "T003"]
    assert result.data is None and len(errors) == 2
    assert "37.5" in errors[0].message and "40%" in (errors[0].hint or "")
    assert errors[0].line == 9


def test_cli(tmp_path: Path) -> None:
    bank = tmp_path / "w.md"
    bank.write_text(WEIGHT_375, encoding="utf-8")
    lint = subprocess.run([sys.executable, "-m", "qbank", "lint", str(bank), "--target", "moodle-xml"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert lint.returncode != 0 and "T003" in lint.stdout + lint.stderr
    for path in existing_banks():
        out = tmp_path / (path.stem + ".xml")
        run = subprocess.run([sys.executable, "-m", "qbank", "export", str(path), "--to", "moodle-xml",
                              "-o", str(out)], capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, run.stdout + run.stderr
        assert out.read_bytes() == export(load_bank(path))


SPACES_BANK = """---
title: Spaces
---

## Git {#git}

You type **git** *commit* and then `git` `push`.

```c
#include <stdio.h>
int main(void) {
    return 0;
}
```

- (x) **git** *add* before `git` `commit`
  > Right: **git** *add* stages, `git` `commit` records.
- ( ) Text with ]]> inside, and a ]]]]> too.

### Explanation

Run **git** *status* and `git` `log`.
"""


def test_spaces_between_inline_elements_survive_moodles_reader(tmp_path: Path) -> None:
    """Moodle's xmlize drops whitespace-only chunks and hands each entity over as a chunk of
    its own: escaped HTML arrives as "gitcommit". The export keeps every space (CDATA)."""
    bank = bank_from(tmp_path, SPACES_BANK)
    (got,) = [q for q in read_moodle_xml(export(bank)) if q.qtype != "category"]
    stem = got.questiontext.text
    assert "<strong>git</strong> <em>commit</em>" in stem and "<code>git</code> <code>push</code>" in stem
    code = etree.fromstring(f"<div>{stem}</div>", etree.HTMLParser()).xpath("//pre")[0]
    lines = "".join(code.itertext()).splitlines()
    assert lines[:3] == ["#include <stdio.h>", "int main(void) {", "    return 0;"]
    right, wrong = got.answers
    assert "<strong>git</strong> <em>add</em> before <code>git</code> <code>commit</code>" in right.text
    assert "<strong>git</strong> <em>add</em> stages, <code>git</code> <code>commit</code>" in right.feedback.text
    assert "]]&gt; inside, and a ]]]]&gt; too" in wrong.text  # a CDATA end in the text round-trips
    assert "<strong>git</strong> <em>status</em> and <code>git</code> <code>log</code>" in got.generalfeedback.text


@pytest.mark.parametrize(("inner", "moodle_sees"), [
    ("&lt;b&gt;bold&lt;/b&gt; &lt;i&gt;", "<b>bold</b><i>"),  # each entity a chunk: the lone space is dropped
    ("&#65; &#66;", "AB"),  # character references too
    ("<![CDATA[<b>bold</b> <i>x</i>\n  y]]>", "<b>bold</b> <i>x</i>\n  y"),  # one CDATA chunk, kept whole
    ("<![CDATA[   ]]>", ""),  # a whitespace-only CDATA section is lost as well
    ("&gt; über", ">über"),  # a space after a reference, before non-ASCII text
    ("\u00a0&amp;\u00a0", "\u00a0&\u00a0"),  # PHP's trim() keeps a no-break space
    ("0", "0"),
])
def test_the_test_reader_sees_text_as_moodles_xmlize(inner: str, moodle_sees: str) -> None:
    from moodle_readers import parse_like_moodle

    root = parse_like_moodle(f"<quiz><text>{inner}</text></quiz>".encode())
    assert (root.find("text").text or "") == moodle_sees
