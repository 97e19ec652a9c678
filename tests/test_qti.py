"""QTI 2.1 and 3.0 packages: schema validity, package structure, scoring, feedback, determinism."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from qbank.exporters.qti import Qti21Exporter, Qti30Exporter

from qbank.models import (
    Bank,
    Description,
    Essay,
    FillInBlanks,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
)
from qbank.numberformat import format_decimal

from qti_evaluator import evaluate, load_item, normalize, shown_feedback
from support import BANKS, assert_valid, load_bank

EXPORTERS = {"qti21": Qti21Exporter, "qti30": Qti30Exporter}
ITEM_XSD = {"qti21": "qti21/imsqti_v2p1p2.xsd", "qti30": "qti30/imsqti_asiv3p0p1_v1p0.xsd"}
MANIFEST_XSD = {"qti21": "imscp/qti21cp/qtiv2p1_imscpv1p2_v1p0.xsd",
                "qti30": "imscp/qti30cp/imsqtiv3p0_imscpv1p2_v1p0.xsd"}
CP_NS = {"qti21": "http://www.imsglobal.org/xsd/imscp_v1p1",
         "qti30": "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"}
AVAILABLE = [path for path in BANKS if path.exists()]
CASES = [(target, path) for target in EXPORTERS for path in AVAILABLE]
CASE_IDS = [f"{target}-{path.stem}" for target, path in CASES]


@cache
def bank_of(path: Path) -> Bank:
    return load_bank(path)


@cache
def package(target: str, path: Path) -> bytes:
    result = EXPORTERS[target]().export(bank_of(path))
    assert result.data is not None, result.diagnostics
    data: bytes = result.data
    return data


def files(target: str, path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package(target, path))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- validity and structure --------------------------------------------------------------------


@pytest.mark.parametrize(("target", "path"), CASES, ids=CASE_IDS)
def test_every_file_is_valid_against_the_official_schemas(target: str, path: Path) -> None:
    contents = files(target, path)
    assert_valid(contents["imsmanifest.xml"], MANIFEST_XSD[target])
    assert_valid(contents["assessment.xml"], ITEM_XSD[target])
    for question in bank_of(path).questions:
        assert_valid(contents[f"items/{question.id}.xml"], ITEM_XSD[target])


@pytest.mark.parametrize(("target", "path"), CASES, ids=CASE_IDS)
def test_manifest_lists_every_file_with_its_dependencies(target: str, path: Path) -> None:
    contents = files(target, path)
    ns = {"cp": CP_NS[target]}
    manifest = etree.fromstring(contents["imsmanifest.xml"])
    listed = {f.get("href") for f in manifest.iterfind(".//cp:file", ns)}
    assert listed == set(contents) - {"imsmanifest.xml"}
    resources = {r.get("identifier"): r for r in manifest.iterfind(".//cp:resource", ns)}
    test = next(r for r in resources.values() if r.get("type", "").startswith("imsqti_test_xml"))
    dependencies = [d.get("identifierref") for d in test.iterfind("cp:dependency", ns)]
    bank = bank_of(path)
    assert dependencies == [f"item-{q.id}" for q in bank.questions]
    for question in bank.questions:
        resource = resources[f"item-{question.id}"]
        assert resource.get("type") == ("imsqti_item_xmlv2p1" if target == "qti21" else "imsqti_item_xmlv3p0")
        item_files = [f.get("href") for f in resource.iterfind("cp:file", ns)]
        assert item_files[0] == resource.get("href") == f"items/{question.id}.xml"
        # Every image the item shows is one of its files, referred to relatively.
        item = etree.fromstring(contents[item_files[0]])
        sources = {f"items/{img.get('src')}" for img in item.iter("{*}img")}
        assert sources == set(item_files[1:])
        assert all(contents[name] for name in sources)


def test_images_are_copied_into_the_package() -> None:
    path = AVAILABLE[0]
    contents = files("qti21", path)
    images = {i.path for q in bank_of(path).questions for f in _fragments(q) for i in f.images}
    packaged = [name for name in contents if name.startswith("items/images/")]
    assert len(packaged) == len(images) > 0
    for image in images:
        assert Path(image).read_bytes() in {contents[name] for name in packaged}


def _fragments(question: Question) -> list[Any]:
    from qbank.models import question_fragments
    return list(question_fragments(question))


@pytest.mark.parametrize(("target", "path"), CASES, ids=CASE_IDS)
def test_the_test_keeps_order_groups_and_limits(target: str, path: Path) -> None:
    bank = bank_of(path)
    test = normalize(etree.fromstring(files(target, path)["assessment.xml"]))
    refs = list(test.iter("assessmentItemRef"))
    assert [r.get("identifier") for r in refs] == [q.id for q in bank.questions]
    assert [r.get("href") for r in refs] == [f"items/{q.id}.xml" for q in bank.questions]
    limit = test.find("timeLimits")
    assert limit is not None and limit.get("maxTime") == str(bank.quiz_time_limit())
    for ref, question in zip(refs, bank.questions, strict=True):
        item_limit = ref.find("timeLimits")
        assert (item_limit.get("maxTime") if item_limit is not None else None) == (
            str(question.time_limit) if question.time_limit is not None else None)
        # items score in their points, so the test's total is the plain sum: no weights
        assert ref.find("weight") is None
    sections = list(test.iter("assessmentSection"))
    picks = [s.find("selection").get("select") for s in sections if s.find("selection") is not None]
    assert picks == [str(g.pick) for g in bank.groups if g.pick is not None]


@pytest.mark.parametrize("target", EXPORTERS)
def test_output_is_byte_identical_across_runs(target: str) -> None:
    path = AVAILABLE[0]
    first = EXPORTERS[target]().export(load_bank(path)).data
    second = EXPORTERS[target]().export(load_bank(path)).data
    assert first is not None and first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_both_versions_come_from_one_tree() -> None:
    """Spelled back in QTI 2.1 names, a 3.0 item is the 2.1 item (same declarations, rules, body)."""
    path = AVAILABLE[0]
    v21, v30 = files("qti21", path), files("qti30", path)
    for question in bank_of(path).questions:
        name = f"items/{question.id}.xml"
        a, b = normalize(etree.fromstring(v21[name])), normalize(etree.fromstring(v30[name]))
        for root in (a, b):
            for element in root.iter():
                element.attrib.pop("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", None)
                element.attrib.pop("template", None)
                element.attrib.pop("externalScored", None)
            for body in list(root.iter("contentBody")):  # QTI 3.0 wraps modal feedback content
                parent = body.getparent()
                index = parent.index(body)
                parent.text = body.text
                for offset, child in enumerate(body):
                    parent.insert(index + offset, child)
                parent.remove(body)
            etree.cleanup_namespaces(root)
            for element in root.iter():  # indentation differs where 3.0 nests one level deeper
                if element.text is not None and not element.text.strip():
                    element.text = None
                if element.tail is not None and not element.tail.strip():
                    element.tail = None
        assert etree.tostring(a, method="c14n") == etree.tostring(b, method="c14n"), name


def test_qti30_uses_kebab_case_names_and_its_template_uris() -> None:
    contents = files("qti30", AVAILABLE[0])
    text = b"".join(data for name, data in contents.items() if name.startswith("items/"))
    for needle in (b"<qti-assessment-item", b"<qti-choice-interaction", b"response-identifier=",
                   b"base-type=", b"<qti-map-entry", b"<qti-modal-feedback", b"<qti-content-body>"):
        assert needle in text
    assert b"maxChoices" not in text and b"baseType" not in text
    v21 = b"".join(data for name, data in files("qti21", AVAILABLE[0]).items() if name.startswith("items/"))
    assert b"qti-" not in v21.replace(b"qti_v2p1", b"").replace(b"qtiv2p1", b"")


# --- scoring through the items' own response processing ----------------------------------------


def answers(question: Question) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(full-mark responses, wrong responses) a candidate could give, from the model."""
    if isinstance(question, MultipleChoice | TrueFalse):
        wrong_ids = [c.id for c in question.choices if not c.correct]
        return [{"RESPONSE": next(c.id for c in question.choices if c.correct)}], [{"RESPONSE": w} for w in wrong_ids]
    if isinstance(question, MultipleSelect):
        right_ids = [c.id for c in question.choices if c.correct]
        wrong_ids = [c.id for c in question.choices if not c.correct]
        return [{"RESPONSE": right_ids}], [{"RESPONSE": [c.id for c in question.choices]},
                                           {"RESPONSE": right_ids[:1]}, {"RESPONSE": wrong_ids[:1]}, {}]
    if isinstance(question, ShortAnswer):
        best = [a.text for a in question.answers if a.weight == 100]
        typed: list[dict[str, Any]] = [{"RESPONSE": text} for text in best]
        if not question.case_sensitive:
            typed += [{"RESPONSE": text.upper()} for text in best]
        return typed, [{"RESPONSE": "certainly not this"}, {}]
    if isinstance(question, Numerical):
        numbers: list[dict[str, Any]] = []
        for a in (a for a in question.answers if a.weight == 100):
            numbers += [{"RESPONSE": format_decimal(v)} for v in (a.value, a.low, a.high)]
        top = max(a.high for a in question.answers)
        return numbers, [{"RESPONSE": format_decimal(top * 3 + 1)}, {"RESPONSE": "not a number"}, {}]
    if isinstance(question, Matching):
        targets: dict[str, str] = {}
        for fragment in [p.right for p in question.pairs] + list(question.distractors):
            targets.setdefault(fragment.source, f"R{len(targets) + 1}")
        target_ids = [targets[p.right.source] for p in question.pairs]
        pairs = [f"L{k} {r}" for k, r in enumerate(target_ids, start=1)]
        rotated = target_ids[1:] + target_ids[:1]
        return [{"RESPONSE": pairs}], [{"RESPONSE": [f"L{k} {r}" for k, r in enumerate(rotated, start=1)]},
                                       {"RESPONSE": pairs[:1]}]
    if isinstance(question, Ordering):
        ids = [item.id for item in question.items]
        return [{"RESPONSE": ids}], [{"RESPONSE": ids[::-1]}, {"RESPONSE": ids[1:] + ids[:1]}]
    if isinstance(question, FillInBlanks):
        right: dict[str, Any] = {}
        wrong: dict[str, Any] = {}
        for blank in question.blanks:
            key = f"RESPONSE_{blank.id}"
            if blank.kind == "text":
                right[key], wrong[key] = blank.answers[-1], "no such answer"
            else:
                k = next(k for k, o in enumerate(blank.options, start=1) if o.correct)
                right[key] = f"B{blank.id}_{k}"
                wrong[key] = f"B{blank.id}_{1 if k != 1 else 2}"
        first = question.blanks[0]
        half = dict(right)
        half[f"RESPONSE_{first.id}"] = wrong[f"RESPONSE_{first.id}"]
        return [right], [wrong, half, {}]
    return [], []


