"""A pool (`# Group {pick=2 points=2}`) is worth the same in every target.

Each question drawn from it is worth the group's points — Moodle's default grade, Canvas's
points, the QTI item's maximum and the HTML page's card and Check all say so — and one quiz
counts only the questions drawn: its points and its time limit.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from qbank import registry
from qbank.lint import lint_file
from qbank.models import Bank
from tests.moodle_readers import read_moodle_xml
from tests.qti12_reader import read_package
from tests.qti_evaluator import evaluate, normalize

POOL_BANK = """---
title: Pools
time_limit: 2 min
---

## Warm-up {#warm}

Pick one.

- (x) yes
- ( ) no

# Pool {#pool pick=2 points=2}

## First {#first}

Pick one.

- (x) right
- ( ) wrong

## Second {#second}

Pick one.

- (x) right
- ( ) wrong

## Third {#third time=5min}

Pick one.

- (x) right
- ( ) wrong
"""
POOL_IDS = ("first", "second", "third")


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    path = tmp_path_factory.mktemp("pools") / "pools.md"
    path.write_text(POOL_BANK, encoding="utf-8")
    bank, found = lint_file(path)
    assert bank is not None and not [d for d in found if d.is_error], found
    return bank


def export(bank: Bank, target: str) -> tuple[bytes, list[str]]:
    result = registry.load_target(target)().export(bank)
    assert result.data is not None, result.diagnostics
    return result.data, [f"{d.code} {d.message} ({d.hint})" for d in result.diagnostics]


def test_the_model_gives_every_member_the_pool_points(bank: Bank) -> None:
    assert {q.id: q.points for q in bank.questions} == {"warm": 1, "first": 2, "second": 2, "third": 2}
    assert bank.quiz_points() == 1 + 2 * 2  # the loose question, and two drawn at 2 points
    assert bank.total_points() == 1 + 3 * 2  # every question, as a page that shows them all counts
    assert bank.quiz_time_limit() == (2 + 5 + 2) * 60  # the pool's two longest limits, not all three


def test_moodle_gives_each_pool_question_the_pool_points(bank: Bank) -> None:
    data, warnings = export(bank, "moodle-xml")
    marks = {q.idnumber: q.defaultmark for q in read_moodle_xml(data) if q.qtype != "category"}
    assert marks == {"warm": "1", "first": "2", "second": "2", "third": "2"}
    assert any(w.startswith("T002") and "2 random questions" in w and "mark of 2" in w for w in warnings), warnings


def test_canvas_group_and_items_agree(bank: Bank) -> None:
    data, warnings = export(bank, "canvas")
    package = read_package(data)
    (pool,) = package.root.sections
    assert pool.selection_number == 2 and [i.points for i in pool.items] == [2, 2, 2]
    assert pool.points_per_item is None  # the items carry the pool's points themselves
    assert Decimal(package.meta["points_possible"]) == 5
    assert package.meta["time_limit"] == "9"
    assert not [w for w in warnings if w.startswith("T004")], warnings


@pytest.mark.parametrize("target", ["qti21", "qti30"])
def test_qti_items_score_the_pool_points(bank: Bank, target: str) -> None:
    data, _ = export(bank, target)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    for qid in POOL_IDS:
        outcomes = evaluate(files[f"items/{qid}.xml"], {"RESPONSE": "a"})
        assert outcomes["SCORE"] == outcomes["MAXSCORE"] == 2, (qid, outcomes)
    test = normalize(etree.fromstring(files["assessment.xml"]))
    assert test.find("timeLimits").get("maxTime") == str(9 * 60)
    assert next(s for s in test.iter("assessmentSection") if s.find("selection") is not None) \
        .find("selection").get("select") == "2"


def test_the_html_page_cards_check_and_total_agree(bank: Bank) -> None:
    data, _ = export(bank, "html")
    page = lxml_html.document_fromstring(data)
    facts = " ".join(page.xpath('//p[@class="quiz-facts"]')[0].text_content().split())
    assert "7 points in total" in facts and "time limit 9 min" in facts
    assert "of 7 points" in " ".join(page.get_element_by_id("score").text_content().split())
    for qid in POOL_IDS:
        card = " ".join(page.get_element_by_id(f"q-{qid}").xpath('.//p[@class="qmeta"]')[0].text_content().split())
        assert "2 points" in card, card
    answers = json.loads(page.xpath('//script[@type="application/json"]')[0].text)
    assert {qid: answers[qid]["points"] for qid in POOL_IDS} == {qid: "2" for qid in POOL_IDS}
    note = page.xpath('//p[@class="pool-note"]')[0].text_content()
    assert re.search(r"2 of these 3 questions", note) and "2 points each" in note


def test_gift_counts_the_pool_questions_as_not_one_point(bank: Bank) -> None:
    _, warnings = export(bank, "gift")
    assert any(w.startswith("T002 3 questions are not worth 1 point") for w in warnings), warnings


def test_a_member_that_sets_other_points_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "clash.md"
    path.write_text(POOL_BANK.replace("## Second {#second}", "## Second {#second points=3}"), encoding="utf-8")
    _, found = lint_file(path)
    clash = [d for d in found if d.code == "E212"]
    assert clash and clash[0].line == 22 and "points=3" in clash[0].message and "2" in clash[0].message


def test_a_group_ends_at_an_end_heading(tmp_path: Path) -> None:
    path = tmp_path / "end.md"
    path.write_text(POOL_BANK + "\n# {.end}\n\n## After {#after}\n\nPick.\n\n- (x) a\n- ( ) b\n", encoding="utf-8")
    bank, found = lint_file(path)
    assert bank is not None and not [d for d in found if d.is_error], found
    assert {q.id: q.group for q in bank.questions}["after"] is None
    assert bank.questions[-1].points == 1  # outside the pool, its points= no longer applies
    bad = tmp_path / "bad.md"
    bad.write_text(POOL_BANK + "\n# {.end pick=2}\n\n## After {#after}\n\nPick.\n\n- (x) a\n- ( ) b\n",
                   encoding="utf-8")
    assert [d.code for d in lint_file(bad)[1] if d.is_error] == ["E208"]
