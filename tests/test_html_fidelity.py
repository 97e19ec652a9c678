"""The HTML page shows what the author wrote: heading levels, the whole answer key, operator
spacing in formulas, punctuation that stays with its formula, and numbers typed with a comma."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from qbank.exporters.html import HtmlExporter

from qbank.mathtex import to_mathml
from tests.support import CONTENT, load_bank
from tests.test_html import TEMPLATES, answer_data, need

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def page_of(path: Path, **settings: str) -> bytes:
    data = HtmlExporter(**settings).export(load_bank(path)).data
    assert data is not None
    return data


def heading_levels(page: bytes) -> list[int]:
    root = lxml_html.document_fromstring(page)
    return [int(h.tag[1]) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def test_headings_never_skip_a_level(tmp_path: Path) -> None:
    flat = tmp_path / "flat.md"
    flat.write_text("---\ntitle: Flat\n---\n\n## Read this {#intro}\n\nJust text.\n\n"
                    "## Pick {#pick}\n\nPick.\n\n- (x) a\n- ( ) b\n", encoding="utf-8")
    for path in (flat, CONTENT / "showcase.md", CONTENT / "generative-models.md"):
        levels = heading_levels(page_of(path))
        assert levels[0] == 1, (path, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (path.name, levels)


def key_text(page: bytes, qid: str) -> str:
    root = lxml_html.document_fromstring(page)
    card = root.get_element_by_id(f"q-{qid}")
    return " ".join(" ".join(k.text_content() for k in card.find_class("key")).split())


def test_the_answer_key_shows_every_answer_with_its_feedback() -> None:
    page = page_of(CONTENT / "showcase.md", answers="shown")
    divergence = key_text(page, "divergence-name")
    assert "Kullback-Leibler" in divergence and "No: that is the divergence maximum likelihood minimises" in divergence
    boltzmann = key_text(page, "boltzmann")
    assert "[1.37e-23, 1.39e-23]" in boltzmann and "Close, but give more digits." in boltzmann
    assert "50%" in boltzmann


def test_show_all_answers_reveals_correct_and_incorrect_feedback() -> None:
    css = (TEMPLATES / "page.css").read_text(encoding="utf-8")
    rule = re.search(r"([^{}]*)\{[^}]*display:\s*block", css[css.index(".show-answers .qfeedback"):])
    assert rule is not None and ".show-answers .qfeedback" in rule.group(1)
    page = lxml_html.document_fromstring(page_of(CONTENT / "showcase.md", answers="shown"))
    card = page.get_element_by_id("q-reparam")
    labels = [" ".join(e.text_content().split()) for e in card.find_class("fb-label")]
    assert labels == ["If fully right:", "If not fully right:"]


def spaces_after(latex: str) -> list[str]:
    """The token before each thin space MathML puts in ``latex``."""
    root = etree.fromstring(to_mathml(latex, False))
    found: list[str] = []
    for space in root.iter(f"{MATHML}mspace"):
        before = space.getprevious()
        found.append("".join(before.itertext()) if before is not None else "")
    return found


@pytest.mark.parametrize(("latex", "after"), [
    (r"\dim \ker M", ["dim", "ker"]),
    (r"\cos\theta", ["cos"]),
    (r"\log p", ["log"]),
    (r"\log_2 x", ["log2"]),
    (r"\sin(x)", []),  # TeX puts no space between an operator and an opening parenthesis
    (r"\sin^2 x", ["sin2"]),
    (r"\operatorname{tr} A", []),  # written as an <mo>, which the browser spaces as an operator
    (r"x = \max", []),
])
def test_operator_names_get_the_space_tex_gives_them(latex: str, after: list[str]) -> None:
    assert spaces_after(latex) == after


def test_punctuation_after_a_formula_stays_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "dot.md"
    path.write_text("---\ntitle: Dot\n---\n\n## Q {#q}\n\nThe answer is $x^2$. Is it $y$?\n\n- (x) a\n- ( ) b\n",
                    encoding="utf-8")
    root = lxml_html.document_fromstring(page_of(path))
    kept = root.find_class("nobr")
    assert [re.sub(r"\s+", "", k.text_content()) for k in kept] == ["x2x^2.", "yy?"]


def test_a_number_typed_with_a_decimal_comma() -> None:
    node = shutil.which("node")
    need(node is not None, "node (to run the page's scoring script)")
    data = answer_data(page_of(CONTENT / "showcase.md"))
    cases = [("unicode", "1,0"), ("avogadro", "6,02214076e23"), ("unicode", "1,000"), ("unicode", "1.000,5")]
    program = (TEMPLATES / "score.js").read_text(encoding="utf-8") + """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(input.cases.map(([q, r]) => {
  const s = qbankScore.score(input.data[q], r); return [s.percent, s.parsed, s.reason || null]; })));
"""
    done = subprocess.run([str(node), "-e", program], input=json.dumps({"data": data, "cases": cases}),
                          capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(done.stdout) == [
        [100, True, None], [100, True, None],
        [0, False, "ambiguous-comma"],  # 1,000 could be a thousand or one: ask for a point
        [0, False, "ambiguous-comma"],
    ]


@pytest.mark.parametrize(("latex", "upright"), [
    (r"3\,\mathrm{J}", ["J"]),  # a unit stays upright
    (r"\mathrm{d}x", ["d"]),
    (r"\mathrm{kg}", ["k", "g"]),
    (r"J + x", []),  # variables stay italic
])
def test_upright_letters_stay_upright(latex: str, upright: list[str]) -> None:
    root = etree.fromstring(to_mathml(latex, False))
    assert ["".join(mi.itertext()) for mi in root.iter(f"{MATHML}mi") if mi.get("mathvariant") == "normal"] == upright
