"""The Canvas QTI 1.2 package: validity, references, determinism, and a read-back of every question.

The read-back uses ``tests/qti12_reader.py``, which runs each item's QTI response processing:
every expectation below is about what a student's answer scores and which feedback it shows.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from html import escape
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from qbank.exporters.canvas import CanvasExporter
from qbank.exporters.canvas import text as ct

from qbank import render
from qbank.models import (
    Bank,
    Description,
    Essay,
    Fragment,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numerical,
    Question,
    ShortAnswer,
    TrueFalse,
    question_fragments,
)
from tests.qti12_reader import (
    Item,
    Package,
    equation_images_as_latex,
    html_references,
    package_path,
    read_package,
)
from tests.support import BANKS, CONTENT, ROOT, SCHEMAS, assert_valid, load_bank

QTI_NS = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CANVAS_TYPES = {
    "multiple-choice": "multiple_choice_question", "true-false": "true_false_question",
    "multiple-select": "multiple_answers_question", "short-answer": "short_answer_question",
    "numerical": "numerical_question", "essay": "essay_question", "matching": "matching_question",
    "description": "text_only_question",
}
AVAILABLE = [path for path in BANKS if path.exists()]


def export(bank: Bank, **options: str) -> tuple[bytes, list[str]]:
    result = CanvasExporter(**options).export(bank)
    assert result.data is not None, [str(d) for d in result.diagnostics]
    return result.data, [f"{d.code} {d.message}" for d in result.diagnostics]


def write_bank(folder: Path, body: str, front: str = "") -> Bank:
    path = folder / "bank.md"
    path.write_text(f"---\ntitle: Test bank\n{front}---\n\n{body}", encoding="utf-8")
    return load_bank(path)


@pytest.fixture(scope="module", params=AVAILABLE, ids=[p.stem for p in AVAILABLE])
def exported(request: pytest.FixtureRequest) -> tuple[Bank, bytes, Package]:
    bank = load_bank(request.param)
    data, _ = export(bank)
    return bank, data, read_package(data, equation_images_as_latex)


# --- validity ------------------------------------------------------------------------------------


def _assessment_bytes(package: Package) -> bytes:
    return bytes(package.files[f"{package.ident}/{package.ident}.xml"])


def _without_namespaces(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    etree.cleanup_namespaces(root)
    return root


def assert_dtd_valid(data: bytes) -> None:
    dtd = etree.DTD(str(SCHEMAS / "qti12" / "ims_qtiasiv1p2p1.dtd"))
    root = _without_namespaces(data)
    assert dtd.validate(root), dtd.error_log.filter_from_errors()


def assert_manifest_valid(data: bytes) -> None:
    # Canvas writes the CC 1.1 namespace with plain IMS CP 1.1 structure (tests/schemas/README.md).
    root = etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace == \
                "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1":
            element.tag = "{http://www.imsglobal.org/xsd/imscp_v1p1}" + etree.QName(element).localname
    assert_valid(etree.fromstring(etree.tostring(root)), "imscp/cp11/imscp_v1p1.xsd")


def test_package_is_valid_qti12_and_ims_cp(exported: tuple[Bank, bytes, Package]) -> None:
    _, _, package = exported
    assessment = _assessment_bytes(package)
    assert_valid(assessment, "qti12/ims_qtiasiv1p2p1.xsd")
    assert_dtd_valid(assessment)
    assert_manifest_valid(package.files["imsmanifest.xml"])
    meta = etree.fromstring(package.files[f"{package.ident}/assessment_meta.xml"])
    assert meta.tag == "{http://canvas.instructure.com/xsd/cccv1p0}quiz"


def test_every_file_is_referenced_and_every_reference_resolves(exported: tuple[Bank, bytes, Package]) -> None:
    bank, _, package = exported
    listed = {f for r in package.resources.values() for f in r["files"]}
    assert listed | {"imsmanifest.xml"} == set(package.files), "the manifest lists exactly the files in the zip"
    for resource in package.resources.values():
        for dependency in resource["dependencies"]:
            assert dependency in package.resources
    images = {name for name in package.files if name.startswith("images/")}
    shown: set[str] = set()
    texts = [package.meta.get("description", "")]
    for item in package.items():
        texts += [item.stem, *item.feedback.values()]
        texts += [label.text for r in item.responses for label in r.labels if label.texttype == "text/html"]
        texts += [r.prompt for r in item.responses]
    for text in texts:
        for reference in html_references(text):
            if reference.startswith("/equation_images/"):
                continue
            target = package_path(reference)
            assert target is not None and target in package.files, reference
            shown.add(target)
    assert shown == images, "every image in the package is shown by some question"
    held = {ct.item_ident(bank, q.id): q for q in bank.questions}
    expected = {image.path for item in package.items() for fragment in question_fragments(held[item.ident])
                for image in fragment.images}
    assert len(images) == len(expected)


def test_same_source_gives_identical_bytes(tmp_path: Path) -> None:
    for path in AVAILABLE:
        first, _ = export(load_bank(path))
        assert export(load_bank(path))[0] == first
    # A copy of the bank elsewhere (same file name) gives the same package: nothing depends on the folder.
    copy = tmp_path / "content"
    copy.mkdir()
    shutil.copytree(CONTENT / "figures", copy / "figures")
    (copy / "showcase.md").write_bytes((CONTENT / "showcase.md").read_bytes())
    assert export(load_bank(copy / "showcase.md"))[0] == export(load_bank(CONTENT / "showcase.md"))[0]


def test_no_dates_in_the_package(exported: tuple[Bank, bytes, Package]) -> None:
    _, data, package = exported
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist() == sorted(archive.namelist())
    today = datetime.date.today()
    for content in package.files.values():
        assert today.isoformat().encode() not in content
        assert str(today.year).encode() + b"-" not in content


# --- read-back --------------------------------------------------------------------------------


def html(fragment: Fragment, inline: bool = True) -> str:
    """What the package should show for ``fragment``, with each formula as ``[[latex]]``."""
    return str(render.shared().html(fragment, inline=inline, math=lambda m: f"[[{escape(m.latex, quote=False)}]]"))


def test_read_back_matches_the_bank(exported: tuple[Bank, bytes, Package]) -> None:
    bank, _, package = exported
    items = {item.ident: item for item in package.items()}
    held = [q for q in bank.questions if q.type in CANVAS_TYPES]
    assert len(items) == len(held)
    for question in held:
        item = items[ct.item_ident(bank, question.id)]
        assert item.title == question.title
        assert item.question_type == CANVAS_TYPES[question.type]
        assert item.points == question.points
        assert item.metadata["bank_title"] == (bank.category or bank.title)
        if question.type != "description":
            assert (question.explanation is None) == ("general_fb" not in item.feedback)
        if question.explanation is not None:
            assert html(question.explanation, inline=False) in item.feedback["general_fb"]
        if not question.stem.images and not question.stem.blanks:
            assert html(question.stem, inline=False) in item.stem
        check_question(question, item)
        check_idents(item)


def check_idents(item: Item) -> None:
    """Canvas's importer numbers answers by the first run of digits in their idents: keep them distinct."""
    groups = [[label.ident for label in r.labels] for r in item.responses]
    if item.question_type == "matching_question":
        groups.append([r.ident for r in item.responses])
    for idents in groups:
        numbers = [re.search(r"\d+", ident) for ident in idents]
        assert all(numbers) and len({n.group() for n in numbers if n}) == len(idents), idents
    listed = item.metadata["original_answer_ids"].split(",")
    if item.question_type == "matching_question":
        assert listed == [r.ident.removeprefix("response_") for r in item.responses]
    elif item.responses and item.responses[0].kind == "lid":
        assert listed == [label.ident for r in item.responses for label in r.labels]