def scored_questions() -> list[tuple[str, Path, str]]:
    return [(target, path, q.id) for target, path in CASES for q in bank_of(path).questions]


@pytest.mark.parametrize(("target", "path", "qid"), scored_questions(),
                         ids=[f"{t}-{p.stem}-{q}" for t, p, q in scored_questions()])
def test_items_score_through_their_own_response_processing(target: str, path: Path, qid: str) -> None:
    question = next(q for q in bank_of(path).questions if q.id == qid)
    item = load_item(files(target, path)[f"items/{qid}.xml"])
    points = float(question.points)
    if isinstance(question, Description):
        assert not item.responses and item.processing is None and item.template is None
        return
    assert item.outcomes["MAXSCORE"].default == points
    if isinstance(question, Essay):
        outcomes = evaluate(item, {"RESPONSE": "Mode collapse is..."})
        assert outcomes["SCORE"] == 0.0  # scored by a person
        return
    right, wrong = answers(question)
    assert right and wrong
    for responses in right:
        outcomes = evaluate(item, responses)
        assert outcomes["SCORE"] == points, (responses, outcomes)
    for responses in wrong:
        outcomes = evaluate(item, responses)
        assert 0.0 <= outcomes["SCORE"] < points, (responses, outcomes)


@pytest.mark.parametrize("target", EXPORTERS)
def test_partial_credit_follows_the_scoring_policy(target: str) -> None:
    path = BANKS[0]
    contents = files(target, path)

    def score(qid: str, responses: dict[str, Any]) -> float:
        return float(evaluate(contents[f"items/{qid}.xml"], responses)["SCORE"])

    assert score("reparam", {"RESPONSE": "c"}) == 0.5  # weight=25 of 2 points
    assert score("elbo-properties", {"RESPONSE": ["a"]}) == 0.5
    assert score("elbo-properties", {"RESPONSE": ["a", "c"]}) == 0.0  # penalty, bounded below by 0
    assert score("weights", {"RESPONSE": ["a", "b", "d"]}) == 1.0  # no-penalty: 9 costs nothing
    assert score("weights", {"RESPONSE": ["a", "b", "c"]}) == 0.5  # 4 has weight -50
    assert score("boltzmann", {"RESPONSE": "1.385e-23"}) == 0.75  # in the range answer: 50% of 1.5
    assert score("boltzmann", {"RESPONSE": "1.380649e-23"}) == 1.5
    assert score("avogadro", {"RESPONSE": "6.025e23"}) == 1.0  # within 0.1%
    assert score("avogadro", {"RESPONSE": "6.1e23"}) == 0.0
    assert score("divergence-name", {"RESPONSE": "jsd"}) == 1.0  # case-insensitive
    assert score("vae-parts", {"RESPONSE": ["L1 R1", "L2 R2", "L3 R4"]}) == pytest.approx(2 / 3, abs=1e-6)
    assert score("elbo-blanks", {"RESPONSE_1": "kl", "RESPONSE_2": "B2_2"}) == 0.5


