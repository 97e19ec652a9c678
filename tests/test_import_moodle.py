"""qbank import / convert for Moodle XML and GIFT: fixed points, Moodle's export conventions, safety."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from import_support import CONTENT, banks_under_test, export, import_bytes, via_markdown
from moodle_banks import expected_category

from qbank.cli import main
from qbank.models import FillInBlanks, MultipleChoice, Numerical, ShortAnswer
from qbank.readers.markdown import read_bank
from qbank.registry import available_targets, load_reader, load_target

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "moodle"
BANKS = banks_under_test()
NAMES = {"moodle-xml": "bank.moodle.xml", "gift": "bank.gift.txt"}


def test_the_fixed_point_covers_content_and_the_test_banks() -> None:
    assert any(p.name == "showcase.md" for p in BANKS) and len(BANKS) >= 5


@pytest.mark.parametrize("target", ["moodle-xml", "gift"])
@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_export_import_export_is_a_fixed_point(tmp_path: Path, target: str, path: Path) -> None:
    """export_T(import(export_T(bank))) == export_T(bank), straight from the model and through Markdown."""
    bank, _ = read_bank(path)
    assert bank is not None
    first = export(bank, target)
    if first is None:
        pytest.skip(f"{path.name} does not export to {target}")
    result = import_bytes(first, target, tmp_path, NAMES[target])
    assert not result.failed and len(result.banks) == 1, [str(d) for d in result.diagnostics]
    imported = result.banks[0]
    assert export(imported, target) == first
    assert export(via_markdown(imported, tmp_path / "md"), target) == first


@pytest.mark.parametrize("path", [p for p in BANKS if p.parent.name == "content"], ids=lambda p: p.name)
def test_moodle_xml_import_exports_to_every_target_like_the_original(tmp_path: Path, path: Path) -> None:
    """Moodle XML holds nearly everything: what it loses is the bank's front matter and what it
    cannot hold (ordering, groups' pick), each reported by the Moodle export itself."""
    bank, _ = read_bank(path)
    assert bank is not None
    result = import_bytes(export(bank, "moodle-xml") or b"", "moodle-xml", tmp_path, NAMES["moodle-xml"])
    imported = result.banks[0]
    kept = {q.id for q in imported.questions}
    # The documented losses of Moodle XML: the bank's own settings and the question types it cannot hold.
    original = bank.model_copy(update={
        "questions": tuple(q for q in bank.questions if q.id in kept), "groups": imported.groups,
        "path": imported.path, "title": imported.title, "category": imported.category, "author": None,
        "subjects": (), "tags": (),
        "level": None, "difficulty": None, "language": "en", "time_limit": None, "allowed_attempts": 1,
        "shuffle": True})
    # a group comes back named by its Moodle category (a varied question's: section - title (id))
    named = {g.id: expected_category(bank, next(q for q in bank.questions if q.group == g.id))[-1]
             for g in bank.groups if any(q.group == g.id for q in bank.questions)}
    groups = {gid: next((i.id for i in imported.groups if i.title == name), None) for gid, name in named.items()}

    def as_moodle_keeps(question):  # type: ignore[no-untyped-def]
        update = {"time_limit": None, "difficulty": None, "group": groups.get(question.group or "")}
        if isinstance(question, Numerical):  # a range is kept as its midpoint ± half-width
            mine = next(q for q in imported.questions if q.id == question.id)
            update["answers"] = tuple(a.model_copy(update={"kind": b.kind, "source": b.source})  # type: ignore
                                      for a, b in zip(question.answers, mine.answers, strict=True))
        if isinstance(question, FillInBlanks):  # whole marks per blank: reported at export (T002)
            update["points"] = next(q.points for q in imported.questions if q.id == question.id)
        return question.model_copy(update=update)

    stripped = original.model_copy(update={"questions": tuple(as_moodle_keeps(q) for q in original.questions)})
    for target in sorted(set(available_targets()) - {"moodle-xml"}):
        assert export(imported, target) == export(stripped, target), target


def read_fixture(tmp_path: Path, name: str = "moodle-export.xml"):  # type: ignore[no-untyped-def]
    return load_reader("moodle-xml")(media=tmp_path).read(FIXTURES / name)


def test_moodle_export_conventions_are_read(tmp_path: Path) -> None:
    """Follows question/format/xml/format.php writequestion: CDATA text, <file> base64 images,
    $course$/top category with <info>, idnumber, tags, hints, combined feedback, cloze."""
    result = read_fixture(tmp_path)
    assert not result.failed
    (bank,) = result.banks
    assert (bank.title, bank.category) == ("Kinematics", "Default for Physics 101/Kinematics")
    assert bank.description is not None and bank.description.source == "Questions on motion."
    by_title = {q.title: q for q in bank.questions}
    mc = by_title["Velocity units"]
    assert isinstance(mc, MultipleChoice)
    assert (mc.id, mc.idnumber, mc.points, mc.tags) == ("t-f", "T & F", 2, ("units", "week 1"))
    assert mc.stem.images[0].src == "speed sign.png" and (tmp_path / "speed sign.png").read_bytes()[:4] == b"\x89PNG"
    assert mc.explanation is not None and mc.explanation.math[0].latex == r"\mathrm{m\,s^{-1}}"
    assert mc.correct_feedback is not None and mc.correct_feedback.source == "Your answer is correct."
    short = by_title["SI base unit of length"]
    assert isinstance(short, ShortAnswer) and short.other is not None
    assert [(a.text, a.weight) for a in short.answers] == [("metre", 100), ("meter", 50)]
    assert short.other.feedback is not None and short.other.feedback.source == "No: the metre."
    cloze = by_title["Equations of motion"]
    assert isinstance(cloze, FillInBlanks) and cloze.idnumber is None and cloze.id == "suvat"
    first, second = cloze.blanks
    assert first.answers == ("at",) and [(r.text, r.weight, r.feedback) for r in first.responses] == [
        ("at", None, "Right"), ("a t", 50.0, "Spacing")]
    assert first.other is not None and first.other.feedback == "Think of the definition"
    assert [(o.text, o.correct, o.feedback) for o in second.options] == [("quadratically", True, "Yes"),
                                                                         ("linearly", False, "No")]
    numerical = by_title["Speed of light"]
    assert isinstance(numerical, Numerical) and numerical.unit == "km/s"
    codes = {(d.code, d.line) for d in result.diagnostics}
    assert ("W702", 120) in codes  # the calculated question, left out with its line
    messages = " ".join(d.message for d in result.diagnostics)
    for dropped in ("hint", "partly correct", "penalty", "unit `m/s`"):
        assert dropped in messages


def test_import_command_writes_a_bank_that_lints_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["import", str(FIXTURES / "moodle-export.xml"), "-o", f"{out}/"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["kinematics.md", "speed sign.png"]
    assert main(["lint", str(out / "kinematics.md")]) == 0
    text = (out / "kinematics.md").read_text()
    assert 'idnumber="T & F"' in text and "- = *" in text and "{weight=50 feedback=\"Spacing\"}" in text


@pytest.mark.parametrize("xml, code", [
    (b"<quiz><question type='truefalse'>", "E701"),
    (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>', "E702"),
    (b'<!DOCTYPE q [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>', "E702"),
    (b"<assessment/>", "E701"),
])
def test_malformed_or_unsafe_xml_is_a_located_error_and_nothing_is_written(
        tmp_path: Path, xml: bytes, code: str) -> None:
    source = tmp_path / "bad.xml"
    source.write_bytes(xml)
    result = load_reader("moodle-xml")(media=tmp_path).read(source)
    assert [d.code for d in result.diagnostics if d.is_error] == [code] and not result.banks
    out = tmp_path / "out"
    assert main(["import", str(source), "-o", f"{out}/"]) == 1
    assert not out.exists()


def test_unreadable_format_is_e904(tmp_path: Path) -> None:
    source = tmp_path / "notes.bin"
    source.write_bytes(b"\x00\x01")
    assert main(["import", str(source), "-o", str(tmp_path / "x.md")]) == 1
    assert not (tmp_path / "x.md").exists()


def test_convert_moodle_xml_to_gift_and_markdown(tmp_path: Path) -> None:
    gift = tmp_path / "k.gift.txt"
    assert main(["convert", str(FIXTURES / "moodle-export.xml"), "--to", "gift", "-O",
                 "asset-base-url=https://example.org/img", "-o", str(gift)]) == 0
    text = gift.read_text()
    assert "[id:T & F]" in text and "=%0%*#<p>No\\: the metre.</p>" in text
    assert main(["convert", str(FIXTURES / "moodle-export.xml"), "--to", "markdown",
                 "-o", str(tmp_path / "k.md")]) == 0
    assert (tmp_path / "speed sign.png").is_file()


def test_a_blank_inside_math_is_reported_not_lost(tmp_path: Path) -> None:
    xml = (FIXTURES / "moodle-export.xml").read_text().replace(
        r"\(v = u +\) {1:SHORTANSWER:", r"\(v = u + {1:SHORTANSWER:").replace(
        "Think of the definition}", r"Think of the definition}\)")
    source = tmp_path / "inside.xml"
    source.write_text(xml)
    result = load_reader("moodle-xml")(media=tmp_path).read(source)
    assert all(q.title != "Equations of motion" for q in result.banks[0].questions)
    assert any(d.code == "W702" and "suvat" in d.message for d in result.diagnostics)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("target", ["moodle-xml", "gift"])
def test_a_large_single_input_shows_progress_per_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          target: str) -> None:
    bank, _ = read_bank(Path(__file__).resolve().parent.parent / "content" / "showcase.md")
    assert bank is not None
    plain = [q for q in bank.questions if not q.stem.images and q.type != "fill-in-blanks"]
    copies = tuple(q.model_copy(update={"id": f"{q.id}-{k}"}) for k in range(12) for q in plain)
    source = tmp_path / NAMES[target]
    exported = load_target(target)().export(bank.model_copy(update={"questions": copies}))
    source.write_bytes(exported.data or b"")
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    assert main(["import", str(source), "-o", f"{tmp_path / 'out'}/"]) == 0
    frames = [(int(a), int(b)) for a, b in re.findall(r"\r\[[#-]{30}\] (\d+)/(\d+) questions", stream.getvalue())]
    assert len(frames) >= 2 and {total for _, total in frames} == {exported.questions}
    assert frames == sorted(frames) and frames[-1][0] == frames[-1][1]  # forward, to the end
    assert stream.getvalue().endswith("\r")  # erased before the summary


@pytest.mark.parametrize("target", ["gift", "moodle-xml"])
def test_inline_code_in_an_option_imports(tmp_path: Path, target: str) -> None:
    """A code span in an option (`#include <stdio.h>`) comes back as a code span, not a traceback."""
    source = tmp_path / "code.md"
    source.write_text("---\ntitle: Code\n---\n\n## Pick {#q}\n\nWhich line is a directive?\n\n"
                      "- ( ) a comment\n- (x) `#include <stdio.h>`\n\n### Explanation\n\nIt is.\n", encoding="utf-8")
    exported = tmp_path / {"gift": "code.gift.txt", "moodle-xml": "code.moodle.xml"}[target]
    assert main(["export", str(source), "--to", target, "-o", str(exported)]) == 0
    out = tmp_path / "out"
    assert main(["import", str(exported), "-o", f"{out}/"]) == 0
    text = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert "- (x) `#include <stdio.h>`" in text


def _picture_question(name: str, png: bytes) -> str:
    """A Moodle XML description whose text shows `img.png`, carried in its own <file> as Moodle does."""
    import base64

    return (f'<question type="description"><name><text>{name}</text></name><questiontext format="html">'
            f'<text><![CDATA[<p>{name}: <img src="@@PLUGINFILE@@/img.png" alt="{name}"></p>]]></text>'
            f'<file name="img.png" path="/" encoding="base64">{base64.b64encode(png).decode()}</file>'
            "</questiontext></question>")


def _png(red: int) -> bytes:
    """A valid 1×1 PNG of the given red value (so two pictures differ in their bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, red, 0, 0]))) + chunk(b"IEND", b""))


def _pictures(out: Path, bank_file: str) -> dict[str, bytes]:
    bank, _ = read_bank(out / bank_file)
    assert bank is not None
    return {q.title: (out / q.stem.images[0].src).read_bytes() for q in bank.questions}


def test_two_pictures_of_one_name_stay_two_pictures(tmp_path: Path) -> None:
    """Each Moodle question carries its own files, so two questions may each show a different
    `img.png`; each must arrive with its own picture (in one file, and across two inputs)."""
    one = tmp_path / "one.moodle.xml"
    one.write_text("<quiz>" + _picture_question("Red", _png(255)) + _picture_question("Dark", _png(9)) + "</quiz>")
    assert main(["import", str(one), "-o", f"{tmp_path / 'out'}/"]) == 0
    (bank_file,) = [p.name for p in (tmp_path / "out").glob("*.md")]
    assert _pictures(tmp_path / "out", bank_file) == {"Red": _png(255), "Dark": _png(9)}

    first, second = tmp_path / "a.moodle.xml", tmp_path / "b.moodle.xml"
    first.write_text("<quiz>" + _picture_question("Red", _png(255)) + "</quiz>")
    second.write_text("<quiz>" + _picture_question("Dark", _png(9)) + "</quiz>")
    assert main(["import", str(first), str(second), "-o", f"{tmp_path / 'both'}/"]) == 0
    found: dict[str, bytes] = {}
    for path in sorted((tmp_path / "both").glob("*.md")):
        found |= _pictures(tmp_path / "both", path.name)
    assert found == {"Red": _png(255), "Dark": _png(9)}


def test_import_strict_writes_nothing_when_it_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["import", "--strict", str(FIXTURES / "moodle-export.xml"), "-o", f"{out}/"]) == 1
    assert not out.exists() and "wrote" not in capsys.readouterr().out
    assert main(["import", "--select", "NOPE!!", str(FIXTURES / "moodle-export.xml"), "-o", f"{out}/"]) == 2
    assert not out.exists()


def test_convert_judges_warnings_as_export_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    showcase = str(CONTENT / "showcase.md")
    assert main(["export", showcase, "--to", "gift", "-o", str(tmp_path / "e.gift.txt")]) == 0
    exported = capsys.readouterr().err
    assert main(["convert", showcase, "--to", "gift", "-o", str(tmp_path / "c.gift.txt")]) == 0
    converted = capsys.readouterr().err
    assert "acknowledged" in exported and converted == exported  # the bank's allow= counts in both
    assert (tmp_path / "c.gift.txt").read_bytes() == (tmp_path / "e.gift.txt").read_bytes()


def test_convert_into_a_path_it_cannot_write_is_e901(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("")
    for to in ("markdown", "gift"):
        output = f"{tmp_path / 'file' / 'sub'}/" if to == "markdown" else str(tmp_path / "file" / "x.gift.txt")
        assert main(["convert", str(FIXTURES / "moodle-export.xml"), "--to", to, "-o", output]) == 1
        err = capsys.readouterr().err
        assert "error[E901]" in err and "cannot write" in err and "moodle-export.xml:1:" not in err, err