def check_question(question: Question, item: Item) -> None:
    if isinstance(question, MultipleChoice | TrueFalse):
        check_single_choice(question, item)
    elif isinstance(question, MultipleSelect):
        check_multiple_select(question, item)
    elif isinstance(question, ShortAnswer):
        for answer in question.answers:
            outcome = item.score({"response1": [answer.text]})
            assert outcome.score == (100 if answer.weight == 100 else 0), answer.text
            if answer.feedback is not None and answer.weight == 100:
                assert any(html(answer.feedback, inline=False) in item.feedback[f] for f in outcome.feedback)
        assert item.score({"response1": ["certainly not an answer"]}).score == 0
    elif isinstance(question, Numerical):
        check_numerical(question, item)
    elif isinstance(question, Essay):
        assert item.question_type == "essay_question" and item.responses[0].kind == "str"
        assert item.score({"response1": ["anything"]}).score == 0
    elif isinstance(question, Matching):
        check_matching(question, item)
    elif isinstance(question, Description):
        assert item.processing is None and html(question.stem, inline=False) in item.stem


def check_single_choice(question: MultipleChoice | TrueFalse, item: Item) -> None:
    for choice in question.choices:
        text = ("True" if choice.id == "true" else "False") if isinstance(question, TrueFalse) else html(choice.text)
        outcome = item.score({"response1": [item.label(text)]})
        assert outcome.score == (100 if choice.correct else 0), choice.id
        if choice.feedback is not None:
            shown = [item.feedback[f] for f in outcome.feedback if f.endswith("_fb") and f[:-3] in
                     {label.ident for label in item.responses[0].labels}]
            assert shown and html(choice.feedback, inline=False) in shown[0]
        if question.correct_feedback is not None:
            assert ("correct_fb" in outcome.feedback) == choice.correct
        if question.incorrect_feedback is not None:
            assert ("general_incorrect_fb" in outcome.feedback) != choice.correct