@pytest.mark.parametrize("target", EXPORTERS)
def test_feedback_is_shown_by_the_outcomes_response_processing_sets(target: str) -> None:
    contents = files(target, BANKS[0])

    def shown(qid: str, responses: dict[str, Any]) -> list[str]:
        item = load_item(contents[f"items/{qid}.xml"])
        return shown_feedback(item, evaluate(item, responses))

    assert shown("reparam", {"RESPONSE": "b"}) == ["b", "CORRECT", "EXPLANATION"]
    assert shown("reparam", {"RESPONSE": "a"}) == ["a", "INCORRECT", "EXPLANATION"]
    assert shown("reparam", {"RESPONSE": "d"}) == ["INCORRECT", "EXPLANATION"]
    assert shown("gan-converges", {"RESPONSE": "true"}) == ["true", "EXPLANATION"]
    assert shown("divergence-name", {"RESPONSE": "kullback-leibler"}) == ["ANSWER_5", "EXPLANATION"]
    assert shown("boltzmann", {"RESPONSE": "1.38e-23"}) == ["ANSWER_2", "EXPLANATION"]
    assert shown("boltzmann", {"RESPONSE": "1.380649e-23"}) == ["ANSWER_1", "EXPLANATION"]
    assert shown("mode-collapse-essay", {"RESPONSE": "text"}) == ["EXPLANATION"]


