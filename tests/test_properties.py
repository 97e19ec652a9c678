"""Property-based tests: any bank an author can write exports to well-formed, valid, faithful output.

Banks are generated as Markdown source (as users make them) with hostile text everywhere —
XML/HTML specials, ``]]>``, GIFT specials, right-to-left text, emoji, math using every special
character — and read by qbank; only sources that lint without errors are kept. Each is then
exported to every installed target and checked: well-formed, valid against the official schema
where the target's tests have one, and read back by the importer models in ``tests/`` to the
same questions. Text a target cannot carry (characters XML 1.0 forbids) must be an error
diagnostic at its line, never output.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from moodle_gift_reader import read_gift

from qbank import registry
from qbank.lint import lint_file
from qbank.models import Bank, Question
from qbank.xhtml import NOT_XML as XML_FORBIDDEN

from moodle_readers import categories, clean_question_name, read_moodle_xml
from qti12_reader import read_package
from qti_evaluator import load_item
from support import assert_valid

# Multi-character pieces that break naive exporters; joined with arbitrary characters below.
HOSTILE = ["<", ">", "&", "&amp;", "&#x41;", "]]>", "<![CDATA[", "~", "=", "#", "{", "}", ":", "::", '"', "'",
           "%", "|", "*", "_", "//", "->", "a < b", "x & y", "\u202eevil", "\u200f", "שלום", "مرحبا",
           "😀", "👩\u200d🔬", "日本語", "naïve", "Ελληνικά", "\u00a0", "\ufeff", "e\u0301"]
# Characters that are structure in the source (line breaks, math, code, escapes, the reserved
# placeholders) are left to the dedicated pieces and the formulas.
CHARACTER = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"),
                          exclude_characters="$`\\[]\r\n\t")
TEXT = (st.lists(st.one_of(st.sampled_from(HOSTILE), CHARACTER), min_size=1, max_size=10)
        .map("".join).map(lambda s: " ".join(s.split())).filter(lambda s: s.strip() != ""))
# Formulas valid as LaTeX, using the characters that each target must escape in its own way.
MATH = st.lists(st.sampled_from([
    r"a < b", r"x \le y", r"a \& b", r"\{x\}", r"\frac{a}{b}", r"x^{2}", r"a_{i}", r"\sum_{i=1}^{n} i",
    r"\sqrt{x}", r"\alpha", r"\%", r"\#", r"\_", r"\$", r"\nabla", r"\neq", r"\nu", r"|x|", r"\left( x \right)",
    r"a \to b", r"\mathbb{R}", r"x = y", r"a ~ b", r"p:q", r"\mathrm{KL}[p \,\|\, q]", r"{a}^{b}", r"1.5e-3",
]), min_size=1, max_size=4).map(" ".join)
DECIMAL = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False,
                      places=4)


@dataclass
class Source:
    text: str
    kinds: list[str]


@st.composite
def question_source(draw: st.DrawFn, index: int) -> tuple[str, str]:
    """One question of a random type, as Markdown, and that type."""
    kind = draw(st.sampled_from(["multiple-choice", "multiple-select", "true-false", "short-answer", "numerical",
                                 "matching", "ordering", "fill-in-blanks", "essay", "description"]))
    title = draw(TEXT)
    stem = f"Stem {draw(TEXT)} ${draw(MATH)}$ and {draw(TEXT)}."
    if draw(st.booleans()):
        stem += f"\n\n$${draw(MATH)}$$"
    attrs = {"ordering": " type=ordering", "essay": " type=essay"}.get(kind, "")
    lines = [f"## {title} {{#q{index}{attrs}}}", "", stem, ""]
    options = draw(st.lists(TEXT, min_size=2, max_size=4))
    if kind == "multiple-choice":
        right = draw(st.integers(0, len(options) - 1))
        for k, text in enumerate(options):
            lines.append(f"- ({'x' if k == right else ' '}) option {k} {text}")
            if draw(st.booleans()):
                lines.append(f"  > Feedback {draw(TEXT)} ${draw(MATH)}$")
    elif kind == "multiple-select":
        marks = draw(st.lists(st.booleans(), min_size=len(options), max_size=len(options)))
        marks[0] = True
        lines += [f"- [{'x' if mark else ' '}] option {k} {text}"
                  for k, (text, mark) in enumerate(zip(options, marks, strict=True))]
    elif kind == "true-false":
        truth = draw(st.booleans())
        lines += [f"- ({'x' if truth else ' '}) True", f"- ({' ' if truth else 'x'}) False"]
    elif kind == "short-answer":
        lines += [f"- = answer {k} {text}" for k, text in enumerate(options)]
    elif kind == "numerical":
        value, tolerance = draw(DECIMAL), abs(draw(DECIMAL))
        lines += [f"- = {value} ± {tolerance}", f"- = [{value - 1}, {value + 1}] {{weight=50}}"]
    elif kind == "matching":
        lines += [f"- left {k} {text} -> right {k} {draw(TEXT)}" for k, text in enumerate(options)]
    elif kind == "ordering":
        lines += [f"{k + 1}. step {k} {text}" for k, text in enumerate(options)]
    elif kind == "fill-in-blanks":
        word = draw(st.from_regex(r"[A-Za-zÀ-ÿ0-9<>&'\"~=#{}:%]{1,8}", fullmatch=True))
        lines[2] = stem + f" Fill [[{word} | other {word}]] and [[(x) yes {word} | ( ) no]]."
    elif kind == "essay":
        lines.append("____")
    lines += ["", "### Explanation", "", f"Because {draw(TEXT)} ${draw(MATH)}$.", ""]
    return "\n".join(lines), kind


@st.composite
def bank_source(draw: st.DrawFn) -> Source:
    title = draw(TEXT)
    count = draw(st.integers(1, 4))
    questions = [draw(question_source(k)) for k in range(count)]
    front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ncategory: Properties\n---\n\n"
    intro = f"Introduction {draw(TEXT)}.\n\n" if draw(st.booleans()) else ""
    return Source(front + intro + "\n".join(text for text, _ in questions), [kind for _, kind in questions])


def read(text: str) -> tuple[Bank | None, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.md"
        path.write_text(text, encoding="utf-8")
        bank, found = lint_file(path)
    return bank, [d.code for d in found if d.is_error]


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def well_formed(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def check_moodle_xml(data: bytes, kept: list[Question]) -> None:
    well_formed(data)
    imported = categories(read_moodle_xml(data))
    assert [q.idnumber for q in imported] == [q.id for q in kept]
    for question, back in zip(kept, imported, strict=True):
        assert " ".join(back.name.split()) == " ".join(clean_question_name(question.title).split())
        if question.type in ("multiple-choice", "multiple-select"):
            assert len(back.answers) == len(question.choices)


def check_gift(data: bytes, kept: list[Question]) -> None:
    imported = read_gift(data)
    assert [q.idnumber for q in imported if q.qtype != "category"] == [q.id for q in kept]


def check_canvas(data: bytes, kept: list[Question]) -> None:
    package = read_package(data)
    assessment = bytes(package.files[f"{package.ident}/{package.ident}.xml"])
    assert_valid(assessment, "qti12/ims_qtiasiv1p2p1.xsd")
    for name, content in package.files.items():
        if name.endswith(".xml"):
            well_formed(content)
    assert len(package.items()) == len(kept)


def check_qti(data: bytes, kept: list[Question], xsd: str) -> None:
    files = members(data)
    assert_valid(files["assessment.xml"], xsd)
    for question in kept:
        item = files[f"items/{question.id}.xml"]
        assert_valid(item, xsd)
        assert load_item(item).responses or question.type == "description"


def check_html(data: bytes, kept: list[Question]) -> None:
    page = lxml_html.document_fromstring(data)
    shown = " ".join(page.text_content().split())
    for question in kept:
        assert " ".join(question.title.split()) in shown


CHECKS = {
    "moodle-xml": check_moodle_xml,
    "gift": check_gift,
    "canvas": check_canvas,
    "qti21": lambda data, kept: check_qti(data, kept, "qti21/imsqti_v2p1p2.xsd"),
    "qti30": lambda data, kept: check_qti(data, kept, "qti30/imsqti_asiv3p0p1_v1p0.xsd"),
    "html": check_html,
}
TARGETS = sorted(registry.available_targets())


def test_every_target_has_a_check() -> None:
    assert set(TARGETS) <= set(CHECKS)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(bank_source())
def test_every_valid_bank_exports_to_valid_faithful_output(source: Source) -> None:
    bank, errors = read(source.text)
    assume(bank is not None and not errors)
    assert bank is not None
    assert [q.type for q in bank.questions] == source.kinds  # nothing dropped, nothing mistyped
    for target in TARGETS:
        exporter = registry.load_target(target)()
        result = exporter.export(bank)
        if result.data is None:
            # A target may refuse a bank, but only with an error diagnostic that says where.
            assert any(d.is_error and d.line >= 1 for d in result.diagnostics), (target, result.diagnostics)
            continue
        # Left out: types the target cannot hold, and questions its own checks leave out (T001).
        left_out = {d.line for d in result.diagnostics if d.code == "T001"}
        kept = [q for q in bank.questions if exporter.holds_type(q.type) and q.pos.line not in left_out]
        assert result.questions >= len(kept)
        CHECKS[target](result.data, kept)
        blobs = members(result.data) if result.data[:2] == b"PK" else {target: result.data}
        for name, blob in blobs.items():
            if not re.search(r"\.(png|jpe?g|gif|webp)$", name):
                assert not XML_FORBIDDEN.search(blob.decode("utf-8", errors="replace")), name
        assert exporter.export(bank).data == result.data, f"{target} is not deterministic"


FORBIDDEN = st.sampled_from([chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]])


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["title", "stem", "option", "feedback", "explanation", "answer"]), FORBIDDEN, TEXT)
def test_characters_xml_cannot_carry_are_errors_at_their_line(where: str, char: str, text: str) -> None:
    parts = {"title": f"T {text}", "stem": f"Stem {text}.", "option": "b", "feedback": "Fine.",
             "explanation": "Because.", "answer": ""}
    parts[where] = parts[where] + char if where != "answer" else char
    source = (f"---\ntitle: T\n---\n\n## {parts['title']} {{#q}}\n\n{parts['stem']}\n\n- (x) a\n"
              f"- ( ) {parts['option']}\n  > {parts['feedback']}\n\n### Explanation\n\n{parts['explanation']}\n")
    if where == "answer":
        source = f"---\ntitle: T\n---\n\n## Name {{#q}}\n\nName it.\n\n- = Paris{char}\n"
    bank, errors = read(source)
    line = next(k for k, text in enumerate(source.split("\n"), 1) if XML_FORBIDDEN.search(text) or "\x00" in text)
    if char == "\x00":
        assert errors == ["E004"]
        return
    assert "E601" in errors, (where, repr(char), errors)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.md"
        path.write_text(source, encoding="utf-8")
        _, found = lint_file(path)
    assert any(d.code == "E601" and d.line == line for d in found), (line, found)