def check_multiple_select(question: MultipleSelect, item: Item) -> None:
    assert item.responses[0].cardinality == "Multiple"
    idents = {c.id: item.label(html(c.text)) for c in question.choices}
    correct = {idents[c.id] for c in question.choices if c.correct}
    for size in range(len(idents) + 1):
        for chosen in itertools.combinations(sorted(idents.values()), size):
            # the QTI encodes the correct set; Canvas applies its own partial credit on top
            assert item.score({"response1": list(chosen)}).score == (100 if set(chosen) == correct else 0)


def check_numerical(question: Numerical, item: Item) -> None:
    assert item.responses[0].fibtype == "Decimal"
    tiny = Decimal("1e-30")
    for answer in question.answers:
        probes = {answer.value, answer.low, answer.high}
        for probe in probes:
            outcome = item.score({"response1": [str(probe)]})
            assert outcome.score == (100 if answer.weight == 100 else 0), probe
            if answer.feedback is not None and answer.weight == 100:
                assert any(html(answer.feedback, inline=False) in item.feedback[f] for f in outcome.feedback)
    full = [a for a in question.answers if a.weight == 100]
    highest = max(a.high for a in full)
    lowest = min(a.low for a in full)
    outside = [highest + max(abs(highest) * Decimal("1e-9"), tiny), lowest - max(abs(lowest) * Decimal("1e-9"), tiny)]
    for probe in outside:
        if not any(a.low <= probe <= a.high for a in question.answers if a.weight == 100):
            assert item.score({"response1": [str(probe)]}).score == 0, probe


def check_matching(question: Matching, item: Item) -> None:
    prompts = {r.prompt: r for r in item.responses}
    answers: dict[str, list[str]] = {}
    for pair in question.pairs:
        response = prompts[html(pair.left)]
        target = [lab.ident for lab in response.labels if lab.text == render.shared().plain(pair.right)]
        assert len(target) == 1
        answers[response.ident] = target
        single = item.score({response.ident: target}).score
        assert single == pytest.approx(Decimal(100) / len(question.pairs), abs=Decimal("0.01"))
    assert item.score(answers).score == pytest.approx(100, abs=0.05)
    options = {lab.text for r in item.responses for lab in r.labels}
    rights = {render.shared().plain(p.right) for p in question.pairs}
    assert options == rights | {render.shared().plain(d) for d in question.distractors}