@pytest.mark.parametrize("target", EXPORTERS)
def test_templates_are_used_where_they_compute_the_score(target: str) -> None:
    """An item without feedback scores with the standard template, and the template agrees."""
    from qbank.models import Choice, Fragment, Pos

    pos = Pos(file="t.md", line=1)

    def text(source: str) -> Fragment:
        return Fragment(source=source, template=source, pos=pos)

    question = MultipleSelect(
        id="plain", title="Plain", pos=pos, stem=text("Pick the primes."), points=Decimal(3),
        choices=tuple(Choice(id=k, text=text(t), correct=c, weight=w, pos=pos) for k, t, c, w in (
            ("a", "2", True, 100 / 3), ("b", "3", True, 100 / 3), ("c", "5", True, 100 / 3),
            ("d", "4", False, -100.0))))
    bank = Bank(path="t.md", title="T", questions=(question,), pos=pos)
    data = EXPORTERS[target]().export(bank).data
    assert data is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("items/plain.xml")
    assert_valid(xml, ITEM_XSD[target])
    item = load_item(xml)
    assert item.template == {"qti21": "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
                             "qti30": "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"}[target]
    assert evaluate(item, {"RESPONSE": ["a", "b", "c"]})["SCORE"] == 3.0  # thirds rounded up, clipped
    assert evaluate(item, {"RESPONSE": ["a", "b", "c", "d"]})["SCORE"] == 0.0
    assert 0.0 < evaluate(item, {"RESPONSE": ["a"]})["SCORE"] < 3.0


