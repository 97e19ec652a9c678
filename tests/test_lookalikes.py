"""What looks like an answer, a marker or a section but would be read as something else.

Each case of the "no typo ships a quiz that grades wrongly" issue: the diagnostic's hint says
what was probably meant; `#word` lines arrive as text in every target; and what each target
does with a numerical question's unit (written on the heading, never in the answer).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qbank import registry
from qbank.cli import main
from qbank.lint import lint_file

FRONT = "---\ntitle: Look-alikes\n---\n\n"
EXPLAIN = "\n### Explanation\n\nBecause.\n"


def lint(tmp_path: Path, body: str) -> list[tuple[str, int, int, str, str]]:
    path = tmp_path / "bank.md"
    path.write_text(FRONT + body, encoding="utf-8")
    _, found = lint_file(path)
    return [(d.code, d.line, d.col, d.message, d.hint or "") for d in found]


def only(found: list[tuple[str, int, int, str, str]], code: str) -> tuple[str, int, int, str, str]:
    matching = [d for d in found if d[0] == code]
    assert len(matching) == 1, found
    return matching[0]


def test_decimal_comma_untyped_is_an_error_with_the_point_written(tmp_path: Path) -> None:
    _, line, col, message, hint = only(lint(tmp_path, "## Pi {#pi}\n\nPi?\n\n- = 3,14 ± 0,01\n" + EXPLAIN), "E307")
    assert (line, col) == (9, 5) and "decimal comma" in message and "`- = 3.14 ± 0.01`" in hint
    assert "type=short-answer" in hint  # the way to say the text itself is the answer


def test_thousands_separator_offers_both_readings(tmp_path: Path) -> None:
    _, _, _, message, hint = only(lint(tmp_path, "## K {#k}\n\nHow many?\n\n- = 1,000\n" + EXPLAIN), "E307")
    assert "thousands separator or a decimal comma" in message and "`- = 1000`" in hint and "`- = 1.000`" in hint


def test_unit_in_the_answer_points_to_the_heading_attribute(tmp_path: Path) -> None:
    _, _, _, message, hint = only(lint(tmp_path, "## G {#g}\n\ng?\n\n- = 9.81 m/s^2 ± 0.05\n" + EXPLAIN), "E307")
    assert "unit (`m/s^2`)" in message and "`- = 9.81 ± 0.05`" in hint and '{unit="m/s^2"}' in hint


def test_a_short_answer_that_also_accepts_words_is_left_alone(tmp_path: Path) -> None:
    """`50%` beside `half` is text on purpose: only a question whose every answer is a number is judged."""
    found = lint(tmp_path, "## H {#h}\n\nHow much?\n\n- = half\n- = 50%\n" + EXPLAIN)
    assert not [d for d in found if d[0] == "E307"], found


def test_explicit_short_answer_takes_the_text_as_written(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Pi {#pi type=short-answer}\n\nPi?\n\n- = 3,14\n" + EXPLAIN)
    assert found == [], found


@pytest.mark.parametrize(("body", "hint"), [
    ("Match.\n\n- $I$ => identity\n- $0$ => zero\n", "`- left -> right`"),
    ("What is $\\det I$?\n\n1) 1\n2) 0\n", "`- (x) right`"),
    ("Explain.\n\n__\n", "`____`"),
    ("The capital of France is [[Paris].\n", "`[[answer]]`"),
])
def test_answers_that_would_make_a_description_are_errors(tmp_path: Path, body: str, hint: str) -> None:
    found = lint(tmp_path, "## Q {#q}\n\n" + body)
    assert hint in only(found, "E322")[4]
    assert "W101" not in {d[0] for d in found}  # no question was built to lack an explanation


def test_points_on_a_description(tmp_path: Path) -> None:
    assert only(lint(tmp_path, "## Q {#q points=2}\n\nWhich is prime: 4, 6 or 7?\n"), "E322")[2] == 10
    assert only(lint(tmp_path, "## Q {#q type=description points=2}\n\nRead this.\n"), "W106")[2] == 27


def test_a_description_with_a_list_and_no_question_is_still_a_description(tmp_path: Path) -> None:
    """An introduction that ends in a list (and asks nothing) reads exactly as before."""
    path = tmp_path / "bank.md"
    path.write_text(FRONT + "## About {#about}\n\nThis quiz covers:\n\n- VAEs\n- GANs\n", encoding="utf-8")
    bank, found = lint_file(path)
    assert found == [] and bank is not None and bank.questions[0].type == "description"


def test_blank_inside_math(tmp_path: Path) -> None:
    _, line, col, message, _ = only(lint(tmp_path, "## Q {#q}\n\nThe space is $\\mathbb{R}^{[[5]]}$.\n"), "E504")
    assert (line, col) == (7, 27) and "`[[5]]`" in message


def test_space_inside_dollars_names_pandocs_rule(tmp_path: Path) -> None:
    _, _, col, _, hint = only(lint(tmp_path, "## Q {#q}\n\nWhat is $ \\operatorname{tr} I_3 $?\n\n- = 3\n"
                                   + EXPLAIN), "W107")
    assert col == 9 and "Pandoc" in hint


@pytest.mark.parametrize("stem", [
    "If $A = \\begin{pmatrix}1 & 0\\\\0 & 1\\end{pmatrix}, what is $\\operatorname{tr} A$?",
    "It costs $5 and $10 per seat; the answer is $x$.",
    "What is $x^2$? It costs $5.",
])
def test_stray_dollars_are_warned_with_the_escape(tmp_path: Path, stem: str) -> None:
    assert "`\\$`" in only(lint(tmp_path, f"## Q {{#q}}\n\n{stem}\n\n- = 2\n" + EXPLAIN), "W108")[4]


@pytest.mark.parametrize("stem", ["It costs $5 and $10, or \\$3.", "Is $\\sin x \\leq 1$ for all $x$?",
                                  "Is $\\sin x \\leq 1$ for all $x$? It costs \\$5."])
def test_prices_alone_and_real_formulas_are_not_warned(tmp_path: Path, stem: str) -> None:
    assert lint(tmp_path, f"## Q {{#q}}\n\n{stem}\n\n- (x) yes\n- ( ) no\n" + EXPLAIN) == []


def test_prices_before_a_formula_pair_with_it_as_pandoc_pairs_them(tmp_path: Path) -> None:
    """`$5 and $10, or ... $\\sin x \\leq 1$`: the price's `$` opens a formula Pandoc closes at `1$`."""
    found = lint(tmp_path, "## Q {#q}\n\nIt costs $5 and $10. Is $\\sin x \\leq 1$?\n\n- (x) yes\n- ( ) no\n" + EXPLAIN)
    assert only(found, "W108")[2] == 10