def test_quiz_settings(exported: tuple[Bank, bytes, Package]) -> None:
    bank, _, package = exported
    meta = package.meta
    assert meta["title"] == bank.title == package.title
    if bank.description is not None:
        assert html(bank.description, inline=False) in meta["description"]
    assert meta["shuffle_answers"] == ("true" if bank.shuffle else "false")
    assert meta["allowed_attempts"] == str(bank.allowed_attempts)
    limit = bank.quiz_time_limit(CanvasExporter().supported(bank)[0])  # of the questions Canvas holds
    assert meta.get("time_limit") == (str(-(-limit // 60)) if limit is not None else None)
    # what a student can score: loose questions plus pick × points for each question group
    loose = sum((i.points for i in package.root.items), Decimal(0))
    pools = sum((s.selection_number * s.items[0].points for s in package.root.sections), Decimal(0))
    assert Decimal(meta["points_possible"]) == loose + pools


def test_showcase_specifics() -> None:
    bank = load_bank(CONTENT / "showcase.md")
    data, warnings = export(bank)
    package = read_package(data)
    # The limits of the questions Canvas holds (ordering and mixed blanks are left out): 10 min, 8 × 5 min,
    # 2 × 5 min for the two questions drawn from the pool of three, and 5 × 5 min for the five varied
    # questions (one variant of each is drawn).
    assert package.meta["time_limit"] == "85"
    pool, *varied = package.root.sections
    assert pool.title == "Tricky text" and pool.selection_number == 2 and len(pool.items) == 3
    assert pool.points_per_item is None  # equal points: Canvas takes them from the questions
    # each varied question: a question group that picks 1 of its variants, each worth the question's points
    assert [(s.title, s.selection_number, len(s.items)) for s in varied] == [
        ("Ohm's law", 1, 20), ("Kinetic energy", 1, 20), ("Coulomb's law", 1, 12), ("Charles's law", 1, 8),
        ("Compound interest", 1, 10)]
    assert all(s.points_per_item is None for s in varied)
    assert {item.points for item in varied[0].items} == {Decimal(2)}
    assert sum(w.startswith("T002 `ohm`: Canvas numerical answers have no unit") for w in warnings) == 1
    codes = [w.split()[0] + " " + w.split()[1] for w in warnings]
    assert "T001 `training-step`:" in codes and "T001 `elbo-blanks`:" in codes
    assert sum(w.startswith("T004 `weights`: Canvas scores multiple-answer") for w in warnings) == 1
    assert not any(w.startswith("T004 `elbo-properties`") for w in warnings)  # its weights are Canvas's
    assert any(w.startswith("T004 `boltzmann`: Canvas Classic rounds") for w in warnings)
    boltzmann = package.item(ct.item_ident(bank, "boltzmann"))
    assert boltzmann.score({"response1": ["1.380649e-23"]}).score == 100
    assert boltzmann.score({"response1": ["1.380659e-23"]}).score == 100  # the 1e-28 tolerance, exactly
    assert boltzmann.score({"response1": ["1.38066e-23"]}).score == 0
    always = read_package(export(bank, points_per_item="always")[0])
    assert always.root.sections[0].points_per_item == Decimal(1)
    assert_valid(_assessment_bytes(always), "qti12/ims_qtiasiv1p2p1.xsd")


# --- options and special cases ------------------------------------------------------------------


def test_tiny_numbers_keep_full_precision(tmp_path: Path) -> None:
    bank = write_bank(tmp_path, "## Tiny {#tiny}\n\nHow small?\n\n- = 1e-7 ± 3e-9\n"
                                "- = [0.000123456789, 0.000123456799]\n\n### Explanation\n\nSmall.\n")
    data, warnings = export(bank)
    item = read_package(data).item(ct.item_ident(bank, "tiny"))
    assert item.score({"response1": ["0.0000001"]}).score == 100
    assert item.score({"response1": ["1.03e-7"]}).score == 100
    assert item.score({"response1": ["1.031e-7"]}).score == 0
    assert item.score({"response1": ["0.000123456795"]}).score == 100
    assert item.score({"response1": ["0.0001234568"]}).score == 0
    written = _assessment_bytes(read_package(data))
    for number in (b"1e-7", b"9.7e-8", b"1.03e-7", b"0.000123456789", b"0.000123456799"):
        assert b">" + number + b"<" in written, number  # every digit, no rounding to 4 places
    assert sum(w.startswith("T004 `tiny`: Canvas Classic rounds") for w in warnings) == 1


def test_blank_types(tmp_path: Path) -> None:
    bank = write_bank(tmp_path, "## Typed {#typed}\n\nThe [[KL | Kullback-Leibler]] divergence and [[ELBO]].\n\n"
                                "### Explanation\n\nx\n\n"
                                "## Dropdowns {#drops}\n\nPick [[(x) encoder | ( ) decoder]] then "
                                "[[( ) prior | (x) posterior]].\n\n### Explanation\n\nx\n\n"
                                "## Mixed {#mixed}\n\nType [[KL]] and pick [[(x) a | ( ) b]].\n\n"
                                "### Explanation\n\nx\n")
    data, warnings = export(bank)
    package = read_package(data)
    assert_valid(_assessment_bytes(package), "qti12/ims_qtiasiv1p2p1.xsd")
    assert_dtd_valid(_assessment_bytes(package))
    typed = package.item(ct.item_ident(bank, "typed"))
    assert typed.question_type == "fill_in_multiple_blanks_question"
    assert "[blank1]" in typed.stem and "[blank2]" in typed.stem
    kl = [lab.ident for lab in typed.response("response_blank1").labels]
    assert [lab.text for lab in typed.response("response_blank1").labels] == ["KL", "Kullback-Leibler"]
    elbo = typed.response("response_blank2").labels[0].ident
    for choice in kl:
        assert typed.score({"response_blank1": [choice], "response_blank2": [elbo]}).score == 100
    assert typed.score({"response_blank1": [kl[0]]}).score == 50
    drops = package.item(ct.item_ident(bank, "drops"))
    assert drops.question_type == "multiple_dropdowns_question"
    first = drops.response("response_blank1")
    assert [lab.text for lab in first.labels] == ["encoder", "decoder"]
    right = {"response_blank1": [drops.label("encoder", "response_blank1")],
             "response_blank2": [drops.label("posterior", "response_blank2")]}
    assert drops.score(right).score == 100
    assert drops.score({**right, "response_blank1": [drops.label("decoder", "response_blank1")]}).score == 50
    assert ct.item_ident(bank, "mixed") not in {i.ident for i in package.items()}
    assert any(w.startswith("T001 `mixed`: mixes typed and dropdown") for w in warnings)


def test_ordering_option(tmp_path: Path) -> None:
    body = "## Steps {#steps type=ordering}\n\nOrder them.\n\n1. first\n2. second\n3. third\n\n### Explanation\n\nx\n"
    bank = write_bank(tmp_path, body)
    result = CanvasExporter().export(bank)
    assert result.data is not None and result.questions == 0
    assert [d.code for d in result.diagnostics] == ["T001"]
    data, warnings = export(bank, ordering="matching")
    item = read_package(data).item(ct.item_ident(bank, "steps"))
    assert item.question_type == "matching_question"
    assert any(w.startswith("T004 `steps`: Canvas has no ordering") for w in warnings)
    prompts = {r.prompt: r.ident for r in item.responses}
    assert list(prompts) != ["first", "second", "third"]  # the order shown must not give it away
    right = {prompts[text]: [item.label(position, prompts[text])]
             for text, position in (("first", "1st"), ("second", "2nd"), ("third", "3rd"))}
    assert item.score(right).score == pytest.approx(100, abs=0.05)
    swapped = {**right, prompts["first"]: [item.label("2nd", prompts["first"])]}
    assert item.score(swapped).score < 100


def test_math_modes(tmp_path: Path) -> None:
    bank = write_bank(tmp_path, "## Math {#m}\n\nIs $\\frac{a}{b} = 50\\%$?\n\n- (x) yes\n- ( ) no\n\n"
                                "### Explanation\n\n$$x^2$$\n")
    image = read_package(export(bank)[0]).item(ct.item_ident(bank, "m"))  # the default
    (src,) = [r for r in html_references(image.stem) if r.startswith("/equation_images/")]
    # Canvas decodes the path twice to get the LaTeX back
    assert unquote(unquote(src.removeprefix("/equation_images/").removesuffix("?scale=1"))) == "\\frac{a}{b} = 50\\%"
    assert 'class="equation_image"' in image.stem and "display: block" in image.feedback["general_fb"]
    assert equation_images_as_latex(image.stem) == "<div><p>Is [[\\frac{a}{b} = 50\\%]]?</p></div>"
    mathjax = read_package(export(bank, math="mathjax")[0]).item(ct.item_ident(bank, "m"))
    assert "\\(\\frac{a}{b} = 50\\%\\)" in mathjax.stem
    assert "$$x^2$$" in mathjax.feedback["general_fb"]  # `$$` makes Canvas load MathJax; `\\[` alone does not
    mathml = read_package(export(bank, math="mathml")[0]).item(ct.item_ident(bank, "m"))
    assert "<math" in mathml.stem and "\\frac{a}{b} = 50\\%" in mathml.stem
    for mode in ("equation-image", "mathjax", "mathml"):
        written = _assessment_bytes(read_package(export(bank, math=mode)[0]))
        assert_valid(written, "qti12/ims_qtiasiv1p2p1.xsd")
        assert_dtd_valid(written)
    with pytest.raises(ValueError):
        CanvasExporter(math="png")


def test_group_points_and_time_limit(tmp_path: Path) -> None:
    body = ("# Pool {#pool pick=1}\n\n## A {#a points=2}\n\nQ?\n\n- (x) y\n- ( ) n\n\n### Explanation\n\nx\n\n"
            "## B {#b points=3}\n\nQ?\n\n- (x) y\n- ( ) n\n\n### Explanation\n\nx\n")
    bank = write_bank(tmp_path, body, "quiz_time_limit: 90 s\n")
    data, warnings = export(bank)
    package = read_package(data)
    (pool,) = package.root.sections
    assert pool.selection_number == 1 and pool.points_per_item == Decimal(3)
    assert any(w.startswith("T004 group `pool`") for w in warnings)
    assert package.meta["time_limit"] == "2" and package.meta["points_possible"] == "3"
    assert any("whole minutes" in w for w in warnings)
    assert_valid(_assessment_bytes(package), "qti12/ims_qtiasiv1p2p1.xsd")


def test_cli_export(tmp_path: Path) -> None:
    output = tmp_path / "x.zip"
    run = subprocess.run([sys.executable, "-m", "qbank", "export", str(CONTENT / "showcase.md"), "--to", "canvas",
                          "-o", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert zipfile.ZipFile(output).testzip() is None
    assert read_package(output.read_bytes()).title == load_bank(CONTENT / "showcase.md").title


def test_no_full_credit_answer_is_an_error() -> None:
    # The reader refuses such a bank (E312); a bank built in code must still not reach Canvas,
    # where the question would silently have no correct answer.
    bank = load_bank(CONTENT / "showcase.md")
    questions = [q.model_copy(update={"answers": tuple(a.model_copy(update={"weight": 50.0}) for a in q.answers)})
                 if q.id == "divergence-name" else q for q in bank.questions]
    result = CanvasExporter().export(bank.model_copy(update={"questions": tuple(questions)}))
    assert result.data is None
    assert [d.code for d in result.diagnostics if d.is_error] == ["T005"]
