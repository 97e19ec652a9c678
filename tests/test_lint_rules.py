"""Every lint rule, with an input that breaks it and the exact position it must report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qbank.cli import main
from qbank.codes import CODES
from qbank.lint import lint_across, lint_file

FRONT = "---\ntitle: Rules\n---\n\n"
GOOD_MC = "## Q {#q}\n\nPick.\n\n- (x) yes\n- ( ) no\n\n### Explanation\n\nBecause.\n"
SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'

VARIED = ("## V {{#v variants=3}}\n\n```vars\n{vars}\n```\n\nPick {{{{a}}}}.\n\n"
          "- (x) {{{{a}}}}\n- ( ) {{{{= a + 1}}}}\n")
NUMERIC_VARIED = "## N {{#n variants=3}}\n\n```vars\n{vars}\n```\n\nGive {{{{a}}}}.\n\n- = {answer}\n"

# code -> (bank text, expected line, expected column or None)
CASES: dict[str, tuple[str | bytes, int, int | None]] = {
    "E001": (FRONT.encode() + b"## Q\n\ncaf\xe9\n", 7, 4),
    "E002": ("  \n\n", 1, 1),
    "E004": (b"---\ntitle: x\n---\n\x00\x01binary", 4, 1),
    "E101": ("---\ntitle: [unclosed\n---\n" + GOOD_MC, 2, None),
    "E102": ("---\ntitle: Never closed\n\n" + GOOD_MC, 1, 1),
    "E103": ("---\ntitle: T\nauthr: me\n---\n" + GOOD_MC, 3, 1),
    "E104": ("---\ntitle: T\nshuffle: maybe\n---\n" + GOOD_MC, 3, 1),
    "E105": ("---\nauthor: me\n---\n" + GOOD_MC, 1, 1),
    "E201": (FRONT + "Just an introduction.\n", 4, 1),
    "E202": (FRONT + GOOD_MC + "\n" + GOOD_MC, 16, 1),
    "E203": (FRONT + GOOD_MC.replace("{#q}", "{#9bad id}"), 5, 1),
    "E204": (FRONT + GOOD_MC.replace("{#q}", "{#q pints=2}"), 5, None),
    "E205": (FRONT + "# Group {pick=1}\n\nStray text.\n\n" + GOOD_MC, 7, 1),
    "E206": (FRONT + GOOD_MC + "\n### Explantion\n\nx\n", 16, 5),
    "E207": (FRONT + "## Empty {#e type=essay}\n\n### Explanation\n\nx\n", 5, 1),
    "E208": (FRONT + "# Pool {pick=none}\n\n" + GOOD_MC, 5, 9),
    "E211": (FRONT + "# Pool {pick=3}\n\n" + GOOD_MC, 5, 1),
    "E213": (FRONT + "##Q {#q}\n\nPick.\n\n- (x) a\n- ( ) b\n", 5, 1),
    "E214": (FRONT + GOOD_MC.replace("### Explanation", "## Explanation"), 12, 1),
    "E212": (FRONT + "# Pool {points=2}\n\n" + GOOD_MC.replace("{#q}", "{#q points=3}"), 7, 10),
    "E209": (FRONT + "## Q\n\nRun:\n\n```sh\nls\n\n- (x) a\n- ( ) b\n", 9, 1),
    "E301": (FRONT + "## Q {type=numerical}\n\nPick.\n\n- (x) a\n- ( ) b\n", 5, 1),
    "E302": (FRONT + "## Q\n\nPick.\n\n- (x) a\n- (x) b\n", 5, 1),
    "E303": (FRONT + "## Q\n\nPick.\n\n- [ ] a\n- [ ] b\n", 5, 1),
    "E304": (FRONT + "## Q\n\nPick.\n\n- (x) a\n", 5, 1),
    "E305": (FRONT + "## Q\n\nPick.\n\n- (x) same\n- ( ) Same\n", 10, 1),
    "E306": (FRONT + "## Q\n\nPick.\n\n- (x) a\n- [ ] b\n", 10, None),
    "E307": (FRONT + "## Q {type=numerical}\n\nHow many?\n\n- = twelve\n", 9, 5),
    "E308": (FRONT + "## Q\n\nHow many?\n\n- = 12 ± -1\n", 9, 5),
    "E309": (FRONT + "## Q {points=0}\n\nPick.\n\n- (x) a\n- ( ) b\n", 5, 7),
    "E310": (FRONT + "## Q\n\nHow many?\n\n- = [5, 1]\n", 9, 5),
    "E311": (FRONT + "## Q\n\nPick.\n\n- [x] a {weight=150}\n- [ ] b\n", 9, None),
    "E312": (FRONT + "## Q\n\nPick.\n\n- [x] a {weight=40}\n- [x] b {weight=40}\n- [ ] c\n", 5, 1),
    "E313": (FRONT + "## Q\n\nMatch.\n\n- a -> 1\n", 5, 1),
    "E314": (FRONT + "## Q {type=ordering}\n\nOrder.\n\n1. only\n", 5, 1),
    "E315": (FRONT + "## Q\n\nThe capital is [[ | ]].\n", 7, 18),
    "E316": (FRONT + "## Q\n\nPick [[(x) a | (x) b]].\n", 7, 8),
    "E317": (FRONT + "## Q {type=short-answer}\n\nName it.\n", 5, 1),
    "E318": (FRONT + "## Q\n\nPick.\n\n- (x) a\n- [✓] b\n", 10, 3),
    "E319": (FRONT + "## Q {type=true-false}\n\nPick.\n\n- (x) Yes\n- ( ) No\n", 5, 1),
    "E321": (FRONT + GOOD_MC.replace("{#q}", "{#q time=soon}"), 5, 10),
    "E322": (FRONT + "## Q {#q}\n\nWhich is the identity?\n\n- $I$ => identity\n- $0$ => zero\n", 9, 3),
    "E401": (FRONT + "## Q\n\n![a plot](missing.svg)\n\n- (x) a\n- ( ) b\n", 7, 11),
    "E402": (FRONT + "## Q\n\n![](ok.svg)\n\n- (x) a\n- ( ) b\n", 7, 5),
    "E403": (FRONT + "## Q\n\n![plot](../../etc/passwd)\n\n- (x) a\n- ( ) b\n", 7, 9),
    "E404": (FRONT + "## Q\n\n![plot](notes.txt)\n\n- (x) a\n- ( ) b\n", 7, 9),
    "E406": (FRONT + "## Q\n\n![plot](evil.svg)\n\n- (x) a\n- ( ) b\n", 7, 9),
    "E501": (FRONT + "## Q\n\nWhat is $\\frac{a}$?\n\n- (x) a\n- ( ) b\n", 7, 10),
    "E502": (FRONT + "## Q\n\nWhat is $x^2 here?\n\n- (x) a\n- ( ) b\n", 7, 9),
    "E503": (FRONT + "## Q\n\nWhat is $$ $$?\n\n- (x) a\n- ( ) b\n", 7, 11),
    "E504": (FRONT + "## Q\n\nThe space is $\\mathbb{R}^{[[5]]}$.\n", 7, 27),
    "E601": (FRONT + "## Q\n\nBell \x07 here.\n\n- (x) a\n- ( ) b\n", 7, 1),
    "E602": (FRONT + "## Q\n\nPick.\n\n- (x) a \ue000M0\ue001\n- ( ) b\n", 9, 1),
    "W101": (FRONT + "## Q\n\nPick.\n\n- (x) a\n- ( ) b\n", 5, 1),
    "W102": (FRONT + "## Q\n\nPick.\n\n- (x) a\n- ( ) None of the above\n", 10, 1),
    "W104": (FRONT + "## Q\n\nClick <script>alert(1)</script> me.\n\n- (x) a\n- ( ) b\n", 7, 1),
    "W105": (FRONT + "## Q\n\nPick.\n\n- [x] a\n- [x] b\n", 5, 1),
    "W106": (FRONT + "## Intro {#i type=description points=2}\n\nRead this.\n", 5, 31),
    "W107": (FRONT + GOOD_MC.replace("Pick.", "What is $ \\operatorname{tr} I_3 $?"), 7, 9),
    "W108": (FRONT + GOOD_MC.replace("Pick.", "It costs $5 and $10 per seat; the answer is $x$."), 7, 10),
    "W109": (FRONT + "## Q\n\nPick.\n\n- (x) # comment\n- ( ) b\n\n### Explanation\n\nx\n", 9, 7),
    # varied questions: the heading is line 5, the ```vars block lines 7-9 (its first variable on line 8)
    "E801": (FRONT + VARIED.format(vars="a = 2 ^ randint(1, 9)"), 8, 5),
    "E802": (FRONT + VARIED.format(vars="a = randint(1, 9)").replace(" variants=3", ""), 7, 1),
    "E803": (FRONT + VARIED.format(vars="a = randint(1, 9)").replace("Pick {{a}}", "Pick {{b}}"), 11, 6),
    "E804": (FRONT + VARIED.format(vars="a = 'x' + randint(1, 9)"), 8, 5),
    "E805": (FRONT + VARIED.format(vars="a = sqrt(randint(1, 9) - 10)"), 8, 5),
    "E806": (FRONT + VARIED.format(vars="a = 1 / (randint(1, 9) * 0)"), 8, 5),
    "E807": (FRONT + VARIED.format(vars="a = randint(1, 9)").replace("Pick {{a}}", "Pick {{a:.2q}}"), 11, 6),
    "E808": (FRONT + VARIED.format(vars="a = randint(1, 9)") + "- ( ) {{= a + 2 - 1}}\n", 15, 1),
    "E809": (FRONT + VARIED.format(vars="a = randint(1, 9)").replace("{{= a + 1}}", "{{= a * 1}}"), 14, 1),
    "E810": (FRONT + "# Pool {pick=1}\n\n" + GOOD_MC + "\n" + VARIED.format(vars="a = randint(1, 9)"), 18, 1),
    "E811": (FRONT + VARIED.format(vars="a = randint(2, 9) ** 200"), 8, 5),
    "W801": (FRONT + VARIED.format(vars="a = randint(1, 9)\nb = 2"), 9, 1),
    "W802": (FRONT + VARIED.format(vars="a = randint(1, 2)"), 5, 1),
    "W803": (FRONT + NUMERIC_VARIED.format(vars="a = randint(1, 9) * 1e-5", answer="{{a}}"), 13, 5),
    "W804": (FRONT + NUMERIC_VARIED.format(vars="a = randint(1, 9) / 7", answer="{{a:.2f}} ± 0.001"), 13, 5),
}
# Codes raised by other stages, each tested where that stage is: exporters (T...), the CLI
# (E9..), and conditions that need special files (unreadable, oversized) or several banks (E210),
# or a very large bank (E812, tested below with a lowered limit).
ELSEWHERE = {"E003", "E005", "E210", "E405", "E812", "E901", "E902", "E903", "T001", "T002", "T003", "T004", "T005",
             "T006",
             # raised by the readers of foreign formats: tests/test_import_*.py
             "E701", "E702", "E904", "W701", "W702", "W703"}


# Codes only a command gives (they judge acknowledgements and configuration, which apply to
# everything a run found): code -> (bank text, other files, the file reported, line, column).
COMMAND_CASES: dict[str, tuple[str, dict[str, str], str, int, int]] = {
    "W110": (FRONT + GOOD_MC.replace("{#q}", '{#q allow="W101: no explanation yet"}'), {}, "bank.md", 5, 10),
    "E905": (FRONT + GOOD_MC, {"qbank.toml": 'ignore = ["W101"]\nper-file-ignores = { "*.md" = ["E307"] }\n'},
             "qbank.toml", 2, 1),
}


def write_bank(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "bank.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    (tmp_path / "ok.svg").write_bytes(SVG_OK)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "evil.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    return path


def test_every_code_has_a_failing_example() -> None:
    assert set(CODES) - set(CASES) - set(COMMAND_CASES) - ELSEWHERE == set()


@pytest.mark.parametrize("code", sorted(COMMAND_CASES))
def test_command_reports_code_at_position(tmp_path: Path, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    text, files, reported, line, col = COMMAND_CASES[code]
    bank = write_bank(tmp_path, text)
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    main(["lint", "--format", "json", str(bank)])
    found = [d for d in json.loads(capsys.readouterr().out) if d["code"] == code]
    assert found, code
    assert Path(found[0]["file"]).name == reported and (found[0]["line"], found[0]["col"]) == (line, col), found
    assert found[0]["message"] and found[0]["hint"]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_reports_code_at_position(tmp_path: Path, code: str) -> None:
    text, line, col = CASES[code]
    _, found = lint_file(write_bank(tmp_path, text))
    matching = [d for d in found if d.code == code]
    assert matching, f"{code} not reported; got {[(d.code, d.line, d.message) for d in found]}"
    first = matching[0]
    assert first.file.endswith("bank.md")
    assert first.line == line, (first, line)
    if col is not None:
        assert first.col == col, (first, col)
    assert first.message and first.hint, "every diagnostic has a message and a hint"


def test_all_problems_reported_in_one_run(tmp_path: Path) -> None:
    text = FRONT + (
        "## A\n\nPick.\n\n- (x) a\n- (x) b\n\n"  # E302
        "## B {pints=1}\n\nPick.\n\n- [ ] a\n- [ ] b\n\n"  # E204, E303
        "## C\n\nWhat is $\\frac{a}$?\n\n- = 12 ± -1\n"  # E501, E308
    )
    _, found = lint_file(write_bank(tmp_path, text))
    assert {"E302", "E204", "E303", "E501", "E308"} <= {d.code for d in found}


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    _, found = lint_file(write_bank(tmp_path, "---\ntitle: T\ntime_limt: 5 min\n---\n" + GOOD_MC))
    (diag,) = [d for d in found if d.code == "E103"]
    assert "time_limit" in (diag.hint or "")


def test_latex_error_points_inside_the_formula(tmp_path: Path) -> None:
    _, found = lint_file(write_bank(tmp_path, FRONT + "## Q\n\nSee $a + \\left( b$ now.\n\n- (x) a\n- ( ) b\n"))
    (diag,) = [d for d in found if d.code == "E501"]
    assert (diag.line, diag.col) == (7, 10)  # the \left, not the start of the line
    assert "\\right" in diag.message or "\\left" in diag.message


def test_prices_are_not_math(tmp_path: Path) -> None:
    bank, found = lint_file(write_bank(tmp_path, FRONT + GOOD_MC.replace("Pick.", "It costs $5 and $10, or \\$3.")))
    assert not [d for d in found if d.is_error]
    assert bank is not None and bank.questions[0].stem.math == ()


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.svg").write_bytes(SVG_OK)
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "link.svg").symlink_to(outside / "secret.svg")
    path = bank_dir / "b.md"
    path.write_text(FRONT + "## Q\n\n![plot](link.svg)\n\n- (x) a\n- ( ) b\n\n### Explanation\n\nx\n")
    _, found = lint_file(path)
    assert [d.code for d in found] == ["E403"]


def test_oversized_and_unreadable_files(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(FRONT.encode() + b"## Q\n\n" + b"x" * (5 * 1024 * 1024))
    assert [d.code for d in lint_file(big)[1]] == ["E005"]
    assert [d.code for d in lint_file(tmp_path / "absent.md")[1]] == ["E003"]


def test_oversized_image(tmp_path: Path) -> None:
    path = write_bank(tmp_path, FRONT + "## Q\n\n![plot](big.png)\n\n- (x) a\n- ( ) b\n\n### Explanation\n\nx\n")
    (tmp_path / "big.png").write_bytes(b"\x89PNG" + b"0" * (3 * 1024 * 1024))
    assert [d.code for d in lint_file(path)[1]] == ["E405"]


def test_every_code_is_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md").read_text()
    for code, info in CODES.items():
        assert f"| `{code}` | {info.severity} | {info.summary} |" in doc, code


def test_same_id_in_two_banks_of_one_category(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(f"---\ntitle: {name}\ncategory: Shared\n---\n\n" + GOOD_MC)
    (tmp_path / "c.md").write_text("---\ntitle: c\ncategory: Other\n---\n\n" + GOOD_MC)
    banks = [lint_file(tmp_path / f"{name}.md")[0] for name in ("a", "b", "c")]
    found = lint_across([b for b in banks if b is not None])
    assert [(d.code, Path(d.file).name, d.line, d.col) for d in found] == [("E210", "b.md", 6, 1)]
    assert "a.md:6" in found[0].message and found[0].hint


def test_too_many_variants_in_one_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qbank.variants import limits

    monkeypatch.setattr(limits, "MAX_BANK_VARIANTS", 5)
    text = FRONT + VARIED.format(vars="a = randint(1, 99)") + "\n" + VARIED.format(vars="a = randint(1, 99)") \
        .replace("{#v ", "{#w ")
    _, found = lint_file(write_bank(tmp_path, text))
    (diag,) = [d for d in found if d.code == "E812"]
    assert (diag.line, diag.col) == (16, 1) and diag.hint  # the second question: 3 + 3 > 5