def test_heading_without_space(tmp_path: Path) -> None:
    found = lint(tmp_path, "##Determinant\n\nWhat is $\\det I$?\n\n- (x) 1\n- ( ) 0\n")
    assert [d[0] for d in found] == ["E213"] and "`## Determinant`" in found[0][4]  # not "no questions"


def test_a_mistyped_marker_is_one_error(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Q {#q}\n\nPick.\n\n* (*) 1\n* ( ) 2\n" + EXPLAIN)
    assert [(d[0], d[1], d[2]) for d in found] == [("E318", 9, 3)]


def test_unindented_feedback_says_so(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Q {#q}\n\nPick.\n\n- (x) a\n> Right!\n- ( ) b\n" + EXPLAIN)
    code, line, _, message, hint = found[0]
    assert (code, line) == ("E318", 9) and "not indented" in message and "  > Right!" in hint


def test_attribute_errors_point_at_the_attribute(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Pick one {#q shuffle=please}\n\nPick.\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    assert only(found, "E204")[2] == 17


def test_yaml_style_attribute_is_one_error_in_plain_words(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Q {#q points: 0}\n\nPick.\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    code, _, col, message, hint = found[0]
    assert (code, col) == ("E204", 10) and "`points=0`" in hint and "Input should" not in message
    assert [d[0] for d in found] == ["E204", "E309"]  # and the value, read as meant, is checked too


def test_front_matter_type_errors_are_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "bank.md"
    path.write_text("---\ntitle: T\nshuffle: 2\nscoring: 5\n---\n\n## Q {#q}\n\nPick.\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    messages = [d.message for d in lint_file(path)[1] if d.code == "E104"]
    assert messages == ["front-matter `shuffle`: must be true or false",
                        "front-matter `scoring`: must be one of 'penalty' or 'no-penalty'"]


def test_bad_output_path_names_the_output_not_the_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank.md"
    bank.write_text(FRONT + "## Q {#q}\n\nPick.\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["export", str(bank), "--to", "gift", "-o", str(blocker / "out.gift")]) == 1
    err = capsys.readouterr().err
    assert f"{blocker / 'out.gift'}: error[E901]" in err and "bank.md:1:1" not in err and "---" not in err


# --- `#word` is text, in every target ------------------------------------------------------

HASHES = FRONT + ("## Directives {#d}\n\n#include \"stdio.h\" opens the header.\n#1 rule: never guess.\n\n"
                  "- ( ) #comment\n- (x) #define\n" + EXPLAIN)


@pytest.mark.parametrize("target", sorted(registry.available_targets()))
def test_hash_word_lines_arrive_as_text(tmp_path: Path, target: str) -> None:
    path = tmp_path / "bank.md"
    path.write_text(HASHES)
    bank, found = lint_file(path)
    assert bank is not None and not any(d.is_error for d in found)
    result = registry.load_target(target)().export(bank)
    assert result.data is not None
    data = result.data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    text = data.decode("utf-8").replace("\\#", "#").replace("\\:", ":").replace("&#35;", "#")  # GIFT's escapes
    for words in ("include", "1 rule: never guess", "comment", "define"):
        assert f"#{words}" in text, (target, words)
        assert f"<h1>{words}" not in text and f"&lt;h1&gt;{words}" not in text


def test_hash_word_is_not_reported_but_a_real_heading_is(tmp_path: Path) -> None:
    assert lint(tmp_path, HASHES.removeprefix(FRONT)) == []
    found = lint(tmp_path, "## Q {#q}\n\nPick.\n\n- (x) # comment\n- ( ) b\n" + EXPLAIN)
    assert [(d[0], d[1], d[2]) for d in found] == [("W109", 9, 7)] and "`\\#`" in found[0][4]


# --- a numerical question's unit, in every target ------------------------------------------

UNIT_BANK = FRONT + '## Gravity {#g unit="m/s^2"}\n\nWhat is g?\n\n- = 9.81 ± 0.05\n' + EXPLAIN


def export_unit(tmp_path: Path, target: str) -> tuple[str, list[str]]:
    path = tmp_path / "bank.md"
    path.write_text(UNIT_BANK)
    bank, _ = lint_file(path)
    assert bank is not None
    result = registry.load_target(target)().export(bank)
    assert result.data is not None
    data = result.data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml") and "manifest" not in n)
    return data.decode("utf-8"), [d.code for d in result.diagnostics]


def test_moodle_xml_writes_the_unit_optional_and_not_graded(tmp_path: Path) -> None:
    text, codes = export_unit(tmp_path, "moodle-xml")
    question = etree.fromstring(text.encode()).find(".//question[@type='numerical']")
    assert question is not None and codes == []
    assert [(u.findtext("multiplier"), u.findtext("unit_name")) for u in question.findall("units/unit")] \
        == [("1", "m/s^2")]
    assert (question.findtext("unitgradingtype"), question.findtext("showunits")) == ("0", "0")


@pytest.mark.parametrize("target", ["gift", "canvas"])
def test_gift_and_canvas_warn_that_the_unit_is_not_shown(tmp_path: Path, target: str) -> None:
    text, codes = export_unit(tmp_path, target)
    assert codes == ["T002"] and "m/s^2" not in text


@pytest.mark.parametrize("target", ["qti21", "qti30"])
def test_qti_shows_the_unit_after_the_box(tmp_path: Path, target: str) -> None:
    text, codes = export_unit(tmp_path, target)
    assert codes == [] and "/>\u00a0m/s^2" in text


def test_html_shows_the_unit(tmp_path: Path) -> None:
    text, codes = export_unit(tmp_path, "html")
    assert codes == [] and '<span class="unit">m/s^2</span>' in text


def test_json_lists_every_acknowledged_warning_with_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bank.md"
    path.write_text(UNIT_BANK.replace('unit="m/s^2"', 'unit="m/s^2" allow="T002@gift: the stem names the unit"'))
    assert main(["lint", "--target", "gift", "--format", "json", str(path)]) == 0
    (found,) = json.loads(capsys.readouterr().out)
    assert found["code"] == "T002" and found["question"] == "g"
    assert found["acknowledged"] == {"by": f"{path}:5", "reason": "the stem names the unit"}


def test_url_encoded_image_path_is_decoded_and_still_kept_inside(tmp_path: Path) -> None:
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "my plot.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    found = lint(tmp_path, "## Q {#q}\n\n![a plot](figures/my%20plot.svg)\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    assert found == [], found
    bank, _ = lint_file(tmp_path / "bank.md")
    assert bank is not None and bank.questions[0].stem.images[0].path == str(figures / "my plot.svg")
    escaping = lint(tmp_path, "## Q {#q}\n\n![a plot](%2e%2e/%2e%2e/etc/passwd)\n\n- (x) a\n- ( ) b\n" + EXPLAIN)
    assert [d[0] for d in escaping] == ["E403"], escaping


def test_mistyped_weights_are_errors_but_a_set_stays_text(tmp_path: Path) -> None:
    found = lint(tmp_path, "## Q {#q}\n\nPick.\n\n- (x) a\n- ( ) b {weight:25}\n- ( ) c {50%}\n" + EXPLAIN)
    assert [(d[0], d[1], d[4]) for d in found] == [("E311", 10, "write `{weight=25}` (percent)"),
                                                   ("E311", 11, "write `{weight=50}` (percent)")]
    assert lint(tmp_path, "## Q {#q}\n\nPick.\n\n- (x) the set {5}\n- ( ) the set {6}\n" + EXPLAIN) == []
