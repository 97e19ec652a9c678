"""Varied questions, the engine: draws, exact values, formatting, substitution, and what it refuses."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from qbank.lint import lint_file
from qbank.models import MultipleChoice, Numerical
from qbank.variants import decmath as dm
from qbank.variants.evaluate import EvaluationError, Evaluator, parse_block
from qbank.variants.formatting import parse_format, show
from qbank.variants.rng import Stream, variant_key

FRONT = "---\ntitle: Variants\nseed: 7\n---\n\n"


def write(tmp_path: Path, body: str, front: str = FRONT) -> Path:
    path = tmp_path / "bank.md"
    path.write_text(front + body, encoding="utf-8")
    return path


def varied(qid: str, variables: str, text: str, answers: str, count: int = 5, extra: str = "") -> str:
    return (f"## {qid.title()} {{#{qid} variants={count}{extra}}}\n\n```vars\n{variables}\n```\n\n{text}\n\n"
            f"{answers}\n\n### Explanation\n\nBecause.\n\n")


def values_of(variables: str, number: int = 1, seed: str = "s", question: str = "q") -> dict[str, object]:
    block = parse_block([(k + 1, line) for k, line in enumerate(variables.splitlines())])
    assert not block.problems, block.problems
    return Evaluator(block).values(variant_key(seed, question, number))


# --- draws ----------------------------------------------------------------------------------------


def test_the_key_and_stream_are_the_documented_sha256_construction() -> None:
    def field(text: str) -> bytes:
        return len(text.encode()).to_bytes(8, "big") + text.encode()

    key = hashlib.sha256(b"qbank-variant-v1" + field("2026") + field("ohm") + field("1") + field("0")).digest()
    assert variant_key("2026", "ohm", 1) == key
    child = hashlib.sha256(key + field("R")).digest()
    block = int.from_bytes(hashlib.sha256(child + (0).to_bytes(8, "big")).digest(), "big")
    stream = Stream(key, "R")
    assert stream.bits(13) == block & (2 ** 13 - 1)  # the low bits of the first block first
    assert stream.bits(7) == (block >> 13) & 127


def test_draws_are_pinned_so_no_change_to_them_goes_unnoticed() -> None:
    # These values are what every bank with seed 2026 draws; changing them redraws every bank.
    assert variant_key("2026", "ohm", 1).hex()[:16] == "bc5890c76b4bb3f2"
    stream = Stream(variant_key("2026", "ohm", 1), "R")
    assert [stream.below(91) for _ in range(8)] == [75, 46, 19, 47, 80, 82, 69, 40]
    stream = Stream(variant_key("", "q", 7, 3), "x")
    assert [stream.bits(13) for _ in range(4)] == [5544, 6669, 3367, 6021]


def test_below_is_uniform_and_in_range() -> None:
    stream = Stream(variant_key("seed", "dice", 1), "roll")
    counts = Counter(stream.below(6) for _ in range(60_000))
    assert set(counts) == set(range(6))
    assert all(9_400 < n < 10_600 for n in counts.values()), counts


def test_each_variable_has_its_own_stream() -> None:
    # adding a variable leaves the values of the others alone
    before = values_of("a = randint(1, 1000)\nb = randint(1, 1000)")
    after = values_of("a = randint(1, 1000)\nnew = randint(1, 1000)\nb = randint(1, 1000)")
    assert (before["a"], before["b"]) == (after["a"], after["b"])
    assert values_of("a = randint(1, 10**6)", 1) != values_of("a = randint(1, 10**6)", 2)
    assert values_of("a = randint(1, 10**6)", question="q") != values_of("a = randint(1, 10**6)", question="r")


def test_draw_functions() -> None:
    for number in range(1, 30):
        got = values_of("a = randint(10, 100, 10)\nb = uniform(0.5, 2, 0.25)\nc = choice(['x', 'y'])\n"
                        "d = shuffle([1, 2, 3, 4])\nk = sample([1, 2, 3, 4, 5], 2)", number)
        assert got["a"] in range(10, 101, 10)
        assert isinstance(got["b"], Decimal) and Decimal("0.5") <= got["b"] <= 2 and got["b"] % Decimal("0.25") == 0
        assert got["c"] in ("x", "y")
        assert sorted(got["d"]) == [1, 2, 3, 4]  # type: ignore[type-var]
        assert len(got["k"]) == len(set(got["k"])) == 2  # type: ignore[arg-type]


# --- values ---------------------------------------------------------------------------------------


def test_values_are_exact_decimals_never_floats() -> None:
    got = values_of("a = 0.1 + 0.2\nb = 1 / 3\nc = 2 ** 0.5\nd = 7 // 2\nh = -7 // 2.0\nf = -7 % 3\ng = -7.0 % 3")
    assert got["a"] == Decimal("0.3")
    assert got["b"] == Decimal("0.3333333333333333333333333333")
    assert got["c"] == Decimal("1.414213562373095048801688724")
    assert (got["d"], got["h"], got["f"], got["g"]) == (3, -4, 2, 2)  # floor division as for integers
    assert not any(isinstance(v, float) for v in got.values())


def test_rounding_is_half_away_from_zero() -> None:
    got = values_of("a = round(2.5)\nb = round(-2.5)\nc = round(2.675, 2)\nd = sig(9.996, 3)\nk = round(1234, -2)")
    assert (got["a"], got["b"], got["c"], got["d"], got["k"]) == (3, -3, Decimal("2.68"), Decimal("10.0"), 1200)


@pytest.mark.parametrize("x", ["0", "0.5", "-1.25", "3", "10", "-40", "123456.5"])
def test_trigonometry_in_decimal_matches_the_math_module(x: str) -> None:
    d = Decimal(x)
    for ours, theirs in ((dm.sin, math.sin), (dm.cos, math.cos), (dm.atan, math.atan), (dm.exp, math.exp)):
        if theirs is math.exp and abs(d) > 50:
            continue
        assert math.isclose(float(ours(d)), theirs(float(d)), rel_tol=1e-14, abs_tol=1e-15), (ours, x)
    if abs(d) <= 1:
        for ours, theirs in ((dm.asin, math.asin), (dm.acos, math.acos)):
            assert math.isclose(float(ours(d)), theirs(float(d)), rel_tol=1e-14, abs_tol=1e-15)
    assert math.isclose(float(dm.atan2(d, Decimal(-2))), math.atan2(float(d), -2), rel_tol=1e-14)


@pytest.mark.parametrize(("variables", "code"), [
    ("a = 1 / 0", "E806"), ("a = 5 // (2 - 2)", "E806"), ("a = 0 ** -1", "E806"),
    ("a = sqrt(-1)", "E805"), ("a = ln(0)", "E805"), ("a = asin(2)", "E805"), ("a = exp(5000)", "E805"),
    ("a = 10 ** 100", "E811"), ("a = factorial(500)", "E804"), ("a = 'x' * 3", "E804"),
    ("a = [1, 2][5]", "E804"), ("a = randint(5, 1)", "E804"), ("a = 'ab' + 'c' * 2", "E804"),
])
def test_evaluation_problems_have_their_codes(variables: str, code: str) -> None:
    block = parse_block([(1, variables)])
    assert not block.problems
    with pytest.raises(EvaluationError) as caught:
        Evaluator(block).values(b"key")
    assert caught.value.code == code and caught.value.message


# --- what an expression may not do ----------------------------------------------------------------

HOSTILE = [
    "a = ().__class__.__bases__[0].__subclasses__()",
    "a = __import__('os').system('echo hacked')",
    "a = open('/etc/passwd')",
    "a = (lambda: 1)()",
    "a = [x for x in [1, 2]]",
    "a = {'k': 1}",
    "a = f'{1}'",
    "a = eval('1')",
    "a = getattr(1, 'real')",
    "a = sqrt",
    "a = 'x'.upper()",
    "a = (b := 2)",
    "a = 4000000 ** 4000000 > 0",
    "a = 'x' + 'y' * 10 ** 9",
    "a = " + "(" * 300 + "1" + ")" * 300,
    "a = " + " + ".join(["1"] * 3000),
    "import os",
    "a, b = 1, 2",
    "a = 1; b = 2\nc = a ^ b",
    "_a = 1",
    "a = 1j",
]


@pytest.mark.parametrize("variables", HOSTILE, ids=range(len(HOSTILE)))
def test_an_expression_cannot_reach_python(tmp_path: Path, variables: str) -> None:
    body = varied("h", variables, "Show {{a}}.", "- = 1")
    bank, found = lint_file(write(tmp_path, body))
    codes = {d.code for d in found if d.is_error}
    assert codes & {"E801", "E803", "E804", "E811"}, [(d.code, d.message) for d in found]
    assert bank is not None and not bank.questions  # the question is refused, the bank still read


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "spec", "filters", "text", "latex"), [
    ("13.50", None, None, "13.5", "13.5"),
    ("2.675", ".2f", None, "2.68", "2.68"),
    ("2.665", None, "dp=2", "2.67", "2.67"),
    ("-0.001", ".2f", None, "0.00", "0.00"),
    ("1234.5", None, "sig=3", "1230", "1230"),
    ("0.0012345", None, "sig=3", "0.00123", "0.00123"),
    ("2.5", None, "sig=3", "2.50", "2.50"),
    ("1234567.891", ",.2f", None, "1,234,567.89", "1{,}234{,}567.89"),
    ("1234567.891", None, "sep=thin|dp=0", "1\u2009234\u2009568", "1\\,234\\,568"),
    ("0.0000123456", None, "sig=3|sci", "1.23 × 10⁻⁵", "1.23\\times 10^{-5}"),
    ("42", None, "sign", "+42", "+42"),
    ("0.04213", ".3e", None, "4.213e-2", "4.213\\times 10^{-2}"),
    ("1.380649e-23", None, None, "1.380649e-23", "1.380649\\times 10^{-23}"),
])
def test_values_are_shown_as_written(value: str, spec: str | None, filters: str | None, text: str,
                                     latex: str) -> None:
    fmt = parse_format(spec, filters)
    assert not isinstance(fmt, str), fmt
    assert show(Decimal(value), fmt, math=False).text == text
    assert show(Decimal(value), fmt, math=True).text == latex


def test_a_bad_format_is_named() -> None:
    assert "not a number format" in str(parse_format(".2q", None))
    assert "not a filter" in str(parse_format(None, "bold"))
    assert "cannot both" in str(parse_format(None, "dp=1|sig=2"))
    with pytest.raises(ValueError, match="text"):
        show("words", parse_format(".2f", None), math=False)  # type: ignore[arg-type]


# --- substitution in text -------------------------------------------------------------------------


def test_latex_braces_are_never_taken_for_substitutions(tmp_path: Path) -> None:
    text = (r"With $a = {{a}}$, $\frac{1}{{2}}$, $x^{{n}}$ and $x^{{a}}$; literal \{{a}} and `{{b}}` in code."
            "\n\n```text\n{{a}} and {{c}}\n```")
    bank, found = lint_file(write(tmp_path, varied("t", "a = randint(10, 99)", text, "- = {{a}}")))
    assert not [d for d in found if d.is_error], found
    assert bank is not None
    for question in bank.questions:
        assert isinstance(question, Numerical)
        a = format(question.answers[0].value, "f")
        source = question.stem.source
        assert f"$a = {{{a}}}$" in source and f"$x^{{{a}}}$" in source  # a variable, as a LaTeX group
        assert r"$\frac{1}{{2}}$" in source and "$x^{{n}}$" in source  # no variable: LaTeX's own braces
        assert r"\{{a}}" in source and "`{{b}}`" in source and "{{c}}" in source
        assert f"```text\n{a} and " in source  # a variable in code is still substituted


def test_an_undeclared_name_outside_math_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    _, found = lint_file(write(tmp_path, varied("t", "speed = randint(1, 9)", "Go {{sped}}.", "- = {{speed}}")))
    (diag,) = [d for d in found if d.code == "E803"]
    assert (diag.line, diag.col) == (12, 4) and "speed" in (diag.hint or "")


def test_problems_in_a_variant_point_at_the_source_column(tmp_path: Path) -> None:
    text = r"Solve $\sqrt{ {{a}} } + \frac{ {{a}} }$ now."
    _, found = lint_file(write(tmp_path, varied("t", "a = randint(100, 999)", text, "- = {{a}}")))
    (diag,) = [d for d in found if d.code == "E501"]
    assert (diag.line, diag.col) == (12, 25)  # the \frac as the author wrote it, whatever the value's width


def test_a_problem_in_some_variants_names_the_first_and_its_values(tmp_path: Path) -> None:
    body = varied("t", "a = randint(0, 3)\nb = 6 / a", "{{b}}", "- = {{b}}", count=12)
    _, found = lint_file(write(tmp_path, body))
    (diag,) = [d for d in found if d.code == "E806"]
    assert (diag.line, diag.col) == (10, 5)
    assert "variants, first variant" in diag.message and "(a=0)" in diag.message


def test_duplicates_are_redrawn_and_a_shortfall_is_reported(tmp_path: Path) -> None:
    bank, found = lint_file(write(tmp_path, varied("t", "a = randint(1, 12)", "{{a}}?", "- = {{a}}", count=12)))
    assert bank is not None and not any(d.code == "W802" for d in found)
    assert sorted(str(q.answers[0].value) for q in bank.questions if isinstance(q, Numerical)) == \
        sorted(str(k) for k in range(1, 13))  # twelve draws from twelve values: all of them, redrawn
    _, found = lint_file(write(tmp_path, varied("t", "a = randint(1, 3)", "{{a}}?", "- = {{a}}", count=5)))
    (diag,) = [d for d in found if d.code == "W802"]
    assert "only 3 of the 5" in diag.message


def test_variant_ids_titles_points_and_pool(tmp_path: Path) -> None:
    body = "# Section {#sec points=3}\n\n" + varied("ohm", "R = randint(1, 99)", "R is {{R}}.", "- = {{R}}",
                                                  count=12)
    bank, found = lint_file(write(tmp_path, body))
    assert bank is not None and not [d for d in found if d.is_error]
    assert [q.id for q in bank.questions] == [f"ohm-{k:02d}" for k in range(1, 13)]
    assert [q.title for q in bank.questions][:2] == ["Ohm (v01)", "Ohm (v02)"]
    assert {q.points for q in bank.questions} == {Decimal(3)}  # the section's points= reach the variants
    (group,) = [g for g in bank.groups if g.kind == "variants"]
    assert (group.id, group.pick, group.parent, group.title) == ("ohm", 1, "sec", "Ohm")
    assert {q.group for q in bank.questions} == {"ohm"}


def test_a_clash_of_a_variant_id_is_an_error(tmp_path: Path) -> None:
    body = varied("ohm", "R = randint(1, 99)", "{{R}}", "- = {{R}}") + "## Other {#ohm-03}\n\nX?\n\n- = 1\n"
    _, found = lint_file(write(tmp_path, body))
    assert [d.code for d in found if d.is_error] == ["E202"]


def test_computed_distractors_equal_to_the_answer_are_caught_in_the_variants_that_have_them(
        tmp_path: Path) -> None:
    answers = "- (x) {{= a * b}}\n- ( ) {{= a + b}}\n- ( ) {{= a - b}}"
    bank, found = lint_file(write(tmp_path, varied("t", "a = randint(1, 4)\nb = randint(1, 4)", "{{a}}, {{b}}",
                                                   answers, count=10)))
    e709 = [d for d in found if d.code == "E809"]
    assert e709 and "variant" in e709[0].message  # a * b == a + b when a = b = 2
    assert bank is not None and not [q for q in bank.questions if isinstance(q, MultipleChoice)]


def test_the_banks_evaluation_budget_is_counted_not_timed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qbank.variants import limits

    body = varied("a", "x = randint(1, 999)\ny = sin(x) ** 2", "{{y:.3f}}", "- = {{y:.3f}} ± 0.001", count=10)
    bank, found = lint_file(write(tmp_path, body))
    assert bank is not None and len(bank.questions) == 10
    monkeypatch.setattr(limits, "MAX_BANK_WORK", 500)  # the ten variants need about 10 × 100 units
    _, found = lint_file(write(tmp_path, body))
    (diag,) = [d for d in found if d.code == "E811"]
    assert (diag.line, diag.col) == (9, 1) and "more evaluation than qbank allows" in diag.message


def test_the_build_plans_a_varied_bank_by_its_variants(tmp_path: Path) -> None:
    from qbank.build.plan import plan_banks

    question = varied("a", "x = randint(1, 9)", "{{x}}", "- = {{x}}", count=20)
    path = write(tmp_path, question + "## Plain {#p}\n\nP?\n\n- = 1\n")
    (job,) = plan_banks([str(path)], tmp_path)
    plain = len(path.read_bytes())
    assert job.size == plain + len(question.encode()) * 19  # the varied question, 20 times in all
