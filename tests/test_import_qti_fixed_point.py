"""qbank's own Canvas, QTI 2.1 and QTI 3.0 packages import back to the bank they were made from.

For every bank in ``content/`` and every test bank, and each of those targets T,
``export_T(import(export_T(bank)))`` is byte-identical to ``export_T(bank)``: the reader
recovers everything the target wrote (ids from the idents, groups and pools, points, weights,
feedback, tolerances, time limits, images) — and reports nothing, since nothing is lost.
Hypothesis then does the same with generated banks full of hostile text.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from import_support import banks_under_test, export, import_bytes
from moodle_banks import IMAGES, TRICKY
from test_properties import Source, bank_source, read

from qbank.models import Bank
from qbank.readers.markdown import read_bank
from qbank.registry import load_target
from qbank.writers.markdown import write_bank

READER = {"canvas": "canvas", "qti21": "qti", "qti30": "qti"}
TARGETS = sorted(READER)
TEXT_BANKS = {"tricky.md": TRICKY}


def _round_trip(bank: Bank, target: str, folder: Path) -> tuple[bytes, bytes | None, list[str]]:
    first = export(bank, target)
    assert first is not None
    name = Path(bank.path).stem + load_target(target).suffix
    result = import_bytes(first, READER[target], folder, name)
    assert not result.failed, [str(d) for d in result.diagnostics]
    assert len(result.banks) == 1
    again = export(result.banks[0], target)
    return first, again, [f"{d.code} {d.message}" for d in result.diagnostics]


def _bank(path: Path) -> Bank:
    bank, found = read_bank(path)
    assert bank is not None and not any(d.is_error for d in found)
    return bank


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("path", banks_under_test(), ids=lambda p: p.name)
def test_own_packages_are_a_fixed_point(path: Path, target: str, tmp_path: Path) -> None:
    first, again, found = _round_trip(_bank(path), target, tmp_path)
    assert again == first
    assert found == []  # qbank's own package holds nothing a reader has to drop or change


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("path", banks_under_test(), ids=lambda p: p.name)
def test_own_packages_are_a_fixed_point_through_markdown(path: Path, target: str, tmp_path: Path) -> None:
    """The imported bank written as Markdown and read back exports to the same bytes too."""
    bank = _bank(path)
    first = export(bank, target)
    assert first is not None
    name = Path(bank.path).stem + load_target(target).suffix
    result = import_bytes(first, READER[target], tmp_path, name)
    out = write_bank(result.banks[0])
    folder = tmp_path / "markdown"
    source = folder / Path(bank.path).name  # the bank's own file name: Canvas idents are made from it
    for relative, data in {**out.files, source.name: out.text.encode("utf-8")}.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    again, found = read_bank(source)
    assert again is not None and not any(d.is_error for d in found), found
    assert export(again, target) == first


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", [*TEXT_BANKS, "pictures.md"])
def test_adversarial_test_banks_are_a_fixed_point(name: str, target: str, tmp_path: Path) -> None:
    text = TEXT_BANKS.get(name, IMAGES)
    source = tmp_path / "src" / name
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    if name == "pictures.md":
        from moodle_banks import images_bank

        bank = images_bank(tmp_path / "src")
    else:
        bank = _bank(source)
    first, again, _ = _round_trip(bank, target, tmp_path)
    assert again == first


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(bank_source())
def test_generated_banks_survive_export_import_export(source: Source) -> None:
    bank, errors = read(source.text)
    assume(bank is not None and not errors)
    assert bank is not None
    for target in TARGETS:
        if load_target(target)().export(bank).questions == 0:
            continue  # the target holds none of these questions (ordering in Canvas): nothing to read back
        with tempfile.TemporaryDirectory() as folder:
            first, again, _ = _round_trip(bank, target, Path(folder))
        assert again == first, target


def test_mathml_without_tex_keeps_the_text_after_it_once() -> None:
    """MathML a producer wrote without a TeX annotation arrives as its text, and the text after
    the formula follows it once (the formula's XML tail is not part of the formula)."""
    from lxml import etree

    from qbank.readers.qti.content import Content

    lost: list[str] = []
    paragraph = etree.fromstring('<p xmlns:m="http://www.w3.org/1998/Math/MathML">so <m:math><m:mi>x</m:mi>'
                                 "</m:math> grows</p>")
    assert Content(lost_math=lost.append).inner(paragraph) == "so x grows" and lost == ["x"]


@pytest.mark.parametrize("answer", ["(x) yes", "f[1]", "x {weight=50}"])
@pytest.mark.parametrize("target, reader", [("canvas", "canvas"), ("qti21", "qti"), ("qti30", "qti")])
def test_a_blank_answer_the_source_cannot_say_is_left_out_not_misread(tmp_path: Path, answer: str, target: str,
                                                                      reader: str) -> None:
    """A typed blank answer that `[[...]]` would read as something else (a dropdown option, the
    blank's end, the answer's settings) leaves the question out with W702, as for Moodle's cloze."""
    source = tmp_path / "bank.md"
    source.write_text("---\ntitle: T\n---\n\n## Fill {#f}\n\nThe answer: [[Paris]].\n\n## Other {#o}\n\nWhy?\n\n"
                      "- = because\n", encoding="utf-8")
    bank, _ = read_bank(source)
    assert bank is not None
    fill = bank.questions[0]
    blank = fill.blanks[0].model_copy(update={"answers": (answer,)})  # type: ignore[union-attr]
    changed = bank.model_copy(update={"questions": (fill.model_copy(update={"blanks": (blank,)}), bank.questions[1])})
    data = export(changed, target)
    assert data is not None
    result = import_bytes(data, reader, tmp_path, "in" + load_target(target).suffix)
    assert [q.id for b in result.banks for q in b.questions] == ["o"]
    assert [d.code for d in result.diagnostics] == ["W702"] and "source format" in result.diagnostics[0].message