# --- content: XHTML and MathML ------------------------------------------------------------------

TRICKY_MATH = [r"a \! b \; c", r"\xrightarrow{f} \overrightarrow{AB}", r"\begin{aligned} a &= b \\ c &= d\end{aligned}",
               r"\text{naïve &<>}", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", r"x \\ y",
               r"\left. \frac{df}{dx} \right|_{x=0}", r"\sqrt[3]{x} \underbrace{a+b}_{n}"]


@pytest.mark.parametrize("target", EXPORTERS)
def test_math_the_schemas_reject_is_adjusted(target: str) -> None:
    from qbank.models import Fragment, Math, Pos

    pos = Pos(file="t.md", line=1)
    template = " ".join(f"\ue000M{k}\ue001" for k in range(len(TRICKY_MATH)))
    stem = Fragment(source="math", template=template, pos=pos,
                    math=tuple(Math(latex=latex, display=k % 2 == 1, pos=pos) for k, latex in enumerate(TRICKY_MATH)))
    bank = Bank(path="t.md", title="T", pos=pos, questions=(
        Description(id="maths", title="Maths", pos=pos, stem=stem),))
    data = EXPORTERS[target]().export(bank).data
    assert data is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("items/maths.xml")
    assert_valid(xml, ITEM_XSD[target])
    annotations = etree.fromstring(xml).iter("{http://www.w3.org/1998/Math/MathML}annotation")
    assert [a.text for a in annotations] == TRICKY_MATH  # the LaTeX always survives


def test_author_html_is_reduced_to_what_qti_allows() -> None:
    from qbank.exporters.qti.content import QTI_HTML

    from qbank.xhtml import XHTML_NS, convert, slot

    def fill(key: str) -> list[etree._Element]:
        made = etree.Element("{urn:test}slot")
        made.set("key", key)
        return [made]

    holder = convert(f'lead <u>under</u> <span style="color: red">red</span> <blink>kept</blink>\x07 '
                     f'{slot("m0")}<p>para &amp; <del>gone</del></p><img src="a.png">', QTI_HTML, fill, block=True)
    xml = etree.tostring(holder, encoding="unicode")
    assert "style" not in xml and "blink" not in xml and "\x07" not in xml and "<u" not in xml
    assert '<span class="underline">under</span>' in xml.replace(f' xmlns="{XHTML_NS}"', "")
    assert [etree.QName(c).localname for c in holder] == ["p", "p", "p"]  # loose text and inline wrapped
    assert holder[0].find("{urn:test}slot").get("key") == "m0"
    assert holder[2][0].get("alt") == ""  # img needs alt in QTI
    assert "kept" in "".join(holder.itertext()) and "para & gone" in "".join(holder.itertext())


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", EXPORTERS)
def test_cli_exports_the_showcase(target: str, tmp_path: Path) -> None:
    output = tmp_path / "x.zip"
    done = subprocess.run([sys.executable, "-m", "qbank", "export", str(BANKS[0]), "--to", target, "-o", str(output)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    assert zipfile.is_zipfile(output) and output.read_bytes() == package(target, BANKS[0])


def _tiny_bank(**bank_fields: Any) -> Bank:
    from qbank.models import Choice, Fragment, Group, Pos

    pos = Pos(file="t.md", line=1)

    def text(source: str) -> Fragment:
        return Fragment(source=source, template=source, pos=pos)

    question = MultipleChoice(
        id="q1", title="Q1", pos=pos, stem=text("Pick one."), points=Decimal("0.5"), group="pool",
        choices=(Choice(id="a", text=text("yes"), correct=True, weight=100.0, pos=pos),
                 Choice(id="b", text=text("no"), correct=False, weight=0.0, pos=pos)))
    group = Group(id="pool", title="Pool", pick=1, points_per_question=Decimal(2), pos=pos)
    return Bank(path="dir/t.md", title="T", questions=(question,), groups=(group,), pos=pos, **bank_fields)


@pytest.mark.parametrize("target", EXPORTERS)
def test_a_pool_with_points_makes_each_drawn_item_worth_them(target: str) -> None:
    data = EXPORTERS[target]().export(_tiny_bank()).data
    assert data is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        test = normalize(etree.fromstring(archive.read("assessment.xml")))
        item = etree.fromstring(archive.read("items/q1.xml"))
    section = next(test.iter("assessmentSection"))
    assert section.find("selection").get("select") == "1"
    # The 0.5-point question drawn from a pool with points=2 is a 2-point item, as in every target.
    maximum = [d for d in normalize(item).iter("outcomeDeclaration") if d.get("identifier") == "MAXSCORE"]
    assert maximum[0].findtext("defaultValue/value") == "2"
    assert [v.get("weightIdentifier") for v in test.iter("testVariables")] == [None, None]


@pytest.mark.parametrize("target", EXPORTERS)
def test_a_language_that_is_no_tag_is_left_out_with_a_warning(target: str) -> None:
    result = EXPORTERS[target]().export(_tiny_bank(language="en_GB"))
    assert [d.code for d in result.diagnostics] == ["T002"]
    assert result.data is not None
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        item = archive.read("items/q1.xml")
    assert_valid(item, ITEM_XSD[target])
    assert b"xml:lang" not in item


@pytest.mark.parametrize("target", EXPORTERS)
def test_a_raw_html_image_of_a_local_file_becomes_its_alt_text(target: str) -> None:
    from qbank.models import Fragment

    bank = _tiny_bank()
    question = bank.questions[0]
    source = 'See <img src="figures/plot.png" alt="the plot"> and <img src="https://example.org/a.png" alt="web">.'
    stem = Fragment(source=source, template=source, pos=question.stem.pos)
    bank = bank.model_copy(update={"questions": (question.model_copy(update={"stem": stem}),)})
    result = EXPORTERS[target]().export(bank)
    assert [(d.code, "figures/plot.png" in d.message) for d in result.diagnostics] == [("T004", True)]
    assert result.data is not None
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        item = etree.fromstring(archive.read("items/q1.xml"))
    assert [img.get("src") for img in item.iter("{*}img")] == ["https://example.org/a.png"]
    assert "See the plot and" in "".join(item.itertext())


@pytest.mark.parametrize("target", EXPORTERS)
def test_a_one_point_ordering_without_feedback_uses_match_correct(target: str) -> None:
    from qbank.models import Fragment, OrderItem, Pos

    pos = Pos(file="t.md", line=1)
    items = tuple(OrderItem(id=k, text=Fragment(source=k, template=k, pos=pos), pos=pos) for k in "abc")
    question = Ordering(id="steps", title="Steps", pos=pos, points=Decimal(1), items=items,
                        stem=Fragment(source="Order.", template="Order.", pos=pos))
    data = EXPORTERS[target]().export(Bank(path="t.md", title="T", questions=(question,), pos=pos)).data
    assert data is not None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("items/steps.xml")
    assert_valid(xml, ITEM_XSD[target])
    item = load_item(xml)
    assert item.template is not None and "match_correct" in item.template
    assert evaluate(item, {"RESPONSE": ["a", "b", "c"]})["SCORE"] == 1.0
    assert evaluate(item, {"RESPONSE": ["b", "a", "c"]})["SCORE"] == 0.0
    shown = [c.get("identifier") for c in item.root.iter("simpleChoice")] if item.root is not None else []
    assert sorted(shown) == ["a", "b", "c"] and shown != ["a", "b", "c"]  # never written in the answer's order
